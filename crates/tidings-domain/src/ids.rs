//! Identifiers as newtypes, so handing a comment id where an article id is expected is a
//! type error rather than a wrong row.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(formatter)
            }
        }
    };
}

id_type!(
    /// An article's id; also its WordPress post id, so `/?p=ID` keeps working after import.
    ArticleId
);
id_type!(
    /// A comment's id; it is public, as the `#comment-ID` anchor.
    CommentId
);
id_type!(
    /// A saved version of an article's text.
    RevisionId
);
id_type!(
    /// A correction note on an article.
    CorrectionId
);
id_type!(
    /// A section's or tag's id.
    TermId
);
id_type!(
    /// A user account's id (editors and moderators; commenters have no account).
    UserId
);
