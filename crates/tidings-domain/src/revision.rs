//! Revisions: every save of an article keeps its text (headline, standfirst, excerpt and
//! body) with who saved it and when, so any two can be compared word by word and any one
//! restored. Autosaves are revisions too, one per editor and article, replaced each minute.

use crate::ids::{ArticleId, RevisionId, UserId};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: RevisionId,
    pub article_id: ArticleId,
    pub author_id: Option<UserId>,
    /// The saver's display name when it was read, if the account still exists.
    pub author_name: Option<String>,
    pub created_at: OffsetDateTime,
    /// Saved by the editor's page on its own while someone was writing, not by a Save.
    pub autosave: bool,
    pub text: RevisionText,
}

/// What a revision keeps of an article: the parts readers read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevisionText {
    pub title: String,
    pub subtitle: String,
    pub excerpt: String,
    pub body_markdown: String,
}

/// One run of a word-level comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    /// "same", "added" or "removed".
    pub change: &'static str,
    pub text: String,
}

/// The comparison of one field between two revisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: &'static str,
    pub changed: bool,
    pub parts: Vec<DiffPart>,
}

/// Word by word, what changed from `old` to `new`: unchanged runs, removed runs and added
/// runs in reading order, neighbours of the same kind joined.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_words(old, new);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => "same",
            ChangeTag::Delete => "removed",
            ChangeTag::Insert => "added",
        };
        match parts.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => parts.push(DiffPart {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    parts
}

/// Every field of two revisions compared, in the editor's order.
pub fn compare(old: &RevisionText, new: &RevisionText) -> Vec<FieldDiff> {
    [
        ("Title", &old.title, &new.title),
        ("Standfirst", &old.subtitle, &new.subtitle),
        ("Excerpt", &old.excerpt, &new.excerpt),
        ("Body", &old.body_markdown, &new.body_markdown),
    ]
    .into_iter()
    .map(|(field, old, new)| FieldDiff {
        field,
        changed: old != new,
        parts: word_diff(old, new),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(parts: &[DiffPart]) -> String {
        parts
            .iter()
            .map(|part| match part.change {
                "added" => format!("[+{}]", part.text),
                "removed" => format!("[-{}]", part.text),
                _ => part.text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_word_diff_marks_what_was_removed_and_added() {
        let parts = word_diff(
            "The council voted on Tuesday to close the bridge.",
            "The council voted on Wednesday to close the old bridge.",
        );
        assert_eq!(
            rendered(&parts),
            "The council voted on [-Tuesday][+Wednesday] to close the [+old ]bridge."
        );
        assert_eq!(rendered(&word_diff("same", "same")), "same");
        assert_eq!(rendered(&word_diff("", "new text")), "[+new text]");
    }

    #[test]
    fn comparing_revisions_says_which_fields_changed() {
        let old = RevisionText {
            title: "Bridge closes".into(),
            body_markdown: "Closed.".into(),
            ..RevisionText::default()
        };
        let new = RevisionText {
            title: "Bridge closes".into(),
            body_markdown: "Closed for repairs.".into(),
            ..RevisionText::default()
        };
        let changed: Vec<_> = compare(&old, &new)
            .into_iter()
            .filter(|field| field.changed)
            .map(|field| field.field)
            .collect();
        assert_eq!(changed, ["Body"]);
    }
}
