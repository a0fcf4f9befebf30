//! How much structure a piece of HTML has, measured in one linear pass before the real
//! parser sees it.
//!
//! The sanitiser's HTML5 parser spends time on each element in proportion to how deep it
//! sits (scope checks walk the stack of open elements), and on each attribute in proportion
//! to the attributes before it (duplicates are dropped): 100,000 nested `<div>` took over a
//! minute and 100,000 attributes on one element five seconds. So every body is measured
//! first: nesting depth, elements, and attributes on one element. Past a limit, new text is
//! refused with a message, and stored text (older rows, imports) is shown flattened to plain
//! paragraphs, which costs one linear pass.
//!
//! The measure over-estimates rather than under-estimates what the parser will build: every
//! `<name` counts as an element (inside comments and scripts too), end tags close only what
//! they name, and formatting elements (`<b>`, `<a>`…) left open count as open until their own
//! end tag, because the parser re-creates them after every block that closed them.

use std::collections::HashMap;

/// How much structure a body may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkupLimits {
    /// Elements open inside each other.
    pub depth: usize,
    /// Elements in all (including those the parser will re-create), and character
    /// references such as `&amp;`, which cost the parser about as much.
    pub elements: usize,
    /// Attributes on one element.
    pub attributes: usize,
}

/// Articles: far beyond any real page (a deep page-builder layout nests about 30 levels; a
/// long feature has a few thousand elements).
pub const ARTICLE_LIMITS: MarkupLimits = MarkupLimits {
    depth: 100,
    elements: 50_000,
    attributes: 100,
};

/// Comments: a few quotes in quotes and some emphasis; every line break counts as an
/// element.
pub const COMMENT_LIMITS: MarkupLimits = MarkupLimits {
    depth: 32,
    elements: 5_000,
    attributes: 32,
};

/// What the measure found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkupShape {
    pub depth: usize,
    pub elements: usize,
    pub attributes: usize,
}

/// Elements that never contain anything.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements the parser keeps in its list of active formatting elements.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements that close a `<p>` left open before them.
const CLOSES_PARAGRAPH: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// The open elements a start tag closes when they are on top of the stack: end tags that
/// HTML lets an author leave out.
fn implied_ends(name: &str) -> &'static [&'static str] {
    match name {
        "li" => &["li", "p"],
        "dt" | "dd" => &["dt", "dd", "p"],
        "td" | "th" => &["td", "th"],
        "tr" => &["td", "th", "tr"],
        "tbody" | "thead" | "tfoot" => &["td", "th", "tr", "tbody", "thead", "tfoot"],
        "option" => &["option"],
        name if CLOSES_PARAGRAPH.contains(&name) => &["p"],
        _ => &[],
    }
}

impl MarkupShape {
    /// Measures `html` in one pass.
    pub fn of(html: &str) -> MarkupShape {
        Scanner::default().scan(html.as_bytes())
    }

    /// The first limit this shape is over, as a sentence for the person who wrote it.
    pub fn over(&self, limits: &MarkupLimits) -> Option<String> {
        if self.depth > limits.depth {
            Some(format!(
                "it nests elements {} levels deep, and at most {} are accepted",
                self.depth, limits.depth
            ))
        } else if self.elements > limits.elements {
            Some(format!(
                "it has about {} elements and line breaks, and at most {} are accepted",
                self.elements, limits.elements
            ))
        } else if self.attributes > limits.attributes {
            Some(format!(
                "one element has {} attributes, and at most {} are accepted",
                self.attributes, limits.attributes
            ))
        } else {
            None
        }
    }
}

#[derive(Default)]
struct Scanner {
    shape: MarkupShape,
    stack: Vec<String>,
    on_stack: HashMap<String, usize>,
    /// Formatting elements started and not ended by their own end tag.
    formatting_open: HashMap<String, usize>,
    formatting_open_total: usize,
    /// Of those, how many are still on `stack`.
    formatting_on_stack: usize,
}

