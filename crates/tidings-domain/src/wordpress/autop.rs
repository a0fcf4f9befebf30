//! WordPress's automatic paragraphs (`wpautop`), and its `[caption]` shortcode: classic
//! WordPress content is HTML in which a blank line is a paragraph and a single line break
//! is a `<br />`, and it shows that way only after this pass. The rules below are the ones
//! WordPress applies, in its order, so imported paragraphs look as they did.

use regex::Regex;
use std::sync::LazyLock;

/// The elements WordPress treats as blocks: never wrapped in a paragraph.
const BLOCKS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary";

fn regex(pattern: &str) -> Regex {
    // Every pattern here is a constant, checked by the tests.
    Regex::new(pattern).unwrap_or_else(|error| panic!("pattern {pattern}: {error}"))
}

static BR_PAIR: LazyLock<Regex> = LazyLock::new(|| regex(r"<br\s*/?>\s*<br\s*/?>"));
static BEFORE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)(<(?:{BLOCKS})[\s/>])")));
static AFTER_BLOCK: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"(?i)(</(?:{BLOCKS})>)")));
static MANY_NEWLINES: LazyLock<Regex> = LazyLock::new(|| regex(r"\n\n+"));
static PARAGRAPH_SPLIT: LazyLock<Regex> = LazyLock::new(|| regex(r"\n\s*\n"));
static EMPTY_P: LazyLock<Regex> = LazyLock::new(|| regex(r"<p>\s*</p>"));
static UNCLOSED_P: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)<p>([^<]+)</(div|address|form)>"));
static LONE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)<p>\s*(</?(?:{BLOCKS})[^>]*>)\s*</p>")));
static P_LI: LazyLock<Regex> = LazyLock::new(|| regex(r"(?is)<p>(<li.+?)</p>"));
static P_BLOCKQUOTE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)<p><blockquote([^>]*)>"));
static P_BEFORE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)<p>\s*(</?(?:{BLOCKS})[^>]*>)")));
static P_AFTER_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)(</?(?:{BLOCKS})[^>]*>)\s*</p>")));
static LINE_BREAK: LazyLock<Regex> = LazyLock::new(|| regex(r"[ \t]*\n"));
static BR_AFTER_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)(</?(?:{BLOCKS})[^>]*>)\s*<br />")));
static BR_BEFORE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)"));
static PRE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?is)<pre[\s>].*?</pre>"));
static RAW_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?is)<(script|style|svg|textarea)[\s>].*?</(script|style|svg|textarea)>")
});
static CAPTION: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?is)\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]"));
static CAPTION_ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"(?i)\b(align|caption|id|width)\s*=\s*"([^"]*)""#));
static CAPTION_MEDIA: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?is)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$"));
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| regex(r"\[/?([A-Za-z][\w-]*)[^\]\n]*\]"));

/// WordPress's `wpautop` with line breaks on: paragraphs from blank lines, `<br />` from
/// single line breaks, and neither inside `<pre>`, scripts or around block elements.
pub fn autop(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // The insides of `<pre>` are kept as they are, out of the way of every rule.
    let mut kept: Vec<String> = Vec::new();
    let mut text = PRE
        .replace_all(&text, |found: &regex::Captures<'_>| {
            kept.push(found[0].to_owned());
            format!("<pre wp-pre-tag-{}></pre>", kept.len() - 1)
        })
        .into_owned();
    text.push('\n');
    let text = BR_PAIR.replace_all(&text, "\n\n");
    let text = BEFORE_BLOCK.replace_all(&text, "\n\n$1");
    let text = AFTER_BLOCK.replace_all(&text, "$1\n\n");
    let text = MANY_NEWLINES.replace_all(&text, "\n\n");
    let mut wrapped = String::with_capacity(text.len() + 64);
    for paragraph in PARAGRAPH_SPLIT.split(&text) {
        if paragraph.trim().is_empty() {
            continue;
        }
        wrapped.push_str("<p>");
        wrapped.push_str(paragraph.trim_matches('\n'));
        wrapped.push_str("</p>\n");
    }
    let text = EMPTY_P.replace_all(&wrapped, "");
    let text = UNCLOSED_P.replace_all(&text, "<p>$1</p></$2>");
    let text = LONE_BLOCK.replace_all(&text, "$1");
    let text = P_LI.replace_all(&text, "$1");
    let text = P_BLOCKQUOTE.replace_all(&text, "<blockquote$1><p>");
    let text = text.replace("</blockquote></p>", "</p></blockquote>");
    let text = P_BEFORE_BLOCK.replace_all(&text, "$1");
    let text = P_AFTER_BLOCK.replace_all(&text, "$1");
    let text = line_breaks(&text);
    let text = BR_AFTER_BLOCK.replace_all(&text, "$1");
    let text = BR_BEFORE_BLOCK.replace_all(&text, "$1");
    let mut text = text.replace("\n</p>", "</p>");
    for (index, pre) in kept.iter().enumerate() {
        text = text.replace(&format!("<pre wp-pre-tag-{index}></pre>"), pre);
    }
    text
}

