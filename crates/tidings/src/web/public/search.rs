//! Search: `/?s=words` (WordPress's address, where the header's form sends readers) and
//! `/search/words/` (the address to share), `page/N/` after it, with `section` and `year`
//! filters in the query string. Results are made for each request and never kept in the
//! page cache: they would fill it with one page per query typed.

use super::{PUBLIC, QueryPairs, html, redirect};
use crate::app::App;
use crate::render::views::{SearchOption, SearchPage, SearchResult};
use crate::web::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::Response;
use tidings_domain::search::SearchQuery;
use tidings_domain::term::as_tree;
use tidings_store::{Page, SearchFilter};
use time::{Date, Month, OffsetDateTime, Time};

/// The years offered at most, newest first.
const MOST_YEARS: i32 = 100;

/// `/search/words/`. The words are read from the raw path, decoded leniently: a reader's
/// bytes that are not UTF-8 are replaced, not refused.
pub async fn show_search(
    State(app): State<App>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (words, _) = words_and_number(&uri);
    results(&app, &words, &QueryPairs::parse(query), 1).await
}

pub async fn show_search_page(
    State(app): State<App>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (words, number) = words_and_number(&uri);
    let query = QueryPairs::parse(query);
    match number.parse::<u32>() {
        Ok(0) | Err(_) => Err(AppError::NotFound),
        Ok(1) => Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &search_url(&words, 1, &query),
        )),
        Ok(number) => results(&app, &words, &query, number).await,
    }
}

/// The words of `/search/words/` and the number of `…/page/N/`, percent-decoded with `+`
/// as a space (WordPress writes its search addresses so).
fn words_and_number(uri: &Uri) -> (String, String) {
    let mut parts = uri.path().trim_start_matches("/search/").split('/');
    let raw = parts.next().unwrap_or_default();
    let words = form_urlencoded::parse(format!("s={raw}").as_bytes())
        .next()
        .map(|(_, words)| words.into_owned())
        .unwrap_or_default();
    let number = parts.nth(1).unwrap_or_default().to_owned();
    (words, number)
}

/// `/?s=words&paged=N`: the same results, at WordPress's address.
pub(super) async fn from_front_page(
    app: &App,
    words: &str,
    query: &QueryPairs,
) -> Result<Response, AppError> {
    let number = match query.get("paged").map(str::parse::<u32>) {
        None => 1,
        Some(Ok(number)) if number >= 1 => number,
        Some(_) => return Err(AppError::NotFound),
    };
    results(app, words, query, number).await
}

/// A path segment: everything but letters, digits and `-._~` percent-encoded.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The shareable address of a page of results, its filters kept.
fn search_url(words: &str, number: u32, query: &QueryPairs) -> String {
    let mut url = format!("/search/{}/", path_segment(words));
    if number > 1 {
        url.push_str(&format!("page/{number}/"));
    }
    let filters: Vec<(&str, &str)> = ["section", "year"]
        .into_iter()
        .filter_map(|name| query.get(name).map(|value| (name, value)))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    if !filters.is_empty() {
        url.push('?');
        url.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(filters)
                .finish(),
        );
    }
    url
}

fn year_range(year: i32) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let start = |year| {
        Date::from_calendar_date(year, Month::January, 1)
            .ok()
            .map(|date| date.with_time(Time::MIDNIGHT).assume_utc())
    };
    Some((start(year)?, start(year + 1)?))
}

async fn results(
    app: &App,
    words: &str,
    query: &QueryPairs,
    number: u32,
) -> Result<Response, AppError> {
    let parsed = SearchQuery::parse(words);
    let now = app.now();
    // The sections without their article counts: counting them would read every filing
    // on each search.
    let sections = app.store.all_sections().await?;
    let chosen_section = query.get("section").unwrap_or_default();
    let section = sections
        .iter()
        .find(|term| term.slug.as_str() == chosen_section)
        .map(|term| term.id);
    let first_year = match app.store.first_publication(now).await? {
        Some(first) => first.year().max(now.year() - MOST_YEARS + 1),
        None => now.year(),
    };
    let year = query
        .get("year")
        .and_then(|year| year.parse::<i32>().ok())
        .filter(|year| (first_year..=now.year()).contains(year));
    let filter = SearchFilter {
        term: section,
        between: year.and_then(year_range),
    };
    let size = app.config.articles_per_page;
    let found = app
        .store
        .search(&parsed, &filter, now, Page { number, size })
        .await?;
    if found.items.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let words = parsed.text.clone();
    let view = SearchPage {
        site: app.public_site_view().await?,
        noindex: true,
        query: words.clone(),
        asked: !parsed.text.is_empty(),
        filtered: filter != SearchFilter::default(),
        sections: as_tree(&sections)
            .into_iter()
            .map(|(term, _)| SearchOption {
                value: term.slug.to_string(),
                label: term.name.clone(),
                selected: Some(term.id) == section,
            })
            .collect(),
        years: (first_year..=now.year())
            .rev()
            .map(|option| SearchOption {
                value: option.to_string(),
                label: option.to_string(),
                selected: Some(option) == year,
            })
            .collect(),
        results: found
            .items
            .iter()
            .map(|summary| SearchResult::new(summary, &parsed))
            .collect(),
        page: number,
        first: (number - 1) * size + 1,
        newer_url: (number > 1).then(|| search_url(&words, number - 1, query)),
        older_url: found.more.then(|| search_url(&words, number + 1, query)),
    };
    let body = app.templates.render("search.html", &view)?;
    let mut response = html(StatusCode::OK, body, PUBLIC);
    response
        .headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_keeps_words_and_filters() {
        let query = QueryPairs::parse(Some("section=world&year=2026&other=x".into()));
        assert_eq!(
            search_url("new bridge/ü", 2, &query),
            "/search/new%20bridge%2F%C3%BC/page/2/?section=world&year=2026"
        );
        assert_eq!(search_url("x", 1, &QueryPairs::parse(None)), "/search/x/");
    }
}
