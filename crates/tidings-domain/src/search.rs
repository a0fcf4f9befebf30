//! Search: what a reader typed, read as words, quoted phrases and prefixes; the words both
//! databases index; and the highlighted snippets a results page shows.
//!
//! Both backends index text this module has already cut into words, so they find the same
//! things: letters are lowercased and stripped of accents ("Café" is found by "cafe"), and
//! each Chinese or Japanese character is a word of its own (those scripts put no spaces
//! between words, so a query in them becomes a phrase of characters). Neither engine's own
//! tokenizer has to agree with the other's.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A query longer than this is cut here: no reader types more, and an engine given a
/// 10,000-character query should not have to read it.
pub const MOST_QUERY_CHARS: usize = 200;
/// At most this many words or phrases count.
pub const MOST_CLAUSES: usize = 12;
/// A longer run of letters (a hash, a base64 blob) is indexed by its start.
const MOST_WORD_CHARS: usize = 48;
/// The last word is read as a prefix ("bridg" finds "bridge") when it is at least this long:
/// a prefix of one or two letters matches half the dictionary.
const IMPLICIT_PREFIX_CHARS: usize = 3;

/// One part of a query: a word, or a quoted phrase of words in order. When `prefix` is
/// set, the last word may be the start of a longer one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub words: Vec<String>,
    pub prefix: bool,
}

/// A reader's query, parsed. Every article found has every clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    /// What the reader typed, cleaned and cut to [`MOST_QUERY_CHARS`]: the search box shows
    /// it again.
    pub text: String,
    pub clauses: Vec<Clause>,
}

impl SearchQuery {
    /// Reads any text as a query; what is not a word (FTS syntax, punctuation, control
    /// characters) separates words and means nothing more.
    pub fn parse(raw: &str) -> SearchQuery {
        let cleaned: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let text: String = cleaned.chars().take(MOST_QUERY_CHARS).collect();
        let mut clauses: Vec<Clause> = Vec::new();
        let mut last_loose = None;
        for (index, part) in text.split('"').enumerate() {
            let quoted = index % 2 == 1;
            if quoted {
                let words = words_of(part);
                if !words.is_empty() {
                    clauses.push(Clause {
                        words,
                        prefix: false,
                    });
                    last_loose = None;
                }
                continue;
            }
            for piece in part.split_whitespace() {
                let words = words_of(piece);
                if words.is_empty() {
                    continue;
                }
                let starred = piece.trim_end_matches(['"', '\'', ')']).ends_with('*');
                clauses.push(Clause {
                    words,
                    prefix: starred,
                });
                last_loose = Some(clauses.len() - 1);
            }
        }
        // The last word typed is often unfinished: "bridg" finds the bridge.
        if let Some(last) = last_loose.filter(|&last| last == clauses.len() - 1) {
            let clause = &mut clauses[last];
            let word = clause.words.last().map(String::as_str).unwrap_or_default();
            if word.chars().count() >= IMPLICIT_PREFIX_CHARS && !word.chars().any(is_ideograph) {
                clause.prefix = true;
            }
        }
        let mut unique: Vec<Clause> = Vec::new();
        for clause in clauses {
            if !unique.contains(&clause) && unique.len() < MOST_CLAUSES {
                unique.push(clause);
            }
        }
        SearchQuery {
            text,
            clauses: unique,
        }
    }

    /// Nothing to look for: an empty box, or only punctuation.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Whether a word of the text (already folded) is one the reader looked for.
    fn wants(&self, word: &str) -> bool {
        self.clauses.iter().any(|clause| {
            let last = clause.words.len() - 1;
            clause.words.iter().enumerate().any(|(position, wanted)| {
                word == wanted || (clause.prefix && position == last && word.starts_with(wanted))
            })
        })
    }
}

/// Text as the index keeps it: its words, folded, one space between them.
pub fn index_text(text: &str) -> String {
    let mut indexed = String::with_capacity(text.len());
    for_each_word(text, |_, word| {
        if !indexed.is_empty() {
            indexed.push(' ');
        }
        indexed.push_str(word);
    });
    indexed
}

fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(text, |_, word| words.push(word.to_owned()));
    words
}

