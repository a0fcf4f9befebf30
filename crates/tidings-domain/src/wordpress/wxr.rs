//! A streaming reader of WordPress's export format (WXR 1.0, 1.1 and 1.2): the file is
//! read as a stream of records (the site, each author, term, item and comment), never
//! whole, so memory stays flat whatever its size.
//!
//! Elements are matched by namespace and local name, not by prefix: `wp` may be bound to
//! `http://` or `https://wordpress.org/export/1.0/`, `1.1/` or `1.2/`, under any prefix.
//! Hostile files get an error, not a hang: a DOCTYPE (so no DTD, external entity or entity
//! expansion ever), an entity other than XML's five, nesting deeper than a WXR file has,
//! and text longer than the limit are refused, with the line they are on.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use std::io::BufRead;

/// What one element of the file is, by its namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Space {
    /// RSS's own elements (no namespace).
    Rss,
    Wp,
    Excerpt,
    Content,
    DublinCore,
    Other,
}

fn space_of(resolved: &ResolveResult<'_>) -> Space {
    let uri = match resolved {
        ResolveResult::Unbound => return Space::Rss,
        ResolveResult::Bound(namespace) => namespace.as_ref(),
        ResolveResult::Unknown(_) => return Space::Other,
    };
    let Ok(uri) = std::str::from_utf8(uri) else {
        return Space::Other;
    };
    let bare = uri
        .strip_prefix("http://")
        .or_else(|| uri.strip_prefix("https://"))
        .unwrap_or(uri);
    if let Some(version) = bare.strip_prefix("wordpress.org/export/") {
        return match version {
            "1.0/" | "1.1/" | "1.2/" => Space::Wp,
            "1.0/excerpt/" | "1.1/excerpt/" | "1.2/excerpt/" => Space::Excerpt,
            _ => Space::Other,
        };
    }
    match bare {
        "purl.org/rss/1.0/modules/content/" => Space::Content,
        "purl.org/dc/elements/1.1/" => Space::DublinCore,
        _ => Space::Other,
    }
}

/// Limits on what one file may hold.
#[derive(Clone, Copy, Debug)]
pub struct WxrLimits {
    /// The longest text of one element, in bytes (an article's body is one).
    pub max_text_bytes: usize,
    /// The deepest nesting of elements (a WXR file needs five).
    pub max_depth: usize,
    /// The most meta entries one item may carry.
    pub max_meta: usize,
}

impl Default for WxrLimits {
    fn default() -> WxrLimits {
        WxrLimits {
            max_text_bytes: 16 * 1024 * 1024,
            max_depth: 32,
            max_meta: 10_000,
        }
    }
}

/// Why a file cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct WxrError {
    pub line: u64,
    pub reason: String,
}

/// The site the file was exported from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrSite {
    pub title: String,
    pub link: String,
    pub description: String,
    pub base_site_url: String,
    pub base_blog_url: String,
    /// `None` for files from before WordPress 2.5, which name no version.
    pub version: Option<String>,
    /// What wrote the file, from its `<!-- generator="WordPress/6.5.4" … -->` comment.
    pub generator: Option<String>,
}

impl WxrSite {
    /// The old site's address: the blog's, then the network's, then the channel's link
    /// (a multisite or WordPress.com export names the network in `base_site_url`).
    pub fn base_url(&self) -> &str {
        [&self.base_blog_url, &self.base_site_url, &self.link]
            .into_iter()
            .map(|url| url.trim())
            .find(|url| !url.is_empty())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrAuthor {
    pub id: Option<i64>,
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
}

/// A category, tag or other term declared at the top of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrTerm {
    pub id: Option<i64>,
    /// `category`, `post_tag`, or another taxonomy (`nav_menu`, `post_format`…).
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    /// The parent's slug; empty at the top level.
    pub parent: String,
    pub description: String,
}

/// A term an item is filed under: `<category domain="post_tag" nicename="slug">Name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrItemTerm {
    pub domain: String,
    pub slug: String,
    pub name: String,
}