/// Single line breaks become `<br />`, except inside scripts, styles, SVG and text areas,
/// and where one is already.
fn line_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(found) = RAW_TEXT.find(rest) {
        out.push_str(&break_lines(&rest[..found.start()]));
        out.push_str(found.as_str());
        rest = &rest[found.end()..];
    }
    out.push_str(&break_lines(rest));
    out
}

fn break_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for found in LINE_BREAK.find_iter(text) {
        let before = &text[last..found.start()];
        out.push_str(before);
        if before.trim_end().ends_with("<br />") || before.trim_end().ends_with("<br>") {
            out.push('\n');
        } else {
            out.push_str("<br />\n");
        }
        last = found.end();
    }
    out.push_str(&text[last..]);
    out
}

/// `[caption id="…" align="alignright" width="300"]<img …> The caption[/caption]` as a
/// `<figure>` with its `<figcaption>`, before the paragraphs are made.
pub fn captions_to_figures(text: &str) -> String {
    CAPTION
        .replace_all(text, |found: &regex::Captures<'_>| {
            let mut align = String::new();
            let mut attribute_caption = String::new();
            for attribute in CAPTION_ATTRIBUTE.captures_iter(&found[1]) {
                match attribute[1].to_ascii_lowercase().as_str() {
                    "align" => align = attribute[2].to_owned(),
                    "caption" => attribute_caption = attribute[2].to_owned(),
                    _ => {}
                }
            }
            let inner = &found[2];
            let (media, caption) = match CAPTION_MEDIA.captures(inner) {
                Some(parts) => (parts[1].to_owned(), parts[2].trim().to_owned()),
                None => (inner.trim().to_owned(), String::new()),
            };
            let caption = if caption.is_empty() {
                attribute_caption
            } else {
                caption
            };
            let class = if align.is_empty() {
                "wp-caption".to_owned()
            } else {
                format!("wp-caption {}", align.replace('"', ""))
            };
            format!("<figure class=\"{class}\">{media}<figcaption>{caption}</figcaption></figure>")
        })
        .into_owned()
}

/// The names of the shortcodes (`[gallery]`, `[embed]`…) a text holds, each once: kept as
/// text, since tidings does not run them.
pub fn shortcodes_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for found in SHORTCODE.captures_iter(text) {
        let name = found[1].to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_paragraphs_and_single_breaks_are_line_breaks() {
        assert_eq!(
            autop("First line\nsecond line\n\nNext paragraph"),
            "<p>First line<br />\nsecond line</p>\n<p>Next paragraph</p>\n"
        );
    }

    #[test]
    fn block_elements_are_not_wrapped() {
        let html = autop("Intro\n<h2>Heading</h2>\nText\n<ul>\n<li>One</li>\n</ul>");
        assert!(html.contains("<h2>Heading</h2>"), "{html}");
        assert!(!html.contains("<p><h2>"), "{html}");
        assert!(html.contains("<p>Intro</p>"), "{html}");
        assert!(!html.contains("<p><ul>"), "{html}");
        assert!(!html.contains("<li>One</li><br />"), "{html}");
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        let html = autop("Code:\n\n<pre>a\n\nb\n</pre>\n\nAfter");
        assert!(html.contains("<pre>a\n\nb\n</pre>"), "{html}");
        assert!(html.contains("<p>After</p>"), "{html}");
    }

    /// Markup with the line breaks between tags taken out: what a browser shows the same.
    fn shown(html: &str) -> String {
        html.replace(">\n", ">").replace("\n<", "<")
    }

    #[test]
    fn running_it_twice_shows_the_same() {
        for text in [
            "One\n\nTwo\nthree",
            "<blockquote>Quoted\n\nAgain</blockquote>\n\nAfter",
            "<pre>x\n\ny</pre>",
            "Text <strong>bold</strong>\n<h3>Head</h3>\n\n<p>Already</p>",
        ] {
            let once = autop(text);
            assert_eq!(shown(&autop(&once)), shown(&once), "{text:?}");
        }
    }

    #[test]
    fn a_caption_becomes_a_figure() {
        let html = captions_to_figures(
            r#"[caption id="attachment_1" align="alignright" width="300"]<a href="/x.jpg"><img src="/x.jpg" alt="" /></a> A <em>fine</em> view[/caption]"#,
        );
        assert_eq!(
            html,
            r#"<figure class="wp-caption alignright"><a href="/x.jpg"><img src="/x.jpg" alt="" /></a><figcaption>A <em>fine</em> view</figcaption></figure>"#
        );
    }

    #[test]
    fn unknown_shortcodes_are_listed_once() {
        assert_eq!(
            shortcodes_in("[gallery ids=\"1,2\"] text [embed]x[/embed] [gallery]"),
            vec!["gallery", "embed"]
        );
    }
}
