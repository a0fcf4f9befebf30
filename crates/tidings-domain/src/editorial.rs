//! Editorial checks: what a desk editor would circle in red before an article goes out.
//! They warn and never block: the editor decides.
//!
//! - **Paragraphs that say the same thing twice.** A wire story stitched from three sources
//!   often opens with the same fact three times in different words, so exact repeats are
//!   the rare case. Each paragraph becomes the set of its consecutive pairs of content
//!   words (stop words dropped: "foreign minister", "wang yi", "beijing monday"); two
//!   paragraphs are flagged when they share at least [`MIN_SHARED_PAIRS`] pairs and those
//!   make at least [`MIN_CONTAINMENT`] of the smaller paragraph's pairs (containment rather
//!   than Jaccard, so a short paragraph repeated inside a long one counts). Pairs, not
//!   single words: paragraphs of one story share names, but rarely phrases. On the seed
//!   article the three repeating paragraphs share 18–33 % of their pairs, the others at
//!   most 4 %.
//! - **A stray fragment left by editing**: a sentence of at most three words that starts
//!   in lower case right after a finished sentence ("…tied together. matter."). A period
//!   after an abbreviation ("U.S.", "e.g.", "etc.") does not finish a sentence.
//! - **An image without alt text**, in Markdown or HTML.
//! - **Internal links** are listed for the caller to resolve against the site
//!   ([`internal_links`]); the domain has no store.
//! - **A long article without an excerpt**: over [`LONG_ARTICLE_WORDS`] words, the automatic
//!   excerpt (the first 55 words) rarely says what the piece is about.
//!
//! The word lists are English; in other languages the repeat check still works on names
//! and numbers, with more noise.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

pub const MIN_SHARED_PAIRS: usize = 4;
pub const MIN_CONTAINMENT: f64 = 0.15;
pub const LONG_ARTICLE_WORDS: usize = 600;
/// Paragraphs shorter than this (in content words) are too short to compare.
const MIN_PARAGRAPH_WORDS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    RepeatedParagraphs,
    StrayFragment,
    ImageWithoutAlt,
    BrokenInternalLink,
    MissingExcerpt,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

/// The checks that need nothing but the text. `excerpt` is `None` where the article has no
/// excerpt of its own to write.
pub fn check(body_markdown: &str, excerpt: Option<&str>) -> Vec<Warning> {
    let document = read(body_markdown);
    let mut warnings = repeated_paragraphs(&document.paragraphs);
    for (number, paragraph) in document.paragraphs.iter().enumerate() {
        if let Some(fragment) = stray_fragment(paragraph) {
            warnings.push(Warning {
                kind: WarningKind::StrayFragment,
                message: format!(
                    "Paragraph {} ends in “{fragment}”, which reads like a fragment left by \
                     editing.",
                    number + 1
                ),
            });
        }
    }
    for image in document.images_without_alt {
        warnings.push(Warning {
            kind: WarningKind::ImageWithoutAlt,
            message: format!(
                "The image {image} has no alt text: describe it for readers who cannot see it."
            ),
        });
    }
    if excerpt.is_some_and(|excerpt| excerpt.trim().is_empty())
        && document.words > LONG_ARTICLE_WORDS
    {
        warnings.push(Warning {
            kind: WarningKind::MissingExcerpt,
            message: format!(
                "The article has {} words and no excerpt: lists and link previews will show \
                 its first 55 words.",
                document.words
            ),
        });
    }
    warnings
}

/// The warning for an internal link that leads nowhere.
pub fn broken_link(path: &str) -> Warning {
    Warning {
        kind: WarningKind::BrokenInternalLink,
        message: format!("The link to {path} leads to no page of this site."),
    }
}

