//! Reader comments: checking a submission, the statuses a comment moves through under
//! moderation, and arranging approved comments into threads.

use crate::email;
use crate::ids::{ArticleId, CommentId};
use crate::text::{self, SafeHtml};
use serde::Serialize;
use time::OffsetDateTime;

mod moderation;
mod thread;

pub use moderation::{ModerationAction, Transition};
pub use thread::{ThreadNode, thread};

/// Limits from WordPress's columns, counted in characters so a reader writing in Greek or
/// Japanese gets as many letters as one writing in English.
pub const MAX_NAME_CHARS: usize = 245;
pub use crate::email::MAX_EMAIL_CHARS;
pub const MAX_URL_CHARS: usize = 200;
pub const MAX_COMMENT_CHARS: usize = 65_525;
/// WordPress cuts user agents to 254 characters, silently: they are evidence, not content.
pub const MAX_USER_AGENT_CHARS: usize = 254;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
    Trash,
}

impl CommentStatus {
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Spam,
        CommentStatus::Trash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        CommentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// What a comment is: a reader's comment, or a notice from another site that it linked
/// here (WordPress's pingbacks and trackbacks, which come only by import: tidings neither
/// sends nor receives them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentKind {
    #[default]
    Comment,
    Pingback,
    Trackback,
}

impl CommentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentKind::Comment => "comment",
            CommentKind::Pingback => "pingback",
            CommentKind::Trackback => "trackback",
        }
    }

    pub fn parse(value: &str) -> Option<CommentKind> {
        [
            CommentKind::Comment,
            CommentKind::Pingback,
            CommentKind::Trackback,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == value)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    /// Private: for moderators only, never in a public response.
    pub author_email: String,
    pub author_url: String,
    pub content: String,
    pub status: CommentStatus,
    /// The status before it went to spam or trash, so "not spam" and "restore" put it back.
    pub status_before: Option<CommentStatus>,
    /// Why the moderation decision came out as it did, for moderators.
    pub moderation_reason: String,
    /// Private: for moderators only.
    pub ip: String,
    /// Private: for moderators only.
    pub user_agent: String,
    pub created_at: OffsetDateTime,
    /// The content as rendered when it was written; `None` when it has not been yet.
    pub content_html: Option<SafeHtml>,
    /// Names the commenter's avatar without revealing their email; `None` for comments
    /// written before avatars.
    pub avatar_key: Option<String>,
    pub kind: CommentKind,
}

/// The comment form as posted, every field a string exactly as received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSubmission {
    pub article_id: String,
    pub parent_id: String,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub content: String,
}

/// A submission whose fields passed every check that needs nothing but the fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub content: String,
}

/// Messages for the fields that failed, in form order, keyed by the form's field names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0
            .iter()
            .map(|(field, message)| (*field, message.as_str()))
    }
}

