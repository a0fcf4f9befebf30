//! Fuzzing on stable Rust: proptest drives every parser and renderer that reads what a
//! stranger wrote, with inputs that are either arbitrary or a committed seed
//! (`tests/fuzz-corpus/`) cut, spliced and flipped byte by byte. Each target must not
//! panic and must keep its promise (a renderer's output holds no script; a slug is a
//! slug; a reader ends with records or a clear error).
//!
//! `scripts/test` runs the default 256 cases of each; a longer hunt is
//! `PROPTEST_CASES=100000 cargo test --release -p tidings-domain --test fuzz`. A failing
//! case is shrunk and saved under `proptest-regressions/`, committed, and replayed first
//! on every later run.

#![expect(
    clippy::unwrap_used,
    reason = "a fuzz target's helpers stop loudly at the first surprise"
)]

use proptest::prelude::*;
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;
use tidings_domain::article::Slug;
use tidings_domain::disqus::DisqusReader;
use tidings_domain::text::{render_comment, render_markdown, sanitize_article_html};
use tidings_domain::wordpress::WxrConverter;
use tidings_domain::wordpress::autop::{autop, captions_to_figures};
use tidings_domain::wordpress::wxr::{WxrLimits, WxrReader, WxrRecord};

/// The committed seeds of one kind, as bytes.
fn corpus(kind: &str) -> Vec<Vec<u8>> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(kind);
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    assert!(!seeds.is_empty(), "no seeds in {}", folder.display());
    seeds
}

