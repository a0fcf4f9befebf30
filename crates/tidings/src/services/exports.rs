//! The whole site as a WordPress export (WXR 1.2), written as a stream of chunks: authors,
//! sections and tags, then articles and pages a page at a time, each with its comments a
//! page at a time, then the attachments. Memory holds one page, whatever the site's size.

use crate::app::App;
use bytes::Bytes;
use tidings_domain::wordpress::export::{
    self as wxr, ExportComment, ExportItem, ExportSite, MARKDOWN_META, STANDFIRST_META,
};
use tidings_domain::{ArticleId, ArticleKind, ArticleStatus, CommentId, CommentKind, Taxonomy};
use tidings_domain::{CommentStatus, text};
use tidings_store::StoreError;

const ARTICLES_PER_PAGE: u32 = 200;
const COMMENTS_PER_PAGE: u32 = 500;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Whoever reads the export went away (the download was cancelled).
    #[error("the export's reader stopped reading")]
    Closed,
}

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportTally {
    pub articles: u64,
    pub pages: u64,
    pub comments: u64,
    pub attachments: u64,
    pub bytes: u64,
}

struct Sink {
    out: tokio::sync::mpsc::Sender<Bytes>,
    buffer: String,
    written: u64,
}

impl Sink {
    async fn push(&mut self, text: &str) -> Result<(), ExportError> {
        self.buffer.push_str(text);
        if self.buffer.len() >= 64 * 1024 {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), ExportError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.buffer);
        self.written += chunk.len() as u64;
        self.out
            .send(Bytes::from(chunk))
            .await
            .map_err(|_| ExportError::Closed)
    }
}

/// WordPress decodes entities in titles and names on import (old exporters escaped them),
/// so a literal `&` is written as `&amp;` to come back as itself.
fn amp(text: &str) -> String {
    text.replace('&', "&amp;")
}

