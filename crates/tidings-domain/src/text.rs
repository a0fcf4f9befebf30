//! Turning what people type into HTML that is safe to show.
//!
//! Sanitising is always the last step: cosmetic passes (paragraphs, clickable links) run on
//! the raw text first, then a real HTML5 parser with an allow-list (ammonia) decides what
//! survives. A mistake in a cosmetic pass can make ugly markup but never a script, which is
//! the lesson of WordPress's comment XSS history (texturize, regex `rel` rewriting).

mod characters;
mod markup_shape;

use crate::media::MediaKey;
pub use characters::{clean_line, clean_text, is_invisible_text, xml_safe};
pub use markup_shape::{ARTICLE_LIMITS, COMMENT_LIMITS, MarkupLimits, MarkupShape};

use pulldown_cmark::{Event, Options, Parser, TagEnd};
use serde::Serialize;
use std::sync::LazyLock;

/// HTML that went through one of this module's sanitisers. It cannot be built any other
/// way, so a template may print it unescaped and nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// HTML that one of this module's renderers produced and a store kept, read back. Only
    /// a store may call this: it is how rendering once, at write time, stays compatible
    /// with "only the renderers make `SafeHtml`".
    pub fn trusting_storage(html: String) -> SafeHtml {
        SafeHtml::new(html)
    }

    /// Every `SafeHtml` is also free of the characters XML forbids, so templates can print
    /// it into a feed as it is: cleaned here once rather than at every print. They are
    /// replaced, never deleted: this runs after the sanitiser, and a deletion could join
    /// an address it let through into one it would have refused (found by the fuzz
    /// targets).
    fn new(html: String) -> SafeHtml {
        match characters::xml_safe_replacing(&html) {
            std::borrow::Cow::Borrowed(_) => SafeHtml(html),
            std::borrow::Cow::Owned(cleaned) => SafeHtml(cleaned),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of links in the HTML, after bare URLs were made clickable: the count the
    /// "hold comments with N or more links" rule uses, as WordPress counts it.
    pub fn link_count(&self) -> usize {
        self.0.matches("<a href=").count()
    }
}

/// Tags a reader may use in a comment: WordPress's comment allow-list, plus the paragraphs
/// and line breaks we add ourselves.
const COMMENT_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "p",
    "q",
    "s",
    "strike",
    "strong",
];

static COMMENT_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(COMMENT_TAGS)
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("abbr", ["title"])
        .add_tag_attributes("acronym", ["title"])
        .add_tag_attributes("blockquote", ["cite"])
        .add_tag_attributes("q", ["cite"])
        .add_tag_attributes("del", ["datetime"])
        .add_clean_content_tags(["script", "style", "template", "noscript", "iframe"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow ugc"));
    builder
});

const WORDPRESS_CLASSES: &[&str] = &[
    "alignleft",
    "alignright",
    "aligncenter",
    "alignnone",
    "wp-caption",
];

static ARTICLE_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["figure", "figcaption"])
        .add_generic_attributes(["id"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("img", ["loading", "srcset", "sizes"])
        // WordPress's alignment classes, which imported content relies on and the theme
        // styles; no other class, so nothing can borrow the site's own styles.
        .add_allowed_classes("figure", WORDPRESS_CLASSES)
        .add_allowed_classes("img", WORDPRESS_CLASSES)
        .add_allowed_classes("p", WORDPRESS_CLASSES)
        .add_allowed_classes("div", WORDPRESS_CLASSES)
        // A `srcset` names only the site's own variants (what `with_srcsets` writes), so
        // no address in it escapes the URL checks `src` gets.
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "srcset" && !is_media_srcset(value) {
                None
            } else {
                Some(value.into())
            }
        })
        .id_prefix(Some("article-"));
    builder
});

/// An article's Markdown as HTML, before sanitising: what the sanitiser's parser will see.
fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    html
}

