//! What the RSS feeds receive: the site's articles, and comments (the site's and one
//! article's).

use super::SiteView;
use serde::Serialize;
use time::OffsetDateTime;

/// One article in the RSS feed. Its HTML is a plain string, escaped into the XML as
/// text, as RSS readers expect `content:encoded` to be.
#[derive(Debug, Serialize)]
pub struct FeedItem {
    pub title: String,
    /// The absolute address.
    pub link: String,
    pub pub_date: String,
    pub author: Option<String>,
    pub excerpt: String,
    pub content_html: String,
    pub comment_count: u64,
}

#[derive(Debug, Serialize)]
pub struct FeedPage {
    pub site: SiteView,
    pub self_url: String,
    pub last_build_date: String,
    pub items: Vec<FeedItem>,
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
    pub items: Vec<CommentFeedItem>,
}

#[derive(Serialize)]
pub struct CommentFeedItem {
    pub title: String,
    pub link: String,
    pub author: String,
    pub pub_date: String,
    pub guid: String,
    pub text: String,
    pub content_html: String,
}