/// Chinese, Japanese and Korean characters that stand alone as words here.
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{4dbf}' // CJK Extension A
        | '\u{4e00}'..='\u{9fff}' // CJK Unified Ideographs
        | '\u{f900}'..='\u{faff}' // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{2ffff}')
}

fn fold_into(c: char, word: &mut String) {
    for lower in c.to_lowercase() {
        decompose_canonical(lower, |part| {
            if !is_combining_mark(part) {
                word.push(part);
            }
        });
    }
}

/// Calls `found` with each word of `text`, as the byte range it covers and folded.
fn for_each_word(text: &str, mut found: impl FnMut(std::ops::Range<usize>, &str)) {
    let mut word = String::new();
    let mut start = 0;
    let mut chars = 0;
    let mut flush = |word: &mut String, range: std::ops::Range<usize>, chars: &mut usize| {
        if !word.is_empty() {
            found(range, word);
            word.clear();
        }
        *chars = 0;
    };
    for (at, c) in text.char_indices() {
        if is_ideograph(c) {
            flush(&mut word, start..at, &mut chars);
            fold_into(c, &mut word);
            flush(&mut word, at..at + c.len_utf8(), &mut chars);
        } else if c.is_alphanumeric() {
            if word.is_empty() {
                start = at;
            }
            if chars < MOST_WORD_CHARS {
                fold_into(c, &mut word);
                chars += 1;
            }
        } else if is_combining_mark(c) {
            // An accent typed as its own character belongs to the letter before it.
        } else {
            flush(&mut word, start..at, &mut chars);
        }
    }
    flush(&mut word, start..text.len(), &mut chars);
}

/// A piece of shown text, and whether it is a word the reader looked for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// All of `text` (a title), with the words looked for marked.
pub fn highlight(text: &str, query: &SearchQuery) -> Vec<Fragment> {
    fragments(text, 0..text.len(), &hits(text, query))
}

/// About `most_chars` of `text` around the first word looked for (its start when none
/// is there: the article matched by its title or sections), cut at spaces, with an
/// ellipsis where it was cut and the words looked for marked.
pub fn snippet(text: &str, query: &SearchQuery, most_chars: usize) -> Vec<Fragment> {
    let hits = hits(text, query);
    let first = hits.first().map_or(0, |hit| hit.start);
    // Some words before the first hit, so it is read in its sentence.
    let lead = most_chars / 4;
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(lead.saturating_sub(1))
        .map_or(0, |(at, _)| at);
    if start > 0 {
        start = text[start..first]
            .find(char::is_whitespace)
            .map_or(start, |space| start + space + 1);
    }
    let mut end = text[start..]
        .char_indices()
        .nth(most_chars)
        .map_or(text.len(), |(at, _)| start + at);
    if end < text.len() {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .filter(|&space| start + space > first)
            .map_or(end, |space| start + space);
    }
    let mut shown = fragments(text, start..end, &hits);
    if start > 0 {
        shown.insert(0, plain("…"));
    }
    if end < text.len() {
        shown.push(plain("…"));
    }
    shown
}

fn plain(text: &str) -> Fragment {
    Fragment {
        text: text.to_owned(),
        hit: false,
    }
}

fn hits(text: &str, query: &SearchQuery) -> Vec<std::ops::Range<usize>> {
    let mut hits = Vec::new();
    for_each_word(text, |range, word| {
        if query.wants(word) {
            hits.push(range);
        }
    });
    hits
}

