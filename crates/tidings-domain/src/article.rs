//! Articles: what an editor writes, where it lives (its WordPress-style permalink), and
//! whether readers may comment on it.

use crate::ids::{ArticleId, TermId, UserId};
use crate::term::TermName;
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

/// The most characters of a standfirst (the line under the headline).
pub const MAX_SUBTITLE_CHARS: usize = 400;
/// The most characters of a hand-written excerpt.
pub const MAX_EXCERPT_CHARS: usize = 2_000;
/// How long an article stays in the trash before it is deleted for good, as in WordPress.
pub const TRASH_DAYS: i64 = 30;

/// What is stored about an article's workflow; whether a published one is public yet
/// depends on the clock (see [`ArticleState`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    /// Submitted for review by a contributor; not public.
    Pending,
    /// Public from its date on (scheduled until then).
    Published,
    /// Readable by staff only.
    Private,
    /// Restorable for [`TRASH_DAYS`], then deleted.
    Trash,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 5] = [
        ArticleStatus::Draft,
        ArticleStatus::Pending,
        ArticleStatus::Published,
        ArticleStatus::Private,
        ArticleStatus::Trash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Pending => "pending",
            ArticleStatus::Published => "published",
            ArticleStatus::Private => "private",
            ArticleStatus::Trash => "trash",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        ArticleStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// An article's state as the admin shows it and filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    Draft,
    Pending,
    Scheduled,
    Published,
    Private,
    Trash,
}

impl ArticleState {
    pub const ALL: [ArticleState; 6] = [
        ArticleState::Draft,
        ArticleState::Pending,
        ArticleState::Scheduled,
        ArticleState::Published,
        ArticleState::Private,
        ArticleState::Trash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Pending => "pending",
            ArticleState::Scheduled => "scheduled",
            ArticleState::Published => "published",
            ArticleState::Private => "private",
            ArticleState::Trash => "trash",
        }
    }

    /// How the admin names it.
    pub fn label(self) -> &'static str {
        match self {
            ArticleState::Draft => "Draft",
            ArticleState::Pending => "Pending review",
            ArticleState::Scheduled => "Scheduled",
            ArticleState::Published => "Published",
            ArticleState::Private => "Private",
            ArticleState::Trash => "Trash",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        ArticleState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
    }
}

/// Whether a row is an article (in the stream, its feeds and archives, at `/YYYY/MM/slug/`)
/// or a page (About, Contact: outside the stream, at `/slug/` under its parents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleKind {
    Article,
    Page,
}

impl ArticleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Article => "article",
            ArticleKind::Page => "page",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "article" => Some(ArticleKind::Article),
            "page" => Some(ArticleKind::Page),
            _ => None,
        }
    }
}

/// First parts of an address the site answers itself (or will): a top-level page cannot
/// take one of these slugs.
pub const RESERVED_PAGE_SLUGS: &[&str] = &[
    "admin",
    "api",
    "author",
    "avatars",
    "category",
    "comments",
    "corrections",
    "feed",
    "media",
    "moderate",
    "page",
    "robots-txt",
    "search",
    "section",
    "sitemap",
    "static",
    "subscriptions",
    "tag",
    "wp-admin",
    "wp-content",
    "wp-json",
    "wp-login-php",
];

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
    pub kind: ArticleKind,
    pub slug: Slug,
    pub title: String,
    /// The standfirst under the headline; empty when there is none.
    pub subtitle: String,
    /// The hand-written excerpt; empty means "made from the body".
    pub excerpt: String,
    pub body_markdown: String,
    pub status: ArticleStatus,
    /// The date shown in the byline and used in the permalink; set when first published.
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// When the text of the published article last changed: the "Updated" under the byline.
    pub revised_at: Option<OffsetDateTime>,
    /// When it went to the trash, and what restoring it gives back.
    pub trashed: Option<(OffsetDateTime, ArticleStatus)>,
    pub author_id: Option<UserId>,
    pub comments_open: bool,
    /// Pinned to the top of the front page.
    pub sticky: bool,
    /// A page's parent page.
    pub parent_id: Option<ArticleId>,
    /// A page's address without its slashes (`about/team`); `None` for an article.
    pub page_path: Option<String>,
}

