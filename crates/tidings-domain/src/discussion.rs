//! The discussion settings and the moderation decision for a new comment.
//!
//! The decision is a pure function of the comment, the settings and one fact about the
//! commenter's history, and returns the reason with the status, which moderators see in the
//! queue (WordPress decides silently).

use crate::comment::{CommentStatus, NewComment};
use crate::text::{SafeHtml, strip_tags};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The site-wide rules for comments, edited on the admin's discussion settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscussionSettings {
    /// Comment author must fill out name and email.
    pub require_name_email: bool,
    /// Every comment waits for a moderator.
    pub manual_approval: bool,
    /// A comment waits unless its author (same name and email) has an approved comment.
    pub require_previously_approved: bool,
    /// Hold a comment with this many links or more; 0 turns the rule off.
    pub max_links: u32,
    /// One word or phrase a line; a comment containing one (in its name, email, website,
    /// text, IP or user agent, any case) waits for a moderator.
    pub moderation_words: String,
    /// The same matching; a comment containing one goes to spam.
    pub disallowed_words: String,
    /// Minimum seconds between two comments from one IP address or email; 0 turns it off.
    pub flood_interval_seconds: u32,
    /// How deep replies nest on the page; deeper replies show at this depth.
    pub thread_depth: u32,
}

impl Default for DiscussionSettings {
    /// WordPress's defaults.
    fn default() -> Self {
        DiscussionSettings {
            require_name_email: true,
            manual_approval: false,
            require_previously_approved: true,
            max_links: 2,
            moderation_words: String::new(),
            disallowed_words: String::new(),
            flood_interval_seconds: 15,
            thread_depth: 5,
        }
    }
}

/// The most thread depth a setting may ask for, as in WordPress's settings screen.
pub const MAX_THREAD_DEPTH: u32 = 10;

/// Everything the decision looks at besides the settings.
pub struct Candidate<'a> {
    pub comment: &'a NewComment,
    /// The comment text as it will be shown, to count links the way readers see them.
    pub rendered: &'a SafeHtml,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// Whether an approved comment exists with exactly this name and email.
    pub previously_approved: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: CommentStatus,
    pub reason: VerdictReason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerdictReason {
    DisallowedWord(String),
    TooManyLinks(usize),
    ModerationWord(String),
    ManualApproval,
    FirstComment,
    PassedChecks,
}

impl fmt::Display for VerdictReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerdictReason::DisallowedWord(word) => {
                write!(formatter, "contains the disallowed word “{word}”")
            }
            VerdictReason::TooManyLinks(count) => write!(formatter, "contains {count} links"),
            VerdictReason::ModerationWord(word) => {
                write!(formatter, "contains the moderation word “{word}”")
            }
            VerdictReason::ManualApproval => {
                formatter.write_str("every comment is approved by hand")
            }
            VerdictReason::FirstComment => {
                formatter.write_str("first comment from this name and email")
            }
            VerdictReason::PassedChecks => formatter.write_str("passed every check"),
        }
    }
}

/// Decides a new comment's status in WordPress's order: disallowed words send it to spam;
/// too many links or a moderation word, manual approval, or a first-time commenter hold it
/// for moderation; otherwise it is approved.
pub fn decide(candidate: &Candidate<'_>, settings: &DiscussionSettings) -> Verdict {
    let comment = candidate.comment;
    let visible_text = strip_tags(&comment.content);
    let fields = [
        comment.author_name.as_str(),
        comment.author_email.as_str(),
        comment.author_url.as_str(),
        comment.content.as_str(),
        visible_text.as_str(),
        candidate.ip,
        candidate.user_agent,
    ];
    let verdict = |status, reason| Verdict { status, reason };

    if let Some(word) = first_match(&settings.disallowed_words, &fields) {
        return verdict(CommentStatus::Spam, VerdictReason::DisallowedWord(word));
    }
    let links = candidate.rendered.link_count();
    if settings.max_links > 0 && links >= settings.max_links as usize {
        return verdict(CommentStatus::Pending, VerdictReason::TooManyLinks(links));
    }
    if let Some(word) = first_match(&settings.moderation_words, &fields) {
        return verdict(CommentStatus::Pending, VerdictReason::ModerationWord(word));
    }
    if settings.manual_approval {
        return verdict(CommentStatus::Pending, VerdictReason::ManualApproval);
    }
    if settings.require_previously_approved
        && (comment.author_name.is_empty()
            || comment.author_email.is_empty()
            || !candidate.previously_approved)
    {
        return verdict(CommentStatus::Pending, VerdictReason::FirstComment);
    }
    verdict(CommentStatus::Approved, VerdictReason::PassedChecks)
}

