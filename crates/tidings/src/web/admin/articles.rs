//! The article and page lists and the editor: new, edit, preview, save, trash, restore.

use crate::app::App;
use crate::render::views::admin::{
    Choice, CorrectionRow, EditorPage, EditorValues, MediaRow, RevisionRow,
};
use crate::render::views::{FormErrors, FormValues, human_date_time};
use crate::services::access;
use crate::services::articles::{self, ArticleError, Saving, TrashError};
use crate::services::media::{self, Upload, UploadError};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminUpload, FilePart, FormFields};
use crate::web::public::{html, redirect};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::media::UploadProblem;
use tidings_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, RevisionId, Taxonomy, TermId, UserId,
};
use tidings_store::{ArticleFilter, Page};
use time::PrimitiveDateTime;
use time::macros::format_description;

use super::article_list::{admin_list, kind_section, term_choices};
use super::{PRIVATE, chrome, query_value, render, url_encode};
use crate::web::extract::AdminForm;

const DATE_INPUT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]");

pub(super) async fn editor_values(app: &App, article: &Article) -> Result<EditorValues, AppError> {
    let terms = app.store.article_terms(article.id).await?;
    let base_revision = app.store.latest_revision(article.id).await?;
    let authors = app.store.authors_of(article.id).await?;
    let (sections, tags): (Vec<_>, Vec<_>) = terms
        .into_iter()
        .partition(|term| term.taxonomy == Taxonomy::Section);
    Ok(EditorValues {
        kind: article.kind.as_str().to_owned(),
        title: article.title.clone(),
        subtitle: article.subtitle.clone(),
        slug: article.slug.to_string(),
        body: article.body_markdown.clone(),
        excerpt: article.excerpt.clone(),
        status: article
            .trashed
            .map_or(article.status, |(_, before)| before)
            .as_str()
            .to_owned(),
        published_at: article.published_at.format(DATE_INPUT).unwrap_or_default(),
        comments_open: article.comments_open,
        sticky: article.sticky,
        parent: article
            .parent_id
            .map(|id| id.0.to_string())
            .unwrap_or_default(),
        sections: sections.iter().map(|term| term.id.0.to_string()).collect(),
        tags: tags
            .iter()
            .map(|term| term.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        authors: authors
            .iter()
            .map(|author| author.id.0.to_string())
            .collect(),
        base_revision: base_revision.map(|id| id.0.to_string()).unwrap_or_default(),
        overwrite: false,
        correction: String::new(),
        featured_image: article
            .featured_image
            .as_ref()
            .map(|address| address.path())
            .unwrap_or_default(),
        featured_image_alt: article.featured_image_alt.clone(),
        image_alt: String::new(),
    })
}

/// Images of the library offered beside the body.
const LIBRARY_IN_EDITOR: u32 = 12;

pub(super) async fn editor(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    article: Option<&Article>,
    values: EditorValues,
    errors: Vec<(String, String)>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let kind = ArticleKind::parse(&values.kind).unwrap_or(ArticleKind::Article);
    let warnings = if values.body.trim().is_empty() {
        Vec::new()
    } else {
        let excerpt = (kind == ArticleKind::Article).then_some(values.excerpt.as_str());
        articles::editorial_warnings(app, &values.body, excerpt).await?
    };
    let mut warnings = warnings;
    if !values.featured_image.trim().is_empty() && values.featured_image_alt.trim().is_empty() {
        warnings.push(tidings_domain::editorial::Warning {
            kind: tidings_domain::editorial::WarningKind::ImageWithoutAlt,
            message:
                "The featured image has no alt text: describe it for readers who cannot see it."
                    .into(),
        });
    }
    let statuses = [
        ArticleStatus::Draft,
        ArticleStatus::Pending,
        ArticleStatus::Published,
        ArticleStatus::Private,
    ]
    .into_iter()
    .map(|status| Choice {
        value: status.as_str().to_owned(),
        label: match status {
            ArticleStatus::Pending => "Pending review".to_owned(),
            ArticleStatus::Published => "Published (scheduled when dated later)".to_owned(),
            ArticleStatus::Private => "Private (staff only)".to_owned(),
            _ => "Draft".to_owned(),
        },
        depth: 0,
        selected: values.status == status.as_str(),
    })
    .collect();
    let section_choices = if kind == ArticleKind::Article {
        let sections = app.store.terms(Taxonomy::Section).await?;
        term_choices(sections, |term| {
            values.sections.contains(&term.id.0.to_string())
        })
    } else {
        Vec::new()
    };
    let parent_choices = if kind == ArticleKind::Page {
        page_choices(app, article, &values.parent).await?
    } else {
        Vec::new()
    };
    let now = app.now();
    let (revisions, autosave, corrections) = match article {
        Some(article) => history(app, admin, article).await?,
        None => (Vec::new(), None, Vec::new()),
    };
    let author_choices = app
        .store
        .all_users()
        .await?
        .into_iter()
        .map(|user| Choice {
            selected: values.authors.contains(&user.id.0.to_string()),
            value: user.id.0.to_string(),
            label: user.display_name,
            depth: 0,
        })
        .collect();
    let stats = super::preview::stats(tidings_domain::text::word_count(&values.body));
    let library = if admin.user.role.can(tidings_domain::Capability::Upload) {
        let newest = tidings_store::Page {
            number: 1,
            size: LIBRARY_IN_EDITOR,
        };
        let listed = app.store.media_library("", newest).await?;
        listed.items.iter().map(MediaRow::of).collect()
    } else {
        Vec::new()
    };
    let featured_thumbnail = tidings_domain::MediaAddress::parse_path(&values.featured_image)
        .map(|address| address.narrowest().path());
    let page = EditorPage {
        library,
        featured_thumbnail,
        chrome: chrome(app, admin, kind_section(kind), notice).await?,
        stats,
        revisions,
        autosave,
        corrections,
        warnings,
        id: article.map(|article| article.id.0),
        permalink: article
            .filter(|article| article.is_readable_by_staff(now))
            .map(Article::permalink),
        revised: article
            .and_then(|article| article.revised_at)
            .map(human_date_time),
        in_trash: article.is_some_and(|article| article.status == ArticleStatus::Trash),
        values,
        errors,
        statuses,
        section_choices,
        parent_choices,
        author_choices,
    };
    render(app, status, "admin/article_edit.html", page)
}

/// An article's newest revisions, this editor's autosave when it is newer than the saved
/// text, and the article's corrections.
async fn history(
    app: &App,
    admin: &Admin,
    article: &Article,
) -> Result<(Vec<RevisionRow>, Option<RevisionRow>, Vec<CorrectionRow>), AppError> {
    const SHOWN: usize = 10;
    let all = app.store.revisions(article.id).await?;
    let newest_saved = all.iter().find(|revision| !revision.autosave).map(|r| r.id);
    let autosave = all
        .iter()
        .find(|revision| {
            revision.autosave
                && revision.author_id == Some(admin.user.id)
                && newest_saved.is_none_or(|saved| revision.id > saved)
        })
        .map(revision_row);
    let revisions = all
        .iter()
        .filter(|revision| !revision.autosave)
        .take(SHOWN)
        .map(revision_row)
        .collect();
    let corrections = app
        .store
        .corrections_of(article.id)
        .await?
        .into_iter()
        .map(|note| CorrectionRow {
            id: note.id.0,
            date: human_date_time(note.created_at),
            body: note.body,
        })
        .collect();
    Ok((revisions, autosave, corrections))
}

pub(super) fn revision_row(revision: &tidings_domain::revision::Revision) -> RevisionRow {
    RevisionRow {
        id: revision.id.0,
        date: human_date_time(revision.created_at),
        author: revision.author_name.clone(),
        autosave: revision.autosave,
        title: revision.text.title.clone(),
    }
}

/// The pages a page may be filed under: every page but itself and those under it.
async fn page_choices(
    app: &App,
    page: Option<&Article>,
    chosen: &str,
) -> Result<Vec<Choice>, AppError> {
    let filter = ArticleFilter {
        kind: ArticleKind::Page,
        state: None,
        author: None,
        term: None,
        title_contains: None,
        now: app.now(),
    };
    let (pages, _) = app
        .store
        .list_articles(
            &filter,
            Page {
                number: 1,
                size: 1000,
            },
        )
        .await?;
    let own = page.and_then(|page| page.page_path.clone());
    let mut choices: Vec<Choice> = pages
        .into_iter()
        .map(|summary| summary.article)
        .filter(|candidate| {
            let path = candidate.page_path.clone().unwrap_or_default();
            own.as_ref()
                .is_none_or(|own| path != *own && !path.starts_with(&format!("{own}/")))
        })
        .map(|candidate| {
            let path = candidate.page_path.clone().unwrap_or_default();
            Choice {
                value: candidate.id.0.to_string(),
                depth: path.matches('/').count(),
                label: format!("{} (/{path}/)", candidate.title),
                selected: chosen == candidate.id.0.to_string(),
            }
        })
        .collect();
    choices.sort_by(|left, right| left.label.cmp(&right.label));
    Ok(choices)
}

/// The article as readers will see it, whatever its status; for checking a draft.
pub async fn preview_article(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let article = changeable(&app, &admin, &id).await?;
    let settings = site::discussion_settings(&app).await?;
    let page = crate::web::public::article_page_html(
        &app,
        &article,
        &settings,
        crate::web::public::ArticleExtras::default(),
        FormValues::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(StatusCode::OK, page, PRIVATE))
}

pub async fn new_article(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    new_of_kind(&app, &admin, ArticleKind::Article).await
}

pub async fn new_page(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    new_of_kind(&app, &admin, ArticleKind::Page).await
}

async fn new_of_kind(app: &App, admin: &Admin, kind: ArticleKind) -> Result<Response, AppError> {
    if !tidings_domain::access::may_create(admin.user.role, kind) {
        let what = match kind {
            ArticleKind::Article => "write articles",
            ArticleKind::Page => "write pages",
        };
        return Err(access::refusal(&admin.user, what).into());
    }
    let values = EditorValues {
        kind: kind.as_str().to_owned(),
        status: "draft".into(),
        comments_open: kind == ArticleKind::Article
            && site::discussion_settings(app)
                .await?
                .comments_on_new_articles,
        sections: vec![app.store.default_section().await?.0.to_string()],
        authors: vec![admin.user.id.0.to_string()],
        ..EditorValues::default()
    };
    editor(app, admin, StatusCode::OK, None, values, Vec::new(), None).await
}

pub async fn edit_article(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = changeable(&app, &admin, &id).await?;
    let values = editor_values(&app, &article).await?;
    editor(
        &app,
        &admin,
        StatusCode::OK,
        Some(&article),
        values,
        Vec::new(),
        query_value(&query, "notice"),
    )
    .await
}

/// The article at `id` if the signed-in person may change it: a 404 when there is none,
/// a 403 when their role does not let them.
pub(super) async fn changeable(app: &App, admin: &Admin, id: &str) -> Result<Article, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    match articles::may_change(app, &admin.user, ArticleId(id)).await {
        Ok(article) => Ok(article),
        Err(ArticleError::Forbidden(refused)) => Err(refused.into()),
        Err(ArticleError::Store(error)) => Err(error.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

pub(super) async fn find_article(app: &App, id: &str) -> Result<Article, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .article_by_id(ArticleId(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The editor's form as typed, and the article input it means (or why it means none).
fn article_from_form(
    form: &FormFields,
    kind: ArticleKind,
    now: time::OffsetDateTime,
) -> (EditorValues, Result<ArticleInput, InvalidArticle>) {
    // The primary section comes first, then the others ticked, in the form's order.
    let primary = form.get("primary_section").trim().to_owned();
    let mut sections: Vec<String> = Vec::new();
    if !primary.is_empty() {
        sections.push(primary);
    }
    for ticked in form.all("sections") {
        if !sections.iter().any(|known| known == ticked) {
            sections.push(ticked.to_owned());
        }
    }
    // The lead author comes first, then the others ticked, as with sections.
    let lead = form.get("lead_author").trim().to_owned();
    let mut authors: Vec<String> = Vec::new();
    if !lead.is_empty() {
        authors.push(lead);
    }
    for ticked in form.all("authors") {
        if !authors.iter().any(|known| known == ticked) {
            authors.push(ticked.to_owned());
        }
    }
    let values = EditorValues {
        kind: kind.as_str().to_owned(),
        title: form.get("title").to_owned(),
        subtitle: form.get("subtitle").to_owned(),
        slug: form.get("slug").to_owned(),
        body: form.get("body").to_owned(),
        excerpt: form.get("excerpt").to_owned(),
        status: form.get("status").to_owned(),
        published_at: form.get("published_at").trim().to_owned(),
        comments_open: form.checked("comments_open"),
        sticky: form.checked("sticky"),
        parent: form.get("parent").trim().to_owned(),
        sections,
        tags: form.get("tags").to_owned(),
        authors,
        base_revision: form.get("base_revision").trim().to_owned(),
        overwrite: form.checked("overwrite"),
        correction: String::new(),
        featured_image: form.get("featured_image").trim().to_owned(),
        featured_image_alt: form.get("featured_image_alt").to_owned(),
        image_alt: form.get("image_alt").to_owned(),
    };
    let mut invalid = InvalidArticle::default();
    let published_at = if values.published_at.is_empty() {
        None
    } else {
        match PrimitiveDateTime::parse(&values.published_at, DATE_INPUT) {
            Ok(moment) => Some(moment.assume_utc()),
            Err(_) => {
                invalid.fields.push((
                    "published_at",
                    "Please give the date as YYYY-MM-DD HH:MM.".into(),
                ));
                None
            }
        }
    };
    let status = ArticleStatus::parse(&values.status);
    if status.is_none() {
        invalid.fields.push((
            "status",
            "Choose draft, pending review, published or private.".into(),
        ));
    }
    let mut parent_id = None;
    if !values.parent.is_empty() {
        match values.parent.parse::<i64>() {
            Ok(id) => parent_id = Some(ArticleId(id)),
            Err(_) => invalid
                .fields
                .push(("parent", "Choose a parent page from the list.".into())),
        }
    }
    let mut section_ids = Vec::new();
    for section in &values.sections {
        match section.parse::<i64>() {
            Ok(id) => section_ids.push(TermId(id)),
            Err(_) => invalid
                .fields
                .push(("sections", "Choose sections from the list.".into())),
        }
    }
    let mut author_ids = Vec::new();
    for author in &values.authors {
        match author.parse::<i64>() {
            Ok(id) => author_ids.push(UserId(id)),
            Err(_) => invalid
                .fields
                .push(("authors", "Choose authors from the list.".into())),
        }
    }
    let input = ArticleInput {
        kind: Some(kind),
        authors: author_ids,
        title: values.title.clone(),
        slug: values.slug.clone(),
        subtitle: values.subtitle.clone(),
        excerpt: values.excerpt.clone(),
        body_markdown: values.body.clone(),
        status,
        published_at,
        comments_open: values.comments_open,
        sticky: values.sticky,
        parent_id,
        sections: section_ids,
        tags: values.tags.split(',').map(str::to_owned).collect(),
        featured_image: values.featured_image.clone(),
        featured_image_alt: values.featured_image_alt.clone(),
    };
    if invalid.fields.is_empty() {
        return (values, Ok(input));
    }
    // Report the other fields' problems in the same round.
    if let Err(more) = input.validate(now) {
        invalid.fields.extend(more.fields);
    }
    (values, Err(invalid))
}

fn error_list(invalid: InvalidArticle) -> Vec<(String, String)> {
    invalid
        .fields
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message))
        .collect()
}

pub async fn create_article(
    State(app): State<App>,
    admin: Admin,
    request: Request,
) -> Result<Response, Response> {
    let AdminUpload { admin, form, file } = read_editor_form(&app, admin, request).await?;
    save_article(&app, &admin, None, form, file)
        .await
        .map_err(IntoResponse::into_response)
}

pub async fn update_article(
    State(app): State<App>,
    Path(id): Path<String>,
    admin: Admin,
    request: Request,
) -> Result<Response, Response> {
    let article = changeable(&app, &admin, &id)
        .await
        .map_err(IntoResponse::into_response)?;
    let AdminUpload { admin, form, file } = read_editor_form(&app, admin, request).await?;
    save_article(&app, &admin, Some(&article), form, file)
        .await
        .map_err(IntoResponse::into_response)
}

/// The editor's form: plain, or with an image chosen in its file field (without script).
async fn read_editor_form(
    app: &App,
    admin: Admin,
    request: Request,
) -> Result<AdminUpload, Response> {
    AdminUpload::read_with_text(app, admin, request, EDITOR_TEXT_LIMIT).await
}

/// The most bytes of one field of the editor's form: a long article's Markdown.
const EDITOR_TEXT_LIMIT: usize = 4 * 1024 * 1024;

/// An image sent with the editor's form goes to the library and its Markdown to the end of
/// the body. `Err` is the field's message and the status to answer with: nothing is saved
/// then, and the editor comes back with everything typed.
async fn take_image(
    app: &App,
    admin: &Admin,
    form: &mut FormFields,
    file: FilePart,
) -> Result<(), (StatusCode, String)> {
    let refused = |problem: UploadProblem| {
        let status = match problem {
            UploadProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            UploadProblem::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        (status, problem.to_string())
    };
    let file = match file {
        FilePart::None => return Ok(()),
        FilePart::TooLarge { size } => {
            return Err(refused(UploadProblem::too_large(
                size,
                app.config.media_max_upload_bytes(),
            )));
        }
        FilePart::Sent(file) => file,
    };
    let upload = Upload {
        bytes: file.bytes,
        name: file.name,
        alt: form.get("image_alt").to_owned(),
    };
    match media::upload(app, &admin.user, upload).await {
        Ok(image) => {
            let markdown = image.markdown();
            match form.0.iter_mut().find(|(name, _)| name == "body") {
                Some((_, body)) => {
                    let trimmed = body.trim_end().len();
                    body.truncate(trimmed);
                    body.push_str(&format!("\n\n{markdown}\n"));
                }
                None => form.0.push(("body".into(), markdown)),
            }
            form.0.retain(|(name, _)| name != "image_alt");
            Ok(())
        }
        Err(UploadError::Refused(problem)) => Err(refused(problem)),
        Err(UploadError::Forbidden(forbidden)) => Err((StatusCode::FORBIDDEN, forbidden.0)),
        Err(UploadError::Store(error)) => {
            tracing::error!(%error, "an image sent with the editor could not be recorded");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "The image could not be stored just now; nothing was saved. Please try again in a moment.".into(),
            ))
        }
        Err(UploadError::Storage(cause)) => {
            tracing::error!(%cause, "an image sent with the editor could not be stored");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "The image could not be stored just now; nothing was saved. Please try again in a moment.".into(),
            ))
        }
    }
}

