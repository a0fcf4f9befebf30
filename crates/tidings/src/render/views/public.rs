//! What the public pages receive: the front page, an article with its comments and the
//! comment form, and error pages.

use super::{SiteView, comments_label, human_date, human_date_time, iso_date, safe};
use crate::services::comments::PendingPreview;
use minijinja::Value;
use serde::Serialize;
use tidings_domain::comment::{self, ThreadNode};
use tidings_domain::correction::Correction;
use tidings_domain::discussion::CommentOrder;
use tidings_domain::text::{render_comment, render_comment_preview};
use tidings_domain::{
    Article, Comment, CommentId, DiscussionSettings, FieldErrors, Taxonomy, Term,
};
use tidings_store::Headline;
use time::OffsetDateTime;

/// A page's description for search results and link previews: the standfirst when there
/// is one, else the excerpt, cut at a word near 160 characters.
fn description_of(article: &Article) -> String {
    const MOST: usize = 160;
    let text = if article.subtitle.is_empty() {
        article.excerpt()
    } else {
        article.subtitle.clone()
    };
    if text.chars().count() <= MOST {
        return text;
    }
    let mut cut = String::new();
    for word in text.split_whitespace() {
        if cut.chars().count() + word.chars().count() + 1 > MOST - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    cut.push('…');
    cut
}

/// An image from the media library as a page shows it.
#[derive(Debug, Serialize)]
pub struct ImageView {
    pub src: String,
    /// The size of the file at `src` (the widest variant), when known: link previews give it.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Empty when there is one width.
    pub srcset: String,
    pub alt: String,
}

impl ImageView {
    pub fn featured(article: &Article) -> Option<ImageView> {
        let address = article.featured_image.as_ref()?;
        Some(ImageView {
            width: None,
            height: None,
            src: address.path(),
            srcset: address.srcset().unwrap_or_default(),
            alt: article.featured_image_alt.clone(),
        })
    }
}

#[derive(Debug, Serialize)]
pub struct ArticleListItem {
    pub title: String,
    pub subtitle: String,
    pub image: Option<ImageView>,
    pub permalink: String,
    pub date: String,
    pub date_iso: String,
    pub author: Option<String>,
    pub excerpt: String,
    pub comment_count: u64,
    pub comments_label: String,
    /// `#comments` when there are comments, `#respond` when there are none (WordPress).
    pub comments_link: String,
}

impl ArticleListItem {
    pub fn new(article: &Article, author: Option<String>, comment_count: u64) -> Self {
        let permalink = article.permalink();
        let anchor = if comment_count > 0 {
            "#comments"
        } else {
            "#respond"
        };
        ArticleListItem {
            title: article.title.clone(),
            subtitle: article.subtitle.clone(),
            image: ImageView::featured(article),
            comments_link: format!("{permalink}{anchor}"),
            permalink,
            date: human_date(article.published_at),
            date_iso: iso_date(article.published_at),
            author,
            excerpt: article.excerpt(),
            comment_count,
            comments_label: comments_label(comment_count),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FrontPage {
    pub site: SiteView,
    pub noindex: bool,
    /// Sticky articles, above the others on the first page.
    pub pinned: Vec<ArticleListItem>,
    /// On a section's or tag's archive: what it is.
    pub archive: Option<ArchiveHeading>,
    pub articles: Vec<ArticleListItem>,
    pub page: u32,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ArchiveHeading {
    /// "Section" or "Tag".
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub feed_url: Option<String>,
    /// An author's picture.
    pub picture: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CorrectionView {
    pub date: String,
    pub date_iso: String,
    pub body: String,
}

impl CorrectionView {
    pub fn new(note: &Correction) -> CorrectionView {
        CorrectionView {
            date: human_date_time(note.created_at),
            date_iso: iso_date(note.created_at),
            body: note.body.clone(),
        }
    }
}

/// What the schema.org description of an article is made from.
pub struct Described<'a> {
    pub article: &'a Article,
    pub permalink: &'a str,
    /// The byline; when empty, `author` (WordPress's one author) stands in.
    pub authors: &'a [tidings_domain::Author],
    pub author: Option<&'a str>,
    /// Its primary section.
    pub section: Option<&'a Term>,
    pub site: &'a SiteView,
    pub corrections: &'a [Correction],
    /// The size of the featured image's file, when known.
    pub image_size: Option<(u32, u32)>,
}

/// The schema.org description of an article (`NewsArticle`, or `WebPage` for a page) and
/// its breadcrumbs, as JSON that is safe inside a `<script>` element: every `<` is
/// escaped, so no text in it can close the element.
fn structured_data(described: &Described<'_>) -> Value {
    let Described {
        article,
        permalink,
        site,
        corrections,
        ..
    } = described;
    let base = &site.base_url;
    let url = format!("{base}{permalink}");
    let modified = corrections
        .iter()
        .map(|note| note.created_at)
        .chain(article.revised_at)
        .max()
        .unwrap_or(article.published_at)
        .max(article.published_at);
    let is_page = article.kind == tidings_domain::ArticleKind::Page;
    let mut data = serde_json::json!({
        "@type": if is_page { "WebPage" } else { "NewsArticle" },
        "@id": format!("{url}#article"),
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "description": description_of(article),
        "datePublished": iso_date(article.published_at),
        "dateModified": iso_date(modified),
        "publisher": { "@type": "Organization", "name": site.title, "url": format!("{base}/") },
    });
    let people: Vec<serde_json::Value> = if described.authors.is_empty() {
        described
            .author
            .map(|name| serde_json::json!({ "@type": "Person", "name": name }))
            .into_iter()
            .collect()
    } else {
        described
            .authors
            .iter()
            .map(|author| {
                serde_json::json!({
                    "@type": "Person",
                    "name": author.display_name,
                    "url": format!("{base}{}", author.permalink()),
                })
            })
            .collect()
    };
    if !people.is_empty() {
        data["author"] = people.into();
    }
    if let Some(section) = described.section {
        data["articleSection"] = section.name.clone().into();
    }
    if let Some(image) = &article.featured_image {
        let mut object = serde_json::json!({
            "@type": "ImageObject",
            "url": format!("{base}{}", image.path()),
        });
        if let Some((width, height)) = described.image_size {
            object["width"] = width.into();
            object["height"] = height.into();
        }
        data["image"] = object;
    }
    if !corrections.is_empty() {
        data["correction"] = corrections
            .iter()
            .map(|note| {
                serde_json::json!({
                    "@type": "CorrectionComment",
                    "text": note.body,
                    "datePublished": iso_date(note.created_at),
                })
            })
            .collect();
    }
    let mut trail = vec![(site.title.clone(), format!("{base}/"))];
    if let Some(section) = described.section {
        trail.push((
            section.name.clone(),
            format!("{base}{}", section.permalink()),
        ));
    }
    trail.push((article.title.clone(), url.clone()));
    let breadcrumbs = serde_json::json!({
        "@type": "BreadcrumbList",
        "itemListElement": trail
            .into_iter()
            .enumerate()
            .map(|(index, (name, item))| serde_json::json!({
                "@type": "ListItem",
                "position": index + 1,
                "name": name,
                "item": item,
            }))
            .collect::<Vec<_>>(),
    });
    let graph = serde_json::json!({
        "@context": "https://schema.org",
        "@graph": [data, breadcrumbs],
    });
    let json = graph.to_string().replace('<', "\\u003c");
    Value::from_safe_string(json)
}

#[derive(Debug, Serialize)]
pub struct CorrectedArticle {
    pub title: String,
    pub permalink: String,
    pub correction: CorrectionView,
}

/// The public corrections page.
#[derive(Debug, Serialize)]
pub struct CorrectionsPage {
    pub site: SiteView,
    pub noindex: bool,
    pub corrections: Vec<CorrectedArticle>,
    pub page: u32,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
}

/// A section or tag as an article shows it.
#[derive(Debug, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

pub fn page_url(page: u32) -> String {
    if page <= 1 {
        "/".into()
    } else {
        format!("/page/{page}/")
    }
}

#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub id: i64,
    /// "article" or "page": a page has no date, byline or sections.
    pub kind: &'static str,
    pub title: String,
    pub subtitle: String,
    /// For `<meta name="description">` and link previews: the standfirst, or the excerpt,
    /// at most about 160 characters.
    pub description: String,
    pub image: Option<ImageView>,
    pub permalink: String,
    pub date: String,
    pub date_iso: String,
    /// "Updated …": when the published text last changed.
    pub revised: Option<String>,
    pub revised_iso: Option<String>,
    /// Readable by staff only.
    pub private: bool,
    pub author: Option<String>,
    /// Everyone in the byline, in order, each linked to their author page.
    pub authors: Vec<TermLink>,
    /// "Ann and Bo": the byline as a sentence (the names in `authors`).
    pub byline: String,
    /// Its primary section first.
    pub sections: Vec<TermLink>,
    pub tags: Vec<TermLink>,
    /// Correction notes, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// *HTML-safe JSON*: the schema.org `NewsArticle` search engines read, with its
    /// `dateModified`.
    pub structured_data: Value,
    pub body_html: Value,
    pub comments_open: bool,
}

#[derive(Debug, Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author_name: String,
    /// The commenter's website, or empty; linked with `rel="external nofollow ugc"`.
    pub author_url: String,
    /// `/avatars/KEY.svg`, or `None` when the site shows no avatars.
    pub avatar_url: Option<String>,
    pub date: String,
    pub date_iso: String,
    /// The comment's address: its comment page and anchor.
    pub permalink: String,
    pub content_html: Value,
    pub depth: u32,
    /// What it answers, for "in reply to NAME" (linked) on replies.
    pub in_reply_to: Option<ReplyTarget>,
    /// `None` at the deepest level, or when comments are closed.
    pub reply_url: Option<String>,
    pub report_url: Option<String>,
    /// Shown only to its author, through a signed link.
    pub awaiting_moderation: bool,
    /// The signed link that lets its author edit or delete it, while the window is open.
    pub edit_url: Option<String>,
    /// `comment`, or `pingback` or `trackback` (imported from WordPress): another site's
    /// notice that it linked here, shown as such.
    pub kind: &'static str,
    pub replies: Vec<CommentView>,
}

#[derive(Debug, Serialize)]
pub struct ReplyTarget {
    pub id: i64,
    pub author_name: String,
}

/// What the reader typed, echoed back into the form after a failed submission.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FormValues {
    pub comment: String,
    pub author: String,
    pub email: String,
    pub url: String,
    /// "", "replies" or "all".
    pub subscribe: String,
    pub remember: bool,
}

/// One message per field, or none; every field is always present so themes can test it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FormErrors {
    pub comment: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    /// A problem with the submission as a whole (too fast, a duplicate, a vanished parent).
    pub general: Option<String>,
}

impl FormErrors {
    pub fn from_fields(errors: &FieldErrors) -> FormErrors {
        let message = |field: &str| errors.get(field).map(str::to_owned);
        FormErrors {
            comment: message("comment"),
            author: message("author"),
            email: message("email"),
            url: message("url"),
            general: message("comment_parent").or_else(|| message("comment_post_ID")),
        }
    }

    pub fn general(message: impl Into<String>) -> FormErrors {
        FormErrors {
            general: Some(message.into()),
            ..FormErrors::default()
        }
    }

    pub fn any(&self) -> bool {
        self.comment.is_some()
            || self.author.is_some()
            || self.email.is_some()
            || self.url.is_some()
            || self.general.is_some()
    }
}

#[derive(Debug, Serialize)]
pub struct CommentFormView {
    pub action: &'static str,
    pub article_id: i64,
    pub parent_id: i64,
    pub reply_to_name: Option<String>,
    pub cancel_url: String,
    pub values: FormValues,
    pub errors: FormErrors,
    pub has_errors: bool,
    pub require_name_email: bool,
    /// Show "Save my name, email, and website in this browser…".
    pub remember_opt_in: bool,
    /// Offer mail about replies and new comments.
    pub subscriptions: bool,
    /// Leading zero bits the browser's proof of work must reach; 0 when none is asked.
    pub proof_of_work_bits: u32,
    pub max_comment: usize,
    pub max_author: usize,
    pub max_email: usize,
    pub max_url: usize,
}

#[derive(Debug, Serialize)]
pub struct ArticlePage {
    pub site: SiteView,
    pub noindex: bool,
    pub article: ArticleView,
    pub comments: Vec<CommentView>,
    pub comment_count: u64,
    pub comments_label: String,
    /// Links between comment pages, when comments are paged and there is more than one.
    pub comment_pages: Option<CommentPagesView>,
    /// `None` when comments are closed.
    pub form: Option<CommentFormView>,
    /// The article's comment feed.
    pub comments_feed_url: String,
    /// The articles published just before and after it (`name` the headline).
    pub previous: Option<TermLink>,
    pub next: Option<TermLink>,
    /// The newest others of its primary section.
    pub more_in_section: Option<MoreInSection>,
}

#[derive(Debug, Serialize)]
pub struct MoreInSection {
    pub name: String,
    pub url: String,
    pub articles: Vec<TermLink>,
}

#[derive(Debug, Serialize)]
pub struct CommentPagesView {
    pub current: u32,
    pub count: u32,
    /// Links to the page of older and of newer comments.
    pub older_url: Option<String>,
    pub newer_url: Option<String>,
}

/// Everything that decides how an article page looks.
pub struct ArticlePageInput<'a> {
    pub site: SiteView,
    pub article: &'a Article,
    pub author: Option<String>,
    /// Its sections and tags.
    pub terms: Vec<Term>,
    /// Its byline, in order.
    pub authors: Vec<tidings_domain::Author>,
    /// Its correction notes, oldest first.
    pub corrections: Vec<Correction>,
    /// The approved comments, oldest first.
    pub comments: &'a [Comment],
    /// The reader's own comment, through its signed link.
    pub own: Option<&'a PendingPreview>,
    pub settings: &'a DiscussionSettings,
    pub reply_to: Option<&'a Comment>,
    /// The comment page asked for (`comment-page-N/`), or `None` for the default one.
    pub comment_page: Option<u32>,
    pub values: FormValues,
    pub errors: FormErrors,
    pub now: OffsetDateTime,
    /// The featured image's size (upright, as uploaded), when it has one.
    pub image_size: Option<(u32, u32)>,
    /// The uploads' sizes of the library images in the body, by key.
    pub body_image_sizes: std::collections::HashMap<tidings_domain::MediaKey, (u32, u32)>,
    /// The public articles published just before and after it.
    pub neighbours: (Option<Headline>, Option<Headline>),
    /// Its primary section and that section's newest other articles.
    pub more_in_section: Option<(Term, Vec<Headline>)>,
}

