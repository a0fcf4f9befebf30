//! What an import brings in, whatever it came from (a WordPress export, a Disqus export):
//! authors, terms, articles and pages, comments and attachments, each named by its id on
//! the old site (its *legacy id*) so that a second import of the same file adds nothing,
//! parents may come after their children, and the old site's addresses can be answered.

use crate::comment::CommentKind;
use crate::{ArticleKind, ArticleStatus, CommentStatus, Slug, Taxonomy};
use time::OffsetDateTime;

/// Which site an import came from (`example.com/blog`): legacy ids are unique within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource(pub String);

impl ImportSource {
    /// The source named by a site's address: its host and path, without the scheme, `www.`
    /// or a trailing slash, so `http://www.example.com/` and `https://example.com` are one.
    pub fn from_url(url: &str) -> ImportSource {
        let bare = url
            .trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .trim_end_matches('/')
            .to_lowercase();
        ImportSource(if bare.is_empty() {
            "unnamed".into()
        } else {
            bare
        })
    }
}

/// What kind of thing a legacy id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyKind {
    User,
    Term,
    Post,
    Comment,
    Attachment,
}

impl LegacyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyKind::User => "user",
            LegacyKind::Term => "term",
            LegacyKind::Post => "post",
            LegacyKind::Comment => "comment",
            LegacyKind::Attachment => "attachment",
        }
    }
}

/// An author of the old site. Matched to an existing account by email, then by login;
/// otherwise created without a password, to be invited later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAuthor {
    pub login: String,
    /// `None` when the file names none (WXR 1.0): the account gets a placeholder address.
    pub email: Option<String>,
    pub display_name: String,
    pub legacy_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTerm {
    pub legacy_id: Option<i64>,
    pub taxonomy: Taxonomy,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// The parent's slug (sections only).
    pub parent: Option<Slug>,
    /// The slug on the old site, when tidings writes it otherwise (`foo_bar` is
    /// `foo-bar`): its archive's old address still answers.
    pub old_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedArticle {
    pub legacy_id: i64,
    pub kind: ArticleKind,
    pub slug: Slug,
    pub title: String,
    /// The standfirst (from a tidings export; WordPress has none).
    pub subtitle: String,
    pub excerpt: String,
    /// HTML, sanitised to what an administrator may post, shaped so that the Markdown
    /// renderer passes it through as it is (see `wordpress::body_from_wordpress`).
    pub body: String,
    pub status: ArticleStatus,
    /// What restoring it from the trash gives back, for an article imported in the trash.
    pub status_before_trash: Option<ArticleStatus>,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The author's login on the old site.
    pub author: Option<String>,
    pub comments_open: bool,
    pub sticky: bool,
    /// A page's parent page, by legacy id.
    pub parent: Option<i64>,
    pub sections: Vec<(Slug, String)>,
    pub tags: Vec<(Slug, String)>,
    /// The paths (`/2013/01/11/slug/`) this article answered at on the old site.
    pub old_paths: Vec<String>,
    /// Its featured image, by the attachment's legacy id (WordPress's `_thumbnail_id`):
    /// shown when that attachment's file came too.
    pub featured_attachment: Option<i64>,
    /// Another id its GUID names (`/?p=674`), when the old site re-numbered it: found by
    /// that id when no article has it as its own.
    pub guid_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedComment {
    pub legacy_id: i64,
    /// The article it is on, by legacy id.
    pub article: i64,
    /// The article it is on by its id here, when the import found it by its address (a
    /// Disqus thread names a page, not a post id): used instead of `article`.
    pub on_article: Option<i64>,
    /// Whether the comment keeps its old id when that id is free (WordPress's, so old
    /// `#comment-N` anchors stay true; not Disqus's, which are from another numbering).
    pub keep_legacy_id: bool,
    /// The comment it replies to, by legacy id.
    pub parent: Option<i64>,
    pub kind: CommentKind,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub ip: String,
    pub user_agent: String,
    pub content: String,
    pub status: CommentStatus,
    pub created_at: OffsetDateTime,
    /// Names the commenter's avatar without revealing their email (made by the app, which
    /// holds the key).
    pub avatar_key: Option<String>,
    /// The content rendered, as a comment written on the site is, once at import.
    pub content_html: Option<crate::SafeHtml>,
}

/// An attachment of the old site: the media library's record of a file, with the file
/// itself only when a copy of the old uploads folder was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAttachment {
    pub legacy_id: i64,
    /// The article it was attached to, by legacy id.
    pub article: Option<i64>,
    pub title: String,
    pub caption: String,
    pub description: String,
    pub alt: String,
    /// The file's address on the old site.
    pub url: String,
    /// The file's path under the old uploads folder (`2019/05/photo.jpg`).
    pub file: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub uploaded_at: OffsetDateTime,
    /// The media library's image made from the file, when it came too.
    pub media_id: Option<i64>,
    /// The attachment page's path on the old site.
    pub old_paths: Vec<String>,
}

/// One thing to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRecord {
    Author(ImportedAuthor),
    Term(ImportedTerm),
    Article(Box<ImportedArticle>),
    Comment(Box<ImportedComment>),
    Attachment(Box<ImportedAttachment>),
}

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    /// It was there already (imported before, or the same account or term).
    AlreadyThere,
    /// What it belongs to is not in the site (a comment whose article was not imported).
    Orphaned,
}
