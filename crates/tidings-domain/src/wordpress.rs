//! WordPress's export (WXR) read into what tidings imports: statuses, dates, slugs,
//! content with WordPress's paragraphs, comments with their kinds, and the old addresses
//! of each thing, so they keep answering. The rules are WordPress's, with its mistakes
//! corrected where the reference (`shared/reference/wxr-format.md`) says how.

pub mod ampersands;
pub mod autop;
pub mod export;
pub mod php;
pub mod wxr;

use crate::comment::CommentKind;
use crate::import::{
    ImportRecord, ImportSource, ImportedArticle, ImportedAttachment, ImportedAuthor,
    ImportedComment, ImportedTerm,
};
use crate::{ArticleKind, ArticleStatus, CommentStatus, Slug, Taxonomy, text};
use std::collections::BTreeMap;
use time::{OffsetDateTime, PrimitiveDateTime, macros::format_description};
use wxr::{WxrAuthor, WxrComment, WxrItem, WxrSite, WxrTerm};

/// What an import did, for its report: counts per kind, what was passed over and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Records added, by kind ("articles", "comments"…).
    pub added: BTreeMap<String, u64>,
    /// Records already in the site (a second import of the same file), by kind.
    pub already_there: BTreeMap<String, u64>,
    /// Records passed over, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// What was changed on the way in, by what.
    pub changed: BTreeMap<String, u64>,
    /// Shortcodes found in content and kept as text, with how many items hold each.
    pub shortcodes: BTreeMap<String, u64>,
    /// Addresses whose comments found no article (a Disqus thread for a page the site
    /// does not have), the first hundred.
    pub unmatched: Vec<String>,
}

impl ImportReport {
    pub fn count(map: &mut BTreeMap<String, u64>, what: impl Into<String>) {
        *map.entry(what.into()).or_default() += 1;
    }

    pub fn skip(&mut self, why: impl Into<String>) {
        Self::count(&mut self.skipped, why);
    }

    pub fn change(&mut self, what: impl Into<String>) {
        Self::count(&mut self.changed, what);
    }