/// One change to a seed.
#[derive(Clone, Debug)]
enum Mutation {
    Flip {
        at: usize,
        bits: u8,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Remove {
        at: usize,
        length: usize,
    },
    /// A stretch of the input repeated (deep nesting, long runs).
    Repeat {
        at: usize,
        length: usize,
        times: usize,
    },
    Truncate {
        at: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that matter to markup and XML, and any byte at all.
    let interesting =
        prop::sample::select(b"<>&\"'=/\\:;![]()*_`#-\n\r\t \x00\xff\xc3\xa9".to_vec());
    let bytes = prop::collection::vec(prop_oneof![interesting, any::<u8>()], 1..12);
    prop_oneof![
        (any::<usize>(), 1..=255_u8).prop_map(|(at, bits)| Mutation::Flip { at, bits }),
        (any::<usize>(), bytes).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1..64_usize).prop_map(|(at, length)| Mutation::Remove { at, length }),
        (any::<usize>(), 1..16_usize, 2..64_usize)
            .prop_map(|(at, length, times)| Mutation::Repeat { at, length, times }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn mutate(mut input: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for change in mutations {
        let length = input.len();
        let place = |at: usize| if length == 0 { 0 } else { at % (length + 1) };
        match change {
            Mutation::Flip { at, bits } if length > 0 => input[at % length] ^= bits,
            Mutation::Flip { .. } => {}
            Mutation::Insert { at, bytes } => {
                let at = place(*at);
                input.splice(at..at, bytes.iter().copied());
            }
            Mutation::Remove { at, length: cut } => {
                let at = place(*at);
                let end = (at + cut).min(length);
                input.drain(at..end);
            }
            Mutation::Repeat {
                at,
                length: run,
                times,
            } => {
                let at = place(*at);
                let end = (at + run).min(length);
                let stretch = input[at..end].to_vec();
                for _ in 0..*times {
                    input.splice(at..at, stretch.iter().copied());
                }
            }
            Mutation::Truncate { at } => input.truncate(place(*at)),
        }
    }
    input
}

/// A seed of `kind`, changed a few times; or, now and then, bytes of no seed at all.
fn seeded(kind: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = corpus(kind);
    prop_oneof![
        4 => (
            prop::sample::select(seeds),
            prop::collection::vec(mutation(), 0..8)
        )
            .prop_map(|(seed, changes)| mutate(seed, &changes)),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A start tag as the sanitiser's serializer writes it: a name, then attributes each
/// `name="value"` (a quote inside a value is written `&quot;`).
static START_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<([A-Za-z][^\s/>]*)((?:\s+[^\s=>"']+(?:="[^"]*")?)*)\s*/?>"#).unwrap()
});
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\s+([^\s=>"']+)(?:="([^"]*)")?"#).unwrap());
/// Elements that run script, load other documents or restyle the page.
const ACTIVE: &[&str] = &[
    "script", "iframe", "frame", "object", "embed", "style", "form", "input", "button", "textarea",
    "select", "svg", "math", "base", "meta", "link", "template", "noscript",
];

/// What no sanitised HTML may hold: an active element, an event handler, an address that
/// runs script, or a `<` that does not start a tag the serializer wrote.
fn assert_inert(html: &str, from: &str) {
    let problem = |what: String| panic!("{what} came through:\n{html}\nfrom:\n{from:?}");
    for tag in START_TAG.captures_iter(html) {
        let name = tag[1].to_ascii_lowercase();
        if ACTIVE.contains(&name.as_str()) {
            problem(format!("a <{name}> element"));
        }
        for attribute in ATTRIBUTE.captures_iter(&tag[2]) {
            let key = attribute[1].to_ascii_lowercase();
            let value = attribute.get(2).map_or("", |value| value.as_str());
            if key.starts_with("on") {
                problem(format!("the event handler {key}"));
            }
            if key == "style" {
                problem("a style attribute".into());
            }
            // As a browser reads an address (the WHATWG URL parser): C0 controls and spaces
            // trimmed from the ends, tabs and newlines removed anywhere.
            let plain: String = value
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) && ["javascript:", "vbscript:", "data:", "&#"]
                .iter()
                .any(|scheme| plain.starts_with(scheme))
            {
                problem(format!("the address {value:?}"));
            }
        }
    }
    // Every other `<` is an end tag or escaped text: nothing that opens an element.
    for (at, _) in html.match_indices('<') {
        let rest = &html[at..];
        let opens = rest[1..].starts_with(|c: char| c.is_ascii_alphabetic());
        if opens && START_TAG.find(rest).is_none_or(|tag| tag.start() != 0) {
            problem(format!(
                "a tag the serializer did not write ({})",
                &rest[..rest.len().min(40)]
            ));
        }
    }
}

proptest! {
    #[test]
    fn the_comment_renderer_and_sanitiser_let_no_script_through(input in seeded("markup")) {
        let input = text(&input);
        assert_inert(render_comment(&input).as_str(), &input);
    }

    #[test]
    fn the_markdown_renderer_lets_no_script_through(input in seeded("markup")) {
        let input = text(&input);
        assert_inert(render_markdown(&input).as_str(), &input);
        assert_inert(&sanitize_article_html(&input), &input);
    }

    #[test]
    fn wordpress_paragraphs_and_captions_never_panic(input in seeded("markup")) {
        let input = text(&input);
        let html = captions_to_figures(&autop(&input));
        assert_inert(&sanitize_article_html(&html), &input);
    }

    #[test]
    fn the_wxr_reader_ends_with_records_or_an_error(input in seeded("wxr")) {
        let mut reader = WxrReader::new(input.as_slice(), WxrLimits::default());
        let mut converter = None;
        // Each record consumes input, so a bounded number of steps ends any file.
        for _ in 0..=input.len() + 1 {
            match reader.next_record() {
                Ok(Some(WxrRecord::Site(site))) => {
                    converter = Some(WxrConverter::new(&site, time::OffsetDateTime::UNIX_EPOCH));
                }
                Ok(Some(WxrRecord::Author(author))) => {
                    if let Some(converter) = converter.as_mut() {
                        converter.author(&author);
                    }
                }
                Ok(Some(WxrRecord::Term(term))) => {
                    if let Some(converter) = converter.as_mut() {
                        converter.term(&term);
                    }
                }
                Ok(Some(WxrRecord::Item(item))) => {
                    if let Some(converter) = converter.as_mut() {
                        converter.item(&item);
                    }
                }
                Ok(Some(WxrRecord::Comment(_))) => {}
                Ok(None) => return Ok(()),
                Err(error) => {
                    prop_assert!(!error.to_string().is_empty());
                    return Ok(());
                }
            }
        }
        prop_assert!(false, "the reader did not end");
    }

    #[test]
    fn the_disqus_reader_ends_with_records_or_an_error(input in seeded("disqus")) {
        let mut reader = DisqusReader::new(input.as_slice(), WxrLimits::default());
        for _ in 0..=input.len() + 1 {
            match reader.next_record() {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(()),
                Err(error) => {
                    prop_assert!(!error.to_string().is_empty());
                    return Ok(());
                }
            }
        }
        prop_assert!(false, "the reader did not end");
    }

    #[test]
    fn a_slug_made_from_any_title_is_a_slug(input in prop_oneof![
        seeded("slugs").prop_map(|bytes| text(&bytes)),
        any::<String>(),
    ]) {
        if let Some(slug) = Slug::from_title(&input) {
            let value = slug.as_str();
            prop_assert!(!value.is_empty() && value.len() <= 200, "{value:?}");
            prop_assert!(
                value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{value:?}"
            );
            prop_assert!(!value.starts_with('-') && !value.ends_with('-'), "{value:?}");
            let parsed = Slug::parse(value);
            prop_assert_eq!(parsed.as_ref().map(Slug::as_str), Some(value));
        }
        // Whatever is typed as a slug is refused or kept as a slug.
        if let Some(parsed) = Slug::parse(&input) {
            prop_assert!(!parsed.as_str().contains('/') && !parsed.as_str().contains(".."));
        }
    }

    #[test]
    fn webhook_addresses_are_http_or_refused(input in any::<String>()) {
        if let Ok(url) = tidings_domain::webhook::parse_url(&input) {
            prop_assert!(matches!(url.scheme(), "http" | "https"), "{url}");
            prop_assert!(url.host_str().is_some_and(|host| !host.is_empty()), "{url}");
        }
    }

    #[test]
    fn date_archive_addresses_parse_or_are_refused(parts in prop::collection::vec("[0-9a-z]{0,6}", 0..5)) {
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if let Some((archive, _page)) = tidings_domain::date_archive::DateArchive::parse(&parts) {
            // What parses has an address of its own that parses back the same.
            let path = archive.path();
            let again: Vec<&str> = path.trim_matches('/').split('/').collect();
            prop_assert_eq!(
                tidings_domain::date_archive::DateArchive::parse(&again).map(|(a, _)| a),
                Some(archive)
            );
        }
    }
}