impl RawSubmission {
    /// Checks the fields alone, in WordPress's order, collecting every error at once so the
    /// reader fixes everything in one round.
    pub fn validate(&self, require_name_and_email: bool) -> Result<NewComment, FieldErrors> {
        let mut errors = FieldErrors::default();
        let content = text::clean_text(&self.content);
        let mut author_name = text::clean_line(&self.author_name);
        if text::is_invisible_text(&author_name) {
            author_name.clear();
        }
        let author_email = email::normalise_email(&text::clean_line(&self.author_email));
        let author_url = text::clean_line(&self.author_url);

        if content.chars().count() > MAX_COMMENT_CHARS {
            errors.add(
                "comment",
                format!("Your comment is too long: at most {MAX_COMMENT_CHARS} characters."),
            );
        } else if let Some(problem) = text::comment_markup_problem(&content) {
            errors.add(
                "comment",
                format!("Your comment has more markup than this site accepts: {problem}."),
            );
        } else if text::shows_nothing(&content) {
            errors.add("comment", "Please type your comment text.");
        }
        if author_name.is_empty() && require_name_and_email {
            errors.add("author", "Please enter your name.");
        } else if author_name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "author",
                format!("Your name is too long: at most {MAX_NAME_CHARS} characters."),
            );
        }
        if author_email.is_empty() {
            if require_name_and_email {
                errors.add("email", "Please enter your email address.");
            }
        } else if author_email.chars().count() > MAX_EMAIL_CHARS {
            errors.add(
                "email",
                format!("Your email address is too long: at most {MAX_EMAIL_CHARS} characters."),
            );
        } else if !email::is_valid_email(&author_email) {
            errors.add(
                "email",
                "Please enter a valid email address, like name@example.com.",
            );
        }
        let author_url = if author_url.is_empty() {
            Some(String::new())
        } else if author_url.chars().count() > MAX_URL_CHARS {
            errors.add(
                "url",
                format!("Your website address is too long: at most {MAX_URL_CHARS} characters."),
            );
            None
        } else {
            let normalised = normalise_website(&author_url);
            if normalised.is_none() {
                errors.add(
                    "url",
                    "Please enter a website address starting with http:// or https://.",
                );
            }
            normalised
        };

        let article_id = self
            .article_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0);
        if article_id.is_none() {
            errors.add(
                "comment_post_ID",
                "This comment form does not name an article.",
            );
        }
        let parent_id = match self.parent_id.trim() {
            "" | "0" => Some(None),
            value => value
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| Some(CommentId(id))),
        };
        if parent_id.is_none() {
            errors.add(
                "comment_parent",
                "The comment you are replying to is not valid.",
            );
        }

        match (errors.is_empty(), article_id, parent_id, author_url) {
            (true, Some(article_id), Some(parent_id), Some(author_url)) => Ok(NewComment {
                article_id: ArticleId(article_id),
                parent_id,
                author_name,
                author_email,
                author_url,
                content,
            }),
            _ => Err(errors),
        }
    }
}

