//! A Disqus export (its XML: categories, threads, then posts naming their thread and
//! parent), read as a stream like a WordPress export, under the same limits: no DOCTYPE,
//! no entity beyond XML's five, bounded depth and text.

use crate::wordpress::wxr::{WxrError, WxrLimits};
use quick_xml::NsReader;
use quick_xml::events::Event;
use std::io::BufRead;
use time::OffsetDateTime;

/// A Disqus thread: the page a discussion was on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisqusThread {
    pub id: String,
    /// The page's identifier as the site gave it to Disqus (WordPress's plugin writes
    /// `123 https://example.com/?p=123`); often empty.
    pub identifier: String,
    pub link: String,
    pub title: String,
}

/// A Disqus post: one comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisqusPost {
    pub id: String,
    pub thread: String,
    pub parent: Option<String>,
    pub message: String,
    pub created_at: Option<OffsetDateTime>,
    pub deleted: bool,
    pub spam: bool,
    /// `false` when Disqus held it for moderation.
    pub approved: bool,
    pub author_name: String,
    pub author_email: String,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisqusRecord {
    Thread(DisqusThread),
    Post(DisqusPost),
}

pub struct DisqusReader<R: BufRead> {
    xml: NsReader<R>,
    limits: WxrLimits,
    buffer: Vec<u8>,
    path: Vec<String>,
    text: String,
    thread: DisqusThread,
    post: DisqusPost,
    seen_root: bool,
}

impl<R: BufRead> DisqusReader<R> {
    pub fn new(input: R, limits: WxrLimits) -> DisqusReader<R> {
        let mut xml = NsReader::from_reader(input);
        xml.config_mut().expand_empty_elements = true;
        xml.config_mut().check_end_names = true;
        DisqusReader {
            xml,
            limits,
            buffer: Vec::new(),
            path: Vec::new(),
            text: String::new(),
            thread: DisqusThread::default(),
            post: DisqusPost::default(),
            seen_root: false,
        }
    }

