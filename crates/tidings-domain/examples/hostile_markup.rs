//! Times rendering the hostile bodies of `tests/support/hostile_corpus.rs` as an article
//! and as a comment: what one body can cost the server. `bench/run` runs it; alone:
//! `cargo run --release -p tidings-domain --example hostile_markup`.

#[path = "../tests/support/hostile_corpus.rs"]
mod hostile_corpus;

use std::time::{Duration, Instant};
use tidings_domain::text::{render_comment, render_markdown};

/// The fastest of a few runs, so a busy neighbour does not count against a body.
fn best_of(runs: usize, work: impl Fn()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let bodies = hostile_corpus::hostile_bodies();
    let mut slowest = (Duration::ZERO, "");
    let mut slowest_comment = (Duration::ZERO, "");
    println!("| body | bytes | as an article, ms | as a comment, ms |");
    println!("|---|---:|---:|---:|");
    for (name, body) in &bodies {
        let comment: String = body
            .chars()
            .take(tidings_domain::comment::MAX_COMMENT_CHARS)
            .collect();
        let article = best_of(3, || {
            render_markdown(body);
        });
        let as_comment = best_of(3, || {
            render_comment(&comment);
        });
        slowest = slowest.max((article, name));
        slowest_comment = slowest_comment.max((as_comment, name));
        println!(
            "| {name} | {} | {:.1} | {:.2} |",
            body.len(),
            article.as_secs_f64() * 1000.0,
            as_comment.as_secs_f64() * 1000.0
        );
    }
    println!();
    println!(
        "SLOWEST article {:.1} ms ({}), comment {:.2} ms ({}), of {} bodies",
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1,
        slowest_comment.0.as_secs_f64() * 1000.0,
        slowest_comment.1,
        bodies.len()
    );
}