impl Scanner {
    fn scan(mut self, bytes: &[u8]) -> MarkupShape {
        self.shape.elements += character_references(bytes);
        let mut index = 0;
        while let Some(offset) = bytes[index..].iter().position(|byte| *byte == b'<') {
            let start = index + offset;
            let rest = &bytes[start + 1..];
            index = if rest.starts_with(b"!--") {
                find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3)
            } else if rest.first() == Some(&b'/')
                && rest.get(1).is_some_and(u8::is_ascii_alphabetic)
            {
                let (name, after_name) = tag_name(bytes, start + 2);
                self.end_tag(&name);
                find(bytes, after_name, b">").map_or(bytes.len(), |end| end + 1)
            } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
                let (name, after_name) = tag_name(bytes, start + 1);
                let (attributes, self_closing, after_tag) = attributes(bytes, after_name);
                self.start_tag(name, attributes, self_closing);
                after_tag
            } else {
                start + 1
            };
        }
        self.shape
    }

    fn start_tag(&mut self, name: String, attributes: usize, self_closing: bool) {
        // Formatting elements that a closed block took off the stack come back here.
        self.shape.elements += 1 + self.reopened();
        self.shape.attributes = self.shape.attributes.max(attributes);
        if self_closing || VOID.contains(&name.as_str()) {
            return;
        }
        let closes = implied_ends(&name);
        while self
            .stack
            .last()
            .is_some_and(|top| closes.contains(&top.as_str()))
        {
            self.pop();
        }
        if FORMATTING.contains(&name.as_str()) {
            *self.formatting_open.entry(name.clone()).or_default() += 1;
            self.formatting_open_total += 1;
            self.formatting_on_stack += 1;
        }
        *self.on_stack.entry(name.clone()).or_default() += 1;
        self.stack.push(name);
        let depth = self.stack.len() + self.reopened();
        self.shape.depth = self.shape.depth.max(depth);
    }

    /// Formatting elements the parser still has open although a closed block took them off
    /// the stack.
    fn reopened(&self) -> usize {
        self.formatting_open_total
            .saturating_sub(self.formatting_on_stack)
    }

    fn end_tag(&mut self, name: &str) {
        if let Some(open) = self.formatting_open.get_mut(name)
            && *open > 0
        {
            *open -= 1;
            self.formatting_open_total -= 1;
        }
        if self.on_stack.get(name).copied().unwrap_or(0) == 0 {
            // A stray `</p>` makes the parser insert an empty paragraph, `</br>` a break.
            if name == "p" || name == "br" {
                self.shape.elements += 1;
            }
            return;
        }
        while let Some(popped) = self.pop() {
            if popped == name {
                break;
            }
        }
    }

    fn pop(&mut self) -> Option<String> {
        let popped = self.stack.pop()?;
        if let Some(count) = self.on_stack.get_mut(&popped) {
            *count -= 1;
        }
        if FORMATTING.contains(&popped.as_str()) {
            // Ended by its own end tag (already counted down), or by an ancestor's: then it
            // stays open for the parser, which re-creates it.
            self.formatting_on_stack = self.formatting_on_stack.saturating_sub(1);
        }
        Some(popped)
    }
}

