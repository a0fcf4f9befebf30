//! Issue #12: sitemaps. The index and each child sitemap pass the protocol's schema
//! (xmllint, from Debian's libxml2-utils), list every public address and nothing else,
//! with the time each last changed, and follow publication as the lists do.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::{ArticleKind, ArticleStatus};

/// Checks `xml` against the schema `xsd` (in `tests/xml/`) with xmllint.
fn assert_valid(xml: &str, xsd: &str) {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("sitemap.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/xml")
        .join(xsd);
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (scripts/test installs libxml2-utils)");
    assert!(
        output.status.success(),
        "{xsd}: {}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn locs(xml: &str) -> Vec<(String, String)> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| {
            let loc = rest.split("</loc>").next().unwrap().to_owned();
            let lastmod = rest
                .split("<lastmod>")
                .nth(1)
                .and_then(|after| after.split("</lastmod>").next())
                .unwrap_or("")
                .to_owned();
            (loc, lastmod)
        })
        .collect()
}

#[tokio::test]
async fn the_sitemaps_list_every_public_address_and_pass_the_protocols_schema() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let now = site.clock_now();
    let base = site.url("");
    let may = site
        .article_with("Harbour & quay", |input| {
            input.published_at = Some(now - time::Duration::days(12));
            input.tags = vec!["Boats <small>".into()];
        })
        .await;
    site.article_with("Bridge", |_| {}).await;
    site.article_with("About us", |input| input.kind = Some(ArticleKind::Page))
        .await;
    for (title, status, date) in [
        ("Draft", ArticleStatus::Draft, now - time::Duration::days(1)),
        (
            "Private",
            ArticleStatus::Private,
            now - time::Duration::days(1),
        ),
        (
            "Tomorrow",
            ArticleStatus::Published,
            now + time::Duration::hours(2),
        ),
    ] {
        site.article_with(title, |input| {
            input.status = Some(status);
            input.published_at = Some(date);
        })
        .await;
    }

    let robots = body(reader.get("/robots.txt").await).await;
    assert!(
        robots.contains(&format!("Sitemap: {base}/sitemap.xml")),
        "{robots}"
    );

    let collect = |index: String| {
        let reader = &reader;
        let base = base.clone();
        async move {
            let mut addresses = Vec::new();
            for (child, lastmod) in locs(&index) {
                assert!(!lastmod.is_empty(), "{child}");
                let path = child.strip_prefix(&base).unwrap().to_owned();
                let response = reader.get(&path).await;
                assert_eq!(response.status(), StatusCode::OK, "{path}");
                assert_eq!(
                    response.headers()["content-type"],
                    "application/xml; charset=utf-8"
                );
                let xml = body(response).await;
                assert_valid(&xml, "sitemap.xsd");
                addresses.extend(locs(&xml));
            }
            addresses
        }
    };
    let index = body(reader.get("/sitemap.xml").await).await;
    assert_valid(&index, "siteindex.xsd");
    let addresses = collect(index).await;
    let paths: Vec<String> = addresses
        .iter()
        .map(|(loc, _)| loc.strip_prefix(&base).unwrap().to_owned())
        .collect();
    // Every address answers, and every public one is there.
    for path in &paths {
        assert_eq!(reader.get(path).await.status(), StatusCode::OK, "{path}");
    }
    for expected in [
        may.permalink(),
        "/about-us/".to_owned(),
        "/tag/boats-small/".to_owned(),
        "/category/uncategorised/".to_owned(),
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    let joined = paths.join(" ");
    for hidden in ["draft", "private", "tomorrow"] {
        assert!(!joined.contains(hidden), "{hidden} in {paths:?}");
    }
    // The article's last change, with its time zone.
    let (_, lastmod) = addresses
        .iter()
        .find(|(loc, _)| loc.ends_with(&may.permalink()))
        .unwrap();
    assert!(lastmod.ends_with('Z'), "{lastmod}");

    // At its minute the scheduled article joins, with no write to drop the cached copy.
    site.clock.advance(time::Duration::hours(3));
    let index = body(reader.get("/sitemap.xml").await).await;
    let later = collect(index).await;
    assert!(
        later.iter().any(|(loc, _)| loc.contains("/tomorrow/")),
        "{later:?}"
    );

    for missing in [
        "/sitemaps/articles-2026-13.xml",
        "/sitemaps/articles-1999-01.xml",
        "/sitemaps/tags-2.xml",
        "/sitemaps/secrets.xml",
        "/sitemaps/pages.xml.gz",
    ] {
        assert_eq!(
            reader.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}
