//! The rules of a news site, with no I/O: articles and their permalinks, comments and what
//! makes one acceptable, the moderation decision, and turning what people type into HTML
//! that is safe to show.
//!
//! This crate must not depend on a database, an HTTP stack, an async runtime or the clock:
//! the current time and any secret are passed in, so every rule here is a plain function
//! tested by table. `SafeHtml` can only be built by the renderers in [`text`].

pub mod access;
pub mod article;
pub mod avatar;
pub mod comment;
pub mod correction;
pub mod date_archive;
pub mod discussion;
pub mod disqus;
pub mod editorial;
pub mod email;
pub mod ids;
pub mod import;
pub mod media;
pub mod revision;
pub mod search;
pub mod second_factor;
pub mod sitemap;
pub mod spam_filter;
pub mod term;
pub mod text;
pub mod user;
pub mod webhook;
pub mod wordpress;

pub use article::{Article, ArticleInput, ArticleKind, ArticleStatus, InvalidArticle, Slug};
pub use comment::{
    Comment, CommentKind, CommentStatus, FieldErrors, ModerationAction, NewComment, RawSubmission,
    Transition, thread,
};
pub use discussion::{DiscussionSettings, Verdict, VerdictReason, decide};
pub use ids::{ArticleId, CommentId, CorrectionId, RevisionId, TermId, UserId};
pub use media::{Media, MediaAddress, MediaFormat, MediaKey};
pub use term::{Taxonomy, Term};
pub use text::SafeHtml;
pub use user::{Author, Capability, Role, User};