/// An http(s) URL with a host, adding `http://` when the reader typed just a domain, as
/// WordPress does. Anything else (`javascript:`, `data:`, relative paths) is refused.
pub fn normalise_website(input: &str) -> Option<String> {
    // A backslash is never part of an address a reader means: URL parsers read `\\host\x`
    // as `//host/x`, a link to a host the reader never typed.
    if input.starts_with("//") || input.contains('\\') || input.chars().any(char::is_whitespace) {
        return None;
    }
    // Without `://`, `javascript:x` becomes `http://javascript:x`, which has no valid port
    // and so fails to parse: one rule covers both "forgot the scheme" and "wrong scheme".
    let candidate = if input.contains("://") {
        input.to_owned()
    } else {
        format!("http://{input}")
    };
    let url = url::Url::parse(&candidate).ok()?;
    let acceptable = matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url
            .host_str()
            .is_some_and(|host| host.contains('.') || host == "localhost");
    acceptable.then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission() -> RawSubmission {
        RawSubmission {
            article_id: "1".into(),
            parent_id: "0".into(),
            author_name: "Ada".into(),
            author_email: "ada@example.com".into(),
            author_url: String::new(),
            content: "Hello".into(),
        }
    }

    fn errors_for(change: impl FnOnce(&mut RawSubmission), require: bool) -> Vec<&'static str> {
        let mut raw = submission();
        change(&mut raw);
        match raw.validate(require) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|(field, _)| field).collect(),
        }
    }

    #[test]
    fn what_shows_nothing_counts_as_empty() {
        for blank in [
            "\u{200B}\u{200B}",
            "\u{3164}",
            "&nbsp;&nbsp;",
            "<p></p>",
            "<b> </b><i>\u{FEFF}</i>",
            "<script>alert(1)</script>",
            "&#8203;",
        ] {
            assert_eq!(
                errors_for(|r| r.content = blank.into(), true),
                ["comment"],
                "{blank:?}"
            );
        }
        for name in ["\u{200B}", "\u{3164}\u{3164}", "\u{115F}", "\u{2800}"] {
            assert_eq!(
                errors_for(|r| r.author_name = name.into(), true),
                ["author"],
                "{name:?}"
            );
        }
        assert!(errors_for(|r| r.content = "<p>x</p>".into(), true).is_empty());
    }

    #[test]
    fn names_lose_direction_overrides_and_addresses_their_domain_case() {
        let mut raw = submission();
        raw.author_name = "Ada\u{202E}txt.exe".into();
        raw.author_email = " Ada@Example.COM ".into();
        let comment = raw.validate(true).unwrap();
        assert_eq!(comment.author_name, "Adatxt.exe");
        assert_eq!(comment.author_email, "Ada@example.com");
    }

    #[test]
    fn each_field_is_checked() {
        assert_eq!(errors_for(|_| {}, true), Vec::<&str>::new());
        assert_eq!(
            errors_for(|r| r.content = "  \n ".into(), true),
            ["comment"]
        );
        assert_eq!(errors_for(|r| r.author_name = " ".into(), true), ["author"]);
        assert_eq!(
            errors_for(|r| r.author_name = " ".into(), false),
            Vec::<&str>::new()
        );
        assert_eq!(
            errors_for(|r| r.author_email = String::new(), true),
            ["email"]
        );
        assert_eq!(
            errors_for(|r| r.author_email = String::new(), false),
            Vec::<&str>::new()
        );
        assert_eq!(
            errors_for(|r| r.author_email = "not-an-email".into(), false),
            ["email"]
        );
        assert_eq!(
            errors_for(|r| r.author_url = "javascript:alert(1)".into(), true),
            ["url"]
        );
        assert_eq!(
            errors_for(|r| r.article_id = "x".into(), true),
            ["comment_post_ID"]
        );
        assert_eq!(
            errors_for(|r| r.parent_id = "-3".into(), true),
            ["comment_parent"]
        );
        assert_eq!(
            errors_for(
                |r| {
                    r.content.clear();
                    r.author_name.clear();
                    r.author_email.clear()
                },
                true
            ),
            ["comment", "author", "email"]
        );
    }

    #[test]
    fn limits_are_exact() {
        let at = |n: usize| "é".repeat(n);
        assert!(errors_for(|r| r.author_name = at(MAX_NAME_CHARS), true).is_empty());
        assert_eq!(
            errors_for(|r| r.author_name = at(MAX_NAME_CHARS + 1), true),
            ["author"]
        );
        assert!(errors_for(|r| r.content = at(MAX_COMMENT_CHARS), true).is_empty());
        assert_eq!(
            errors_for(|r| r.content = at(MAX_COMMENT_CHARS + 1), true),
            ["comment"]
        );
        let email = |n: usize| format!("{}@{}.example.com", "a".repeat(40), "b".repeat(n - 53));
        assert!(errors_for(|r| r.author_email = email(MAX_EMAIL_CHARS), true).is_empty());
        assert_eq!(
            errors_for(|r| r.author_email = email(MAX_EMAIL_CHARS + 1), true),
            ["email"]
        );
        let url = |n: usize| format!("https://example.com/{}", "a".repeat(n - 20));
        assert!(errors_for(|r| r.author_url = url(MAX_URL_CHARS), true).is_empty());
        assert_eq!(
            errors_for(|r| r.author_url = url(MAX_URL_CHARS + 1), true),
            ["url"]
        );
    }

    #[test]
    fn websites_must_be_http() {
        let check = |input: &str, expected: Option<&str>| {
            assert_eq!(normalise_website(input).as_deref(), expected, "{input}");
        };
        check("https://example.com/a", Some("https://example.com/a"));
        check("example.com", Some("http://example.com/"));
        check("javascript:alert(1)", None);
        check("data:text/html,x", None);
        check("ftp://example.com", None);
        check("https://", None);
        check("http://exa mple.com", None);
        check("//evil.example", None);
        check("mailto:ada@example.com", None);
        check("https://user:pw@example.com/", None);
        check("example.com:8080/x", Some("http://example.com:8080/x"));
        check("\\\\evil.example\\share", None);
        check("http:\\\\evil.example", None);
        check("https://example.com\\@evil.example/", None);
    }

    #[test]
    fn names_are_one_line_and_text_loses_control_characters() {
        let mut raw = submission();
        raw.author_name = " Ada\n  Lovelace\u{0} ".into();
        raw.content = "a\r\nb\u{0}c\u{7}".into();
        let valid = raw.validate(true).unwrap();
        assert_eq!(valid.author_name, "Ada Lovelace");
        assert_eq!(valid.content, "a\nbc");
    }
}