fn term_links(terms: &[Term], taxonomy: Taxonomy) -> Vec<TermLink> {
    terms
        .iter()
        .filter(|term| term.taxonomy == taxonomy)
        .map(|term| TermLink {
            name: term.name.clone(),
            url: term.permalink(),
        })
        .collect()
}

/// A comment page that does not exist.
#[derive(Debug)]
pub struct NoSuchCommentPage;

pub fn article_page(input: ArticlePageInput<'_>) -> Result<ArticlePage, NoSuchCommentPage> {
    let article = input.article;
    let settings = input.settings;
    let permalink = article.permalink();
    let comments_open = article.accepts_comments(input.now, settings.close_after_days);
    let own_id = input.own.map(|own| own.comment.id);
    // The list is copied only to add the reader's own waiting comment to it.
    let shown: std::borrow::Cow<'_, [Comment]> = match input.own {
        Some(own) if !input.comments.iter().any(|c| c.id == own.comment.id) => {
            let mut with_own = input.comments.to_vec();
            with_own.push(own.comment.clone());
            with_own.into()
        }
        _ => input.comments.into(),
    };
    let threads = comment::thread(&shown, settings.thread_depth);
    let page_count = settings.comment_page_count(threads.len());
    let page = match (input.comment_page, own_id) {
        (Some(page), _) if page == 0 || page > page_count => return Err(NoSuchCommentPage),
        (Some(page), _) => page,
        // The author's link lands on the page that holds their comment.
        (None, Some(id)) => settings.page_holding(&threads, id),
        (None, None) => settings.default_comment_page(threads.len()),
    };
    let range = settings.threads_on_page(page, threads.len());
    let mut on_page: Vec<&ThreadNode<'_>> = threads[range].iter().collect();
    if settings.comment_order == CommentOrder::NewestFirst {
        on_page.reverse();
    }
    let names: std::collections::HashMap<CommentId, &str> = shown
        .iter()
        .map(|comment| (comment.id, comment.author_name.as_str()))
        .collect();
    let page_url = settings.comment_page_url(&permalink, page);
    let context = CommentContext {
        permalink: &permalink,
        page_url: &page_url,
        comments_open,
        max_depth: settings.thread_depth,
        own: input.own,
        show_avatars: settings.show_avatars,
        names: &names,
    };
    let comments = on_page
        .into_iter()
        .map(|node| comment_view(node, &context))
        .collect();
    let comment_count = input.comments.len() as u64;
    let comment_pages = (page_count > 1).then(|| CommentPagesView {
        current: page,
        count: page_count,
        older_url: (page > 1)
            .then(|| settings.comment_page_url(&permalink, page - 1) + "#comments"),
        newer_url: (page < page_count)
            .then(|| settings.comment_page_url(&permalink, page + 1) + "#comments"),
    });
    let form = comments_open.then(|| {
        let has_errors = input.errors.any();
        CommentFormView {
            action: "/wp-comments-post.php",
            article_id: article.id.0,
            parent_id: input.reply_to.map_or(0, |parent| parent.id.0),
            reply_to_name: input
                .reply_to
                .map(|parent| display_name(&parent.author_name)),
            cancel_url: format!("{permalink}#respond"),
            values: input.values,
            errors: input.errors,
            has_errors,
            require_name_email: settings.require_name_email,
            remember_opt_in: settings.remember_commenter_opt_in,
            subscriptions: settings.subscriptions,
            proof_of_work_bits: settings.proof_of_work_bits,
            max_comment: comment::MAX_COMMENT_CHARS,
            max_author: comment::MAX_NAME_CHARS,
            max_email: comment::MAX_EMAIL_CHARS,
            max_url: comment::MAX_URL_CHARS,
        }
    });
    let section = input
        .terms
        .iter()
        .find(|term| term.taxonomy == Taxonomy::Section);
    // The featured image as served: its widest variant, in the upload's proportions.
    let shown_size = article.featured_image.as_ref().and_then(|address| {
        let (width, height) = input.image_size.filter(|(width, _)| *width > 0)?;
        let scaled = u64::from(height) * u64::from(address.width) / u64::from(width);
        Some((address.width, u32::try_from(scaled).unwrap_or(u32::MAX)))
    });
    let described = structured_data(&Described {
        article,
        permalink: &permalink,
        authors: &input.authors,
        author: input.author.as_deref(),
        section,
        site: &input.site,
        corrections: &input.corrections,
        image_size: shown_size,
    });
    Ok(ArticlePage {
        site: input.site,
        // A page showing a pending comment or a reply form is a variant of the article, not
        // something for search engines.
        noindex: input.own.is_some() || input.reply_to.is_some(),
        article: ArticleView {
            id: article.id.0,
            kind: article.kind.as_str(),
            title: article.title.clone(),
            subtitle: article.subtitle.clone(),
            description: description_of(article),
            image: ImageView::featured(article).map(|image| ImageView {
                width: shown_size.map(|(width, _)| width),
                height: shown_size.map(|(_, height)| height),
                ..image
            }),
            permalink: permalink.clone(),
            date: human_date(article.published_at),
            date_iso: iso_date(article.published_at),
            revised: article.revised_at.map(human_date_time),
            revised_iso: article.revised_at.map(iso_date),
            private: article.status == tidings_domain::ArticleStatus::Private,
            author: input.author,
            authors: input
                .authors
                .iter()
                .map(|author| TermLink {
                    name: author.display_name.clone(),
                    url: author.permalink(),
                })
                .collect(),
            byline: tidings_domain::user::byline(
                &input
                    .authors
                    .iter()
                    .map(|author| author.display_name.as_str())
                    .collect::<Vec<_>>(),
            ),
            sections: term_links(&input.terms, Taxonomy::Section),
            tags: term_links(&input.terms, Taxonomy::Tag),
            corrections: input.corrections.iter().map(CorrectionView::new).collect(),
            structured_data: described,
            body_html: safe(
                &article.body_html_sized(&|key| input.body_image_sizes.get(key).copied()),
            ),
            comments_open,
        },
        comments,
        comment_count,
        comments_label: comments_label(comment_count),
        comment_pages,
        form,
        comments_feed_url: format!("{permalink}feed/"),
        previous: input.neighbours.0.as_ref().map(headline_link),
        next: input.neighbours.1.as_ref().map(headline_link),
        more_in_section: input
            .more_in_section
            .as_ref()
            .filter(|(_, articles)| !articles.is_empty())
            .map(|(section, articles)| MoreInSection {
                name: section.name.clone(),
                url: section.permalink(),
                articles: articles.iter().map(headline_link).collect(),
            }),
    })
}