/// The first word of a one-per-line list found in any field, ignoring case.
fn first_match(list: &str, fields: &[&str]) -> Option<String> {
    let lowered: Vec<String> = fields.iter().map(|field| field.to_lowercase()).collect();
    list.lines()
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .find(|word| {
            let word = word.to_lowercase();
            lowered.iter().any(|field| field.contains(&word))
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArticleId;
    use crate::text::render_comment;

    fn comment(content: &str) -> NewComment {
        NewComment {
            article_id: ArticleId(1),
            parent_id: None,
            author_name: "Ada".into(),
            author_email: "ada@example.com".into(),
            author_url: String::new(),
            content: content.into(),
        }
    }

    fn check(
        content: &str,
        previously_approved: bool,
        settings: &DiscussionSettings,
        expected: (CommentStatus, VerdictReason),
    ) {
        let comment = comment(content);
        let rendered = render_comment(&comment.content);
        let candidate = Candidate {
            comment: &comment,
            rendered: &rendered,
            ip: "203.0.113.9",
            user_agent: "TestBrowser/1.0",
            previously_approved,
        };
        let verdict = decide(&candidate, settings);
        assert_eq!((verdict.status, verdict.reason), expected, "{content:?}");
    }

    #[test]
    fn decisions_follow_wordpress_order() {
        use CommentStatus::*;
        use VerdictReason::*;
        let defaults = DiscussionSettings::default();
        let words = DiscussionSettings {
            moderation_words: "casino\n\n".into(),
            disallowed_words: " Viagra \n".into(),
            ..DiscussionSettings::default()
        };
        let agent = DiscussionSettings {
            disallowed_words: "testbrowser".into(),
            ..words.clone()
        };
        let open = DiscussionSettings {
            require_previously_approved: false,
            ..DiscussionSettings::default()
        };
        let manual = DiscussionSettings {
            manual_approval: true,
            ..open.clone()
        };
        let no_link_limit = DiscussionSettings {
            max_links: 0,
            ..open.clone()
        };

        check("hello", true, &defaults, (Approved, PassedChecks));
        check("hello", false, &defaults, (Pending, FirstComment));
        check("hello", false, &open, (Approved, PassedChecks));
        check("hello", true, &manual, (Pending, ManualApproval));
        check(
            "one https://a.example/ link",
            true,
            &defaults,
            (Approved, PassedChecks),
        );
        check(
            "https://a.example/ https://b.example/",
            true,
            &defaults,
            (Pending, TooManyLinks(2)),
        );
        check(
            "https://a.example/ https://b.example/",
            true,
            &no_link_limit,
            (Approved, PassedChecks),
        );
        check(
            "CASINO night",
            true,
            &words,
            (Pending, ModerationWord("casino".into())),
        );
        // A disallowed word wins over everything, and the user agent is matched too.
        check(
            "buy VIAGRA",
            true,
            &words,
            (Spam, DisallowedWord("Viagra".into())),
        );
        check("hello", true, &words, (Approved, PassedChecks));
        check(
            "CASINO",
            true,
            &agent,
            (Spam, DisallowedWord("testbrowser".into())),
        );
        let tags_split = DiscussionSettings {
            disallowed_words: "viagra".into(),
            ..open.clone()
        };
        check(
            "v<b></b>iagra",
            true,
            &tags_split,
            (Spam, DisallowedWord("viagra".into())),
        );
    }

    #[test]
    fn previously_approved_needs_name_and_email() {
        let settings = DiscussionSettings {
            require_name_email: false,
            ..DiscussionSettings::default()
        };
        let mut anonymous = comment("hi");
        anonymous.author_email.clear();
        let rendered = render_comment("hi");
        let candidate = Candidate {
            comment: &anonymous,
            rendered: &rendered,
            ip: "",
            user_agent: "",
            previously_approved: true,
        };
        assert_eq!(
            decide(&candidate, &settings).reason,
            VerdictReason::FirstComment
        );
    }
}
