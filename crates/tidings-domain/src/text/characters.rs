//! Which characters a text may keep, and when a text counts as empty.
//!
//! The rule for everything people type (comments, names, titles, article bodies, settings):
//! control characters are dropped except tab and line break (a carriage return becomes a line
//! break), and so are Unicode's noncharacters (U+FFFE, U+FFFF and the like in every plane,
//! U+FDD0 to U+FDEF). None of them is something a reader means to type, and XML 1.0, which
//! the feeds and exports are written in, cannot carry the C0 controls or U+FFFE and U+FFFF at
//! all. Every XML output also passes through [`xml_safe`], so rows stored before this rule
//! cannot break a feed either.

use std::borrow::Cow;

/// Whether `character` is a Unicode noncharacter: never meant for interchange.
fn is_noncharacter(character: char) -> bool {
    let code = u32::from(character);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// Whether `character` may stay in text a person typed (line breaks and tabs included).
fn kept_in_text(character: char) -> bool {
    let unwanted_control = character.is_control() && character != '\n' && character != '\t';
    !unwanted_control && !is_noncharacter(character)
}

/// Text as typed, minus what no one means to type; line endings become `\n`.
pub fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|character| kept_in_text(*character))
        .collect()
}

/// The controls that embed, override or isolate text direction. In a name printed inside a
/// sentence ("Leave a Reply to NAME"), an unpaired one turns the rest of the line around.
fn is_bidi_control(character: char) -> bool {
    matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line of text (a name, a title): [`clean_text`], then runs of white space become one
/// space, and direction controls go (templates also isolate names with `<bdi>`).
pub fn clean_line(text: &str) -> String {
    let cleaned: String = clean_text(text)
        .chars()
        .filter(|character| !is_bidi_control(*character))
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether XML 1.0 can carry `character`: tab, line feed, carriage return, and everything
/// from U+0020 on except the surrogates (which a Rust `char` cannot be) and U+FFFE/U+FFFF.
fn allowed_in_xml(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\r')
        || (character >= ' ' && !matches!(character, '\u{FFFE}' | '\u{FFFF}'))
}

/// Whether `text` holds a character XML 1.0 forbids, found from its bytes in one pass: a
/// C0 control other than tab, line feed and carriage return, or the UTF-8 of U+FFFE or
/// U+FFFF (`EF BF BE`, `EF BF BF`). Templates print large fragments (a whole comment thread
/// is one macro's output, printed again by the macro around it), so this must cost no more
/// than reading the bytes.
fn has_xml_forbidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r') {
            return true;
        }
        if byte == 0xEF
            && bytes.get(index + 1) == Some(&0xBF)
            && matches!(bytes.get(index + 2), Some(0xBE | 0xBF))
        {
            return true;
        }
        index += 1;
    }
    false
}

/// `text` without the characters XML 1.0 forbids: the last step before any XML output.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if !has_xml_forbidden(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .filter(|character| allowed_in_xml(*character))
                .collect(),
        )
    }
}

/// `text` with each character XML 1.0 forbids replaced by U+FFFD, for markup that a
/// sanitiser already judged: deleting a character there could join what it separated
/// (`jav\u{16}ascript:`, a relative address the sanitiser let through, would become
/// `javascript:`), replacing it cannot.
pub fn xml_safe_replacing(text: &str) -> Cow<'_, str> {
    if !has_xml_forbidden(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|character| {
                    if allowed_in_xml(character) {
                        character
                    } else {
                        '\u{FFFD}'
                    }
                })
                .collect(),
        )
    }
}

/// Characters that print nothing: white space, and the zero-width and filler characters
/// that make a field look filled in while showing nothing (zero-width space and joiners,
/// word joiner, byte-order mark, soft hyphen, Hangul fillers, Braille blank, direction
/// marks, variation selectors).
fn is_invisible(character: char) -> bool {
    character.is_whitespace()
        || character.is_control()
        || is_bidi_control(character)
        || matches!(
            character,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// Whether `text` shows nothing at all: only invisible characters.
pub fn is_invisible_text(text: &str) -> bool {
    text.chars().all(is_invisible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_loses_controls_and_noncharacters_only() {
        let check =
            |input: &str, expected: &str| assert_eq!(clean_text(input), expected, "{input:?}");
        check(
            "line one\r\nline two\rthree\tend",
            "line one\nline two\nthree\tend",
        );
        check("nul\0 vt\u{0B} ff\u{0C} bell\u{07}", "nul vt ff bell");
        check("a\u{FFFE}b\u{FFFF}c\u{FDD0}d\u{1FFFF}e", "abcde");
        check("Grüße, Ελλάδα, 東京 🙂", "Grüße, Ελλάδα, 東京 🙂");
        check("c1\u{85}\u{9F}", "c1");
    }

    #[test]
    fn lines_collapse_space_and_lose_direction_controls() {
        assert_eq!(clean_line("  Ada \n\t Lovelace  "), "Ada Lovelace");
        assert_eq!(clean_line("evil\u{202E}txt.exe"), "eviltxt.exe");
        assert_eq!(clean_line("\u{2067}שלום\u{2069}"), "שלום");
        // Marks that do not embed or override stay: they only nudge neutral characters.
        assert_eq!(clean_line("a\u{200F}b"), "a\u{200F}b");
    }

    #[test]
    fn xml_output_drops_what_xml_cannot_carry() {
        assert_eq!(xml_safe("plain"), "plain");
        assert!(matches!(xml_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(xml_safe("a\0b\u{0B}c\u{0C}d\u{FFFE}e\u{FFFF}f"), "abcdef");
        assert_eq!(xml_safe("tab\tline\nreturn\r"), "tab\tline\nreturn\r");
        assert_eq!(xml_safe("\u{10FFFD}\u{E000}"), "\u{10FFFD}\u{E000}");
        // Near misses of U+FFFE in UTF-8 stay: U+FFFD and U+EFBF.
        assert!(matches!(
            xml_safe("\u{FFFD}\u{EFBF}\u{FFBF}"),
            Cow::Borrowed(_)
        ));
        for code in 0..0x20_u32 {
            let text = format!("a{}b", char::from_u32(code).unwrap());
            let kept = matches!(code, 0x09 | 0x0A | 0x0D);
            assert_eq!(xml_safe(&text) == text.as_str(), kept, "U+{code:04X}");
        }
    }

    #[test]
    fn invisible_text_counts_as_empty() {
        for blank in [
            "",
            " ",
            "\u{200B}",
            "\u{3164}\u{3164}",
            "\u{A0}\u{FEFF}",
            "\u{2800}",
            "\u{115F}\u{1160}",
            "\u{FE0F}",
        ] {
            assert!(is_invisible_text(blank), "{blank:?}");
        }
        for visible in ["a", " . ", "\u{200B}x", "🙂", "東"] {
            assert!(!is_invisible_text(visible), "{visible:?}");
        }
    }
}
