//! Bodies built to make a parser work hard: deep nesting, wide tags, formatting the parser
//! must re-create, runs of delimiters. Shared by the test that checks each is refused or
//! flattened and by the `hostile_markup` example that times them.

/// About a megabyte each at most, the largest article body accepted.
pub fn hostile_bodies() -> Vec<(&'static str, String)> {
    let n = 100_000;
    vec![
        ("nested div", "<div>".repeat(n)),
        (
            "nested div, closed",
            format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)),
        ),
        (
            "nested blockquote (Markdown)",
            format!("{}x", ">".repeat(n)),
        ),
        (
            "nested blockquote, spaced (Markdown)",
            format!("{}x", "> ".repeat(n)),
        ),
        ("nested blockquote (HTML)", "<blockquote>".repeat(n / 2)),
        (
            "nested list (Markdown)",
            (0..600)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        (
            "nested ordered list (Markdown)",
            (0..400)
                .map(|i| format!("{}1. x\n", "   ".repeat(i)))
                .collect(),
        ),
        ("nested span", "<span>".repeat(n)),
        ("nested b", "<b>".repeat(n)),
        ("nested table", "<table><tr><td>".repeat(n / 3)),
        (
            "b and i misnested",
            "<b><i>".repeat(n / 2) + &"</b></i>".repeat(n / 2),
        ),
        ("unclosed links", "<a href=x>".repeat(n)),
        (
            "formatting re-created after each block",
            (0..5000).map(|i| format!("<p><b c={i}></p>x")).collect(),
        ),
        ("formatting mix", "<b><u><i><s><em><strong>".repeat(n / 6)),
        ("stray end tags", "</p>".repeat(n)),
        (
            "many attributes",
            format!(
                "<p {}>x</p>",
                (0..n).map(|i| format!("a{i}=x ")).collect::<String>()
            ),
        ),
        (
            "repeated attribute",
            format!("<p {}>x</p>", "a=x ".repeat(n)),
        ),
        (
            "quoted attribute soup",
            format!("<p {}>x</p>", "a='>' b=\"<\" ".repeat(n / 4)),
        ),
        ("character references", "&amp;".repeat(n * 2)),
        ("numeric references", "&#8203;".repeat(n)),
        (
            "emphasis runs",
            format!("{}x{}", "*".repeat(n), "*".repeat(n)),
        ),
        ("open emphasis", "*a ".repeat(n)),
        ("open brackets", "[".repeat(n)),
        ("open links", "[a](".repeat(n)),
        (
            "nested link text",
            format!("{}x{}", "[".repeat(n / 2), "](/)".repeat(n / 2)),
        ),
        ("backticks", "`a``".repeat(n / 4)),
        (
            "footnotes",
            (0..20_000)
                .map(|i| format!("[^{i}]\n\n[^{i}]: x\n"))
                .collect(),
        ),
        ("headings", "# x\n".repeat(n / 4)),
        ("setext headings", "a\n=\n".repeat(n / 4)),
        ("unclosed comments", "<!--".repeat(n)),
        ("less-than signs", "<".repeat(n)),
    ]
}