/// Gives each image from the media library (`<img src="/media/…">`) the `srcset` of its
/// variants, so a phone downloads the 640-pixel one, lets images below the first screen
/// load when scrolled to, and, when `size_of` knows the upload's size, gives the image its
/// width and height, so the text does not jump as it loads.
fn with_srcsets(html: &str, size_of: &dyn Fn(&MediaKey) -> Option<(u32, u32)>) -> String {
    const IMAGE: &str = "<img src=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(IMAGE) {
        let after = start + IMAGE.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let Some(end) = rest.find('"') else { break };
        let source = &rest[..end];
        out.push_str(source);
        out.push('"');
        rest = &rest[end + 1..];
        let Some(address) = crate::media::MediaAddress::parse_path(source) else {
            continue;
        };
        if let Some((width, height)) = size_of(&address.key).filter(|(width, _)| *width > 0) {
            let shown = address.width.min(width);
            let scaled = u64::from(height) * u64::from(shown) / u64::from(width);
            out.push_str(&format!(" width=\"{shown}\" height=\"{scaled}\""));
        }
        if let Some(srcset) = address.srcset() {
            out.push_str(&format!(
                " srcset=\"{srcset}\" sizes=\"(max-width: 45rem) 100vw, 45rem\" loading=\"lazy\""
            ));
        }
    }
    out.push_str(rest);
    out
}

/// The media library's images an article body shows (`/media/key/…` in it), so their
/// sizes can be looked up for [`render_markdown_sized`]. At most 100.
pub fn media_keys_in(markdown: &str) -> Vec<MediaKey> {
    let mut keys: Vec<MediaKey> = Vec::new();
    for (at, _) in markdown.match_indices("/media/") {
        let candidate: String = markdown[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '"' | '\'' | '<' | '>'))
            .collect();
        if let Some(address) = crate::media::MediaAddress::parse_path(&candidate)
            && !keys.contains(&address.key)
            && keys.len() < 100
        {
            keys.push(address.key);
        }
    }
    keys
}

fn is_media_srcset(value: &str) -> bool {
    value.split(',').all(|candidate| {
        let mut parts = candidate.split_whitespace();
        let path_ok = parts
            .next()
            .is_some_and(|path| crate::media::MediaAddress::parse_path(path).is_some());
        path_ok && parts.all(|descriptor| descriptor.ends_with('w'))
    })
}

/// Renders an article body written in Markdown (CommonMark with tables, footnotes and
/// strikethrough). Editors are trusted more than readers, but not with scripts. A body with
/// more structure than [`ARTICLE_LIMITS`] (possible only for rows stored before the limits,
/// or imported) is shown flattened to plain paragraphs.
pub fn render_markdown(markdown: &str) -> SafeHtml {
    render_markdown_sized(markdown, &|_| None)
}

/// [`render_markdown`], with the sizes of the media library's images it shows (the
/// upload's width and height, by key), so each gets its `width` and `height`.
pub fn render_markdown_sized(
    markdown: &str,
    size_of: &dyn Fn(&MediaKey) -> Option<(u32, u32)>,
) -> SafeHtml {
    // What XML forbids goes before the sanitiser sees the text (see `SafeHtml::new`).
    let html = with_srcsets(&markdown_to_html(&xml_safe(markdown)), size_of);
    if MarkupShape::of(&html).over(&ARTICLE_LIMITS).is_some() {
        return SafeHtml::new(markup_shape::flattened(&html));
    }
    SafeHtml::new(ARTICLE_SANITIZER.clean(&html).to_string())
}

/// HTML sanitised to what an editor may put in an article (an imported WordPress post's
/// content), as text to store.
pub fn sanitize_article_html(html: &str) -> String {
    let cleaned = ARTICLE_SANITIZER.clean(&xml_safe(html)).to_string();
    characters::xml_safe_replacing(&cleaned).into_owned()
}

/// Why an article body has more structure than it may, if it does.
pub fn article_markup_problem(markdown: &str) -> Option<String> {
    MarkupShape::of(&markdown_to_html(markdown)).over(&ARTICLE_LIMITS)
}

/// Why a comment has more structure than it may, if it does.
pub fn comment_markup_problem(text: &str) -> Option<String> {
    MarkupShape::of(&comment_html(text)).over(&COMMENT_LIMITS)
}

/// Whether a comment shows nothing once rendered: no text, only markup the sanitiser removes
/// (`<p></p>`), or only invisible characters (zero-width spaces, `&nbsp;`, Hangul fillers).
pub fn shows_nothing(text: &str) -> bool {
    is_invisible_text(&strip_tags(text))
}

/// The first `max_words` words of an article's text, for the front page and feeds.
pub fn excerpt_from_markdown(markdown: &str, max_words: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(piece) | Event::Code(piece) => text.push_str(&piece),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ');
                // Enough words gathered: a long article need not be read to its end.
                if text.split_whitespace().nth(max_words).is_some() {
                    break;
                }
            }
            _ => {}
        }
    }
    let mut words = text.split_whitespace();
    let mut excerpt: Vec<&str> = words.by_ref().take(max_words).collect();
    if words.next().is_some() {
        excerpt.push("…");
    }
    excerpt.join(" ")
}