    /// How far into the input the reader is, in bytes.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position()
    }

    fn error(&self, reason: impl Into<String>) -> WxrError {
        WxrError {
            line: 0,
            reason: format!("at byte {}: {}", self.xml.buffer_position(), reason.into()),
        }
    }

    pub fn next_record(&mut self) -> Result<Option<DisqusRecord>, WxrError> {
        loop {
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            let outcome = self.step(&mut buffer);
            self.buffer = buffer;
            match outcome? {
                Step::Record(record) => return Ok(Some(record)),
                Step::End => return Ok(None),
                Step::More => {}
            }
        }
    }

    fn step(&mut self, buffer: &mut Vec<u8>) -> Result<Step, WxrError> {
        let event = match self.xml.read_event_into(buffer) {
            Ok(event) => event,
            Err(error) => {
                let reason = error.to_string();
                return Err(self.error(format!("the file is not well-formed XML: {reason}")));
            }
        };
        match event {
            Event::DocType(_) => Err(self.error(
                "the file declares a DOCTYPE, which a Disqus export never does; it is refused",
            )),
            Event::Start(start) => {
                if self.path.len() >= self.limits.max_depth {
                    return Err(self.error("elements are nested too deeply"));
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if self.path.is_empty() {
                    if name != "disqus" {
                        return Err(self.error(format!(
                            "this is not a Disqus export: it starts with <{name}>"
                        )));
                    }
                    self.seen_root = true;
                }
                // `dsq:id` names a thread, a post, or (inside a post) its thread and parent.
                let id = start
                    .attributes()
                    .flatten()
                    .find(|attribute| attribute.key.local_name().as_ref() == b"id")
                    .and_then(|attribute| {
                        attribute
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|value| value.into_owned())
                    })
                    .unwrap_or_default();
                match (self.path.len(), name.as_str()) {
                    (1, "thread") => {
                        self.thread = DisqusThread {
                            id,
                            ..DisqusThread::default()
                        }
                    }
                    (1, "post") => {
                        self.post = DisqusPost {
                            id,
                            approved: true,
                            ..DisqusPost::default()
                        }
                    }
                    (2, "thread") if self.path[1] == "post" => self.post.thread = id,
                    (2, "parent") if self.path[1] == "post" => {
                        self.post.parent = (!id.is_empty()).then_some(id)
                    }
                    _ => {}
                }
                self.path.push(name);
                self.text.clear();
                Ok(Step::More)
            }
            Event::End(_) => {
                let name = self.path.pop().unwrap_or_default();
                let text = std::mem::take(&mut self.text);
                Ok(self.end(&name, text))
            }
            Event::Text(text) => {
                let text = text
                    .xml10_content()
                    .map_err(|error| self.error(format!("text is not UTF-8: {error}")))?;
                self.push(&text)
            }
            Event::CData(data) => {
                let text = data
                    .xml10_content()
                    .map_err(|error| self.error(format!("text is not UTF-8: {error}")))?;
                self.push(&text)
            }
            Event::GeneralRef(reference) => {
                let character = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character,
                    _ => match reference.as_ref() {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        _ => return Err(self.error("an entity other than XML's five")),
                    },
                };
                self.push(character.encode_utf8(&mut [0; 4]))
            }
            Event::Eof => {
                if !self.path.is_empty() {
                    return Err(self.error("the file ends early: it was cut short"));
                }
                if !self.seen_root {
                    return Err(self.error("this is not a Disqus export: no <disqus> element"));
                }
                Ok(Step::End)
            }
            _ => Ok(Step::More),
        }
    }

    fn push(&mut self, piece: &str) -> Result<Step, WxrError> {
        if self.text.len() + piece.len() > self.limits.max_text_bytes {
            return Err(self.error("an element's text is too long"));
        }
        self.text.push_str(piece);
        Ok(Step::More)
    }

    fn end(&mut self, name: &str, text: String) -> Step {
        let depth = self.path.len();
        let within = |element: &str| self.path.get(1).is_some_and(|open| open == element);
        let flag = |text: &str| text.trim() == "true";
        match depth {
            1 if name == "thread" => {
                return Step::Record(DisqusRecord::Thread(std::mem::take(&mut self.thread)));
            }
            1 if name == "post" => {
                return Step::Record(DisqusRecord::Post(std::mem::take(&mut self.post)));
            }
            2 if within("thread") => match name {
                "id" => self.thread.identifier = text.trim().to_owned(),
                "link" => self.thread.link = text.trim().to_owned(),
                "title" => self.thread.title = text.trim().to_owned(),
                _ => {}
            },
            2 if within("post") => match name {
                "message" => self.post.message = text,
                "createdAt" => {
                    self.post.created_at = OffsetDateTime::parse(
                        text.trim(),
                        &time::format_description::well_known::Rfc3339,
                    )
                    .ok()
                }
                "isDeleted" => self.post.deleted = flag(&text),
                "isSpam" => self.post.spam = flag(&text),
                "isApproved" => self.post.approved = flag(&text),
                "ipAddress" => self.post.ip = text.trim().to_owned(),
                _ => {}
            },
            3 if within("post") && self.path.get(2).is_some_and(|open| open == "author") => {
                match name {
                    "name" => self.post.author_name = text.trim().to_owned(),
                    "email" => self.post.author_email = text.trim().to_owned(),
                    _ => {}
                }
            }
            _ => {}
        }
        Step::More
    }
}

enum Step {
    Record(DisqusRecord),
    More,
    End,
}

/// The WordPress post id a thread's identifier names (`123 https://example.com/?p=123`).
pub fn post_id_in_identifier(identifier: &str) -> Option<i64> {
    identifier.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_threads_and_posts_with_their_parents() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>news</forum><title>General</title></category>
  <thread dsq:id="10"><id>42 https://old.example/?p=42</id><forum>news</forum>
    <link>https://old.example/2020/01/02/story/</link><title>Story</title></thread>
  <post dsq:id="100"><message><![CDATA[<p>First & best</p>]]></message>
    <createdAt>2020-01-03T04:05:06Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>a@example.com</email><name>Ann</name></author>
    <ipAddress>192.0.2.1</ipAddress><thread dsq:id="10"/></post>
  <post dsq:id="101"><message>Reply</message><createdAt>2020-01-03T05:05:06Z</createdAt>
    <isDeleted>true</isDeleted><isSpam>false</isSpam><author><name>Bo</name></author>
    <thread dsq:id="10"/><parent dsq:id="100"/></post>
</disqus>"#;
        let mut reader = DisqusReader::new(xml.as_bytes(), WxrLimits::default());
        let mut records = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            records.push(record);
        }
        assert_eq!(records.len(), 3);
        let DisqusRecord::Thread(thread) = &records[0] else {
            panic!("a thread first")
        };
        assert_eq!(post_id_in_identifier(&thread.identifier), Some(42));
        let DisqusRecord::Post(reply) = &records[2] else {
            panic!("a post")
        };
        assert_eq!(reply.parent.as_deref(), Some("100"));
        assert!(reply.deleted);
        assert_eq!(reply.thread, "10");
    }
}
