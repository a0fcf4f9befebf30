//! Articles: what an editor writes, where it lives (its WordPress-style permalink), and
//! whether readers may comment on it.

use crate::ids::{ArticleId, UserId};
use crate::media::MediaAddress;
use crate::text::{self, SafeHtml};
use serde::Serialize;
use time::OffsetDateTime;

mod input;
mod slug;

pub use input::{ArticleInput, InvalidArticle, MAX_TAGS, RESERVED_PAGE_SLUGS, ValidArticle};
pub use slug::Slug;

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
    /// Shown above the article and in link previews.
    pub featured_image: Option<MediaAddress>,
    pub featured_image_alt: String,
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

    /// The body's HTML with each library image's width and height, from `size_of` (an
    /// upload's size by key).
    pub fn body_html_sized(
        &self,
        size_of: &dyn Fn(&crate::MediaKey) -> Option<(u32, u32)>,
    ) -> SafeHtml {
        text::render_markdown_sized(&self.body_markdown, size_of)
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

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
            featured_image: None,
            featured_image_alt: String::new(),
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
    fn a_page_lives_under_its_parents() {
        let now = datetime!(2026-04-08 09:00 UTC);
        let page = Article {
            kind: ArticleKind::Page,
            page_path: Some("about/team".into()),
            ..sample_article(now)
        };
        assert_eq!(page.permalink(), "/about/team/");
    }

    #[test]
    fn permalinks_are_year_month_slug() {
        let slug = Slug::parse("hello").unwrap();
        assert_eq!(
            permalink(datetime!(2026-03-09 10:00 UTC), &slug),
            "/2026/03/hello/"
        );
    }
}
