//! WordPress imports on real exports: WordPress's theme unit test data and the WordPress
//! importer's own fixtures, counted exactly; every old address answering; all or nothing;
//! a second import adding nothing; hostile files refused with the line and the reason.

use crate::support::*;
use reqwest::StatusCode;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tidings::services::imports::{ImportError, ImportOptions, ImportProgress, import_wxr_file};
use tidings_domain::wordpress::ImportReport;
use tidings_domain::wordpress::wxr::{WxrLimits, WxrReader, WxrRecord};

const THEME_UNIT_TEST: &str = "../../../shared/data/wxr/themeunittestdata.wordpress.xml";

fn fixture(path: &str) -> PathBuf {
    if path.starts_with("../") {
        return Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/wxr-importer")
        .join(path)
}

async fn import(site: &TestApp, path: &Path) -> Result<ImportReport, ImportError> {
    import_with(site, path, ImportOptions::default()).await
}

async fn import_with(
    site: &TestApp,
    path: &Path,
    options: ImportOptions,
) -> Result<ImportReport, ImportError> {
    import_wxr_file(
        &site.app,
        path,
        &options,
        Arc::new(ImportProgress::default()),
    )
    .await
}

fn count(map: &std::collections::BTreeMap<String, u64>, kind: &str) -> u64 {
    map.get(kind).copied().unwrap_or(0)
}

#[tokio::test]
async fn the_theme_unit_test_export_comes_in_whole() {
    let site = TestApp::spawn().await;
    let report = import(&site, &fixture(THEME_UNIT_TEST)).await.unwrap();
    // WordPress's theme unit test data: 51 posts, 21 pages, 38 attachments, 2 authors,
    // 67 categories, 110 tags, 32 comments (2 pingbacks and 2 trackbacks among them).
    for (kind, expected) in [
        ("articles", 51),
        ("pages", 21),
        ("attachments", 38),
        ("authors", 2),
        ("sections", 67),
        ("tags", 110),
        ("comments", 32),
    ] {
        assert_eq!(count(&report.added, kind), expected, "{kind}: {report:?}");
    }
    assert_eq!(
        count(
            &report.skipped,
            "items of type \"nav_menu_item\" (menus, blocks and templates belong to a WordPress theme)"
        ),
        70
    );
    assert_eq!(site.app.store.count_attachments().await.unwrap(), 38);
    assert!(report.shortcodes.contains_key("gallery"), "{report:?}");

    let reader = site.reader();
    // Classic HTML with WordPress's paragraphs, sanitised: headings, tables, blockquotes.
    let page = body(
        reader
            .get("/2013/01/markup-html-tags-and-formatting/")
            .await,
    )
    .await;
    assert!(page.contains("<h1>Header one</h1>"), "{page}");
    assert!(page.contains("<blockquote><p>Stay hungry. Stay foolish.</p></blockquote>"));
    assert!(page.contains("<td>For all the blogging she does.</td>"));
    // A caption is a figure with its caption.
    let caption = body(reader.get("/2010/08/post-format-image-caption/").await).await;
    assert!(caption.contains("<figure class=\"wp-caption"), "{caption}");
    assert!(caption.contains("<figcaption>"), "{caption}");
    // The sticky post leads the front page; the scheduled (2030), draft and
    // password-protected ones are not public.
    let front = body(reader.get("/").await).await;
    let sticky = front
        .find("Template: Sticky")
        .expect("the sticky post is listed");
    let other = front.find("Markup: HTML Tags").unwrap_or(usize::MAX);
    assert!(sticky < other, "the sticky post comes first");
    for hidden in ["/?p=1153", "/?p=1168"] {
        assert_eq!(
            reader.get(hidden).await.status(),
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    // Comments keep their ids, so the old `#comment-N` anchors still point at them.
    let comments = body(reader.get("/about/page-with-comments/").await).await;
    assert!(comments.contains("id=\"comment-167\""), "old ids kept");
    assert!(comments.contains("Anonymous comment."));
    // Their HTML was rendered once, at import, as a comment written here is.
    let stored = site
        .app
        .store
        .comment_by_id(tidings_domain::CommentId(167))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.content_html.map(|html| html.as_str().to_owned()),
        Some("<p>Anonymous comment.</p>\n".to_owned())
    );
    // Pingbacks and trackbacks are shown as what they are.
    let moved = location(
        &reader
            .get("/2012/01/01/template-pingbacks-an-trackbacks/")
            .await,
    );
    let notices = body(reader.get(moved.trim_start_matches(&site.url(""))).await).await;
    assert_eq!(
        notices
            .matches("<span class=\"comment-kind\">Pingback:</span>")
            .count(),
        2
    );
    assert_eq!(
        notices
            .matches("<span class=\"comment-kind\">Trackback:</span>")
            .count(),
        2
    );
    assert!(notices.contains("class=\"pingback depth-1 "), "{notices}");
    // Authors were created without a password, to be invited; their pages answer.
    assert_eq!(
        reader.get("/author/themedemos/").await.status(),
        StatusCode::OK
    );
}

/// Every `<link>` and `<guid>` of the file, and every link to the old site inside its
/// articles, with the host rewritten to the test server: each answers 200, or a 301 that
/// leads in one step to the page of the same thing. WordPress's theme unit test data, in
/// the version in `shared/data/wxr/` and the newer one among the importer's fixtures, its
/// accessibility test data, and the importer's fixtures with addresses.
#[tokio::test]
async fn every_old_address_of_the_real_exports_answers() {
    let theme = [
        "https://wpthemetestdata.wordpress.com",
        "http://wpthemetestdata.wordpress.com",
    ];
    // The accessibility data links to block-editor posts that are not in its file: those
    // cannot answer, and are the only ones.
    let not_in_the_file = [
        "/2018/11/02/block-category-embeds/",
        "/2018/11/02/block-category-formatting/",
        "/2018/11/02/block-category-layout-elements/",
        "/2018/11/02/block-category-widgets/",
        "/2018/11/02/block-columns/",
        "/2018/11/02/block-quote/",
    ];
    let localhost = ["http://localhost"];
    let playground = ["https://playground.internal"];
    for (file, hosts, at_least, absent) in [
        (THEME_UNIT_TEST, &theme[..], 150, &[][..]),
        (
            "phpunit/data/theme-unit-test-data.xml",
            &theme[..],
            150,
            &[][..],
        ),
        (
            "phpunit/data/a11y-unit-test-data.xml",
            &theme[..],
            100,
            &not_in_the_file[..],
        ),
        ("phpunit/data/small-export.xml", &localhost[..], 10, &[][..]),
        ("phpunit/data/valid-wxr-1.0.xml", &localhost[..], 6, &[][..]),
        (
            "e2e/fixtures/wxr-comprehensive.xml",
            &playground[..],
            2,
            &[][..],
        ),
    ] {
        every_old_address_answers(file, hosts, at_least, absent).await;
    }
}

async fn every_old_address_answers(file: &str, hosts: &[&str], at_least: usize, absent: &[&str]) {
    let site = TestApp::spawn().await;
    import(&site, &fixture(file)).await.unwrap();
    let path_of = |address: &str| {
        hosts
            .iter()
            .find_map(|host| address.strip_prefix(host))
            .map(|path| {
                if path.is_empty() {
                    "/".to_owned()
                } else {
                    path.to_owned()
                }
            })
    };
    let reading = std::fs::File::open(fixture(file)).unwrap();
    let mut reader = WxrReader::new(std::io::BufReader::new(reading), WxrLimits::default());
    let mut addresses: Vec<(String, Option<i64>)> = Vec::new();
    let link_in_content = regex::Regex::new(r##"href="(https?://[^"#]*)"##).unwrap();
    while let Some(record) = reader.next_record().unwrap() {
        let WxrRecord::Item(item) = record else {
            continue;
        };
        let public = item.status == "publish" && item.password.is_empty();
        let kind = item.post_type.as_str();
        if !(kind == "post" || kind == "page" || kind == "attachment") {
            continue;
        }
        if public || kind == "attachment" {
            for address in [&item.link, &item.guid] {
                let Some(path) = path_of(address) else {
                    continue;
                };
                // A GUID is an identifier: `/?p=568` names whatever had id 568 on the old
                // site (WordPress.com re-numbered some posts), and the site's home is no
                // item's page. Those only have to answer.
                let identifies = kind != "attachment"
                    && !path.contains("?p=")
                    && !path.contains("?page_id=")
                    && path != "/";
                addresses.push((path, identifies.then_some(item.post_id)));
            }
        }
        for found in link_in_content.captures_iter(&item.content) {
            if let Some(path) = path_of(&found[1]) {
                addresses.push((path, None));
            }
        }
    }
    addresses.sort();
    addresses.dedup();
    assert!(
        addresses.len() >= at_least,
        "{file}: {} addresses",
        addresses.len()
    );
    let browser = site.reader();
    let mut wrong = Vec::new();
    for (path, post_id) in &addresses {
        let response = browser.get(path).await;
        // A link to WordPress's admin leads to ours (which asks a visitor to sign in).
        if path.starts_with("/wp-admin") {
            if location(&response) != "/admin/" {
                wrong.push(format!("{path}: {}", response.status()));
            }
            continue;
        }
        let status = response.status();
        let answer = match status {
            StatusCode::OK => path.to_owned(),
            StatusCode::MOVED_PERMANENTLY => {
                let target = location(&response);
                let target = target.trim_start_matches(&site.url("")).to_owned();
                if target.starts_with("https://") || target.starts_with("http://") {
                    // An attachment whose file stayed on the old host's file server.
                    target
                } else {
                    let second = browser.get(&target).await.status();
                    if second != StatusCode::OK {
                        wrong.push(format!("{path} → {target} → {second}"));
                    }
                    target
                }
            }
            StatusCode::NOT_FOUND if absent.contains(&path.as_str()) => continue,
            other => {
                wrong.push(format!("{path}: {other}"));
                continue;
            }
        };
        if absent.contains(&path.as_str()) {
            wrong.push(format!(
                "{path} answers, though its post is not in the file"
            ));
        }
        // An item's own address leads to that item's page.
        if let Some(post_id) = post_id {
            let id = site
                .app
                .store
                .legacy_target(
                    tidings_domain::import::LegacyKind::Post,
                    &post_id.to_string(),
                )
                .await
                .unwrap()
                .unwrap();
            let article = site
                .app
                .store
                .article_by_id(tidings_domain::ArticleId(id))
                .await
                .unwrap()
                .unwrap();
            let decoded = |path: &str| {
                percent_encoding::percent_decode_str(path.split('?').next().unwrap_or(""))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            if decoded(&article.permalink()) != decoded(&answer) {
                wrong.push(format!(
                    "{path} leads to {answer}, not {}",
                    article.permalink()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{file}: {} of {}:\n{}",
        wrong.len(),
        addresses.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_second_import_adds_nothing_and_a_dry_run_changes_nothing() {
    let site = TestApp::spawn().await;
    let path = fixture("phpunit/data/small-export.xml");
    let dry = import_with(
        &site,
        &path,
        ImportOptions {
            dry_run: true,
            ..ImportOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(count(&dry.added, "articles"), 6, "{dry:?}");
    assert_eq!(count(&dry.added, "pages"), 5, "{dry:?}");
    // Nothing of the dry run is in the site: the real import adds it all.
    let first = import(&site, &path).await.unwrap();
    assert_eq!(first.added, dry.added);
    // `/?author=ID` finds the author by the old site's number.
    assert_eq!(
        location(&site.reader().get("/?author=2").await),
        "/author/editor/"
    );
    let second = import(&site, &path).await.unwrap();
    assert!(second.added.is_empty(), "{second:?}");
    assert_eq!(second.already_there, first.added);
}

#[tokio::test]
async fn the_command_line_imports_with_a_report() {
    let data = data_folder().await;
    let file = fixture("phpunit/data/valid-wxr-1.1.xml");
    let file = file.to_str().unwrap();
    let (ok, stdout, stderr) = run_binary(data.path(), &["import", "wxr", "--dry-run", file], "");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Dry run: nothing was changed"), "{stdout}");
    assert!(stdout.contains("1 articles"), "{stdout}");
    let (ok, stdout, stderr) = run_binary(data.path(), &["import", "wxr", file], "");
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Added:") && stdout.contains("1 comments"),
        "{stdout}"
    );
    let (ok, stdout, _) = run_binary(data.path(), &["import", "wxr", file], "");
    assert!(ok && stdout.contains("Added: nothing"), "{stdout}");
    let (ok, _, stderr) = run_binary(
        data.path(),
        &["import", "wxr", "--max-bytes", "100", file],
        "",
    );
    assert!(!ok && stderr.contains("over the limit of 100"), "{stderr}");
    // And out again: the export is written whole, or not at all.
    let out = data.path().join("site.xml");
    let (ok, _, stderr) = run_binary(
        data.path(),
        &["export", "wxr", "--out", out.to_str().unwrap()],
        "",
    );
    assert!(ok && stderr.contains(" pages, "), "{stderr}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("<?xml") && written.ends_with("</rss>\n"));
    assert!(!data.path().join("site.partial").exists());
}

/// The WordPress importer's own fixtures: each edge case read as WordPress means it.
#[tokio::test]
async fn the_wordpress_importers_fixtures_come_in_as_meant() {
    let slashes_site = TestApp::spawn().await;
    let reader = slashes_site.reader();
    // Backslashes are literal text (Windows paths), never "unslashed"; then the same for
    // quotes escaped with backslashes.
    import(&slashes_site, &fixture("phpunit/data/backslashes.xml"))
        .await
        .unwrap();
    let moved = location(&reader.get("/?p=1").await);
    let page = body(
        reader
            .get(moved.trim_start_matches(&slashes_site.url("")))
            .await,
    )
    .await;
    assert!(page.contains(r"C:\xampp\htdocs\wp-content"), "{page}");
    import(&slashes_site, &fixture("phpunit/data/slashes.xml"))
        .await
        .unwrap();
    let moved = location(&reader.get("/?p=1").await);
    let page = body(
        reader
            .get(moved.trim_start_matches(&slashes_site.url("")))
            .await,
    )
    .await;
    assert!(page.contains(r#"Slashes aren\'t \"cool\""#), "{page}");
    let site = TestApp::spawn().await;

    // WXR 1.0: terms named twice on items, tags with `domain="tag"`.
    let report = import(&site, &fixture("phpunit/data/valid-wxr-1.0.xml"))
        .await
        .unwrap();
    assert_eq!(count(&report.added, "articles"), 3, "{report:?}");
    assert_eq!(count(&report.added, "pages"), 3, "{report:?}");
    assert_eq!(count(&report.added, "comments"), 1, "{report:?}");

    // Adjacent CDATA sections and a correctly split `]]>` come out whole.
    let report = import(&site, &fixture("phpunit/data/crazy-cdata-escaped.xml"))
        .await
        .unwrap();
    assert_eq!(count(&report.added, "articles"), 1, "{report:?}");
    // Emoji, bidi overrides, zero-width characters and zalgo text are kept as they are.
    let report = import(&site, &fixture("phpunit/data/wxr-utf-8-challenges.xml"))
        .await
        .unwrap();
    assert_eq!(count(&report.added, "articles"), 1, "{report:?}");
    // Prefixes rebound and foreign namespaces: only WordPress's elements count.
    let report = import(&site, &fixture("phpunit/data/namespace-edge-cases.xml"))
        .await
        .unwrap();
    assert_eq!(count(&report.added, "articles"), 5, "{report:?}");
    // 300 authors.
    let report = import(&site, &fixture("phpunit/data/large-authors.xml"))
        .await
        .unwrap();
    assert_eq!(count(&report.added, "authors"), 300, "{report:?}");
    // A byte-order mark, Windows line ends and the `wp` prefix declared on the item.
    let folder = tempfile::tempdir().unwrap();
    let windows = folder.path().join("windows.xml");
    let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n<wp:wxr_version xmlns:wp=\"http://wordpress.org/export/1.1/\">1.1</wp:wxr_version>\n<item xmlns:wp=\"http://wordpress.org/export/1.1/\"><title>Line ends</title><wp:post_id>77</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_name>line-ends</wp:post_name><wp:post_date_gmt>2015-03-04 05:06:07</wp:post_date_gmt>\n<content:encoded><![CDATA[First line\nsecond line\n\nNext paragraph]]></content:encoded></item>\n</channel></rss>\n";
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    std::fs::write(&windows, bytes).unwrap();
    let report = import(&site, &windows).await.unwrap();
    assert_eq!(count(&report.added, "articles"), 1, "{report:?}");
    let page = body(site.reader().get("/2015/03/line-ends/").await).await;
    assert!(
        page.contains("<p>First line<br>\nsecond line</p>"),
        "{page}"
    );
    assert!(page.contains("<p>Next paragraph</p>"), "{page}");

    // WordPress writes a commenter's web address unescaped: a `&` in it is read as meant.
    let ampersand = folder.path().join("ampersand.xml");
    std::fs::write(
        &ampersand,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>5</wp:author_id><wp:author_login>jo_smith</wp:author_login><wp:author_email>jo@example.com</wp:author_email><wp:author_display_name>Jo Smith</wp:author_display_name></wp:author>
<wp:category><wp:term_id>41</wp:term_id><wp:category_nicename>local_news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>Local news</wp:cat_name></wp:category>
<item><title>Amp &amp; more</title><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">jo_smith</dc:creator><category domain="category" nicename="local_news">Local news</category><wp:post_id>78</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_name>amp</wp:post_name><wp:post_date_gmt>2015-03-05 05:06:07</wp:post_date_gmt>
<wp:comment><wp:comment_id>780</wp:comment_id><wp:comment_author><![CDATA[Ann & Bo]]></wp:comment_author><wp:comment_author_url>http://shop.example/?a=1&b=2</wp:comment_author_url><wp:comment_date_gmt>2015-03-06 05:06:07</wp:comment_date_gmt><wp:comment_content><![CDATA[Fine & dandy]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item></channel></rss>"#,
    )
    .unwrap();
    let report = import(&site, &ampersand).await.unwrap();
    assert_eq!(count(&report.added, "comments"), 1, "{report:?}");
    assert!(
        report.changed.values().any(|count| *count == 1),
        "{report:?}"
    );
    let page = body(site.reader().get("/2015/03/amp/").await).await;
    assert!(
        page.contains("href=\"http://shop.example/?a=1&amp;b=2\""),
        "{page}"
    );
    assert!(
        page.contains("<h1 class=\"entry-title\">Amp &amp; more</h1>"),
        "{page}"
    );
    // A slug tidings writes otherwise keeps its old archive address.
    let section = site.reader().get("/category/local_news/").await;
    assert_eq!(location(&section), "/category/local-news/");
    // And an author whose login tidings writes otherwise keeps their page's old address.
    let author = site.reader().get("/author/jo_smith/feed/").await;
    assert_eq!(location(&author), "/author/jo-smith/feed/");

    // A file from before WXR had a version is read as 1.0.
    let report = import(&site, &fixture("phpunit/data/missing-version-tag.xml"))
        .await
        .unwrap();
    assert!(
        report
            .changed
            .keys()
            .any(|what| what.contains("no WXR version")),
        "{report:?}"
    );
    // Every other fixture that is well-formed imports.
    for name in [
        "phpunit/data/a11y-unit-test-data.xml",
        "phpunit/data/authors-multiline.xml",
        "phpunit/data/blank-lines.xml",
        "phpunit/data/cdata-edge.xml",
        "phpunit/data/chunked-meta.xml",
        "phpunit/data/missing-tags.xml",
        "phpunit/data/multiple-cdata.xml",
        "phpunit/data/post-content-blank-lines.xml",
        "phpunit/data/term-formats.xml",
        "phpunit/data/term-meta.xml",
        "phpunit/data/test-serialized-comment-meta.xml",
        "phpunit/data/test-serialized-postmeta-no-cdata.xml",
        "phpunit/data/test-serialized-postmeta-with-cdata.xml",
        "phpunit/data/test-serialized-term-meta.xml",
        "phpunit/data/test-utw-post-meta-import.xml",
        "phpunit/data/theme-unit-test-data.xml",
        "phpunit/data/wxr-flat-attachment-different-site.xml",
        "phpunit/data/wxr-flat-attachment-same-site.xml",
        "phpunit/data/wxr-simple.xml",
        "phpunit/data/wxr-with-sub-data.xml",
        "e2e/fixtures/wxr-base-url-rewriting.xml",
        "e2e/fixtures/wxr-comprehensive.xml",
        "e2e/fixtures/wxr-css-urls.xml",
        "e2e/fixtures/wxr-simple.xml",
    ] {
        import(&site, &fixture(name))
            .await
            .unwrap_or_else(|error| panic!("{name}: {error}"));
    }
}

/// A broken or hostile file changes nothing and says which line and why.
#[tokio::test]
async fn broken_and_hostile_files_are_refused_and_change_nothing() {
    let site = TestApp::spawn().await;
    let folder = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = folder.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        path
    };
    let head = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>http://old.example</wp:base_blog_url>
"#;
    let post = r#"<item><title>Kept out</title><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_name>kept-out</wp:post_name><content:encoded>Text</content:encoded></item>
"#;
    let bomb = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n{}",
        &head[head.find("<rss").unwrap()..]
    );
    let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<rss><channel><title>&x;</title></channel></rss>";
    let deep = format!(
        "{head}{}{}</channel></rss>",
        "<x>".repeat(200),
        "</x>".repeat(200)
    );
    let cases: Vec<(PathBuf, &str, ImportOptions)> = vec![
        (
            write("bomb.xml", &format!("{bomb}{post}</channel></rss>")),
            "DOCTYPE",
            ImportOptions::default(),
        ),
        (
            write("external.xml", external),
            "DOCTYPE",
            ImportOptions::default(),
        ),
        (
            write(
                "undeclared.xml",
                &format!("{head}<item><title>&c;</title></item>{post}</channel></rss>"),
            ),
            "not one of XML's five",
            ImportOptions::default(),
        ),
        (
            write("deep.xml", &deep),
            "nested deeper",
            ImportOptions::default(),
        ),
        (
            write(
                "long.xml",
                &format!(
                    "{head}{post}<item><content:encoded>{}</content:encoded></item></channel></rss>",
                    "x".repeat(5000)
                ),
            ),
            "longer than 4096 bytes",
            ImportOptions {
                limits: WxrLimits {
                    max_text_bytes: 4096,
                    ..WxrLimits::default()
                },
                ..ImportOptions::default()
            },
        ),
        (
            write("cut.xml", &format!("{head}{post}<item><title>Half")),
            "cut short",
            ImportOptions::default(),
        ),
        (
            write("not-wxr.xml", "<html><body>hello</body></html>"),
            "not a WordPress export",
            ImportOptions::default(),
        ),
        (
            fixture("phpunit/data/malformed.xml"),
            "line 90",
            ImportOptions::default(),
        ),
        (
            fixture("phpunit/data/invalid-version-tag.xml"),
            "not a WXR version",
            ImportOptions::default(),
        ),
        (
            write("big.xml", &format!("{head}{post}</channel></rss>")),
            "over the limit of 64",
            ImportOptions {
                max_bytes: 64,
                ..ImportOptions::default()
            },
        ),
    ];
    for (path, expected, options) in cases {
        let error = import_with(&site, &path, options)
            .await
            .expect_err("refused")
            .to_string();
        assert!(error.contains(expected), "{}: {error}", path.display());
        // The post before the error was not kept: all or nothing.
        assert_eq!(
            site.reader().get("/?p=7").await.status(),
            StatusCode::NOT_FOUND,
            "{}",
            path.display()
        );
    }
    // The same post in a good file comes in.
    let good = write("good.xml", &format!("{head}{post}</channel></rss>"));
    import(&site, &good).await.unwrap();
    assert_eq!(
        site.reader().get("/?p=7").await.status(),
        StatusCode::MOVED_PERMANENTLY
    );
}

/// Import → export → import into a fresh site gives the same articles, pages, comments,
/// terms, authors and attachments, field for field.
#[tokio::test]
async fn an_export_imported_into_a_fresh_site_gives_the_same_site() {
    use tidings_domain::import::LegacyKind;
    use tidings_domain::{ArticleId, CommentId};
    let first = TestApp::spawn().await;
    import(&first, &fixture(THEME_UNIT_TEST)).await.unwrap();
    // A trashed article, a standfirst and Markdown of tidings' own travel too.
    first
        .article_with("Written here", |input| {
            input.subtitle = "A standfirst & more".into();
            input.body_markdown = "Some *Markdown* with a [link](https://example.com/).".into();
        })
        .await;
    let (sender, mut chunks) = tokio::sync::mpsc::channel(4);
    let exporting = tidings::services::exports::export_wxr(&first.app, sender);
    let collecting = async {
        let mut bytes = Vec::new();
        while let Some(chunk) = chunks.recv().await {
            bytes.extend_from_slice(&chunk);
        }
        bytes
    };
    let (tally, bytes) = tokio::join!(exporting, collecting);
    let tally = tally.unwrap();
    assert_eq!(tally.bytes as usize, bytes.len());
    assert_eq!(tally.attachments, 38);
    let folder = tempfile::tempdir().unwrap();
    let exported = folder.path().join("export.xml");
    std::fs::write(&exported, &bytes).unwrap();

    let second = TestApp::spawn().await;
    import(&second, &exported).await.unwrap();
    let (a, b) = (&first.app.store, &second.app.store);
    let moved = |kind: LegacyKind, id: i64| async move {
        b.legacy_target(kind, &id.to_string()).await.unwrap()
    };
    let mut after = ArticleId(0);
    let mut compared = 0;
    loop {
        let page = a.articles_for_export(after, 100).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.article.id;
        for old in page {
            // Each fresh site has its own welcome article: the imported one is beside it.
            if old.article.title == "Welcome to tidings" {
                continue;
            }
            let id = moved(LegacyKind::Post, old.article.id.0).await.unwrap();
            let new = b
                .articles_for_export(ArticleId(id - 1), 1)
                .await
                .unwrap()
                .remove(0);
            let (x, y) = (&old.article, &new.article);
            let what = &x.title;
            assert_eq!(
                (
                    &x.kind,
                    &x.slug,
                    &x.title,
                    &x.subtitle,
                    &x.excerpt,
                    &x.body_markdown
                ),
                (
                    &y.kind,
                    &y.slug,
                    &y.title,
                    &y.subtitle,
                    &y.excerpt,
                    &y.body_markdown
                ),
                "{what}"
            );
            assert_eq!(
                (
                    x.status,
                    x.published_at,
                    x.updated_at,
                    x.sticky,
                    x.comments_open
                ),
                (
                    y.status,
                    y.published_at,
                    y.updated_at,
                    y.sticky,
                    y.comments_open
                ),
                "{what}"
            );
            assert_eq!(x.page_path, y.page_path, "{what}");
            assert_eq!(x.trashed.map(|t| t.1), y.trashed.map(|t| t.1), "{what}");
            let slugs = |terms: &[tidings_domain::Term]| {
                terms
                    .iter()
                    .map(|term| (term.taxonomy, term.slug.clone(), term.name.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(slugs(&old.terms), slugs(&new.terms), "{what}");
            assert_eq!(old.author_slug, new.author_slug, "{what}");
            let old_comments = a
                .comments_for_export(x.id, CommentId(0), 1000)
                .await
                .unwrap();
            let new_comments = b
                .comments_for_export(y.id, CommentId(0), 1000)
                .await
                .unwrap();
            assert_eq!(old_comments.len(), new_comments.len(), "{what}");
            for (p, q) in old_comments.iter().zip(&new_comments) {
                assert_eq!(
                    (
                        &p.author_name,
                        &p.author_email,
                        &p.author_url,
                        &p.ip,
                        &p.content
                    ),
                    (
                        &q.author_name,
                        &q.author_email,
                        &q.author_url,
                        &q.ip,
                        &q.content
                    )
                );
                assert_eq!(
                    (p.status, p.created_at, p.kind, p.parent_id.is_some()),
                    (q.status, q.created_at, q.kind, q.parent_id.is_some())
                );
                if let Some(parent) = p.parent_id {
                    let mapped = moved(LegacyKind::Comment, parent.0).await;
                    assert_eq!(q.parent_id.map(|id| id.0), mapped, "{what}");
                }
            }
            compared += 1;
        }
    }
    assert!(compared >= 73, "{compared}");
    // Terms: every section and tag, with its name, description and parent.
    let terms_of = |terms: Vec<tidings_domain::Term>| {
        terms
            .iter()
            .map(|term| {
                let parent = term
                    .parent_id
                    .and_then(|parent| terms.iter().find(|other| other.id == parent))
                    .map(|parent| parent.slug.as_str().to_owned());
                (
                    term.taxonomy.as_str(),
                    term.slug.as_str().to_owned(),
                    term.name.clone(),
                    term.description.clone(),
                    parent,
                )
            })
            .collect::<std::collections::BTreeSet<_>>()
    };
    let old_terms = terms_of(a.terms_for_export().await.unwrap());
    let new_terms = terms_of(b.terms_for_export().await.unwrap());
    assert!(
        old_terms.is_subset(&new_terms),
        "{:?}",
        old_terms.difference(&new_terms).collect::<Vec<_>>()
    );
    // Authors by email and name.
    let people = |authors: Vec<tidings_store::ExportedAuthor>| {
        authors
            .into_iter()
            .map(|author| (author.email, author.display_name, author.slug))
            .collect::<std::collections::BTreeSet<_>>()
    };
    let old_people = people(a.authors_for_export().await.unwrap());
    let new_people = people(b.authors_for_export().await.unwrap());
    assert!(
        old_people.is_subset(&new_people),
        "{old_people:?} {new_people:?}"
    );
    // Attachments, every field but the id.
    let attachments = |list: Vec<tidings_store::ExportedAttachment>| {
        list.into_iter()
            .map(|x| {
                (
                    x.title,
                    x.caption,
                    x.description,
                    x.alt,
                    x.url,
                    x.file,
                    x.width,
                    x.height,
                    x.uploaded_at,
                    x.article_id.is_some(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        attachments(a.attachments_for_export(0, 1000).await.unwrap()),
        attachments(b.attachments_for_export(0, 1000).await.unwrap())
    );
}

/// A Disqus export after the WordPress import: threads find their articles by old
/// address, by `?p=ID` and by the identifier WordPress's Disqus plugin wrote; threading,
/// spam and deleted flags are kept; threads for pages the site lacks are listed.
#[tokio::test]
async fn disqus_comments_find_their_articles_by_old_addresses() {
    use tidings::services::imports::import_disqus_file;
    let site = TestApp::spawn().await;
    import(&site, &fixture(THEME_UNIT_TEST)).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("disqus.xml");
    let post = |id: u64, thread: u64, parent: Option<u64>, flags: &str, text: &str| {
        let parent = parent.map_or(String::new(), |parent| {
            format!("<parent dsq:id=\"{parent}\"/>")
        });
        format!(
            "<post dsq:id=\"{id}\"><id/><message><![CDATA[<p>{text}</p>]]></message><createdAt>2014-05-0{}T10:00:00Z</createdAt>{flags}<author><email>r{id}@example.com</email><name>Reader {id}</name><isAnonymous>false</isAnonymous></author><ipAddress>198.51.100.{}</ipAddress><thread dsq:id=\"{thread}\"/>{parent}</post>\n",
            1 + id % 8,
            id % 200
        )
    };
    let ok = "<isDeleted>false</isDeleted><isSpam>false</isSpam>";
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<category dsq:id="1"><forum>themetest</forum><title>General</title><isDefault>true</isDefault></category>
<thread dsq:id="11"><id></id><forum>themetest</forum><link>https://wpthemetestdata.wordpress.com/2013/01/11/markup-html-tags-and-formatting/</link><title>Markup</title><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
<thread dsq:id="12"><id>1241 https://wpthemetestdata.wordpress.com/?p=1241</id><forum>themetest</forum><link>http://localhost:8000/preview/</link><title>Sticky</title></thread>
<thread dsq:id="13"><id></id><forum>themetest</forum><link>https://wpthemetestdata.wordpress.com/about/</link><title>About</title></thread>
<thread dsq:id="14"><id></id><forum>themetest</forum><link>https://wpthemetestdata.wordpress.com/2001/01/01/never-here/</link><title>Gone</title></thread>
{}{}{}{}{}{}</disqus>"#,
        post(9001, 11, None, ok, "On markup"),
        post(9002, 11, Some(9001), ok, "A reply to it"),
        post(9003, 12, None, ok, "On the sticky post"),
        post(
            9004,
            13,
            None,
            "<isDeleted>true</isDeleted><isSpam>false</isSpam>",
            "Deleted"
        ),
        post(
            9005,
            13,
            None,
            "<isDeleted>false</isDeleted><isSpam>true</isSpam>",
            "Spam here"
        ),
        post(9006, 14, None, ok, "Lost"),
    );
    std::fs::write(&path, xml).unwrap();
    let report = import_disqus_file(
        &site.app,
        &path,
        &ImportOptions::default(),
        Arc::new(ImportProgress::default()),
    )
    .await
    .unwrap();
    assert_eq!(count(&report.added, "comments"), 5, "{report:?}");
    assert_eq!(
        report.unmatched,
        ["https://wpthemetestdata.wordpress.com/2001/01/01/never-here/"]
    );
    let reader = site.reader();
    let markup = body(
        reader
            .get("/2013/01/markup-html-tags-and-formatting/")
            .await,
    )
    .await;
    assert!(markup.contains("On markup") && markup.contains("A reply to it"));
    let sticky = body(reader.get("/2012/01/template-sticky/").await).await;
    assert!(
        sticky.contains("On the sticky post"),
        "found by its identifier"
    );
    let about = body(reader.get("/about/").await).await;
    assert!(!about.contains("Deleted") && !about.contains("Spam here"));
    // Threading kept: the reply names its parent.
    let reply = tidings_domain::CommentId(
        site.app
            .store
            .legacy_target(tidings_domain::import::LegacyKind::Comment, "9002")
            .await
            .unwrap()
            .unwrap(),
    );
    let reply = site.app.store.comment_by_id(reply).await.unwrap().unwrap();
    assert!(reply.parent_id.is_some());
    // Again: nothing new.
    let again = import_disqus_file(
        &site.app,
        &path,
        &ImportOptions::default(),
        Arc::new(ImportProgress::default()),
    )
    .await
    .unwrap();
    assert!(again.added.is_empty(), "{again:?}");
}

/// With a copy of the old uploads folder, attachments' images come into the media library;
/// their old addresses and WordPress's resized copies lead to them. Nothing is read from
/// outside the folder.
#[tokio::test]
async fn attachments_bring_their_files_from_the_old_uploads_folder() {
    let site = TestApp::spawn().await;
    let uploads = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(uploads.path().join("2008/06")).unwrap();
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(800, 600, image::Rgb([30, 120, 200]))
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    std::fs::write(
        uploads.path().join("2008/06/canola2.jpg"),
        jpeg.into_inner(),
    )
    .unwrap();
    let report = import_with(
        &site,
        &fixture("phpunit/data/wxr-flat-attachment-same-site.xml"),
        ImportOptions {
            uploads: Some(uploads.path().to_owned()),
            ..ImportOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(count(&report.added, "attachments"), 1, "{report:?}");
    let reader = site.reader();
    let moved = location(&reader.get("/?attachment_id=611").await);
    assert!(
        moved.contains("/media/") && moved.ends_with("/800.jpg"),
        "{moved}"
    );
    let image = reader.get(moved.trim_start_matches(&site.url(""))).await;
    assert_eq!(image.status(), StatusCode::OK);
    let resized = location(
        &reader
            .get("/wp-content/uploads/2008/06/canola2-300x200.jpg")
            .await,
    );
    assert_eq!(resized, moved);

    // A path out of the folder is not followed; a missing file is reported.
    let folder = tempfile::tempdir().unwrap();
    let hostile = folder.path().join("hostile.xml");
    std::fs::write(
        &hostile,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>http://elsewhere.example</wp:base_blog_url>
<item><title>Secret</title><wp:post_id>5</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>http://elsewhere.example/x.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>../../../etc/passwd</wp:meta_value></wp:postmeta></item>
<item><title>With a picture</title><wp:post_id>9</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_name>with-a-picture</wp:post_name><wp:post_date_gmt>2015-01-02 03:04:05</wp:post_date_gmt>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[Look: <img src="http://elsewhere.example/wp-content/uploads/2008/06/canola2-300x225.jpg" alt="Canola" width="300" height="225">]]></content:encoded>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>8</wp:meta_value></wp:postmeta></item>
<item><title>Its picture</title><wp:post_id>8</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>9</wp:post_parent>
<wp:attachment_url>http://elsewhere.example/wp-content/uploads/2008/06/canola2.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Rapeseed in bloom</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2008/06/canola2.jpg</wp:meta_value></wp:postmeta></item>
<item><title>Missing</title><wp:post_id>6</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>http://elsewhere.example/y.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2001/01/y.jpg</wp:meta_value></wp:postmeta></item>
</channel></rss>"#,
    )
    .unwrap();
    let report = import_with(
        &site,
        &hostile,
        ImportOptions {
            uploads: Some(uploads.path().to_owned()),
            ..ImportOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(count(&report.added, "attachments"), 3, "records are kept");
    // The post named its featured image before the attachment came: it has it.
    let picture = body(reader.get("/2015/01/with-a-picture/").await).await;
    assert!(
        picture.contains("og:image") && picture.contains("Rapeseed in bloom"),
        "{picture}"
    );
    // Its body's image, a resized copy on the old site, shows the library's image.
    let shown = picture
        .split("<img ")
        .find(|image| image.contains("alt=\"Canola\""))
        .expect("the body's image");
    assert!(
        shown.starts_with("src=\"/media/") && shown.contains("srcset="),
        "{shown}"
    );
    assert!(!picture.contains("canola2-300x225.jpg"), "{picture}");
    assert_eq!(
        count(
            &report.skipped,
            "attachments without a file path under the uploads folder"
        ),
        1,
        "{report:?}"
    );
    assert_eq!(
        count(
            &report.skipped,
            "attachment files not found in the uploads folder"
        ),
        1,
        "{report:?}"
    );
}

/// An administrator uploads an export in the admin, watches it, reads the report, and
/// downloads the site as an export.
#[tokio::test]
async fn the_admin_imports_an_upload_and_downloads_an_export() {
    use reqwest::multipart::{Form, Part};
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    let page = body(admin.get("/admin/import").await).await;
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let upload = |csrf: String, dry_run: bool| {
        let mut form = Form::new().text("csrf", csrf).text("kind", "wxr");
        if dry_run {
            form = form.text("dry_run", "1");
        }
        form.part(
            "file",
            Part::bytes(std::fs::read(fixture(THEME_UNIT_TEST)).unwrap()).file_name("export.xml"),
        )
    };
    // A forged form (no token) is refused before its file is read.
    let forged = admin
        .reader
        .client
        .post(site.url("/admin/import"))
        .multipart(upload(String::new(), false))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let sent = admin
        .reader
        .client
        .post(site.url("/admin/import"))
        .multipart(upload(admin.csrf.clone(), false))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    tokio::time::timeout(std::time::Duration::from_secs(120), site.app.imports.idle())
        .await
        .expect("the import ends");
    let page = body(admin.get("/admin/import").await).await;
    assert!(page.contains("Added: 51 articles"), "{page}");
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "no refresh once it ended"
    );
    assert_eq!(
        site.reader()
            .get("/2013/01/markup-html-tags-and-formatting/")
            .await
            .status(),
        StatusCode::OK
    );
    // No file is left behind in the data folder.
    let left: Vec<_> = std::fs::read_dir(site.data.path().join("imports"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let export = admin.get("/admin/export/wxr").await;
    assert_eq!(export.status(), StatusCode::OK);
    let disposition = export.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment; filename=\"tidings-export-"));
    let text = body(export).await;
    assert!(text.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
    assert!(text.contains("Markup: HTML Tags and Formatting") && text.ends_with("</rss>\n"));
}
