//! The statistical spam filter: a word-statistics classifier that learns from the site's own
//! moderation decisions.
//!
//! It follows Gary Robinson's refinement of Paul Graham's "plan for spam", as SpamBayes does:
//! each word gets a spam probability from how many spam and legitimate comments contained
//! it, pulled toward ½ while it has been seen only a few times; the most telling words are
//! then combined with Fisher's method, which keeps a comment full of mixed evidence near ½
//! (unsure) instead of pushing it to 0 or 1 the way naive Bayes does. The counts live in
//! the store; this module only turns text into tokens and counts into a score.

use std::collections::{BTreeSet, HashMap};

/// Word counts from training: in how many spam and legitimate comments a token appeared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenCounts {
    pub spam: u64,
    pub ham: u64,
}

/// The token under which the store counts the comments trained (not a word: words are
/// never empty).
pub const DOCUMENTS: &str = "";

/// Below this many spam or legitimate comments learnt, the filter does not judge.
pub const MIN_TRAINING: u64 = 10;
/// At or above this score a comment goes to spam.
pub const SPAM_SCORE: f64 = 0.95;
/// At or above this score (and below [`SPAM_SCORE`]) a comment waits for a moderator.
pub const UNSURE_SCORE: f64 = 0.6;

/// How many of the most telling tokens decide.
const DECIDING_TOKENS: usize = 40;
/// Tokens closer to ½ than this say nothing and are left out.
const MIN_DEVIATION: f64 = 0.1;
/// How strongly an unknown word is assumed neutral (Robinson's s) and what neutral is (x).
const PRIOR_STRENGTH: f64 = 0.45;
const PRIOR: f64 = 0.5;
/// The most tokens one comment yields; the rest is the same kind of evidence again.
const MAX_TOKENS: usize = 600;

/// The distinct tokens of a comment: its words (lower-cased, 3 to 24 characters), the hosts
/// it links to, and the author's name and website, each marked so "name:casino" and
/// "casino" learn separately.
pub fn tokens(author_name: &str, author_url: &str, text: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut words = |prefix: &str, text: &str| {
        for word in text
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '$' || c == '!'))
            .map(|word| word.trim_matches('\''))
        {
            let length = word.chars().count();
            if (3..=24).contains(&length) {
                found.insert(format!("{prefix}{}", word.to_lowercase()));
            } else if length > 24 {
                found.insert(format!("{prefix}long-word"));
            }
        }
    };
    words("", text);
    words("name:", author_name);
    for host in hosts(text).chain(hosts(author_url)) {
        found.insert(format!("host:{host}"));
    }
    if !author_url.trim().is_empty() {
        found.insert("has:website".to_owned());
    }
    let links = text.matches("http://").count() + text.matches("https://").count();
    found.insert(format!("links:{}", links.min(5)));
    found.into_iter().take(MAX_TOKENS).collect()
}

/// The host names of the web addresses in a text, lower-cased.
fn hosts(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("://").skip(1).filter_map(|rest| {
        let host: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        (!host.is_empty()).then(|| host.to_lowercase())
    })
}

/// The spam probability of one token: the share of spam among the comments that held it,
/// each class weighed by its size, pulled toward ½ while the token is rare.
fn token_probability(counts: TokenCounts, documents: TokenCounts) -> f64 {
    let spam_ratio = counts.spam as f64 / documents.spam.max(1) as f64;
    let ham_ratio = counts.ham as f64 / documents.ham.max(1) as f64;
    let raw = if spam_ratio + ham_ratio == 0.0 {
        PRIOR
    } else {
        spam_ratio / (spam_ratio + ham_ratio)
    };
    let seen = (counts.spam + counts.ham) as f64;
    ((PRIOR_STRENGTH * PRIOR) + seen * raw) / (PRIOR_STRENGTH + seen)
}

/// The probability that a chi-square variable with `freedom` (even) degrees of freedom is at
/// least `value`.
fn chi_square_tail(value: f64, freedom: usize) -> f64 {
    let half = value / 2.0;
    let mut term = (-half).exp();
    let mut sum = term;
    for i in 1..freedom / 2 {
        term *= half / i as f64;
        sum += term;
    }
    sum.min(1.0)
}