    /// The report as lines of text.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let list = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(what, count)| format!("{count} {what}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        lines.push(format!(
            "Added: {}",
            if self.added.is_empty() {
                "nothing".into()
            } else {
                list(&self.added)
            }
        ));
        if !self.already_there.is_empty() {
            lines.push(format!("Already there: {}", list(&self.already_there)));
        }
        for (why, count) in &self.skipped {
            lines.push(format!("Skipped {count}: {why}"));
        }
        for (what, count) in &self.changed {
            lines.push(format!("Changed {count}: {what}"));
        }
        for address in &self.unmatched {
            lines.push(format!("No article for the comments of {address}"));
        }
        if !self.shortcodes.is_empty() {
            lines.push(format!(
                "Shortcodes kept as text (tidings does not run them): {}",
                self.shortcodes
                    .iter()
                    .map(|(name, count)| format!("[{name}] in {count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        lines
    }
}

/// Turns the records of one WXR file into what tidings imports, keeping the report.
pub struct WxrConverter {
    source: ImportSource,
    /// The old site's scheme and host (`https://example.com`) and path (`/blog`).
    origin: String,
    now: OffsetDateTime,
    /// Item ids of articles and pages, so comments on anything else are passed over.
    articles: std::collections::HashSet<i64>,
    /// Whether titles are HTML-escaped in the file, as WordPress wrote them before 5.7.
    escaped_titles: bool,
    pub report: ImportReport,
}

impl WxrConverter {
    pub fn new(site: &WxrSite, now: OffsetDateTime) -> WxrConverter {
        let base = site.base_url();
        let origin = url::Url::parse(base)
            .ok()
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default();
        WxrConverter {
            source: ImportSource::from_url(base),
            origin,
            now,
            articles: Default::default(),
            escaped_titles: titles_are_escaped(site.generator.as_deref()),
            report: ImportReport::default(),
        }
    }

    pub fn source(&self) -> &ImportSource {
        &self.source
    }

    /// The path of an address on the old site (`/2013/01/11/slug/`), `None` for another
    /// site's address or the home page.
    pub fn old_path(&self, address: &str) -> Option<String> {
        let url = url::Url::parse(address.trim()).ok()?;
        if self.origin.is_empty() || url.origin().ascii_serialization() != self.origin {
            return None;
        }
        let path = percent_encoding_decode(url.path());
        (path.len() > 1 && url.query().is_none()).then_some(path)
    }

    /// Links (`href`) to the old site as paths (`https://old.example/2013/01/x/` as
    /// `/2013/01/x/`), so they answer on the new site whatever its domain. Images (`src`)
    /// keep their address: the old host may still serve files that did not come along.
    fn links_made_relative(&self, html: &str) -> String {
        let Some(host) = self.origin.split_once("://").map(|(_, host)| host) else {
            return html.to_owned();
        };
        if host.is_empty() {
            return html.to_owned();
        }
        let mut out = html.to_owned();
        for scheme in ["https://", "http://", "//"] {
            let prefix = format!("href=\"{scheme}{host}");
            // Only the host itself: `https://old.example.net` is another site.
            for (end, root) in [("/", "/"), ("\"", "/\""), ("?", "/?"), ("#", "/#")] {
                out = out.replace(&format!("{prefix}{end}"), &format!("href=\"{root}"));
            }
        }
        out
    }

    pub fn author(&mut self, author: &WxrAuthor) -> Option<ImportRecord> {
        let login = author.login.trim();
        if login.is_empty() {
            self.report.skip("authors without a login");
            return None;
        }
        let email = author.email.trim();
        Some(ImportRecord::Author(ImportedAuthor {
            login: login.to_owned(),
            email: (!email.is_empty()).then(|| email.to_owned()),
            display_name: first_filled(&[
                &decode_entities(&author.display_name),
                &format!("{} {}", author.first_name.trim(), author.last_name.trim()),
                login,
            ]),
            legacy_id: author.id,
        }))
    }

    pub fn term(&mut self, term: &WxrTerm) -> Option<ImportRecord> {
        let taxonomy = match term.taxonomy.as_str() {
            "category" => Taxonomy::Section,
            "post_tag" | "tag" => Taxonomy::Tag,
            other => {
                self.report.skip(format!(
                    "terms of the \"{other}\" taxonomy (tidings has sections and tags)"
                ));
                return None;
            }
        };
        let name = decode_entities(&term.name);
        let Some(slug) = wordpress_slug(&term.slug).or_else(|| Slug::from_title(&name)) else {
            self.report.skip("terms without a slug or a name");
            return None;
        };
        let slug_text = slug.as_str().to_owned();
        Some(ImportRecord::Term(ImportedTerm {
            legacy_id: term.id,
            taxonomy,
            name: if name.trim().is_empty() {
                slug.as_str().to_owned()
            } else {
                name.trim().to_owned()
            },
            slug,
            description: term.description.trim().to_owned(),
            parent: (taxonomy == Taxonomy::Section)
                .then(|| wordpress_slug(&term.parent))
                .flatten(),
            old_slug: Some(percent_encoding_decode(term.slug.trim()))
                .filter(|old| !old.is_empty() && old.as_str() != slug_text),
        }))
    }

    pub fn item(&mut self, item: &WxrItem) -> Option<ImportRecord> {
        match item.post_type.as_str() {
            "post" | "page" => self.article(item),
            "attachment" => self.attachment(item),
            other => {
                self.report.skip(format!(
                    "items of type \"{}\" (menus, blocks and templates belong to a WordPress theme)",
                    if other.is_empty() { "none" } else { other }
                ));
                None
            }
        }
    }

    fn article(&mut self, item: &WxrItem) -> Option<ImportRecord> {
        if item.status == "auto-draft" || item.status == "inherit" {
            self.report.skip("automatic drafts and revisions");
            return None;
        }
        let kind = if item.post_type == "page" {
            ArticleKind::Page
        } else {
            ArticleKind::Article
        };
        let title = self.title(&item.title);
        let (mut status, status_before_trash) = match item.status.as_str() {
            "publish" | "future" => (ArticleStatus::Published, None),
            "draft" => (ArticleStatus::Draft, None),
            "pending" => (ArticleStatus::Pending, None),
            "private" => (ArticleStatus::Private, None),
            "trash" => (
                ArticleStatus::Trash,
                Some(match item.meta("_wp_trash_meta_status") {
                    Some("publish") | Some("future") => ArticleStatus::Published,
                    Some("private") => ArticleStatus::Private,
                    Some("pending") => ArticleStatus::Pending,
                    _ => ArticleStatus::Draft,
                }),
            ),
            other => {
                self.report.change(format!(
                    "items with the unknown status \"{other}\" imported as drafts"
                ));
                (ArticleStatus::Draft, None)
            }
        };
        if !item.password.is_empty() && status == ArticleStatus::Published {
            // tidings has no per-post passwords: what was behind one stays hidden.
            status = ArticleStatus::Private;
            self.report
                .change("password-protected items imported as private (readable by staff only)");
        }
        let slug = wordpress_slug(&item.post_name)
            .or_else(|| Slug::from_title(&title))
            .or_else(|| Slug::parse(&format!("{}-{}", item.post_type, item.post_id)))?;
        let published_at = self
            .date(&item.post_date_gmt, &item.post_date)
            .or_else(|| parse_rfc2822(&item.pub_date))
            .unwrap_or(self.now);
        let updated_at = parse_wordpress_date(&item.modified_gmt).unwrap_or(published_at);
        // A tidings export carries the article's own text beside the HTML WordPress shows.
        let body = match item.meta(export::MARKDOWN_META) {
            Some(markdown) => markdown.to_owned(),
            None => {
                let (body, shortcodes) = body_from_wordpress(&item.content);
                for name in shortcodes {
                    ImportReport::count(&mut self.report.shortcodes, name);
                }
                let relative = self.links_made_relative(&body);
                if relative != body {
                    self.report.change(
                        "items whose links to the old site were made relative (they answer \
                         through its old addresses, on whichever domain the site now has)",
                    );
                }
                relative
            }
        };
        let mut sections = Vec::new();
        let mut tags = Vec::new();
        for term in &item.terms {
            let Some(term_slug) = wordpress_slug(&term.slug) else {
                continue;
            };
            let name = decode_entities(&term.name).trim().to_owned();
            match term.domain.as_str() {
                "category" => sections.push((term_slug, name)),
                "post_tag" | "tag" => tags.push((term_slug, name)),
                _ => {}
            }
        }
        let mut old_paths: Vec<String> = Vec::new();
        for address in [&item.link, &item.guid] {
            if let Some(path) = self.old_path(address)
                && !old_paths.contains(&path)
            {
                old_paths.push(path);
            }
        }
        // A former slug answers where the current one does, with the old one in its place.
        let current = percent_encoding_decode(&item.post_name);
        if let Some(link) = self.old_path(&item.link)
            && !current.is_empty()
        {
            for (key, old_slug) in &item.meta {
                if key == "_wp_old_slug" && !old_slug.trim().is_empty() {
                    let path = link.replace(
                        &format!("/{current}/"),
                        &format!("/{}/", percent_encoding_decode(old_slug.trim())),
                    );
                    if path != link && !old_paths.contains(&path) {
                        old_paths.push(path);
                    }
                }
            }
        }
        let guid_id = url::Url::parse(item.guid.trim())
            .ok()
            .filter(|guid| guid.origin().ascii_serialization() == self.origin)
            .and_then(|guid| {
                guid.query_pairs()
                    .find(|(key, _)| key == "p" || key == "page_id")
                    .and_then(|(_, value)| value.parse::<i64>().ok())
            })
            .filter(|id| *id != item.post_id);
        self.articles.insert(item.post_id);
        Some(ImportRecord::Article(Box::new(ImportedArticle {
            legacy_id: item.post_id,
            kind,
            slug,
            title: if title.is_empty() {
                "(no title)".into()
            } else {
                title
            },
            subtitle: item.meta(export::STANDFIRST_META).unwrap_or("").to_owned(),
            excerpt: text::strip_tags(&decode_entities(&item.excerpt))
                .trim()
                .to_owned(),
            body,
            status,
            status_before_trash,
            published_at,
            updated_at,
            author: (!item.creator.is_empty()).then(|| item.creator.clone()),
            comments_open: item.comment_status == "open",
            sticky: item.sticky,
            parent: (kind == ArticleKind::Page && item.post_parent > 0).then_some(item.post_parent),
            sections,
            tags,
            old_paths,
            featured_attachment: item
                .meta("_thumbnail_id")
                .and_then(|id| id.trim().parse().ok()),
            guid_id,
        })))
    }

    fn attachment(&mut self, item: &WxrItem) -> Option<ImportRecord> {
        let url = if item.attachment_url.is_empty() {
            item.guid.clone()
        } else {
            item.attachment_url.clone()
        };
        let url = if url.starts_with('/') {
            format!("{}{url}", self.origin)
        } else {
            url
        };
        let metadata = item
            .meta("_wp_attachment_metadata")
            .and_then(php::unserialize);
        let size = |key: &str| {
            metadata
                .as_ref()
                .and_then(|value| value.get(key))
                .and_then(php::PhpValue::as_int)
                .and_then(|number| u32::try_from(number).ok())
                .filter(|number| *number > 0)
        };
        let file = item
            .meta("_wp_attached_file")
            .map(str::to_owned)
            .or_else(|| url.split_once("/uploads/").map(|(_, file)| file.to_owned()))
            .unwrap_or_default();
        let mut old_paths = Vec::new();
        if let Some(path) = self.old_path(&item.link) {
            old_paths.push(path);
        }
        Some(ImportRecord::Attachment(Box::new(ImportedAttachment {
            legacy_id: item.post_id,
            article: (item.post_parent > 0).then_some(item.post_parent),
            title: self.title(&item.title),
            caption: item.excerpt.trim().to_owned(),
            description: item.content.trim().to_owned(),
            alt: item
                .meta("_wp_attachment_image_alt")
                .unwrap_or("")
                .trim()
                .to_owned(),
            url,
            file,
            width: size("width"),
            height: size("height"),
            uploaded_at: self
                .date(&item.post_date_gmt, &item.post_date)
                .unwrap_or(self.now),
            media_id: None,
            old_paths,
        })))
    }

    pub fn comment(&mut self, comment: &WxrComment) -> Option<ImportRecord> {
        if !self.articles.contains(&comment.post_id) {
            self.report
                .skip("comments on items that are not imported (attachments, menus)");
            return None;
        }
        let kind = match comment.comment_type.as_str() {
            "" | "comment" => CommentKind::Comment,
            "pingback" => CommentKind::Pingback,
            "trackback" => CommentKind::Trackback,
            "note" => {
                self.report
                    .skip("editorial notes (never public, and tidings has no notes)");
                return None;
            }
            other => {
                self.report
                    .skip(format!("comments of the type \"{other}\""));
                return None;
            }
        };
        let status = match comment.approved.as_str() {
            "1" | "approve" | "approved" => CommentStatus::Approved,
            "0" | "hold" => CommentStatus::Pending,
            "spam" => CommentStatus::Spam,
            "trash" | "post-trashed" => CommentStatus::Trash,
            other => {
                self.report.change(format!(
                    "comments with the unknown status \"{other}\" imported as pending"
                ));
                CommentStatus::Pending
            }
        };
        Some(ImportRecord::Comment(Box::new(ImportedComment {
            legacy_id: comment.id,
            article: comment.post_id,
            on_article: None,
            keep_legacy_id: true,
            parent: (comment.parent > 0).then_some(comment.parent),
            kind,
            author_name: decode_entities(&comment.author).trim().to_owned(),
            author_email: comment.author_email.trim().to_owned(),
            author_url: comment.author_url.trim().to_owned(),
            ip: comment.author_ip.trim().to_owned(),
            user_agent: String::new(),
            content: comment.content.clone(),
            status,
            created_at: self
                .date(&comment.date_gmt, &comment.date)
                .unwrap_or(self.now),
            avatar_key: None,
            content_html: Some(text::render_comment(&comment.content)),
        })))
    }

    /// An item's title as its author typed it: WordPress before 5.7 wrote titles
    /// HTML-escaped (`&amp;`), 5.7 and later as they are.
    fn title(&self, title: &str) -> String {
        if self.escaped_titles {
            decode_entities(title).trim().to_owned()
        } else {
            title.trim().to_owned()
        }
    }

    /// A date from its GMT form, else its site-time form read as UTC (the file does not
    /// say the site's time zone); `None` for an undated draft.
    fn date(&self, gmt: &str, local: &str) -> Option<OffsetDateTime> {
        parse_wordpress_date(gmt).or_else(|| parse_wordpress_date(local))
    }
}

/// `2019/05/photo-300x200.jpg` as `2019/05/photo.jpg`: WordPress's resized copies are
/// named after their original.
pub fn without_size_suffix(file: &str) -> String {
    let Some((stem, extension)) = file.rsplit_once('.') else {
        return file.to_owned();
    };
    let Some((base, size)) = stem.rsplit_once('-') else {
        return file.to_owned();
    };
    let is_size = size.split_once('x').is_some_and(|(width, height)| {
        !width.is_empty()
            && !height.is_empty()
            && width
                .bytes()
                .chain(height.bytes())
                .all(|byte| byte.is_ascii_digit())
    });
    if is_size {
        format!("{base}.{extension}")
    } else {
        file.to_owned()
    }
}

const UPLOADS: &str = "/wp-content/uploads/";

/// The files under WordPress's uploads folder that a body's images show
/// (`src="…/wp-content/uploads/2019/05/photo-300x200.jpg"` gives `2019/05/photo-300x200.jpg`).
pub fn uploaded_images_in(body: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for (at, _) in body.match_indices("src=\"") {
        let value = &body[at + 5..];
        let Some(end) = value.find('"') else { continue };
        let Some((_, file)) = value[..end].split_once(UPLOADS) else {
            continue;
        };
        if !file.is_empty() && !files.iter().any(|known| known == file) {
            files.push(file.to_owned());
        }
    }
    files
}

/// A body whose images from the old uploads folder show the media library's copies
/// instead: `new_address` gives each file's (`2019/05/photo.jpg`) new address, if it has one.
pub fn with_uploaded_images_moved(
    body: &str,
    new_address: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("src=\"") {
        let value_start = at + 5;
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let Some(end) = rest.find('"') else { break };
        let value = &rest[..end];
        let moved = value
            .split_once(UPLOADS)
            .and_then(|(_, file)| new_address(file));
        out.push_str(moved.as_deref().unwrap_or(value));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether a file's generator wrote titles HTML-escaped: WordPress before 5.7, and files
/// that do not say (older exporters and other tools); tidings' own exports escape `&` so
/// either reading gives the title back.
fn titles_are_escaped(generator: Option<&str>) -> bool {
    let Some(version) = generator.and_then(|generator| {
        generator
            .strip_prefix("https://wordpress.org/?v=")
            .or_else(|| generator.strip_prefix("WordPress/"))
    }) else {
        return true;
    };
    let mut parts = version
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) < (5, 7)
}

/// `YYYY-MM-DD HH:MM:SS` as UTC; `None` for WordPress's "no date" (`0000-00-00 …`).
pub fn parse_wordpress_date(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text, format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn parse_rfc2822(text: &str) -> Option<OffsetDateTime> {
    // Undated drafts of old exporters carry the year -0001.
    if text.contains("-0001") {
        return None;
    }
    OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc2822).ok()
}

/// A WordPress slug (possibly percent-encoded UTF-8) as a tidings slug.
fn wordpress_slug(text: &str) -> Option<Slug> {
    Slug::parse(&percent_encoding_decode(text.trim()))
}

fn percent_encoding_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .unwrap_or_else(|_| text.to_owned())
}

fn first_filled(candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|candidate| candidate.trim())
        .find(|candidate| !candidate.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// The HTML entities WordPress writes into titles, names and terms (`&amp;`, `&#039;`)
/// as the characters they stand for.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(';')
            .map(|end| end + 1)
            .filter(|end| *end <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let character = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "hellip" => Some('…'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            character.map(|character| (character, end))
        });
        match decoded {
            Some((character, end)) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A WordPress post's content as a tidings body, and the shortcodes it holds: captions
/// become figures, WordPress's paragraphs are made, the HTML is sanitised to what an
/// administrator may post, and it is shaped so the Markdown renderer passes it through
/// untouched (one HTML block: no blank line, newlines inside `<pre>` as `&#10;`).
pub fn body_from_wordpress(content: &str) -> (String, Vec<String>) {
    let figured = autop::captions_to_figures(content);
    let shortcodes = autop::shortcodes_in(&figured);
    let paragraphs = autop::autop(&figured);
    let clean = text::sanitize_article_html(&paragraphs);
    (as_html_block(&clean), shortcodes)
}

/// The tags that open a CommonMark HTML block which runs to the next blank line.
const BLOCK_OPENERS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "ul",
];

fn as_html_block(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    // Inside `<pre>`, a newline is written as a character reference, so no blank line
    // can end the block there.
    while let Some(start) = rest.find("<pre") {
        let Some(length) = rest[start..].find("</pre>") else {
            break;
        };
        let end = start + length;
        out.push_str(&rest[..start]);
        out.push_str(&rest[start..end].replace('\n', "&#10;"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    let joined: Vec<&str> = out
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect();
    let joined = joined.join("\n");
    let opens_block = joined.strip_prefix('<').is_some_and(|rest| {
        BLOCK_OPENERS.iter().any(|tag| {
            rest.strip_prefix(tag)
                .is_some_and(|after| after.starts_with(['>', ' ', '/', '\n']))
        })
    });
    if joined.is_empty() || opens_block {
        joined
    } else {
        format!("<div>\n{joined}\n</div>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_the_old_site_become_paths_and_images_keep_theirs() {
        let site = WxrSite {
            base_blog_url: "https://old.example".into(),
            ..WxrSite::default()
        };
        let converter = WxrConverter::new(&site, OffsetDateTime::UNIX_EPOCH);
        let html = r#"<a href="https://old.example/2013/01/x/">a</a> <a href="http://old.example">b</a> <a href="https://old.example.net/">c</a> <img src="https://old.example/wp-content/uploads/y.jpg">"#;
        assert_eq!(
            converter.links_made_relative(html),
            r#"<a href="/2013/01/x/">a</a> <a href="/">b</a> <a href="https://old.example.net/">c</a> <img src="https://old.example/wp-content/uploads/y.jpg">"#
        );
    }

    #[test]
    fn images_from_the_old_uploads_folder_show_the_library_copies() {
        let body = r#"<p><img src="https://old.example/wp-content/uploads/2019/05/a-300x200.jpg" alt="A"> <img src="https://elsewhere.example/b.jpg"></p>"#;
        assert_eq!(uploaded_images_in(body), ["2019/05/a-300x200.jpg"]);
        let moved = with_uploaded_images_moved(body, &|file| {
            (without_size_suffix(file) == "2019/05/a.jpg")
                .then(|| "/media/0123456789abcdef/1600.jpg".to_owned())
        });
        assert_eq!(
            moved,
            r#"<p><img src="/media/0123456789abcdef/1600.jpg" alt="A"> <img src="https://elsewhere.example/b.jpg"></p>"#
        );
    }

    #[test]
    fn titles_are_decoded_only_from_exporters_that_escaped_them() {
        assert!(titles_are_escaped(Some("WordPress/5.6.2")));
        assert!(titles_are_escaped(Some("WordPress.com")));
        assert!(titles_are_escaped(None));
        assert!(!titles_are_escaped(Some("WordPress/5.7")));
        assert!(!titles_are_escaped(Some("WordPress/6.5.4")));
        assert!(!titles_are_escaped(Some("https://wordpress.org/?v=6.1")));
    }

    #[test]
    fn entities_in_names_are_decoded_once() {
        assert_eq!(decode_entities("Tom &amp; Jerry&#039;s"), "Tom & Jerry's");
        assert_eq!(decode_entities("&amp;amp;"), "&amp;");
        assert_eq!(
            decode_entities("a & b &unknown; &#x1F600;"),
            "a & b &unknown; 😀"
        );
    }

    #[test]
    fn dates_without_a_value_are_none() {
        assert_eq!(parse_wordpress_date("0000-00-00 00:00:00"), None);
        assert!(parse_wordpress_date("2013-01-11 20:22:19").is_some());
        assert_eq!(parse_rfc2822("Wed, 30 Nov -0001 00:00:00 +0000"), None);
    }

    #[test]
    fn a_body_passes_through_markdown_untouched() {
        let (body, _) = body_from_wordpress(
            "Para *one* with a_b\n\nPara two\n\n<pre>x\n\n* y</pre>\n\n# not a heading",
        );
        let rendered = text::render_markdown(&body);
        let html = rendered.as_str();
        assert!(html.contains("<p>Para *one* with a_b</p>"), "{html}");
        assert!(html.contains("<pre>x\n\n* y</pre>"), "{html}");
        assert!(html.contains("<p># not a heading</p>"), "{html}");
    }

    #[test]
    fn converting_twice_changes_nothing() {
        for content in [
            "One\n\nTwo\nthree",
            "<pre>a\n\nb</pre>",
            "[caption align=\"alignleft\"]<img src=\"https://e.x/a.jpg\" alt=\"\" /> Cap[/caption]\n\nText",
            "<strong>Start</strong> inline\n\n<ul><li>x</li></ul>",
        ] {
            let (once, _) = body_from_wordpress(content);
            let (twice, _) = body_from_wordpress(&once);
            assert_eq!(twice, once, "{content:?}");
        }
    }
}
