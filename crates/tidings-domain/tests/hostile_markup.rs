//! Hostile bodies cost no more than a linear pass: each one that would make the sanitiser's
//! parser work hard is refused as new text and flattened when it is already stored.

#[path = "support/hostile_corpus.rs"]
mod hostile_corpus;

use tidings_domain::text::{
    article_markup_problem, comment_markup_problem, render_comment, render_markdown,
};

/// A comment as the form would carry it: the first 65,525 characters.
fn as_comment(body: &str) -> String {
    body.chars()
        .take(tidings_domain::comment::MAX_COMMENT_CHARS)
        .collect()
}

/// Tags left in a rendering: flattened bodies keep only paragraphs.
fn tags_other_than_paragraphs(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| !matches!(*tag, "p" | "/p"))
        .map(str::to_owned)
        .collect()
}

/// The bodies whose structure is over the article limits: each alone took from 0.1 to 73
/// seconds to sanitise before the limits.
const OVER_ARTICLE_LIMITS: &[&str] = &[
    "nested div",
    "nested div, closed",
    "nested blockquote (Markdown)",
    "nested blockquote, spaced (Markdown)",
    "nested blockquote (HTML)",
    "nested list (Markdown)",
    "nested ordered list (Markdown)",
    "nested span",
    "nested b",
    "nested table",
    "b and i misnested",
    "unclosed links",
    "formatting re-created after each block",
    "formatting mix",
    "stray end tags",
    "many attributes",
    "repeated attribute",
    "quoted attribute soup",
    "character references",
    "emphasis runs",
    "footnotes",
    "less-than signs",
];

#[test]
fn hostile_articles_are_refused_and_flattened_when_stored() {
    let bodies = hostile_corpus::hostile_bodies();
    assert_eq!(bodies.len(), 31);
    for (name, body) in &bodies {
        let problem = article_markup_problem(body);
        assert_eq!(
            problem.is_some(),
            OVER_ARTICLE_LIMITS.contains(name),
            "{name}: {problem:?}"
        );
        if problem.is_some() {
            let html = render_markdown(body);
            let tags = tags_other_than_paragraphs(html.as_str());
            assert!(
                tags.is_empty(),
                "{name} kept tags: {:?}",
                &tags[..tags.len().min(5)]
            );
        }
    }
}

#[test]
fn hostile_comments_are_refused_and_flattened_when_stored() {
    let mut refused = 0;
    for (name, body) in hostile_corpus::hostile_bodies() {
        let comment = as_comment(&body);
        let Some(problem) = comment_markup_problem(&comment) else {
            continue;
        };
        refused += 1;
        let rendered = render_comment(&comment);
        let tags = tags_other_than_paragraphs(rendered.as_str());
        assert!(
            tags.is_empty(),
            "{name} ({problem}) kept tags: {:?}",
            &tags[..tags.len().min(5)]
        );
        let raw = tidings_domain::RawSubmission {
            article_id: "1".into(),
            author_name: "Mallory".into(),
            author_email: "mallory@example.com".into(),
            content: comment,
            ..Default::default()
        };
        let errors = raw.validate(true).unwrap_err();
        let message = errors.get("comment").unwrap();
        assert!(message.contains("accepted"), "{name}: {message}");
    }
    assert!(
        refused >= 14,
        "only {refused} hostile comments were refused"
    );
}
