//! The editorial checks on the seed article (`../shared/data/seed-article.txt`): its first
//! three paragraphs repeat one fact from three sources and its last ends in a stray
//! fragment. They must flag exactly those problems, and nothing in clean articles.

#![expect(
    clippy::unwrap_used,
    reason = "a missing fixture should stop the test loudly"
)]

use tidings_domain::editorial::{WarningKind, check};

/// The seed article's body: the paragraphs between its title and "Leave a Reply".
fn seed_paragraphs() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/seed-article.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n\n")
        .map(|paragraph| paragraph.trim().to_owned())
        .skip(1)
        .take_while(|paragraph| paragraph != "Leave a Reply")
        .collect()
}

#[test]
fn the_seed_article_has_three_repeating_paragraphs_and_a_stray_fragment() {
    let paragraphs = seed_paragraphs();
    assert_eq!(paragraphs.len(), 6);
    let warnings = check(&paragraphs.join("\n\n"), Some(""));
    let kinds: Vec<WarningKind> = warnings.iter().map(|warning| warning.kind).collect();
    assert_eq!(
        kinds,
        [WarningKind::RepeatedParagraphs, WarningKind::StrayFragment],
        "{warnings:#?}"
    );
    assert!(
        warnings[0]
            .message
            .starts_with("Paragraphs 1, 2 and 3 may say the same thing"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[1]
            .message
            .contains("Paragraph 6 ends in “matter.”"),
        "{}",
        warnings[1].message
    );
}

#[test]
fn clean_articles_raise_nothing() {
    // The seed article as an editor would fix it: one source for the visit, the
    // fragment gone.
    let mut fixed = seed_paragraphs();
    fixed.drain(1..3);
    let last = fixed.len() - 1;
    fixed[last] = fixed[last].replace(" matter.", "");
    let seed_fixed = fixed.join("\n\n");

    let council = "The city council voted on Tuesday to close the Elm Street bridge for \
        repairs, starting in March and lasting about eight months.\n\n\
        Engineers found cracks in two of the bridge's steel girders during an inspection \
        last autumn. The council's transport committee said the repairs could not wait \
        for next year's budget.\n\n\
        Drivers will be sent over the Harbour Road crossing, which the council expects to \
        add ten minutes to a rush-hour trip. Buses on routes 4 and 12 will follow the same \
        diversion.\n\n\
        Shop owners on Elm Street said they feared losing customers. \"We lived through the \
        last closure in 2019, and it took a year to recover,\" said Maria Lopez, who runs a \
        bakery near the bridge.\n\n\
        The council will hold a public meeting about the closure at the town hall on \
        February 12. The U.S. Department of Transportation is paying for half of the work, \
        about $4.5 million.\n\n\
        ![The Elm Street bridge at dusk](/media/bridge.jpg)";
    for (name, body) in [
        ("the seed, fixed", seed_fixed.as_str()),
        ("council", council),
    ] {
        let warnings = check(body, Some(""));
        assert!(warnings.is_empty(), "{name}: {warnings:#?}");
    }
}