impl Article {
    /// An article's WordPress "Month and name" permalink, `/YYYY/MM/slug/`; a page's
    /// `/parent/slug/`.
    pub fn permalink(&self) -> String {
        match &self.page_path {
            Some(path) => format!("/{path}/"),
            None => permalink(self.published_at, &self.slug),
        }
    }

    pub fn body_html(&self) -> SafeHtml {
        text::render_markdown(&self.body_markdown)
    }

    /// The excerpt the editor wrote, or else the body's first 55 words (WordPress's
    /// default length).
    pub fn excerpt(&self) -> String {
        if self.excerpt.is_empty() {
            text::excerpt_from_markdown(&self.body_markdown, 55)
        } else {
            self.excerpt.clone()
        }
    }

    /// Where it stands at `now`, as the admin lists it: a published article dated in the
    /// future is scheduled, and becomes public at its minute on every node, with no job to
    /// run (every read compares its date with the clock).
    pub fn state(&self, now: OffsetDateTime) -> ArticleState {
        match self.status {
            ArticleStatus::Draft => ArticleState::Draft,
            ArticleStatus::Pending => ArticleState::Pending,
            ArticleStatus::Published if self.published_at > now => ArticleState::Scheduled,
            ArticleStatus::Published => ArticleState::Published,
            ArticleStatus::Private => ArticleState::Private,
            ArticleStatus::Trash => ArticleState::Trash,
        }
    }

    /// Whether readers can see it at `now`: published, and not dated in the future.
    pub fn is_public(&self, now: OffsetDateTime) -> bool {
        self.status == ArticleStatus::Published && self.published_at <= now
    }

    /// Whether signed-in staff may read it at its address: a private article, or one that
    /// readers can see.
    pub fn is_readable_by_staff(&self, now: OffsetDateTime) -> bool {
        self.status == ArticleStatus::Private || self.is_public(now)
    }

    /// Whether a visitor may read it at its address: everyone the public ones, signed-in
    /// staff the private ones too.
    pub fn is_visible_to(&self, staff: bool, now: OffsetDateTime) -> bool {
        self.is_public(now) || (staff && self.is_readable_by_staff(now))
    }

    /// When the trash deletes it for good, if it is in the trash.
    pub fn purged_at(&self) -> Option<OffsetDateTime> {
        self.trashed
            .map(|(trashed_at, _)| trashed_at + time::Duration::days(TRASH_DAYS))
    }