/// Plain text as HTML text: WordPress's excerpts are HTML, and tidings reads them as such.
fn escape_html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes the site's export into `out`, chunk by chunk.
pub async fn export_wxr(
    app: &App,
    out: tokio::sync::mpsc::Sender<Bytes>,
) -> Result<ExportTally, ExportError> {
    let mut sink = Sink {
        out,
        buffer: String::with_capacity(128 * 1024),
        written: 0,
    };
    let mut tally = ExportTally::default();
    let base = app.config.base_url();
    let base = base.trim_end_matches('/');
    let now = app.now();
    sink.push(&wxr::head(&ExportSite {
        title: &app.config.title,
        description: "",
        base_url: base,
        language: "en",
        now,
    }))
    .await?;
    for author in app.store.authors_for_export().await? {
        sink.push(&wxr::author(
            author.id,
            &author.slug,
            &author.email,
            &amp(&author.display_name),
        ))
        .await?;
    }
    let terms = app.store.terms_for_export().await?;
    for term in &terms {
        match term.taxonomy {
            Taxonomy::Section => {
                let parent = term
                    .parent_id
                    .and_then(|parent| terms.iter().find(|other| other.id == parent))
                    .map(|parent| parent.slug.as_str())
                    .unwrap_or("");
                sink.push(&wxr::category(
                    term.id.0,
                    term.slug.as_str(),
                    parent,
                    &amp(&term.name),
                    &term.description,
                ))
                .await?;
            }
            Taxonomy::Tag => {
                sink.push(&wxr::tag(
                    term.id.0,
                    term.slug.as_str(),
                    &amp(&term.name),
                    &term.description,
                ))
                .await?;
            }
        }
    }
    let mut after = ArticleId(0);
    loop {
        let page = app
            .store
            .articles_for_export(after, ARTICLES_PER_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.article.id;
        for exported in page {
            let article = &exported.article;
            let status = match article.status {
                ArticleStatus::Published if article.published_at > now => "future",
                ArticleStatus::Published => "publish",
                ArticleStatus::Draft => "draft",
                ArticleStatus::Pending => "pending",
                ArticleStatus::Private => "private",
                ArticleStatus::Trash => "trash",
            };
            let (post_type, link) = match article.kind {
                ArticleKind::Article => {
                    tally.articles += 1;
                    ("post", format!("{base}{}", article.permalink()))
                }
                ArticleKind::Page => {
                    tally.pages += 1;
                    ("page", format!("{base}{}", article.permalink()))
                }
            };
            // WordPress shows the HTML; tidings reads its own Markdown back from the meta.
            let html = text::render_markdown(&article.body_markdown);
            sink.push(&wxr::item_start(&ExportItem {
                id: article.id.0,
                title: &amp(&article.title),
                link: &link,
                creator: exported.author_slug.as_deref().unwrap_or(""),
                guid: &format!("{base}/?p={}", article.id.0),
                content: html.as_str(),
                excerpt: &escape_html_text(&article.excerpt),
                date: article.published_at,
                modified: article.updated_at,
                comments_open: article.comments_open,
                slug: article.slug.as_str(),
                status,
                parent: article.parent_id.map_or(0, |parent| parent.0),
                post_type,
                sticky: article.sticky,
                attachment_url: None,
            }))
            .await?;
            for term in &exported.terms {
                let domain = match term.taxonomy {
                    Taxonomy::Section => "category",
                    Taxonomy::Tag => "post_tag",
                };
                sink.push(&wxr::item_term(
                    domain,
                    term.slug.as_str(),
                    &amp(&term.name),
                ))
                .await?;
            }
            sink.push(&wxr::meta(MARKDOWN_META, &article.body_markdown))
                .await?;
            if !article.subtitle.is_empty() {
                sink.push(&wxr::meta(STANDFIRST_META, &article.subtitle))
                    .await?;
            }
            if let Some((_, before)) = article.trashed {
                let before = match before {
                    ArticleStatus::Published => "publish",
                    other => other.as_str(),
                };
                sink.push(&wxr::meta("_wp_trash_meta_status", before))
                    .await?;
            }
            tally.comments += export_comments(app, &mut sink, article.id).await?;
            sink.push(wxr::item_end()).await?;
        }
    }
    // Attachments share WordPress's one id space with posts: numbered after them.
    let offset = after.0;
    let mut after_attachment = 0;
    loop {
        let page = app
            .store
            .attachments_for_export(after_attachment, ARTICLES_PER_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after_attachment = last.id;
        for attachment in page {
            tally.attachments += 1;
            let id = offset + attachment.id;
            sink.push(&wxr::item_start(&ExportItem {
                id,
                title: &amp(&attachment.title),
                link: &format!("{base}/?attachment_id={id}"),
                creator: "",
                guid: &attachment.url,
                content: &attachment.description,
                excerpt: &attachment.caption,
                date: attachment.uploaded_at,
                modified: attachment.uploaded_at,
                comments_open: false,
                slug: "",
                status: "inherit",
                parent: attachment.article_id.unwrap_or(0),
                post_type: "attachment",
                sticky: false,
                attachment_url: Some(&attachment.url),
            }))
            .await?;
            if !attachment.file.is_empty() {
                sink.push(&wxr::meta("_wp_attached_file", &attachment.file))
                    .await?;
            }
            if !attachment.alt.is_empty() {
                sink.push(&wxr::meta("_wp_attachment_image_alt", &attachment.alt))
                    .await?;
            }
            if let (Some(width), Some(height)) = (attachment.width, attachment.height) {
                let metadata =
                    format!("a:2:{{s:5:\"width\";i:{width};s:6:\"height\";i:{height};}}");
                sink.push(&wxr::meta("_wp_attachment_metadata", &metadata))
                    .await?;
            }
            sink.push(wxr::item_end()).await?;
        }
    }
    sink.push(wxr::tail()).await?;
    sink.flush().await?;
    tally.bytes = sink.written;
    Ok(tally)
}

async fn export_comments(
    app: &App,
    sink: &mut Sink,
    article: ArticleId,
) -> Result<u64, ExportError> {
    let mut count = 0;
    let mut after = CommentId(0);
    loop {
        let page = app
            .store
            .comments_for_export(article, after, COMMENTS_PER_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for comment in page {
            count += 1;
            let approved = match comment.status {
                CommentStatus::Approved => "1",
                CommentStatus::Pending => "0",
                CommentStatus::Spam => "spam",
                CommentStatus::Trash => "trash",
            };
            let comment_type = match comment.kind {
                CommentKind::Comment => "comment",
                CommentKind::Pingback => "pingback",
                CommentKind::Trackback => "trackback",
            };
            sink.push(&wxr::comment(&ExportComment {
                id: comment.id.0,
                author: &amp(&comment.author_name),
                email: &comment.author_email,
                url: &comment.author_url,
                ip: &comment.ip,
                date: comment.created_at,
                content: &comment.content,
                approved,
                comment_type,
                parent: comment.parent_id.map_or(0, |parent| parent.0),
            }))
            .await?;
        }
    }
    Ok(count)
}
