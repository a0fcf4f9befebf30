//! Reader comments, by family: submitting one (`submitting`), what its author's signed
//! link allows (`author_links`), what moderators do and readers report (`moderation`), and
//! personal data (`personal_data`).

mod author_links;
mod moderation;
mod personal_data;
mod submitting;

pub use author_links::*;
pub use moderation::*;
pub use personal_data::*;
pub use submitting::*;