/// Creates an article or page (`existing` is `None`; the form says which) or replaces one
/// from the editor's form; on a problem, the editor comes back with the messages and
/// everything typed.
async fn save_article(
    app: &App,
    admin: &Admin,
    existing: Option<&Article>,
    mut form: FormFields,
    file: FilePart,
) -> Result<Response, AppError> {
    let form = &mut form;
    if let Err((status, message)) = take_image(app, admin, form, file).await {
        let kind = match existing {
            Some(article) => article.kind,
            None => ArticleKind::parse(form.get("kind")).unwrap_or(ArticleKind::Article),
        };
        let (values, _) = article_from_form(form, kind, app.now());
        let errors = vec![("image".to_owned(), message)];
        return editor(app, admin, status, existing, values, errors, None).await;
    }
    let form = &*form;
    let kind = match existing {
        Some(article) => article.kind,
        None => ArticleKind::parse(form.get("kind")).unwrap_or(ArticleKind::Article),
    };
    let (values, input) = article_from_form(form, kind, app.now());
    // The revision the editor started from; one they chose to save over is not checked.
    let saving = Saving {
        by: Some(admin.user.id),
        based_on: values
            .base_revision
            .parse()
            .ok()
            .map(RevisionId)
            .filter(|_| !values.overwrite),
    };
    let result = match (input, existing) {
        (Ok(input), Some(article)) => {
            articles::update_article_as(app, &admin.user, article.id, input, saving.based_on).await
        }
        (Ok(input), None) => articles::create_article_as(app, &admin.user, input).await,
        (Err(invalid), _) => Err(ArticleError::Invalid(invalid)),
    };
    match result {
        Ok(article) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/articles/{}?notice=Saved.", article.id),
        )),
        Err(ArticleError::Invalid(invalid)) => {
            let errors = error_list(invalid);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            editor(app, admin, status, existing, values, errors, None).await
        }
        Err(ArticleError::EditedSince { by, at }) => {
            let message = format!(
                "This article was edited by {by} at {} since you opened it. Your text is \
                 below, not saved: compare it with theirs under Revisions, then tick “Save \
                 over their changes” to replace them.",
                human_date_time(at)
            );
            let errors = vec![("base_revision".to_owned(), message)];
            let status = StatusCode::CONFLICT;
            editor(app, admin, status, existing, values, errors, None).await
        }
        Err(ArticleError::NotFound) => Err(AppError::NotFound),
        Err(ArticleError::Forbidden(refused)) => Err(AppError::Forbidden {
            message: refused.0,
            kept_text: Some(values.body),
        }),
        Err(ArticleError::Store(error)) => Err(error.into()),
    }
}

pub async fn trash_article(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    let list = admin_list(article.kind);
    match articles::trash_article(&app, &admin.user, article.id).await {
        Ok(_) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "{list}?notice={}",
                url_encode(&format!(
                    "“{}” moved to the trash; it is deleted for good after 30 days.",
                    article.title
                ))
            ),
        )),
        Err(error) => trash_refusal(&article, error),
    }
}

pub async fn restore_article(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    match articles::restore_article(&app, &admin.user, article.id).await {
        Ok(restored) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/articles/{}?notice={}",
                restored.id,
                url_encode("Restored from the trash.")
            ),
        )),
        Err(error) => trash_refusal(&article, error),
    }
}

fn trash_refusal(article: &Article, error: TrashError) -> Result<Response, AppError> {
    match error {
        TrashError::NotFound => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/articles/{}", article.id),
        )),
        TrashError::Refused(message) => Err(AppError::Conflict(message.into())),
        TrashError::Forbidden(refused) => Err(refused.into()),
        TrashError::Store(error) => Err(error.into()),
    }
}