/// An article's text as a reader reads it, without its marks: what search indexes and
/// quotes. HTML in the Markdown (as imported WordPress posts have) gives its text.
pub fn plain_text_from_markdown(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(piece) | Event::Code(piece) => text.push_str(&piece),
            Event::Html(html) | Event::InlineHtml(html) => {
                text.push_str(&strip_tags(&html));
                text.push(' ');
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            // The end of a block separates words; the end of an emphasis does not.
            Event::End(end)
                if !matches!(
                    end,
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
                ) =>
            {
                text.push(' ')
            }
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many words an article's text has, as readers read it (the Markdown's marks and
/// link addresses are not words).
pub fn word_count(markdown: &str) -> usize {
    let mut words = 0;
    for event in Parser::new(markdown) {
        if let Event::Text(piece) | Event::Code(piece) = event {
            // A stray "." after a link is its own piece of text, not a word.
            words += piece
                .split_whitespace()
                .filter(|word| word.chars().any(char::is_alphanumeric))
                .count();
        }
    }
    words
}

/// Minutes a reader takes for `words` words, at 230 words a minute (the usual adult
/// reading speed for non-fiction); at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(230).max(1)
}

/// Renders a reader's comment: paragraphs from blank lines, `<br>` from single line breaks,
/// bare http(s) URLs made clickable, WordPress's small tag allow-list, and
/// `rel="nofollow ugc"` on every link.
pub fn render_comment(text: &str) -> SafeHtml {
    let html = comment_html(&xml_safe(text));
    if MarkupShape::of(&html).over(&COMMENT_LIMITS).is_some() {
        return SafeHtml::new(markup_shape::flattened(&html));
    }
    SafeHtml::new(COMMENT_SANITIZER.clean(&html).to_string())
}

/// A comment as HTML before sanitising: bare links made into anchors, paragraphs and breaks.
fn comment_html(text: &str) -> String {
    paragraphs_from_blank_lines(&link_bare_urls(text))
}

/// A pending comment shown to its author: plain text only, links not clickable, so a held
/// comment cannot be used to publish links (WordPress's moderation-preview weakness).
pub fn render_comment_preview(text: &str) -> SafeHtml {
    let text = &*xml_safe(text);
    if MarkupShape::of(text).over(&COMMENT_LIMITS).is_some() {
        return SafeHtml::new(markup_shape::flattened(text));
    }
    let plain = ammonia::Builder::empty().clean(text).to_string();
    // `plain` is escaped text now; only paragraphs and breaks are added back.
    let paragraphs = paragraphs_from_blank_lines(&plain);
    SafeHtml::new(COMMENT_SANITIZER.clean(&paragraphs).to_string())
}

/// Plain text of possibly-HTML input, for matching word lists against what a reader sees.
pub fn strip_tags(text: &str) -> String {
    let escaped = if MarkupShape::of(text).over(&ARTICLE_LIMITS).is_some() {
        markup_shape::flattened(text)
            .replace("<p>", "")
            .replace("</p>\n", "\n\n")
    } else {
        ammonia::Builder::empty().clean(text).to_string()
    };
    escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn paragraphs_from_blank_lines(text: &str) -> String {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut html = String::with_capacity(normalised.len() + 32);
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, html: &mut String| {
        if !paragraph.is_empty() {
            html.push_str("<p>");
            html.push_str(&paragraph.join("<br>\n"));
            html.push_str("</p>\n");
            paragraph.clear();
        }
    };
    for line in normalised.split('\n') {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut html);
        } else {
            paragraph.push(line.trim_end());
        }
    }
    flush(&mut paragraph, &mut html);
    html
}