/// The paths of links (and images) that point into the site itself: relative paths, and
/// absolute addresses on `site_host`. Each appears once, in order.
pub fn internal_links(body_markdown: &str, site_host: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for event in Parser::new(body_markdown) {
        let destination = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        let path = if destination.starts_with('/') && !destination.starts_with("//") {
            Some(destination.to_string())
        } else {
            url::Url::parse(&destination)
                .ok()
                .filter(|url| matches!(url.scheme(), "http" | "https"))
                .filter(|url| url.host_str() == Some(site_host))
                .map(|url| url.path().to_owned())
        };
        if let Some(path) = path {
            let path = path.split(['#', '?']).next().unwrap_or("").to_owned();
            if !path.is_empty() && !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    paths
}

struct Document {
    paragraphs: Vec<String>,
    images_without_alt: Vec<String>,
    words: usize,
}

fn read(body_markdown: &str) -> Document {
    let mut document = Document {
        paragraphs: Vec::new(),
        images_without_alt: Vec::new(),
        words: 0,
    };
    let mut paragraph: Option<String> = None;
    let mut image: Option<(String, String)> = None;
    for event in Parser::new(body_markdown) {
        match event {
            Event::Start(Tag::Paragraph) => paragraph = Some(String::new()),
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = paragraph.take() {
                    let text = text.trim().to_owned();
                    if !text.is_empty() {
                        document.paragraphs.push(text);
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((source, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    document.images_without_alt.push(source);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                document.words += text.split_whitespace().count();
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&text);
                } else if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push(' ');
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                document
                    .images_without_alt
                    .extend(html_images_without_alt(&html));
            }
            _ => {}
        }
    }
    document
}

/// `<img>` tags in raw HTML whose `alt` is missing or empty, named by their `src`.
fn html_images_without_alt(html: &str) -> Vec<String> {
    // ASCII lower-casing keeps every byte where it was, so spans found in `lower` cut `html`.
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<img").map(|at| from + at) {
        let end = lower[start..]
            .find('>')
            .map_or(lower.len(), |at| start + at);
        let tag = &lower[start..end];
        let has_alt = attribute_span(tag, "alt")
            .is_some_and(|(value_start, value_end)| !tag[value_start..value_end].trim().is_empty());
        if !has_alt {
            let source = attribute_span(tag, "src").map(|(value_start, value_end)| {
                html[start + value_start..start + value_end].to_owned()
            });
            found.push(source.unwrap_or_else(|| "<img>".to_owned()));
        }
        from = end;
    }
    found
}

/// Where the value of `name="…"` (or `'…'`, or unquoted) lies in a lower-cased tag.
fn attribute_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let start = tag.find(&format!(" {name}="))? + name.len() + 2;
    let value = &tag[start..];
    match value.chars().next()? {
        quote @ ('"' | '\'') => {
            let length = value[1..].find(quote).unwrap_or(value.len() - 1);
            Some((start + 1, start + 1 + length))
        }
        _ => {
            let length = value.find([' ', '>', '/']).unwrap_or(value.len());
            Some((start, start + length))
        }
    }
}

const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "also", "an", "and", "are", "as", "at", "be", "been", "before", "but",
    "by", "during", "for", "from", "had", "has", "have", "he", "her", "his", "in", "into", "is",
    "it", "its", "of", "on", "or", "other", "over", "said", "says", "she", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we",
    "were", "which", "while", "who", "will", "with", "would",
];

fn content_words(paragraph: &str) -> Vec<String> {
    paragraph
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .collect()
}

fn word_pairs(words: &[String]) -> HashSet<Phrase> {
    words
        .windows(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

/// Two consecutive content words.
type Phrase = (String, String);

/// Paragraphs linked by repeats, and the phrases they share.
struct RepeatGroup {
    members: Vec<usize>,
    phrases: Vec<Phrase>,
}

fn repeated_paragraphs(paragraphs: &[String]) -> Vec<Warning> {
    let pairs: Vec<Option<HashSet<Phrase>>> = paragraphs
        .iter()
        .map(|paragraph| {
            let words = content_words(paragraph);
            (words.len() >= MIN_PARAGRAPH_WORDS).then(|| word_pairs(&words))
        })
        .collect();
    // Groups of paragraphs linked by a repeat, smallest paragraph number first.
    let mut group_of: Vec<usize> = (0..paragraphs.len()).collect();
    fn root(group_of: &mut [usize], mut index: usize) -> usize {
        while group_of[index] != index {
            group_of[index] = group_of[group_of[index]];
            index = group_of[index];
        }
        index
    }
    let mut shared_phrases: Vec<Vec<Phrase>> = vec![Vec::new(); paragraphs.len()];
    for first in 0..paragraphs.len() {
        for second in first + 1..paragraphs.len() {
            let (Some(a), Some(b)) = (&pairs[first], &pairs[second]) else {
                continue;
            };
            let mut shared: Vec<Phrase> = a.intersection(b).cloned().collect();
            let smaller = a.len().min(b.len()).max(1);
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts of word pairs in one paragraph are far below 2^52"
            )]
            let containment = shared.len() as f64 / smaller as f64;
            if shared.len() >= MIN_SHARED_PAIRS && containment >= MIN_CONTAINMENT {
                let (ra, rb) = (root(&mut group_of, first), root(&mut group_of, second));
                let (low, high) = (ra.min(rb), ra.max(rb));
                group_of[high] = low;
                shared.sort();
                let phrases = &mut shared_phrases[first];
                for phrase in shared {
                    if !phrases.contains(&phrase) {
                        phrases.push(phrase);
                    }
                }
            }
        }
    }
    let mut groups: Vec<RepeatGroup> = Vec::new();
    for (index, phrases_here) in shared_phrases.iter().enumerate() {
        let group = root(&mut group_of, index);
        if group == index {
            groups.push(RepeatGroup {
                members: vec![index],
                phrases: phrases_here.clone(),
            });
        } else if let Some(found) = groups.iter_mut().find(|found| found.members[0] == group) {
            found.members.push(index);
            for phrase in phrases_here {
                if !found.phrases.contains(phrase) {
                    found.phrases.push(phrase.clone());
                }
            }
        }
    }
    groups
        .into_iter()
        .filter(|group| group.members.len() > 1)
        .map(|RepeatGroup { members, phrases }| {
            let numbers: Vec<String> = members
                .iter()
                .map(|index| (index + 1).to_string())
                .collect();
            let listed = match numbers.as_slice() {
                [] | [_] => numbers.join(""),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            };
            let examples: Vec<String> = phrases
                .iter()
                .take(3)
                .map(|(first, second)| format!("“{first} {second}”"))
                .collect();
            Warning {
                kind: WarningKind::RepeatedParagraphs,
                message: format!(
                    "Paragraphs {listed} may say the same thing twice (they share phrases such \
                     as {}).",
                    examples.join(", ")
                ),
            }
        })
        .collect()
}

