//! PHP's `serialize` format, as WordPress stores structured meta (an attachment's sizes):
//! read into a neutral tree by a parser that runs nothing. Objects become maps; a string
//! whose byte length no longer matches (an export that changed line ends or re-encoded
//! text) is read up to its closing `";` instead.

/// A PHP value.
#[derive(Debug, Clone, PartialEq)]
pub enum PhpValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// An array or object: its keys (as text) and values, in order.
    Map(Vec<(String, PhpValue)>),
}

impl PhpValue {
    /// The value under `key` of a map.
    pub fn get(&self, key: &str) -> Option<&PhpValue> {
        match self {
            PhpValue::Map(entries) => entries
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            PhpValue::Int(number) => Some(*number),
            PhpValue::Text(text) => text.trim().parse().ok(),
            PhpValue::Float(number) => Some(*number as i64),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            PhpValue::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Nesting deeper than this is refused: real meta is a few levels deep.
const MAX_DEPTH: usize = 64;

/// Parses a serialized value; `None` when the text is not one.
pub fn unserialize(text: &str) -> Option<PhpValue> {
    let mut parser = Parser {
        text: text.as_bytes(),
        at: 0,
    };
    let value = parser.value(0)?;
    (parser.at == parser.text.len() || text[parser.at..].trim().is_empty()).then_some(value)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.text.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn until(&mut self, byte: u8) -> Option<&str> {
        let start = self.at;
        let length = self.text[start..].iter().position(|&found| found == byte)?;
        self.at = start + length + 1;
        std::str::from_utf8(&self.text[start..start + length]).ok()
    }

    fn value(&mut self, depth: usize) -> Option<PhpValue> {
        if depth > MAX_DEPTH {
            return None;
        }
        let kind = *self.text.get(self.at)?;
        self.at += 1;
        if kind == b'N' {
            self.expect(b';')?;
            return Some(PhpValue::Null);
        }
        self.expect(b':')?;
        match kind {
            b'b' => Some(PhpValue::Bool(self.until(b';')? == "1")),
            b'i' => Some(PhpValue::Int(self.until(b';')?.parse().ok()?)),
            b'd' => Some(PhpValue::Float(self.until(b';')?.parse().ok()?)),
            b's' => Some(PhpValue::Text(self.string()?)),
            b'a' => self.entries(depth),
            b'O' => {
                let _class_length = self.until(b':')?;
                self.expect(b'"')?;
                self.until(b'"')?;
                self.expect(b':')?;
                self.entries(depth)
            }
            _ => None,
        }
    }

    /// `LEN:"…";`, by its length when that matches, else up to the closing `";`.
    fn string(&mut self) -> Option<String> {
        let length: usize = self.until(b':')?.parse().ok()?;
        self.expect(b'"')?;
        let start = self.at;
        let end = start.checked_add(length)?;
        if self.text.get(end..end + 2) == Some(b"\";") {
            self.at = end + 2;
            return String::from_utf8(self.text[start..end].to_vec()).ok();
        }
        let close = self.text[start..]
            .windows(2)
            .position(|pair| pair == b"\";")?;
        self.at = start + close + 2;
        String::from_utf8(self.text[start..start + close].to_vec()).ok()
    }

    fn entries(&mut self, depth: usize) -> Option<PhpValue> {
        let count: usize = self.until(b':')?.parse().ok()?;
        self.expect(b'{')?;
        let mut entries = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            let key = match self.value(depth + 1)? {
                PhpValue::Int(number) => number.to_string(),
                PhpValue::Text(text) => text,
                _ => return None,
            };
            let value = self.value(depth + 1)?;
            entries.push((key, value));
        }
        self.expect(b'}')?;
        Some(PhpValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_attachments_metadata() {
        let value = unserialize(
            r#"a:3:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:18:"2019/05/photo.jpg";}"#,
        );
        // The file's length is wrong (17 bytes, not 18): it is read to its closing quote.
        let value = value.expect("parsed");
        assert_eq!(value.get("width").and_then(PhpValue::as_int), Some(1200));
        assert_eq!(
            value.get("file").and_then(PhpValue::as_text),
            Some("2019/05/photo.jpg")
        );
    }

    #[test]
    fn objects_are_maps_and_nothing_runs() {
        let value = unserialize(r#"O:8:"stdClass":1:{s:4:"name";s:3:"tag";}"#).expect("parsed");
        assert_eq!(value.get("name").and_then(PhpValue::as_text), Some("tag"));
    }

    #[test]
    fn text_that_is_not_serialized_is_none() {
        assert_eq!(unserialize("hello"), None);
        assert_eq!(unserialize("a:99999999999:{"), None);
        assert_eq!(unserialize(&"a:1:{i:0;".repeat(100)), None);
    }
}
