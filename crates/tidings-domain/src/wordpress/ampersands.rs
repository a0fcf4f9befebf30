//! WordPress writes a commenter's URL into its export without escaping it, so a URL with
//! `&` in it (`?a=1&b=2`) makes the whole file ill-formed XML. This reader sits under the
//! XML parser and writes such a lone `&` as `&amp;`: only outside CDATA sections, comments
//! and processing instructions, and only when what follows is not a reference (`&amp;`,
//! `&#38;`, `&#x26;`), so a well-formed file passes through byte for byte.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The longest reference looked for after `&` (`&#x10FFFF;` is ten bytes).
const LONGEST_REFERENCE: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Where {
    Markup,
    /// Inside `<![CDATA[`…`]]>`.
    CData,
    /// Inside `<!--`…`-->`.
    Comment,
    /// Inside `<?`…`?>`.
    Instruction,
}

/// Repairs lone ampersands in what it reads; counts them.
pub struct AmpersandRepair<R> {
    inner: R,
    place: Where,
    /// The last bytes seen, to recognise `<![CDATA[`, `]]>`, `<!--` and `-->` across reads.
    tail: Vec<u8>,
    /// Bytes read but not yet looked at: the last few wait for what follows them, so a
    /// reference split between two reads is still seen whole.
    carry: Vec<u8>,
    finished: bool,
    /// Repaired bytes not yet handed out.
    pending: Vec<u8>,
    pending_at: usize,
    repaired: Arc<AtomicU64>,
}

impl<R: Read> AmpersandRepair<R> {
    pub fn new(inner: R) -> AmpersandRepair<R> {
        AmpersandRepair::counting_into(inner, Arc::new(AtomicU64::new(0)))
    }

    /// Counts the ampersands it repairs into `repaired`, which whoever reads the file
    /// afterwards can read too.
    pub fn counting_into(inner: R, repaired: Arc<AtomicU64>) -> AmpersandRepair<R> {
        AmpersandRepair {
            inner,
            place: Where::Markup,
            tail: Vec::with_capacity(16),
            carry: Vec::with_capacity(64 * 1024 + LONGEST_REFERENCE),
            finished: false,
            pending: Vec::with_capacity(64 * 1024 + 1024),
            pending_at: 0,
            repaired,
        }
    }

    /// How many lone ampersands it has written as `&amp;` so far.
    pub fn repaired(&self) -> u64 {
        self.repaired.load(Ordering::Relaxed)
    }

    fn remember(&mut self, byte: u8) {
        if self.tail.len() == 9 {
            self.tail.remove(0);
        }
        self.tail.push(byte);
    }

    /// Reads the next stretch of input into `pending`, repaired.
    fn refill(&mut self) -> std::io::Result<()> {
        self.pending.clear();
        self.pending_at = 0;
        let mut chunk = [0u8; 64 * 1024];
        let ready = loop {
            if !self.finished {
                let read = self.inner.read(&mut chunk)?;
                if read == 0 {
                    self.finished = true;
                } else {
                    self.carry.extend_from_slice(&chunk[..read]);
                }
            }
            let ready = if self.finished {
                self.carry.len()
            } else {
                self.carry.len().saturating_sub(LONGEST_REFERENCE)
            };
            if ready > 0 || self.finished {
                break ready;
            }
        };
        let carry = std::mem::take(&mut self.carry);
        for index in 0..ready {
            let byte = carry[index];
            if byte == b'&' && self.place == Where::Markup && !starts_reference(&carry[index + 1..])
            {
                self.pending.extend_from_slice(b"&amp;");
                self.repaired.fetch_add(1, Ordering::Relaxed);
                self.remember(byte);
                continue;
            }
            self.pending.push(byte);
            self.remember(byte);
            let ends_with = |text: &[u8]| self.tail.ends_with(text);
            self.place = match self.place {
                Where::Markup if ends_with(b"<![CDATA[") => Where::CData,
                Where::Markup if ends_with(b"<!--") => Where::Comment,
                Where::Markup if ends_with(b"<?") => Where::Instruction,
                Where::CData if ends_with(b"]]>") => Where::Markup,
                Where::Comment if ends_with(b"-->") => Where::Markup,
                Where::Instruction if ends_with(b"?>") => Where::Markup,
                place => place,
            };
        }
        self.carry = carry;
        self.carry.drain(..ready);
        Ok(())
    }
}

/// Whether `after` (what follows an `&`) is a character or entity reference.
fn starts_reference(after: &[u8]) -> bool {
    let window = &after[..after.len().min(LONGEST_REFERENCE)];
    let Some(end) = window.iter().position(|&byte| byte == b';') else {
        return false;
    };
    let name = &window[..end];
    match name {
        [b'#', b'x' | b'X', digits @ ..] => {
            !digits.is_empty() && digits.iter().all(u8::is_ascii_hexdigit)
        }
        [b'#', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        [first, rest @ ..] => {
            first.is_ascii_alphabetic()
                && rest
                    .iter()
                    .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'))
        }
        [] => false,
    }
}

impl<R: Read> Read for AmpersandRepair<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending_at >= self.pending.len() {
            self.refill()?;
        }
        let available = &self.pending[self.pending_at..];
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.pending_at += count;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(text: &str) -> (String, u64) {
        // A small buffer, so references straddle reads.
        // One byte a read, so every reference straddles reads.
        let mut reader = AmpersandRepair::new(OneByte(text.as_bytes()));
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        (out, reader.repaired())
    }

    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn a_lone_ampersand_is_escaped_and_references_are_kept() {
        assert_eq!(
            repaired("<u>http://e.x/?a=1&b=2</u><t>Tom &amp; Jerry &#38; &#x26;</t>"),
            (
                "<u>http://e.x/?a=1&amp;b=2</u><t>Tom &amp; Jerry &#38; &#x26;</t>".into(),
                1
            )
        );
    }

    #[test]
    fn cdata_and_comments_are_left_alone() {
        let text = "<c><![CDATA[a & b ]] > c & d]]></c><!-- x & y --><d>e & f</d>";
        assert_eq!(
            repaired(text),
            (
                "<c><![CDATA[a & b ]] > c & d]]></c><!-- x & y --><d>e &amp; f</d>".into(),
                1
            )
        );
    }

    #[test]
    fn a_well_formed_file_passes_byte_for_byte() {
        let text = "<rss><t>&lt;p&gt; &quot;x&quot; &#039;</t><![CDATA[&&&]]></rss>";
        assert_eq!(repaired(text), (text.to_owned(), 0));
    }
}