/// Periods after these do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "approx", "dept", "est", "etc", "incl", "inc", "ltd", "mr", "mrs", "ms", "dr", "st", "vs",
    "jr", "sr", "no", "fig",
];

/// The last sentence of `paragraph` when it is a short fragment starting in lower case
/// right after a finished sentence.
fn stray_fragment(paragraph: &str) -> Option<String> {
    let trimmed = paragraph.trim_end();
    let body = trimmed.trim_end_matches(['.', '!', '?', '…']);
    let end = body.rfind(['.', '!', '?'])?;
    let fragment = trimmed[end + 1..].trim();
    let first = fragment.chars().next()?;
    let words = fragment.split_whitespace().count();
    if !first.is_lowercase() || words == 0 || words > 3 || !trimmed[end + 1..].starts_with(' ') {
        return None;
    }
    // The word before the period must be a finished one: lower-case letters, not an
    // abbreviation or an initial ("U.S.", "e.g.").
    let before: String = body[..end]
        .chars()
        .rev()
        .take_while(|character| character.is_alphanumeric() || *character == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let finished = before.chars().count() >= 2
        && !before.contains('.')
        && before.chars().all(char::is_lowercase)
        && !ABBREVIATIONS.contains(&before.as_str());
    finished.then(|| fragment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_follow_a_finished_sentence() {
        assert_eq!(
            stray_fragment("They were tied together. matter."),
            Some("matter.".into())
        );
        assert_eq!(stray_fragment("They were tied together."), None);
        assert_eq!(stray_fragment("Troops left the U.S. yesterday."), None);
        assert_eq!(stray_fragment("He left the U.S. troops stayed."), None);
        assert_eq!(stray_fragment("Apples, pears etc. and more."), None);
        assert_eq!(stray_fragment("It works. e.g. this."), None);
        assert_eq!(
            stray_fragment("It works. But this sentence is long and fine."),
            None
        );
        assert_eq!(stray_fragment("It rose 3.5 percent."), None);
    }

    #[test]
    fn images_need_alt_text() {
        let warnings = check(
            "![](/a.jpg) and ![A bridge](/b.jpg)\n\n<img src=\"/c.png\"> <img src='/d.png' alt=\"D\">",
            None,
        );
        let images: Vec<&str> = warnings
            .iter()
            .filter(|warning| warning.kind == WarningKind::ImageWithoutAlt)
            .map(|warning| warning.message.as_str())
            .collect();
        assert_eq!(images.len(), 2, "{warnings:?}");
        assert!(images[0].contains("/a.jpg") && images[1].contains("/c.png"));
    }

    #[test]
    fn internal_links_are_paths_on_this_site() {
        let body = "[a](/2026/05/x/) [b](https://news.example/about/#team) \
                    [c](https://elsewhere.example/y/) [d](//cdn.example/z) [e](/2026/05/x/#c)";
        assert_eq!(
            internal_links(body, "news.example"),
            ["/2026/05/x/", "/about/"]
        );
    }

    #[test]
    fn long_articles_want_an_excerpt() {
        let long = "word ".repeat(LONG_ARTICLE_WORDS + 1);
        let kinds = |excerpt| -> Vec<WarningKind> {
            check(&long, excerpt).into_iter().map(|w| w.kind).collect()
        };
        assert_eq!(kinds(Some("")), [WarningKind::MissingExcerpt]);
        assert!(kinds(Some("What it is about.")).is_empty());
        assert!(kinds(None).is_empty(), "no excerpt field, no warning");
    }
}
