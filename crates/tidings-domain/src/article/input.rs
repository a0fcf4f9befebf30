//! What an editor submits, and the checks that make it an article to store.

use super::{
    ArticleKind, ArticleStatus, MAX_BODY_BYTES, MAX_EXCERPT_CHARS, MAX_SUBTITLE_CHARS,
    MAX_TITLE_CHARS, Slug,
};
use crate::ids::{ArticleId, RevisionId, TermId, UserId};
use crate::media::MediaAddress;
use crate::term::TermName;
use crate::text;
use time::OffsetDateTime;

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
    /// Its authors in byline order; none keeps the ones it has (a new article: whoever
    /// writes it).
    pub authors: Vec<UserId>,
    /// The address of the featured image's widest variant, as the media library gives it;
    /// empty for none.
    pub featured_image: String,
    pub featured_image_alt: String,
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
    /// Its authors in byline order, without repeats; none keeps the ones it has.
    pub authors: Vec<UserId>,
    pub featured_image: Option<MediaAddress>,
    pub featured_image_alt: String,
    /// The "Updated" time to store: set by the caller when the save revises a published
    /// article (see [`super::Article::is_revised_by`]); `None` keeps the one it had.
    pub revised_at: Option<OffsetDateTime>,
    /// Who saves it, for its revision.
    pub saved_by: Option<UserId>,
    /// The newest revision the editor had when they opened it: a save over a newer one is
    /// refused as a conflict (two tabs, two editors). `None` saves whatever came between
    /// (the command line, a restore, an editor who chose to overwrite).
    pub based_on: Option<RevisionId>,
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
        let featured_image_path = self.featured_image.trim();
        let featured_image = MediaAddress::parse_path(featured_image_path);
        if featured_image.is_none() && !featured_image_path.is_empty() {
            errors.fields.push((
                "featured_image",
                "The featured image must be an image from the media library (an address such as /media/…/1600.jpg).".into(),
            ));
        }
        let featured_image_alt = text::clean_line(&self.featured_image_alt);
        if featured_image_alt.chars().count() > crate::media::MAX_ALT_CHARS {
            errors.fields.push((
                "featured_image_alt",
                format!(
                    "The featured image's alt text is too long: at most {} characters.",
                    crate::media::MAX_ALT_CHARS
                ),
            ));
        }
        let mut authors = self.authors;
        let mut seen_authors = std::collections::HashSet::new();
        authors.retain(|author| seen_authors.insert(*author));
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
                authors,
                featured_image_alt: if featured_image.is_some() {
                    featured_image_alt
                } else {
                    String::new()
                },
                featured_image,
                revised_at: None,
                saved_by: None,
                based_on: None,
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
    fn pages_keep_off_the_sites_own_addresses() {
        let now = datetime!(2026-04-08 09:00 UTC);
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