/// A post, page, attachment or other item, without its comments (they follow it, one
/// record each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrItem {
    pub title: String,
    pub link: String,
    pub pub_date: String,
    pub creator: String,
    pub guid: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: i64,
    pub post_date: String,
    pub post_date_gmt: String,
    pub modified_gmt: String,
    pub comment_status: String,
    pub post_name: String,
    pub status: String,
    pub post_parent: i64,
    pub menu_order: i64,
    pub post_type: String,
    pub password: String,
    pub sticky: bool,
    pub attachment_url: String,
    pub terms: Vec<WxrItemTerm>,
    pub meta: Vec<(String, String)>,
}

impl WxrItem {
    /// The first value of a meta key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrComment {
    /// The item it belongs to.
    pub post_id: i64,
    pub id: i64,
    pub author: String,
    pub author_email: String,
    pub author_url: String,
    pub author_ip: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    pub approved: String,
    pub comment_type: String,
    pub parent: i64,
    pub user_id: i64,
    pub meta: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WxrRecord {
    Site(WxrSite),
    Author(WxrAuthor),
    Term(WxrTerm),
    Item(Box<WxrItem>),
    Comment(Box<WxrComment>),
}

/// Counts the lines of what the parser has read, for error messages.
struct LineCounter<R> {
    inner: R,
    lines: u64,
}

impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.lines += out[..read].iter().filter(|&&byte| byte == b'\n').count() as u64;
        Ok(read)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let amount = amount.min(buffer.len());
            self.lines += buffer[..amount]
                .iter()
                .filter(|&&byte| byte == b'\n')
                .count() as u64;
        }
        self.inner.consume(amount);
    }
}

/// Where the reader is: what the text it gathers belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Channel,
    Author,
    Term,
    Item,
    Comment,
    Meta,
}

/// Reads a WXR file record by record.
pub struct WxrReader<R: BufRead> {
    xml: NsReader<LineCounter<R>>,
    limits: WxrLimits,
    buffer: Vec<u8>,
    /// The open elements: their namespace and local name.
    open: Vec<(Space, String)>,
    blocks: Vec<Block>,
    text: String,
    site: WxrSite,
    site_sent: bool,
    seen_rss: bool,
    author: WxrAuthor,
    term: WxrTerm,
    item: WxrItem,
    item_sent: bool,
    comment: WxrComment,
    item_term: Option<WxrItemTerm>,
    meta: (String, String),
    finished: bool,
    /// Items whose fields came after their comments: those fields were not used.
    pub late_fields: u64,
}

impl<R: BufRead> WxrReader<R> {
    pub fn new(input: R, limits: WxrLimits) -> WxrReader<R> {
        let mut xml = NsReader::from_reader(LineCounter {
            inner: input,
            lines: 0,
        });
        xml.config_mut().expand_empty_elements = true;
        xml.config_mut().check_end_names = true;
        WxrReader {
            xml,
            limits,
            buffer: Vec::with_capacity(64 * 1024),
            open: Vec::new(),
            blocks: Vec::new(),
            text: String::new(),
            site: WxrSite::default(),
            site_sent: false,
            seen_rss: false,
            author: WxrAuthor::default(),
            term: WxrTerm::default(),
            item: WxrItem::default(),
            item_sent: false,
            comment: WxrComment::default(),
            item_term: None,
            meta: Default::default(),
            finished: false,
            late_fields: 0,
        }
    }

    /// The line the reader has reached (1-based).
    pub fn line(&self) -> u64 {
        self.xml.get_ref().lines + 1
    }