/// The spam score of a comment's tokens, from 0 (legitimate) to 1 (spam); `None` while the
/// filter has learnt too little to judge. `counts` holds what training knows of each token
/// (tokens it has never seen may be missing), and `documents` the comments learnt.
pub fn score(
    tokens: &[String],
    counts: &HashMap<String, TokenCounts>,
    documents: TokenCounts,
) -> Option<f64> {
    if documents.spam < MIN_TRAINING || documents.ham < MIN_TRAINING {
        return None;
    }
    let mut evidence: Vec<f64> = tokens
        .iter()
        .map(|token| token_probability(counts.get(token).copied().unwrap_or_default(), documents))
        .filter(|probability| (probability - PRIOR).abs() >= MIN_DEVIATION)
        .collect();
    if evidence.is_empty() {
        return Some(PRIOR);
    }
    evidence.sort_by(|a, b| (b - PRIOR).abs().total_cmp(&(a - PRIOR).abs()));
    evidence.truncate(DECIDING_TOKENS);
    let clamp = |p: f64| p.clamp(1e-6, 1.0 - 1e-6);
    let ham_sum: f64 = evidence.iter().map(|p| clamp(*p).ln()).sum();
    let spam_sum: f64 = evidence.iter().map(|p| (1.0 - clamp(*p)).ln()).sum();
    let freedom = 2 * evidence.len();
    let hamminess = 1.0 - chi_square_tail(-2.0 * ham_sum, freedom);
    let spamminess = 1.0 - chi_square_tail(-2.0 * spam_sum, freedom);
    Some(((spamminess - hamminess + 1.0) / 2.0).clamp(0.0, 1.0))
}

/// Spam or legitimate: what a moderation decision teaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Spam,
    Ham,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Spam => "spam",
            Label::Ham => "ham",
        }
    }

    pub fn parse(value: &str) -> Option<Label> {
        match value {
            "spam" => Some(Label::Spam),
            "ham" => Some(Label::Ham),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn train(examples: &[(&str, Label)]) -> (HashMap<String, TokenCounts>, TokenCounts) {
        let mut counts: HashMap<String, TokenCounts> = HashMap::new();
        let mut documents = TokenCounts::default();
        for (text, label) in examples {
            for token in tokens("", "", text) {
                let entry = counts.entry(token).or_default();
                match label {
                    Label::Spam => entry.spam += 1,
                    Label::Ham => entry.ham += 1,
                }
            }
            match label {
                Label::Spam => documents.spam += 1,
                Label::Ham => documents.ham += 1,
            }
        }
        (counts, documents)
    }

    #[test]
    fn tokens_are_distinct_words_hosts_and_marks() {
        let found = tokens(
            "Cheap Pills",
            "https://pills.example/",
            "Buy buy BUY at https://Shop.Example/x now!",
        );
        for expected in [
            "buy",
            "now!",
            "name:cheap",
            "name:pills",
            "host:shop.example",
            "host:pills.example",
            "has:website",
            "links:1",
        ] {
            assert!(
                found.contains(&expected.to_owned()),
                "{expected} in {found:?}"
            );
        }
        assert_eq!(found.iter().filter(|t| *t == "buy").count(), 1);
        assert!(!found.contains(&"at".to_owned()), "short words are skipped");
    }

    #[test]
    fn it_does_not_judge_before_it_has_learnt_enough() {
        let (counts, documents) = train(&[("cheap pills", Label::Spam)]);
        assert_eq!(score(&tokens("", "", "cheap"), &counts, documents), None);
    }

    #[test]
    fn it_learns_which_words_mark_spam() {
        let mut examples = Vec::new();
        for i in 0..20 {
            examples.push((format!("cheap pills casino bonus offer {i}"), Label::Spam));
            examples.push((
                format!("thanks for the article about the council vote {i}"),
                Label::Ham,
            ));
        }
        let borrowed: Vec<(&str, Label)> = examples
            .iter()
            .map(|(text, label)| (text.as_str(), *label))
            .collect();
        let (counts, documents) = train(&borrowed);
        let spam = score(&tokens("", "", "casino bonus pills"), &counts, documents).unwrap();
        let ham = score(
            &tokens("", "", "the council vote article"),
            &counts,
            documents,
        )
        .unwrap();
        let unknown = score(&tokens("", "", "zebra xylophone"), &counts, documents).unwrap();
        assert!(spam > SPAM_SCORE, "{spam}");
        assert!(ham < 0.1, "{ham}");
        assert!((unknown - 0.5).abs() < 0.01, "{unknown}");
    }
}
