//! What the RSS feeds receive: the site's articles, and comments (the site's and one
//! article's).

use super::SiteView;
use serde::Serialize;
use time::OffsetDateTime;

/// One article in a feed. Its HTML is a plain string, escaped into the XML as text, as
/// RSS readers expect `content:encoded` and Atom's `type="html"` content to be.
#[derive(Debug, Serialize)]
pub struct FeedItem {
    pub title: String,
    /// The absolute address.
    pub link: String,
    /// RFC 2822, for RSS.
    pub pub_date: String,
    /// RFC 3339, for Atom.
    pub published: String,
    pub updated: String,
    pub author: Option<String>,
    pub categories: Vec<FeedCategory>,
    pub excerpt: String,
    pub content_html: String,
    pub comment_count: u64,
}

/// A section or tag of a feed's article.
#[derive(Debug, Serialize)]
pub struct FeedCategory {
    pub name: String,
    pub slug: String,
    /// The address its archives live under (`…/category/`, `…/tag/`).
    pub scheme: String,
}

#[derive(Debug, Serialize)]
pub struct FeedPage {
    pub site: SiteView,
    pub title: String,
    /// The page the feed follows.
    pub link: String,
    pub self_url: String,
    pub last_build_date: String,
    pub updated: String,
    /// Whole articles, or only their excerpts.
    pub full_text: bool,
    pub items: Vec<FeedItem>,
}

/// RFC 3339 dates, as Atom wants them.
pub fn atom_date(moment: OffsetDateTime) -> String {
    moment
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// RFC 2822 dates, as RSS wants them.
pub fn rss_date(moment: OffsetDateTime) -> String {
    moment
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default()
}

#[derive(Serialize)]
pub struct CommentFeed {
    pub site: SiteView,
    pub title: String,
    pub link: String,
    pub self_url: String,
    pub last_build_date: String,
    pub updated: String,
    pub items: Vec<CommentFeedItem>,
}

#[derive(Serialize)]
pub struct CommentFeedItem {
    pub title: String,
    pub link: String,
    pub author: String,
    pub pub_date: String,
    pub updated: String,
    pub guid: String,
    pub text: String,
    pub content_html: String,
}