/// Wraps bare http(s) URLs in anchors, leaving tags and the inside of existing anchors
/// alone, and turns typed `<p>` and `<br>` into line breaks. The scan only needs to be good enough to look right: the sanitiser runs after it.
fn link_bare_urls(text: &str) -> String {
    let finder = {
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        finder
    };
    let mut output = String::with_capacity(text.len() + 16);
    let mut inside_anchor = false;
    let mut rest = text;
    while !rest.is_empty() {
        let (segment, after) = match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').map_or(rest.len(), |index| index + 1);
                let tag = &rest[..end];
                let name = tag
                    .trim_start_matches('<')
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                match name.as_str() {
                    "a" => inside_anchor = true,
                    "/a" => inside_anchor = false,
                    _ => {}
                }
                // Typed paragraphs and breaks become the blank lines and line breaks that
                // the paragraph pass turns back into tags, so they never nest.
                match name.trim_end_matches('/') {
                    "p" | "/p" => output.push_str("\n\n"),
                    "br" => output.push('\n'),
                    _ => output.push_str(tag),
                }
                rest = &rest[end..];
                continue;
            }
            Some(index) => (&rest[..index], &rest[index..]),
            None => (rest, ""),
        };
        if inside_anchor {
            output.push_str(segment);
        } else {
            let mut last = 0;
            for link in finder.links(segment) {
                let url = link.as_str();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    continue;
                }
                output.push_str(&segment[last..link.start()]);
                let escaped = escape_attribute(url);
                output.push_str("<a href=\"");
                output.push_str(&escaped);
                output.push_str("\">");
                output.push_str(&escaped);
                output.push_str("</a>");
                last = link.end();
            }
            output.push_str(&segment[last..]);
        }
        rest = after;
    }
    output
}

