//! What the search results page receives: the query as typed, its filters, and each
//! result with its title and a snippet, the words looked for marked.

use super::{SiteView, human_date, iso_date};
use serde::Serialize;
use tidings_domain::search::{Fragment, SearchQuery, highlight, snippet};
use tidings_domain::text::plain_text_from_markdown;
use tidings_store::ArticleSummary;

/// Characters of text around the first word found.
const SNIPPET_CHARS: usize = 220;

#[derive(Debug, Serialize)]
pub struct SearchPage {
    pub site: SiteView,
    pub noindex: bool,
    /// What the reader typed, for the box.
    pub query: String,
    /// Whether anything was asked: an empty box shows the form alone.
    pub asked: bool,
    /// Whether a section or a year narrows the results.
    pub filtered: bool,
    pub sections: Vec<SearchOption>,
    pub years: Vec<SearchOption>,
    pub results: Vec<SearchResult>,
    pub page: u32,
    /// The number of the first result on this page.
    pub first: u32,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
}

/// A choice of a filter's list.
#[derive(Debug, Serialize)]
pub struct SearchOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct SearchResult {
    pub permalink: String,
    pub title: Vec<Fragment>,
    /// Readers and assistive technology get the title whole, too.
    pub title_text: String,
    pub snippet: Vec<Fragment>,
    pub date: String,
    pub date_iso: String,
    pub author: Option<String>,
}

impl SearchResult {
    pub fn new(summary: &ArticleSummary, query: &SearchQuery) -> SearchResult {
        let article = &summary.article;
        // Quote where the words are: the standfirst when they are there, else the body.
        let standfirst = format!("{} {}", article.subtitle, article.excerpt);
        let standfirst = standfirst.trim();
        let body = plain_text_from_markdown(&article.body_markdown);
        let from_standfirst = snippet(standfirst, query, SNIPPET_CHARS);
        let from_body = snippet(&body, query, SNIPPET_CHARS);
        let snippet = if from_standfirst.iter().any(|piece| piece.hit)
            && !from_body.iter().any(|piece| piece.hit)
            || body.is_empty()
        {
            from_standfirst
        } else {
            from_body
        };
        SearchResult {
            permalink: article.permalink(),
            title: highlight(&article.title, query),
            title_text: article.title.clone(),
            snippet,
            date: human_date(article.published_at),
            date_iso: iso_date(article.published_at),
            author: summary.author_name.clone(),
        }
    }
}