/// How many `&` start something the parser reads as a character reference.
fn character_references(bytes: &[u8]) -> usize {
    bytes
        .windows(2)
        .filter(|pair| pair[0] == b'&' && (pair[1].is_ascii_alphanumeric() || pair[1] == b'#'))
        .count()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

/// A tag name from `from`, lower-cased, and where it ends.
fn tag_name(bytes: &[u8], from: usize) -> (String, usize) {
    let end = bytes[from..]
        .iter()
        .position(|byte| byte.is_ascii_whitespace() || *byte == b'/' || *byte == b'>')
        .map_or(bytes.len(), |offset| from + offset);
    (
        String::from_utf8_lossy(&bytes[from..end]).to_ascii_lowercase(),
        end,
    )
}

/// Counts a start tag's attributes from `from` (just after its name) to its `>`: how many,
/// whether it ends in `/>`, and where the tag ends.
fn attributes(bytes: &[u8], from: usize) -> (usize, bool, usize) {
    let mut count = 0;
    let mut index = from;
    while index < bytes.len() {
        match bytes[index] {
            b'>' => {
                let self_closing = index > from && bytes[index - 1] == b'/';
                return (count, self_closing, index + 1);
            }
            byte if byte.is_ascii_whitespace() || byte == b'/' => index += 1,
            _ => {
                count += 1;
                // The name runs to white space, `/`, `>` or `=`.
                while index < bytes.len()
                    && !matches!(bytes[index], b'>' | b'/' | b'=')
                    && !bytes[index].is_ascii_whitespace()
                {
                    index += 1;
                }
                while index < bytes.len() && bytes[index].is_ascii_whitespace() {
                    index += 1;
                }
                if index < bytes.len() && bytes[index] == b'=' {
                    index += 1;
                    while index < bytes.len() && bytes[index].is_ascii_whitespace() {
                        index += 1;
                    }
                    match bytes.get(index) {
                        Some(quote @ (b'"' | b'\'')) => {
                            index = bytes[index + 1..]
                                .iter()
                                .position(|byte| byte == quote)
                                .map_or(bytes.len(), |offset| index + 1 + offset + 1);
                        }
                        _ => {
                            while index < bytes.len()
                                && bytes[index] != b'>'
                                && !bytes[index].is_ascii_whitespace()
                            {
                                index += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    (count, false, bytes.len())
}

/// Tags removed, everything else escaped, blank lines made into paragraphs: what a body over
/// its limits is shown as. One linear pass, and no markup of the author's survives.
pub(crate) fn flattened(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|next| next.is_ascii_alphabetic() || next == '/' || next == '!');
        if is_tag {
            match after.find('>') {
                Some(end) => {
                    // Block boundaries keep the words apart.
                    text.push(' ');
                    rest = &after[end + 1..];
                }
                None => rest = "",
            }
        } else {
            text.push('<');
            rest = after;
        }
    }
    text.push_str(rest);
    let mut output = String::with_capacity(text.len() + 32);
    for paragraph in text
        .split("\n\n")
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        output.push_str("<p>");
        for character in paragraph.chars() {
            match character {
                '&' => output.push_str("&amp;"),
                '<' => output.push_str("&lt;"),
                '>' => output.push_str("&gt;"),
                '"' => output.push_str("&quot;"),
                '\'' => output.push_str("&#39;"),
                other => output.push(other),
            }
        }
        output.push_str("</p>\n");
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(html: &str) -> (usize, usize, usize) {
        let shape = MarkupShape::of(html);
        (shape.depth, shape.elements, shape.attributes)
    }

    #[test]
    fn ordinary_markup_measures_as_written() {
        assert_eq!(shape("plain text"), (0, 0, 0));
        assert_eq!(shape("fish &amp; chips &#38; peas & gravy"), (0, 2, 0));
        assert_eq!(shape("<p>one</p><p>two <b>bold</b></p>"), (2, 3, 0));
        assert_eq!(shape("<div><div><p>x</p></div></div>"), (3, 3, 0));
        assert_eq!(
            shape("<img src=\"a>b\" alt='x' loading=lazy><br/>"),
            (0, 2, 3)
        );
        assert_eq!(shape("<ul><li>a<li>b<li>c</ul>"), (2, 4, 0));
        assert_eq!(shape("<table><tr><td>a<td>b<tr><td>c</table>"), (3, 6, 0));
        assert_eq!(shape("a < b and <!-- <div><div> --> c"), (0, 0, 0));
        assert_eq!(shape("<p a=1 b = \"2\" c d='x y'>"), (1, 1, 4));
    }

    #[test]
    fn hostile_markup_measures_deep_or_wide() {
        assert_eq!(shape(&"<div>".repeat(1000)).0, 1000);
        assert_eq!(shape(&"<p>".repeat(1000)).0, 1);
        assert_eq!(shape(&format!("<p {}>", "a=x ".repeat(500))).2, 500);
        // Formatting elements closed by the block around them come back after it.
        let reopened = "<p><b class=x></p>".repeat(200);
        let measured = MarkupShape::of(&reopened);
        assert!(measured.depth >= 200, "{measured:?}");
        assert!(measured.elements >= 200 * 199 / 2, "{measured:?}");
        // Stray end tags make elements too.
        assert_eq!(shape(&"</p>".repeat(300)).1, 300);
    }

    #[test]
    fn limits_name_what_is_over() {
        let deep = MarkupShape::of(&"<blockquote>".repeat(40));
        assert!(deep.over(&ARTICLE_LIMITS).is_none());
        let message = deep.over(&COMMENT_LIMITS).unwrap();
        assert!(message.contains("40 levels deep"), "{message}");
    }

    #[test]
    fn flattening_keeps_the_words_and_no_markup() {
        assert_eq!(
            flattened("<div><div>Hello <b>world</b> &amp; <script>x</script>\n\nnext</div>"),
            "<p>Hello  world  &amp;amp;  x</p>\n<p>next</p>\n"
        );
        assert_eq!(flattened("a < b"), "<p>a &lt; b</p>\n");
    }
}
