//! Corrections: a dated note an editor adds to a published article when it got something
//! wrong ("An earlier version of this article misstated…"). Readers trust a site that says
//! so; the note is shown at the end of the article, listed on the public corrections page,
//! carried in the feed and in the article's `dateModified`.

use crate::ids::{ArticleId, CorrectionId, RevisionId};
use crate::text;
use time::OffsetDateTime;

/// The most characters of one correction note.
pub const MAX_CORRECTION_CHARS: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub id: CorrectionId,
    pub article_id: ArticleId,
    /// The revision of the article current when the note was added.
    pub revision_id: Option<RevisionId>,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// Checks a note as typed: its text, cleaned, or the message shown beside the field.
pub fn check_note(typed: &str) -> Result<String, String> {
    let body = text::clean_text(typed.trim());
    if text::is_invisible_text(&body) {
        return Err("Please write the correction.".into());
    }
    if body.chars().count() > MAX_CORRECTION_CHARS {
        return Err(format!(
            "The correction is too long: at most {MAX_CORRECTION_CHARS} characters."
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_needs_words_and_has_a_limit() {
        assert!(check_note("  \u{200b} ").is_err());
        assert!(check_note(&"x".repeat(MAX_CORRECTION_CHARS + 1)).is_err());
        assert_eq!(
            check_note("  An earlier version misstated the date.\r\n").unwrap(),
            "An earlier version misstated the date."
        );
    }
}
