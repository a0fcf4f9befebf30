//! Articles: what an editor writes, where it lives (its WordPress-style permalink), and
//! whether readers may comment on it.

use crate::ids::{ArticleId, UserId};
use crate::text::{self, SafeHtml};
use serde::Serialize;
use std::fmt;
use time::OffsetDateTime;

/// The most characters a title may have; WordPress has no limit, but a headline longer than
/// this is a paste accident, not a headline.
pub const MAX_TITLE_CHARS: usize = 300;
/// The most characters a slug may have (WordPress's `post_name` column holds 200).
pub const MAX_SLUG_CHARS: usize = 200;
/// The most bytes of Markdown in one article body (a long feature is under 200 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(ArticleStatus::Draft),
            "published" => Some(ArticleStatus::Published),
            _ => None,
        }
    }
}

/// An article's state as the admin shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    Draft,
    Scheduled,
    Published,
}

impl ArticleState {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Scheduled => "scheduled",
            ArticleState::Published => "published",
        }
    }
}

/// The last part of an article's URL: lowercase letters and digits joined by single
/// hyphens. Made from a title, it is Latin (a title in any script is transliterated, so it
/// stays readable in a link and a search result instead of percent-encoded); typed by an
/// editor, it keeps the script it was typed in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Makes a slug from a title, transliterated to Latin letters ("Лавров в Пекине" gives
    /// `lavrov-v-pekine`, "北京" gives `bei-jing`); `None` when nothing readable is left.
    pub fn from_title(title: &str) -> Option<Slug> {
        // Apostrophes join rather than split: "Don't" is `dont`, as WordPress makes it. Only
        // letters and digits are transliterated: an emoji's name is not part of a title.
        let joined: String = title
            .chars()
            .filter(|character| !matches!(character, '\'' | '’'))
            .map(|character| {
                if character.is_alphanumeric() {
                    character
                } else {
                    ' '
                }
            })
            .collect();
        let latin = deunicode::deunicode_with_tofu(&joined, " ");
        Slug::from_words(&latin)
    }

    /// Accepts a slug typed by an editor, in any script: letters are lower-cased, and any
    /// run of spaces, punctuation or slashes becomes one hyphen. `None` when no letter or
    /// digit is left.
    pub fn parse(value: &str) -> Option<Slug> {
        Slug::from_words(value)
    }

    fn from_words(text: &str) -> Option<Slug> {
        let mut slug = String::with_capacity(text.len());
        let mut pending_hyphen = false;
        for character in text.chars() {
            if character.is_alphanumeric() {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.extend(character.to_lowercase());
            } else {
                pending_hyphen = true;
            }
        }
        let truncated: String = slug.chars().take(MAX_SLUG_CHARS).collect();
        let trimmed = truncated.trim_end_matches('-');
        (!trimmed.is_empty()).then(|| Slug(trimmed.to_owned()))
    }

    /// The same slug with `-N` appended, for when the plain one is taken.
    pub fn with_suffix(&self, number: u32) -> Slug {
        Slug(format!("{}-{number}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub slug: Slug,
    pub title: String,
    pub body_markdown: String,
    pub status: ArticleStatus,
    /// The date shown in the byline and used in the permalink; set when first published.
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub author_id: Option<UserId>,
    pub comments_open: bool,
}

impl Article {
    /// The WordPress "Month and name" permalink, `/YYYY/MM/slug/`.
    pub fn permalink(&self) -> String {
        permalink(self.published_at, &self.slug)
    }

    pub fn body_html(&self) -> SafeHtml {
        text::render_markdown(&self.body_markdown)
    }

    /// WordPress's default excerpt length is 55 words.
    pub fn excerpt(&self) -> String {
        text::excerpt_from_markdown(&self.body_markdown, 55)
    }

    /// Where it stands at `now`, as the admin lists it: a published article dated in the
    /// future is scheduled, and becomes public at its minute on every node, with no job to
    /// run (every read compares its date with the clock).
    pub fn state(&self, now: OffsetDateTime) -> ArticleState {
        match self.status {
            ArticleStatus::Draft => ArticleState::Draft,
            ArticleStatus::Published if self.published_at > now => ArticleState::Scheduled,
            ArticleStatus::Published => ArticleState::Published,
        }
    }

    /// Whether readers can see it at `now`: published, and not dated in the future.
    pub fn is_public(&self, now: OffsetDateTime) -> bool {
        self.status == ArticleStatus::Published && self.published_at <= now
    }

    /// Whether a reader may comment on it at `now`, when the site closes comments
    /// `close_after_days` after publication (0: never).
    pub fn accepts_comments(&self, now: OffsetDateTime, close_after_days: u32) -> bool {
        self.is_public(now)
            && self.comments_open
            && self
                .comments_close_at(close_after_days)
                .is_none_or(|closes| now < closes)
    }

    /// When age closes comments on it, if the site closes comments on old articles. The
    /// stored flag is left alone, as WordPress does: shortening the setting reopens nothing
    /// it did not close.
    pub fn comments_close_at(&self, close_after_days: u32) -> Option<OffsetDateTime> {
        (close_after_days > 0)
            .then(|| self.published_at + time::Duration::days(i64::from(close_after_days)))
    }
}

pub fn permalink(published_at: OffsetDateTime, slug: &Slug) -> String {
    format!(
        "/{:04}/{:02}/{}/",
        published_at.year(),
        u8::from(published_at.month()),
        slug
    )
}

/// What an editor submits when creating or editing an article, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct ArticleInput {
    pub title: String,
    /// Empty means "make one from the title".
    pub slug: String,
    pub body_markdown: String,
    pub status: Option<ArticleStatus>,
    pub published_at: Option<OffsetDateTime>,
    pub comments_open: bool,
}

/// A checked article, ready to be stored.
#[derive(Clone, Debug)]
pub struct ValidArticle {
    pub title: String,
    pub slug: Slug,
    /// Whether the slug came from the title, so a clash may be resolved with `-2`.
    pub slug_from_title: bool,
    pub body_markdown: String,
    pub status: ArticleStatus,
    pub published_at: OffsetDateTime,
    pub comments_open: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("the article has {} invalid field(s)", .fields.len())]
pub struct InvalidArticle {
    /// Field name to the message shown beside it.
    pub fields: Vec<(&'static str, String)>,
}

impl ArticleInput {
    pub fn validate(self, now: OffsetDateTime) -> Result<ValidArticle, InvalidArticle> {
        let mut errors = InvalidArticle::default();
        let title = text::clean_line(&self.title);
        let body_markdown = text::clean_text(&self.body_markdown);
        if text::is_invisible_text(&title) {
            errors
                .fields
                .push(("title", "Please give the article a title.".into()));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            errors.fields.push((
                "title",
                format!("The title is too long: at most {MAX_TITLE_CHARS} characters."),
            ));
        }
        let requested_slug = self.slug.trim();
        let (slug, slug_from_title) = if requested_slug.is_empty() {
            (Slug::from_title(&title), true)
        } else {
            (Slug::parse(requested_slug), false)
        };
        if slug.is_none() {
            let message = if slug_from_title {
                "The title has no letters or digits to make a URL from; please type a slug."
            } else {
                "A slug needs at least one letter or digit."
            };
            errors.fields.push(("slug", message.into()));
        }
        if body_markdown.len() > MAX_BODY_BYTES {
            errors.fields.push((
                "body",
                format!(
                    "The body is too long: at most {} KB.",
                    MAX_BODY_BYTES / 1024
                ),
            ));
        } else if let Some(problem) = text::article_markup_problem(&body_markdown) {
            errors.fields.push((
                "body",
                format!("The body has more structure than this site accepts: {problem}."),
            ));
        }
        match (errors.fields.is_empty(), slug) {
            (true, Some(slug)) => Ok(ValidArticle {
                title,
                slug,
                slug_from_title,
                body_markdown,
                status: self.status.unwrap_or(ArticleStatus::Draft),
                published_at: self.published_at.unwrap_or(now),
                comments_open: self.comments_open,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn slugs_from_titles_are_readable_latin_in_every_script() {
        let check = |title: &str, expected: Option<&str>| {
            assert_eq!(
                Slug::from_title(title).as_ref().map(Slug::as_str),
                expected,
                "{title:?}"
            );
        };
        check("Hello, World!", Some("hello-world"));
        check("  Don't panic  ", Some("dont-panic"));
        check("Ünïcödé Straße 2026", Some("unicode-strasse-2026"));
        check("Лавров прибыл в Пекин", Some("lavrov-pribyl-v-pekin"));
        check("Αθήνα και Θεσσαλονίκη", Some("athena-kai-thessalonike"));
        check("北京欢迎你", Some("bei-jing-huan-ying-ni"));
        check("مرحبا بالعالم", Some("mrhb-bl-lm"));
        check(
            "Crise à l'Élysée — 3 ministres",
            Some("crise-a-lelysee-3-ministres"),
        );
        check("---", None);
        check("", None);
        check("🙂🙂", None);
        check("a -- b", Some("a-b"));
        let long = "word ".repeat(100);
        let slug = Slug::from_title(&long).unwrap();
        assert!(slug.as_str().chars().count() <= MAX_SLUG_CHARS);
        assert!(!slug.as_str().ends_with('-'));
    }

    #[test]
    fn typed_slugs_keep_their_script_and_are_normalised() {
        let typed = |value: &str| Slug::parse(value).map(|slug| slug.to_string());
        assert_eq!(typed("good-slug-2").as_deref(), Some("good-slug-2"));
        assert_eq!(typed("Bad Slug").as_deref(), Some("bad-slug"));
        assert_eq!(typed("Новости/Мира").as_deref(), Some("новости-мира"));
        assert_eq!(typed("../x").as_deref(), Some("x"));
        assert_eq!(typed("<x>").as_deref(), Some("x"));
        for empty in ["", "-", "--", "/", "   "] {
            assert_eq!(typed(empty), None, "{empty:?}");
        }
    }

    #[test]
    fn a_published_article_dated_later_is_scheduled_until_its_minute() {
        let now = datetime!(2026-04-08 09:00 UTC);
        let article = |status, published_at| Article {
            id: ArticleId(1),
            slug: Slug::parse("x").unwrap(),
            title: "X".into(),
            body_markdown: String::new(),
            status,
            published_at,
            updated_at: now,
            author_id: None,
            comments_open: true,
        };
        let later = now + time::Duration::minutes(1);
        let scheduled = article(ArticleStatus::Published, later);
        assert_eq!(scheduled.state(now), ArticleState::Scheduled);
        assert!(!scheduled.is_public(now));
        assert_eq!(scheduled.state(later), ArticleState::Published);
        assert!(scheduled.is_public(later));
        assert_eq!(
            article(ArticleStatus::Draft, now).state(now),
            ArticleState::Draft
        );
    }

    #[test]
    fn permalinks_are_year_month_slug() {
        let slug = Slug::parse("hello").unwrap();
        assert_eq!(
            permalink(datetime!(2026-03-09 10:00 UTC), &slug),
            "/2026/03/hello/"
        );
    }

    #[test]
    fn article_input_is_checked() {
        let now = datetime!(2026-01-01 0:00 UTC);
        let invalid = ArticleInput {
            title: " ".into(),
            ..Default::default()
        }
        .validate(now);
        let fields: Vec<_> = invalid
            .unwrap_err()
            .fields
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["title", "slug"]);

        let valid = ArticleInput {
            title: "A title".into(),
            body_markdown: "x\r\ny".into(),
            ..Default::default()
        }
        .validate(now)
        .unwrap();
        assert_eq!(valid.slug.as_str(), "a-title");
        assert!(valid.slug_from_title);
        assert_eq!(valid.body_markdown, "x\ny");
        assert_eq!(valid.status, ArticleStatus::Draft);
        assert_eq!(valid.published_at, now);
    }
}