fn fragments(
    text: &str,
    shown: std::ops::Range<usize>,
    hits: &[std::ops::Range<usize>],
) -> Vec<Fragment> {
    let mut pieces = Vec::new();
    let mut at = shown.start;
    for hit in hits {
        if hit.start < at || hit.end > shown.end {
            continue;
        }
        if hit.start > at {
            pieces.push(plain(&text[at..hit.start]));
        }
        pieces.push(Fragment {
            text: text[hit.clone()].to_owned(),
            hit: true,
        });
        at = hit.end;
    }
    if at < shown.end {
        pieces.push(plain(&text[at..shown.end]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each clause as its words joined by spaces, and whether it is a prefix.
    fn clauses(raw: &str) -> Vec<(String, bool)> {
        SearchQuery::parse(raw)
            .clauses
            .iter()
            .map(|clause| (clause.words.join(" "), clause.prefix))
            .collect()
    }

    fn expect(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
        pairs
            .iter()
            .map(|&(words, prefix)| (words.to_owned(), prefix))
            .collect()
    }

    #[test]
    fn words_are_folded_and_the_last_is_a_prefix() {
        assert_eq!(
            clauses("Café  Zürich bridg"),
            expect(&[("cafe", false), ("zurich", false), ("bridg", true)])
        );
        assert_eq!(clauses("at it"), expect(&[("at", false), ("it", false)]));
    }

    #[test]
    fn quotes_make_phrases_and_a_star_a_prefix() {
        assert_eq!(
            clauses("\"city council\" bud* vote "),
            expect(&[("city council", false), ("bud", true), ("vote", true)])
        );
        // An unclosed quote runs to the end; a phrase last is not made a prefix.
        assert_eq!(clauses("\"new bridge"), expect(&[("new bridge", false)]));
    }

    #[test]
    fn chinese_is_a_phrase_of_characters_and_cyrillic_words_are_words() {
        assert_eq!(clauses("北京大学"), expect(&[("北 京 大 学", false)]));
        assert_eq!(clauses("Москва"), expect(&[("москва", true)]));
        assert_eq!(index_text("Ёлка в Москве. 北京!"), "елка в москве 北 京");
    }

    #[test]
    fn hostile_queries_are_only_words() {
        assert!(
            SearchQuery::parse("\"\" * ( ) NEAR/3 -- ; \u{0}\u{7}")
                .clauses
                .len()
                <= 1
        );
        // Words joined by punctuation ("e-mail", "title:x") are a phrase, as in the text.
        assert_eq!(
            clauses("title:x OR y AND NOT z^2 {a}"),
            expect(&[
                ("title x", false),
                ("or", false),
                ("y", false),
                ("and", false),
                ("not", false),
                ("z 2", false),
                ("a", false)
            ])
        );
        let long = "word ".repeat(2_000);
        let query = SearchQuery::parse(&long);
        assert!(query.text.chars().count() <= MOST_QUERY_CHARS);
        // Repeated words count once (the last one also as a prefix).
        assert_eq!(clauses(&long), expect(&[("word", false), ("word", true)]));
        let many: String = (0..5_000).map(|n| format!("w{n} ")).collect();
        assert_eq!(SearchQuery::parse(&many).clauses.len(), MOST_CLAUSES);
        assert!(SearchQuery::parse("  \t ").is_empty());
        assert!(SearchQuery::parse("!!! ...").is_empty());
    }

    #[test]
    fn the_snippet_marks_the_words_looked_for_near_the_first() {
        let text = format!(
            "{} The new bridge over the river opens in May. {}",
            "Before. ".repeat(40),
            "After. ".repeat(40)
        );
        let query = SearchQuery::parse("bridges river");
        let shown = snippet(&text, &query, 120);
        assert_eq!(shown.first().map(|f| f.text.as_str()), Some("…"));
        assert_eq!(shown.last().map(|f| f.text.as_str()), Some("…"));
        let marked: Vec<&str> = shown
            .iter()
            .filter(|f| f.hit)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(marked, vec!["river"], "bridge is not a prefix of bridges");
        let shown = snippet(&text, &SearchQuery::parse("bridg"), 120);
        assert!(shown.iter().any(|f| f.hit && f.text == "bridge"));
        let joined: String = shown.iter().map(|f| f.text.as_str()).collect();
        assert!(joined.chars().count() <= 122, "{joined}");
    }

    #[test]
    fn highlighting_keeps_the_text_as_written() {
        let shown = highlight("Le Café de Flore", &SearchQuery::parse("cafe"));
        assert_eq!(
            shown,
            vec![
                plain("Le "),
                Fragment {
                    text: "Café".into(),
                    hit: true
                },
                plain(" de Flore")
            ]
        );
        // No hit: the start of the text, whole when short.
        assert_eq!(
            snippet("Short text.", &SearchQuery::parse("zebra"), 50),
            vec![plain("Short text.")]
        );
    }
}