fn headline_link(headline: &Headline) -> TermLink {
    TermLink {
        name: headline.title.clone(),
        url: headline.permalink(),
    }
}

struct CommentContext<'a> {
    permalink: &'a str,
    /// The address of the comment page being shown.
    page_url: &'a str,
    comments_open: bool,
    max_depth: u32,
    own: Option<&'a PendingPreview>,
    show_avatars: bool,
    names: &'a std::collections::HashMap<CommentId, &'a str>,
}

fn display_name(name: &str) -> String {
    if name.is_empty() {
        "Anonymous".into()
    } else {
        name.to_owned()
    }
}

pub fn avatar_url(comment: &Comment) -> String {
    match &comment.avatar_key {
        Some(key) => format!("/avatars/{key}.svg"),
        None => "/static/avatar.svg".into(),
    }
}

fn comment_view(node: &ThreadNode<'_>, context: &CommentContext<'_>) -> CommentView {
    let comment = node.comment;
    let own = context.own.filter(|own| own.comment.id == comment.id);
    let awaiting_moderation =
        own.is_some() && comment.status != tidings_domain::CommentStatus::Approved;
    let can_reply = context.comments_open && !awaiting_moderation && node.depth < context.max_depth;
    CommentView {
        id: comment.id.0,
        kind: comment.kind.as_str(),
        author_name: display_name(&comment.author_name),
        // A held comment is shown without its links, so holding it publishes nothing.
        author_url: if awaiting_moderation {
            String::new()
        } else {
            comment.author_url.clone()
        },
        avatar_url: context.show_avatars.then(|| avatar_url(comment)),
        date: human_date_time(comment.created_at),
        date_iso: iso_date(comment.created_at),
        permalink: format!("{}#comment-{}", context.page_url, comment.id),
        content_html: safe(&if awaiting_moderation {
            render_comment_preview(&comment.content)
        } else {
            // Rendered once when it was written; older rows are rendered here.
            comment
                .content_html
                .clone()
                .unwrap_or_else(|| render_comment(&comment.content))
        }),
        depth: node.depth,
        in_reply_to: comment.parent_id.and_then(|parent| {
            context.names.get(&parent).map(|name| ReplyTarget {
                id: parent.0,
                author_name: display_name(name),
            })
        }),
        reply_url: can_reply
            .then(|| format!("{}?replytocom={}#respond", context.permalink, comment.id)),
        report_url: (!awaiting_moderation).then(|| format!("/comments/{}/report", comment.id)),
        awaiting_moderation,
        edit_url: own.and_then(|own| own.edit_url.clone()),
        replies: node
            .replies
            .iter()
            .map(|reply| comment_view(reply, context))
            .collect(),
    }
}