fn escape_attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {

    /// A character XML forbids, between the letters of `javascript:` in an article's link,
    /// once joined the address after the sanitiser let it through as a relative one.
    #[test]
    fn a_forbidden_character_never_joins_a_script_address() {
        for input in [
            "<a href=\"jav\u{16}ascript:alert(1)\">x</a>",
            "<a href=\"jav&#x16;ascript:alert(1)\">x</a>",
            "<a href=\"jav&#x09\u{16}ascript:alert(1)\">x</a>",
            "<img src=\"jav&#x16;ascript:alert(1)\">",
        ] {
            for html in [
                render_markdown(input).as_str().to_owned(),
                render_comment(input).as_str().to_owned(),
            ] {
                let plain: String = html
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(!plain.contains("javascript:"), "{input:?} gave {html:?}");
                assert!(!html.contains('\u{16}'), "{html:?}");
            }
        }
    }
    use super::*;

    #[test]
    fn library_images_get_their_srcset_and_others_do_not() {
        let html = render_markdown(
            "![A harbour](/media/0123456789abcdef/1600.jpg)\n\n![Elsewhere](https://example.com/a.jpg)\n\n\
             <img src=\"/x.png\" srcset=\"javascript:alert(1) 1x\" alt=\"x\">",
        );
        let html = html.as_str();
        assert!(
            html.contains(
                "srcset=\"/media/0123456789abcdef/320.jpg 320w, /media/0123456789abcdef/640.jpg 640w, \
                 /media/0123456789abcdef/1024.jpg 1024w, /media/0123456789abcdef/1600.jpg 1600w\""
            ),
            "{html}"
        );
        assert_eq!(html.matches("srcset").count(), 1, "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn library_images_get_their_size_so_nothing_moves_as_they_load() {
        let key = MediaKey::parse("0123456789abcdef").unwrap();
        let markdown = "![A quay](/media/0123456789abcdef/1600.jpg)\n\n\
                        ![Small](/media/fedcba9876543210/640.png)\n\n\
                        ![Elsewhere](https://example.com/media/x.jpg)";
        assert_eq!(
            media_keys_in(markdown),
            vec![key.clone(), MediaKey::parse("fedcba9876543210").unwrap()]
        );
        let sizes = |wanted: &MediaKey| (wanted == &key).then_some((4000, 3000));
        let html = render_markdown_sized(markdown, &sizes);
        let html = html.as_str();
        // The widest variant, in the upload's proportions.
        assert!(
            html.contains("/1600.jpg\" width=\"1600\" height=\"1200\""),
            "{html}"
        );
        // An image whose size is not known has none, rather than a wrong one.
        assert_eq!(html.matches("width=").count(), 1, "{html}");
    }

    fn check_comment(input: &str, expected: &str) {
        assert_eq!(render_comment(input).as_str(), expected, "input: {input:?}");
    }

    #[test]
    fn comments_keep_allowed_formatting_and_lose_the_rest() {
        check_comment("hello", "<p>hello</p>\n");
        check_comment("one\ntwo\n\nthree", "<p>one<br>\ntwo</p>\n<p>three</p>\n");
        check_comment(
            "<b>bold</b> <em>em</em>",
            "<p><b>bold</b> <em>em</em></p>\n",
        );
        check_comment("<script>alert(1)</script>hi", "<p>hi</p>\n");
        check_comment("<img src=x onerror=alert(1)>pic", "<p>pic</p>\n");
        check_comment(
            "<a href=\"javascript:alert(1)\">x</a>",
            "<p><a rel=\"nofollow ugc\">x</a></p>\n",
        );
        check_comment(
            "<a href=\"https://example.com/\" onclick=\"x()\">x</a>",
            "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">x</a></p>\n",
        );
        check_comment("a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>\n");
        check_comment(
            "<p style=\"color:red\">x</p><p>y<br/>z</p>",
            "<p>x</p>\n<p>y<br>\nz</p>\n",
        );
    }

    #[test]
    fn bare_urls_become_nofollow_links() {
        check_comment(
            "see https://example.com/a?b=1&c=2 now",
            "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc\">https://example.com/a?b=1&amp;c=2</a> now</p>\n",
        );
        check_comment(
            "<a href=\"https://example.com/\">https://example.com/</a>",
            "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">https://example.com/</a></p>\n",
        );
        check_comment("javascript:alert(1)", "<p>javascript:alert(1)</p>\n");
        check_comment(
            "https://example.com/\"><script>alert(1)</script>",
            "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">https://example.com/</a>\"&gt;</p>\n",
        );
    }

    #[test]
    fn link_count_counts_written_and_bare_links() {
        let html = render_comment("<a href=\"https://a.example/\">a</a> https://b.example/ c");
        assert_eq!(html.link_count(), 2);
        assert_eq!(render_comment("no links").link_count(), 0);
    }

    #[test]
    fn previews_show_no_links_or_tags() {
        let preview = render_comment_preview(
            "<a href=\"https://spam.example/\">buy</a> https://x.example/\n\n<b>hi</b>",
        );
        assert_eq!(
            preview.as_str(),
            "<p>buy https://x.example/</p>\n<p>hi</p>\n"
        );
    }

    #[test]
    fn markdown_renders_and_drops_scripts() {
        let html = render_markdown(
            "# Title\n\nSome *text* <script>alert(1)</script>\n\n| a |\n|---|\n| b |",
        );
        assert!(html.as_str().contains("<h1>Title</h1>"));
        assert!(html.as_str().contains("<em>text</em>"));
        assert!(html.as_str().contains("<table>"));
        assert!(!html.as_str().contains("script"));
        let link = render_markdown("[x](javascript:alert(1))");
        assert!(!link.as_str().contains("javascript"), "{}", link.as_str());
    }

    #[test]
    fn excerpts_take_words_from_text_only() {
        assert_eq!(
            excerpt_from_markdown("# Hi\n\nOne *two* three four", 3),
            "Hi One two …"
        );
        assert_eq!(excerpt_from_markdown("short", 55), "short");
        assert_eq!(
            excerpt_from_markdown("see [the admin](/admin/).", 55),
            "see the admin."
        );
    }

    #[test]
    fn safe_html_never_carries_what_xml_forbids() {
        let hostile = "a\u{0}b\u{0C}c\u{FFFE}d";
        assert_eq!(render_comment(hostile).as_str(), "<p>abcd</p>\n");
        assert!(!render_markdown(hostile).as_str().contains('\u{FFFE}'));
        // After a sanitiser each is replaced, never deleted (see `SafeHtml::new`).
        assert_eq!(
            SafeHtml::trusting_storage(format!("<p>{hostile}</p>")).as_str(),
            "<p>a\u{FFFD}b\u{FFFD}c\u{FFFD}d</p>"
        );
    }

    #[test]
    fn strip_tags_gives_visible_text() {
        assert_eq!(strip_tags("<b>viagra</b> &amp; co"), "viagra & co");
        assert_eq!(strip_tags("v<i></i>iagra"), "viagra");
    }
}

#[cfg(test)]
mod counting_tests {
    use super::*;

    #[test]
    fn words_are_counted_as_readers_read_them() {
        assert_eq!(word_count(""), 0);
        assert_eq!(
            word_count("**Bold** words and [a link](https://example.com/x)."),
            5
        );
        assert_eq!(word_count("# Title\n\nOne two.\n\n- three\n- four"), 5);
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(230), 1);
        assert_eq!(reading_minutes(231), 2);
    }
}