    /// How far into the input the reader is, in bytes.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position()
    }

    fn error(&self, reason: impl Into<String>) -> WxrError {
        WxrError {
            line: self.line(),
            reason: reason.into(),
        }
    }

    fn push_text(&mut self, piece: &str) -> Result<(), WxrError> {
        if self.text.len() + piece.len() > self.limits.max_text_bytes {
            return Err(self.error(format!(
                "an element's text is longer than {} bytes",
                self.limits.max_text_bytes
            )));
        }
        self.text.push_str(piece);
        Ok(())
    }

    /// The next record, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<WxrRecord>, WxrError> {
        loop {
            if self.finished {
                return Ok(None);
            }
            // The event borrows the buffer, and handling it needs `self`: the buffer is
            // lent out for the turn and put back after.
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            let record = self.handle_next(&mut buffer);
            self.buffer = buffer;
            if let Some(record) = record? {
                return Ok(Some(record));
            }
        }
    }

    fn handle_next(&mut self, buffer: &mut Vec<u8>) -> Result<Option<WxrRecord>, WxrError> {
        {
            let (resolved, event) = match self.xml.read_resolved_event_into(buffer) {
                Ok(read) => read,
                Err(error) => {
                    let reason = error.to_string();
                    return Err(self.error(format!("the file is not well-formed XML: {reason}")));
                }
            };
            let space = space_of(&resolved);
            let record = match event {
                Event::DocType(_) => {
                    return Err(self.error(
                        "the file declares a DOCTYPE, which a WordPress export never does; \
                         it is refused so that no entity is expanded or fetched",
                    ));
                }
                Event::Start(start) => {
                    let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    let attributes = attributes_of(&start);
                    drop(start);
                    self.start(space, local, attributes)?
                }
                Event::End(_) => self.end()?,
                Event::Text(text) => {
                    let text = text
                        .xml10_content()
                        .map_err(|error| self.error(format!("text is not UTF-8: {error}")))?
                        .into_owned();
                    self.push_text(&text)?;
                    None
                }
                Event::CData(data) => {
                    let text = data
                        .xml10_content()
                        .map_err(|error| self.error(format!("text is not UTF-8: {error}")))?
                        .into_owned();
                    self.push_text(&text)?;
                    None
                }
                Event::GeneralRef(reference) => {
                    let character = match reference.resolve_char_ref() {
                        Ok(Some(character)) => character,
                        Ok(None) => {
                            let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
                            match name.as_str() {
                                "amp" => '&',
                                "lt" => '<',
                                "gt" => '>',
                                "quot" => '"',
                                "apos" => '\'',
                                _ => {
                                    return Err(self.error(format!(
                                        "the entity &{name}; is not one of XML's five; a \
                                         WordPress export never uses others"
                                    )));
                                }
                            }
                        }
                        Err(error) => {
                            return Err(
                                self.error(format!("a character reference is not valid: {error}"))
                            );
                        }
                    };
                    self.push_text(character.encode_utf8(&mut [0; 4]))?;
                    None
                }
                Event::Eof => {
                    if !self.open.is_empty() {
                        return Err(self.error(format!(
                            "the file ends inside <{}>: it was cut short",
                            self.open
                                .last()
                                .map(|(_, name)| name.as_str())
                                .unwrap_or("")
                        )));
                    }
                    if !self.seen_rss {
                        return Err(self.error("this is not a WordPress export: no <rss> element"));
                    }
                    self.finished = true;
                    self.site_record()
                }
                Event::Comment(comment) => {
                    if !self.site_sent && self.site.generator.is_none() {
                        let text = String::from_utf8_lossy(comment.as_ref()).into_owned();
                        self.site.generator = text
                            .split_once("generator=\"")
                            .and_then(|(_, rest)| rest.split_once('"'))
                            .map(|(generator, _)| generator.to_owned());
                    }
                    None
                }
                // Empty elements arrive as a start and an end (`expand_empty_elements`).
                Event::Empty(_) | Event::Decl(_) | Event::PI(_) => None,
            };
            Ok(record)
        }
    }

    fn start(
        &mut self,
        space: Space,
        local: String,
        attributes: Vec<(String, String)>,
    ) -> Result<Option<WxrRecord>, WxrError> {
        if self.open.len() >= self.limits.max_depth {
            return Err(self.error(format!(
                "elements are nested deeper than {} levels",
                self.limits.max_depth
            )));
        }
        self.text.clear();
        let depth = self.open.len();
        if depth == 0 {
            if space != Space::Rss || local != "rss" {
                return Err(self.error(format!(
                    "this is not a WordPress export: it starts with <{local}>, not <rss>"
                )));
            }
            self.seen_rss = true;
        }
        let block = self.blocks.last().copied();
        let mut record = None;
        match (block, space, local.as_str()) {
            (None, Space::Rss, "channel") if depth == 1 => self.blocks.push(Block::Channel),
            (Some(Block::Channel), Space::Wp, "author") => {
                record = self.site_record();
                self.author = WxrAuthor::default();
                self.blocks.push(Block::Author);
            }
            (Some(Block::Channel), Space::Wp, "category" | "tag" | "term") => {
                record = self.site_record();
                self.term = WxrTerm {
                    taxonomy: match local.as_str() {
                        "category" => "category".into(),
                        "tag" => "post_tag".into(),
                        _ => String::new(),
                    },
                    ..WxrTerm::default()
                };
                self.blocks.push(Block::Term);
            }
            (Some(Block::Channel), Space::Rss, "item") => {
                record = self.site_record();
                self.item = WxrItem::default();
                self.item_sent = false;
                self.blocks.push(Block::Item);
            }
            (Some(Block::Item), Space::Rss, "category") => {
                let attribute = |name: &str| {
                    attributes
                        .iter()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.clone())
                };
                // WXR 1.0 files name each term twice: once bare (to be ignored), once with
                // its taxonomy and slug.
                self.item_term = match (attribute("domain"), attribute("nicename")) {
                    (Some(domain), Some(slug)) => Some(WxrItemTerm {
                        domain,
                        slug,
                        name: String::new(),
                    }),
                    _ => None,
                };
            }
            (Some(Block::Item), Space::Wp, "comment") => {
                if !self.item_sent {
                    self.item_sent = true;
                    record = Some(WxrRecord::Item(Box::new(self.item.clone())));
                }
                self.comment = WxrComment {
                    post_id: self.item.post_id,
                    ..WxrComment::default()
                };
                self.blocks.push(Block::Comment);
            }
            (Some(Block::Item | Block::Comment | Block::Term), Space::Wp, name)
                if name.ends_with("meta") =>
            {
                self.meta = Default::default();
                self.blocks.push(Block::Meta);
            }
            _ => {}
        }
        self.open.push((space, local));
        Ok(record)
    }

    /// The site's record, the first time a list or an item begins.
    fn site_record(&mut self) -> Option<WxrRecord> {
        if self.site_sent {
            return None;
        }
        self.site_sent = true;
        Some(WxrRecord::Site(self.site.clone()))
    }

    fn end(&mut self) -> Result<Option<WxrRecord>, WxrError> {
        let Some((space, local)) = self.open.pop() else {
            return Ok(None);
        };
        let text = std::mem::take(&mut self.text);
        let block = self.blocks.last().copied();
        let closes_block = match (block, space, local.as_str()) {
            (Some(Block::Channel), Space::Rss, "channel") => true,
            (Some(Block::Author), Space::Wp, "author") => true,
            (Some(Block::Term), Space::Wp, "category" | "tag" | "term") => true,
            (Some(Block::Item), Space::Rss, "item") => true,
            (Some(Block::Comment), Space::Wp, "comment") => true,
            (Some(Block::Meta), Space::Wp, name) if name.ends_with("meta") => true,
            _ => false,
        };
        if closes_block {
            self.blocks.pop();
            return Ok(self.close(block.unwrap_or(Block::Channel)));
        }
        // Only the direct children of a block are its fields.
        let direct = match block {
            Some(Block::Channel) => self.open.len() == 2,
            Some(_) => true,
            None => false,
        };
        if direct {
            self.field(block, space, &local, text)?;
        }
        Ok(None)
    }

    fn close(&mut self, block: Block) -> Option<WxrRecord> {
        match block {
            Block::Channel => None,
            Block::Author => Some(WxrRecord::Author(std::mem::take(&mut self.author))),
            Block::Term => Some(WxrRecord::Term(std::mem::take(&mut self.term))),
            Block::Item => {
                if self.item_sent {
                    None
                } else {
                    Some(WxrRecord::Item(Box::new(std::mem::take(&mut self.item))))
                }
            }
            Block::Comment => Some(WxrRecord::Comment(Box::new(std::mem::take(
                &mut self.comment,
            )))),
            Block::Meta => {
                let entry = std::mem::take(&mut self.meta);
                match self.blocks.last() {
                    Some(Block::Comment) => self.comment.meta.push(entry),
                    Some(Block::Item) if self.item.meta.len() < self.limits.max_meta => {
                        self.item.meta.push(entry)
                    }
                    _ => {}
                }
                None
            }
        }
    }

    fn field(
        &mut self,
        block: Option<Block>,
        space: Space,
        local: &str,
        text: String,
    ) -> Result<(), WxrError> {
        let number = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
        match (block, space) {
            (Some(Block::Channel), Space::Rss) => match local {
                "title" => self.site.title = text,
                "link" => self.site.link = text.trim().into(),
                "description" => self.site.description = text,
                _ => {}
            },
            (Some(Block::Channel), Space::Wp) => match local {
                "wxr_version" => {
                    let version = text.trim().to_owned();
                    let valid = version
                        .split_once('.')
                        .is_some_and(|(major, minor)| is_digits(major) && is_digits(minor));
                    if !valid {
                        return Err(self.error(format!(
                            "the export names version \"{version}\", which is not a WXR version"
                        )));
                    }
                    self.site.version = Some(version);
                }
                "base_site_url" => self.site.base_site_url = text.trim().into(),
                "base_blog_url" => self.site.base_blog_url = text.trim().into(),
                _ => {}
            },
            (Some(Block::Author), Space::Wp) => {
                let author = &mut self.author;
                match local {
                    "author_id" => author.id = Some(number(&text)),
                    "author_login" => author.login = text.trim().into(),
                    "author_email" => author.email = text.trim().into(),
                    "author_display_name" => author.display_name = text,
                    "author_first_name" => author.first_name = text,
                    "author_last_name" => author.last_name = text,
                    _ => {}
                }
            }
            (Some(Block::Term), Space::Wp) => {
                let term = &mut self.term;
                match local {
                    "term_id" => term.id = Some(number(&text)),
                    "term_taxonomy" => term.taxonomy = text.trim().into(),
                    "category_nicename" | "tag_slug" | "term_slug" => {
                        term.slug = text.trim().into()
                    }
                    "cat_name" | "tag_name" | "term_name" => term.name = text,
                    "category_parent" | "term_parent" => term.parent = text.trim().into(),
                    "category_description" | "tag_description" | "term_description" => {
                        term.description = text
                    }
                    _ => {}
                }
            }
            (Some(Block::Meta), Space::Wp) => match local {
                "meta_key" => self.meta.0 = text,
                "meta_value" => self.meta.1 = text,
                _ => {}
            },
            (Some(Block::Comment), Space::Wp) => {
                let comment = &mut self.comment;
                match local {
                    "comment_id" => comment.id = number(&text),
                    "comment_author" => comment.author = text,
                    "comment_author_email" => comment.author_email = text.trim().into(),
                    "comment_author_url" => comment.author_url = text.trim().into(),
                    "comment_author_IP" => comment.author_ip = text.trim().into(),
                    "comment_date" => comment.date = text.trim().into(),
                    "comment_date_gmt" => comment.date_gmt = text.trim().into(),
                    "comment_content" => comment.content = text,
                    "comment_approved" => comment.approved = text.trim().into(),
                    "comment_type" => comment.comment_type = text.trim().into(),
                    "comment_parent" => comment.parent = number(&text),
                    "comment_user_id" => comment.user_id = number(&text),
                    _ => {}
                }
            }
            (Some(Block::Item), _) => {
                if self.item_sent {
                    self.late_fields += 1;
                    return Ok(());
                }
                self.item_field(space, local, text);
            }
            _ => {}
        }
        Ok(())
    }

    fn item_field(&mut self, space: Space, local: &str, text: String) {
        let number = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
        let item = &mut self.item;
        match (space, local) {
            (Space::Rss, "title") => item.title = text,
            (Space::Rss, "link") => item.link = text.trim().into(),
            (Space::Rss, "pubDate") => item.pub_date = text.trim().into(),
            (Space::Rss, "guid") => item.guid = text.trim().into(),
            (Space::Rss, "category") => {
                if let Some(mut term) = self.item_term.take() {
                    term.name = text;
                    item.terms.push(term);
                }
            }
            (Space::DublinCore, "creator") => item.creator = text.trim().into(),
            (Space::Content, "encoded") => item.content = text,
            (Space::Excerpt, "encoded") => item.excerpt = text,
            (Space::Wp, "post_id") => item.post_id = number(&text),
            (Space::Wp, "post_date") => item.post_date = text.trim().into(),
            (Space::Wp, "post_date_gmt") => item.post_date_gmt = text.trim().into(),
            (Space::Wp, "post_modified_gmt") => item.modified_gmt = text.trim().into(),
            (Space::Wp, "comment_status") => item.comment_status = text.trim().into(),
            (Space::Wp, "post_name") => item.post_name = text.trim().into(),
            (Space::Wp, "status") => item.status = text.trim().into(),
            (Space::Wp, "post_parent") => item.post_parent = number(&text),
            (Space::Wp, "menu_order") => item.menu_order = number(&text),
            (Space::Wp, "post_type") => item.post_type = text.trim().into(),
            (Space::Wp, "post_password") => item.password = text,
            (Space::Wp, "is_sticky") => item.sticky = text.trim() == "1",
            (Space::Wp, "attachment_url") => item.attachment_url = text.trim().into(),
            _ => {}
        }
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn attributes_of(start: &BytesStart<'_>) -> Vec<(String, String)> {
    start
        .attributes()
        .flatten()
        .filter_map(|attribute| {
            let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?
                .into_owned();
            Some((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(xml: &str) -> Result<Vec<WxrRecord>, WxrError> {
        let mut reader = WxrReader::new(xml.as_bytes(), WxrLimits::default());
        let mut records = Vec::new();
        while let Some(record) = reader.next_record()? {
            records.push(record);
        }
        Ok(records)
    }

    #[test]
    fn an_unescaped_ampersand_is_refused_with_its_line() {
        let xml = "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<item>\n<wp:comment><wp:comment_author_url>http://e.x/?a=1&b=2</wp:comment_author_url></wp:comment>\n</item></channel></rss>";
        let error = read_all(xml).expect_err("refused");
        assert_eq!(error.line, 4, "{error}");
    }

    #[test]
    fn a_split_cdata_terminator_comes_back_whole() {
        let xml = "<rss xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><item><content:encoded><![CDATA[a]]]]><![CDATA[>b]]></content:encoded></item></channel></rss>";
        let records = read_all(xml).unwrap();
        let item = records
            .iter()
            .find_map(|record| match record {
                WxrRecord::Item(item) => Some(item),
                _ => None,
            })
            .expect("an item");
        assert_eq!(item.content, "a]]>b");
    }
}
