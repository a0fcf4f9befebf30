//! The last part of an article's or page's address.

use super::MAX_SLUG_CHARS;
use serde::Serialize;
use std::fmt;

/// The last part of an article's URL: lowercase letters and digits joined by single
/// hyphens. Made from a title, it is Latin (a title in any script is transliterated, so it
/// stays readable in a link and a search result instead of percent-encoded); typed by an
/// editor, it keeps the script it was typed in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Makes a slug from a title, transliterated to Latin letters ("Лавров в Пекине" gives
    /// `lavrov-v-pekine`, "北京" gives `bei-jing`); `None` when nothing readable is left.
    pub fn from_title(title: &str) -> Option<Slug> {
        // Apostrophes join rather than split: "Don't" is `dont`, as WordPress makes it. Only
        // letters and digits are transliterated: an emoji's name is not part of a title.
        let joined: String = title
            .chars()
            .filter(|character| !matches!(character, '\'' | '’'))
            .map(|character| {
                if character.is_alphanumeric() {
                    character
                } else {
                    ' '
                }
            })
            .collect();
        let latin = deunicode::deunicode_with_tofu(&joined, " ");
        Slug::from_words(&latin)
    }

    /// Accepts a slug typed by an editor, in any script: letters are lower-cased, and any
    /// run of spaces, punctuation or slashes becomes one hyphen. `None` when no letter or
    /// digit is left.
    pub fn parse(value: &str) -> Option<Slug> {
        Slug::from_words(value)
    }

    fn from_words(text: &str) -> Option<Slug> {
        let mut slug = String::with_capacity(text.len());
        let mut pending_hyphen = false;
        for character in text.chars() {
            if character.is_alphanumeric() {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.extend(character.to_lowercase());
            } else {
                pending_hyphen = true;
            }
        }
        let truncated: String = slug.chars().take(MAX_SLUG_CHARS).collect();
        let trimmed = truncated.trim_end_matches('-');
        (!trimmed.is_empty()).then(|| Slug(trimmed.to_owned()))
    }

    /// The same slug with `-N` appended, for when the plain one is taken.
    pub fn with_suffix(&self, number: u32) -> Slug {
        Slug(format!("{}-{number}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles_are_readable_latin_in_every_script() {
        let check = |title: &str, expected: Option<&str>| {
            assert_eq!(
                Slug::from_title(title).as_ref().map(Slug::as_str),
                expected,
                "{title:?}"
            );
        };
        check("Hello, World!", Some("hello-world"));
        check("  Don't panic  ", Some("dont-panic"));
        check("Ünïcödé Straße 2026", Some("unicode-strasse-2026"));
        check("Лавров прибыл в Пекин", Some("lavrov-pribyl-v-pekin"));
        check("Αθήνα και Θεσσαλονίκη", Some("athena-kai-thessalonike"));
        check("北京欢迎你", Some("bei-jing-huan-ying-ni"));
        check("مرحبا بالعالم", Some("mrhb-bl-lm"));
        check(
            "Crise à l'Élysée — 3 ministres",
            Some("crise-a-lelysee-3-ministres"),
        );
        check("---", None);
        check("", None);
        check("🙂🙂", None);
        check("a -- b", Some("a-b"));
        let long = "word ".repeat(100);
        let slug = Slug::from_title(&long).unwrap();
        assert!(slug.as_str().chars().count() <= MAX_SLUG_CHARS);
        assert!(!slug.as_str().ends_with('-'));
    }

    #[test]
    fn typed_slugs_keep_their_script_and_are_normalised() {
        let typed = |value: &str| Slug::parse(value).map(|slug| slug.to_string());
        assert_eq!(typed("good-slug-2").as_deref(), Some("good-slug-2"));
        assert_eq!(typed("Bad Slug").as_deref(), Some("bad-slug"));
        assert_eq!(typed("Новости/Мира").as_deref(), Some("новости-мира"));
        assert_eq!(typed("../x").as_deref(), Some("x"));
        assert_eq!(typed("<x>").as_deref(), Some("x"));
        for empty in ["", "-", "--", "/", "   "] {
            assert_eq!(typed(empty), None, "{empty:?}");
        }
    }
}