/// An error page; `kept_text` is a comment the reader typed that could not be accepted,
/// shown back so it is never lost.
#[derive(Debug, Serialize)]
pub struct ErrorPage {
    pub site: SiteView,
    pub noindex: bool,
    pub status: u16,
    pub code: &'static str,
    pub title: String,
    pub message: String,
    pub kept_text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn structured_data_cannot_close_its_script_element() {
        let now = datetime!(2026-06-01 12:00 UTC);
        let article = Article {
            id: tidings_domain::ArticleId(1),
            kind: tidings_domain::ArticleKind::Article,
            slug: tidings_domain::Slug::parse("x").unwrap(),
            title: "</script><script>alert(1)</script>".into(),
            subtitle: String::new(),
            excerpt: String::new(),
            body_markdown: String::new(),
            status: tidings_domain::ArticleStatus::Published,
            published_at: now,
            updated_at: now,
            revised_at: None,
            trashed: None,
            author_id: None,
            comments_open: true,
            sticky: false,
            parent_id: None,
            page_path: None,
            featured_image: None,
            featured_image_alt: String::new(),
        };
        let site = SiteView {
            title: "Site".into(),
            tagline: String::new(),
            base_url: "https://news.example".into(),
            menu: Vec::new(),
            pages: Vec::new(),
        };
        let note = Correction {
            id: tidings_domain::CorrectionId(1),
            article_id: article.id,
            revision_id: None,
            body: "<!-- </SCRIPT >".into(),
            created_at: now + time::Duration::hours(1),
        };
        let json = structured_data(&Described {
            article: &article,
            permalink: "/2026/06/x/",
            authors: &[],
            author: Some("<b>"),
            section: None,
            site: &site,
            corrections: &[note],
            image_size: None,
        });
        let text = json.to_string();
        assert!(!text.contains('<'), "{text}");
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let described = &parsed["@graph"][0];
        assert_eq!(described["headline"], "</script><script>alert(1)</script>");
        assert_eq!(described["dateModified"], "2026-06-01T13:00:00Z");
        assert_eq!(described["author"][0]["name"], "<b>");
    }
}