    /// Whether a save of `new` over this article changes what readers of the published
    /// article read (its headline, standfirst or text): that is an update, shown as
    /// "Updated" under the byline. Fixing a typo in a draft is not.
    pub fn is_revised_by(&self, new: &ValidArticle, now: OffsetDateTime) -> bool {
        self.is_public(now)
            && new.status == ArticleStatus::Published
            && (self.title != new.title
                || self.subtitle != new.subtitle
                || self.body_markdown != new.body_markdown)
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
    /// `None` means an article.
    pub kind: Option<ArticleKind>,
    pub title: String,
    /// Empty means "make one from the title".
    pub slug: String,
    pub subtitle: String,
    pub excerpt: String,
    pub body_markdown: String,
    pub status: Option<ArticleStatus>,
    pub published_at: Option<OffsetDateTime>,
    pub comments_open: bool,
    pub sticky: bool,
    /// A page's parent page.
    pub parent_id: Option<ArticleId>,
    /// Its sections, the primary one first; none means the site's default section.
    pub sections: Vec<TermId>,
    /// Its tags as typed (names, or slugs of tags that exist); new ones are created.
    pub tags: Vec<String>,
}

/// A checked article, ready to be stored.
#[derive(Clone, Debug)]
pub struct ValidArticle {
    pub kind: ArticleKind,
    pub title: String,
    pub slug: Slug,
    /// Whether the slug came from the title, so a clash may be resolved with `-2`.
    pub slug_from_title: bool,
    pub subtitle: String,
    pub excerpt: String,
    pub body_markdown: String,
    pub status: ArticleStatus,
    pub published_at: OffsetDateTime,
    pub comments_open: bool,
    pub sticky: bool,
    pub parent_id: Option<ArticleId>,
    pub sections: Vec<TermId>,
    pub tags: Vec<TermName>,
    /// The "Updated" time to store: set by the caller when the save revises a published
    /// article (see [`Article::is_revised_by`]); `None` keeps the one it had.
    pub revised_at: Option<OffsetDateTime>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("the article has {} invalid field(s)", .fields.len())]
pub struct InvalidArticle {
    /// Field name to the message shown beside it.
    pub fields: Vec<(&'static str, String)>,
}

/// The most tags one article may carry.
pub const MAX_TAGS: usize = 50;

impl ArticleInput {
    pub fn validate(self, now: OffsetDateTime) -> Result<ValidArticle, InvalidArticle> {
        let mut errors = InvalidArticle::default();
        let kind = self.kind.unwrap_or(ArticleKind::Article);
        let title = text::clean_line(&self.title);
        let subtitle = text::clean_line(&self.subtitle);
        let excerpt = text::clean_text(self.excerpt.trim());
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
        match &slug {
            None => {
                let message = if slug_from_title {
                    "The title has no letters or digits to make a URL from; please type a slug."
                } else {
                    "A slug needs at least one letter or digit."
                };
                errors.fields.push(("slug", message.into()));
            }
            Some(slug) if kind == ArticleKind::Page && self.parent_id.is_none() => {
                if RESERVED_PAGE_SLUGS.contains(&slug.as_str())
                    || slug.as_str().chars().all(|c| c.is_ascii_digit())
                {
                    errors.fields.push((
                        "slug",
                        format!(
                            "/{slug}/ is kept for the site's own pages; please choose another slug."
                        ),
                    ));
                }
            }
            Some(_) => {}
        }
        if subtitle.chars().count() > MAX_SUBTITLE_CHARS {
            errors.fields.push((
                "subtitle",
                format!("The standfirst is too long: at most {MAX_SUBTITLE_CHARS} characters."),
            ));
        }
        if excerpt.chars().count() > MAX_EXCERPT_CHARS {
            errors.fields.push((
                "excerpt",
                format!("The excerpt is too long: at most {MAX_EXCERPT_CHARS} characters."),
            ));
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
        if self.status == Some(ArticleStatus::Trash) {
            errors.fields.push((
                "status",
                "Use the Trash button to move an article to the trash.".into(),
            ));
        }
        let mut tags: Vec<TermName> = Vec::new();
        for typed in &self.tags {
            match TermName::parse(typed) {
                Ok(Some(tag)) if !tags.iter().any(|known| known.slug == tag.slug) => tags.push(tag),
                Ok(_) => {}
                Err(message) => errors.fields.push(("tags", message)),
            }
        }
        if tags.len() > MAX_TAGS {
            errors.fields.push((
                "tags",
                format!("An article can carry at most {MAX_TAGS} tags."),
            ));
        }
        let mut sections = self.sections;
        let mut seen = std::collections::HashSet::new();
        sections.retain(|section| seen.insert(*section));
        match (errors.fields.is_empty(), slug) {
            (true, Some(slug)) => Ok(ValidArticle {
                kind,
                title,
                slug,
                slug_from_title,
                subtitle,
                excerpt,
                body_markdown,
                status: self.status.unwrap_or(ArticleStatus::Draft),
                published_at: self.published_at.unwrap_or(now),
                comments_open: self.comments_open,
                sticky: self.sticky && kind == ArticleKind::Article,
                parent_id: self.parent_id.filter(|_| kind == ArticleKind::Page),
                sections: if kind == ArticleKind::Article {
                    sections
                } else {
                    Vec::new()
                },
                tags: if kind == ArticleKind::Article {
                    tags
                } else {
                    Vec::new()
                },
                revised_at: None,
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
            status,
            published_at,
            ..sample_article(now)
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

    fn sample_article(now: OffsetDateTime) -> Article {
        Article {
            id: ArticleId(1),
            kind: ArticleKind::Article,
            slug: Slug::parse("x").unwrap(),
            title: "X".into(),
            subtitle: String::new(),
            excerpt: String::new(),
            body_markdown: String::new(),
            status: ArticleStatus::Published,
            published_at: now,
            updated_at: now,
            revised_at: None,
            trashed: None,
            author_id: None,
            comments_open: true,
            sticky: false,
            parent_id: None,
            page_path: None,
        }
    }

    #[test]
    fn every_state_reads_back_and_only_staff_read_private_ones() {
        for state in ArticleState::ALL {
            assert_eq!(ArticleState::parse(state.as_str()), Some(state));
        }
        for status in ArticleStatus::ALL {
            assert_eq!(ArticleStatus::parse(status.as_str()), Some(status));
        }
        let now = datetime!(2026-04-08 09:00 UTC);
        let private = Article {
            status: ArticleStatus::Private,
            ..sample_article(now)
        };
        assert!(!private.is_public(now));
        assert!(private.is_readable_by_staff(now));
        let pending = Article {
            status: ArticleStatus::Pending,
            ..sample_article(now)
        };
        assert_eq!(pending.state(now), ArticleState::Pending);
        assert!(!pending.is_readable_by_staff(now));
        let trashed = Article {
            status: ArticleStatus::Trash,
            trashed: Some((now, ArticleStatus::Published)),
            ..sample_article(now)
        };
        assert_eq!(trashed.purged_at(), Some(now + time::Duration::days(30)));
        assert!(!trashed.is_public(now));
    }

    #[test]
    fn a_revision_is_a_change_readers_see_in_a_public_article() {
        let now = datetime!(2026-04-08 09:00 UTC);
        let article = sample_article(now - time::Duration::hours(1));
        let save = |edit: fn(&mut ArticleInput)| {
            let mut input = ArticleInput {
                title: "X".into(),
                status: Some(ArticleStatus::Published),
                ..Default::default()
            };
            edit(&mut input);
            input.validate(now).unwrap()
        };
        assert!(!article.is_revised_by(&save(|_| {}), now));
        assert!(article.is_revised_by(&save(|input| input.body_markdown = "New".into()), now));
        assert!(article.is_revised_by(&save(|input| input.subtitle = "New".into()), now));
        assert!(!article.is_revised_by(&save(|input| input.excerpt = "New".into()), now));
        let draft = Article {
            status: ArticleStatus::Draft,
            ..article.clone()
        };
        assert!(!draft.is_revised_by(&save(|input| input.body_markdown = "New".into()), now));
    }

    #[test]
    fn pages_live_under_their_parents_and_keep_off_the_sites_own_addresses() {
        let now = datetime!(2026-04-08 09:00 UTC);
        let page = Article {
            kind: ArticleKind::Page,
            page_path: Some("about/team".into()),
            ..sample_article(now)
        };
        assert_eq!(page.permalink(), "/about/team/");
        let top_level = |slug: &str| ArticleInput {
            kind: Some(ArticleKind::Page),
            title: "About".into(),
            slug: slug.into(),
            ..Default::default()
        };
        for taken in ["admin", "feed", "category", "2026", "Tag"] {
            let refused = top_level(taken).validate(now).unwrap_err();
            assert_eq!(refused.fields[0].0, "slug", "{taken}");
        }
        let under_a_parent = ArticleInput {
            parent_id: Some(ArticleId(7)),
            ..top_level("feed")
        };
        assert!(under_a_parent.validate(now).is_ok());
        let page = top_level("about").validate(now).unwrap();
        assert!(page.sections.is_empty() && !page.sticky);
    }

    #[test]
    fn standfirst_excerpt_and_tags_are_checked() {
        let now = datetime!(2026-04-08 09:00 UTC);
        let input = ArticleInput {
            title: "T".into(),
            subtitle: "s".repeat(MAX_SUBTITLE_CHARS + 1),
            excerpt: "e".repeat(MAX_EXCERPT_CHARS + 1),
            tags: vec![
                "Elections".into(),
                " elections ".into(),
                "".into(),
                "Paris".into(),
            ],
            status: Some(ArticleStatus::Trash),
            ..Default::default()
        };
        let fields: Vec<_> = input
            .clone()
            .validate(now)
            .unwrap_err()
            .fields
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["subtitle", "excerpt", "status"]);
        let valid = ArticleInput {
            subtitle: "A line".into(),
            excerpt: "  Short.  ".into(),
            status: None,
            ..input
        }
        .validate(now)
        .unwrap();
        let tags: Vec<_> = valid.tags.iter().map(|tag| tag.slug.as_str()).collect();
        assert_eq!(tags, ["elections", "paris"]);
        assert_eq!(valid.excerpt, "Short.");
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
