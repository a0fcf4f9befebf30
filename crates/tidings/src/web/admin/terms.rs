//! The Sections and Tags screens: a list with a form to add one, an edit form per term
//! (rename, re-slug, describe, re-file), merge and delete.

use crate::app::App;
use crate::render::views::admin::{Choice, TermRow, TermValues, TermsPage};
use crate::services::terms::{self, TermError};
use crate::services::{access, site};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm, FormFields};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::term::{TermInput, as_tree, header_menu};
use tidings_domain::{Capability, Taxonomy, Term, TermId};

use super::{chrome, query_value, render, url_encode};

fn base(taxonomy: Taxonomy) -> &'static str {
    match taxonomy {
        Taxonomy::Section => "/admin/sections",
        Taxonomy::Tag => "/admin/tags",
    }
}

pub async fn list_sections(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let notice = query_value(&query, "notice");
    screen(&app, &admin, Taxonomy::Section, None, Form::blank(), notice).await
}

pub async fn list_tags(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let notice = query_value(&query, "notice");
    screen(&app, &admin, Taxonomy::Tag, None, Form::blank(), notice).await
}

pub async fn edit_section(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    edit(&app, &admin, Taxonomy::Section, &id).await
}

pub async fn edit_tag(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    edit(&app, &admin, Taxonomy::Tag, &id).await
}

pub async fn create_section(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    save(&app, &admin, Taxonomy::Section, None, &form).await
}

pub async fn create_tag(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    save(&app, &admin, Taxonomy::Tag, None, &form).await
}

pub async fn update_section(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let term = find(&app, Taxonomy::Section, &id).await?;
    save(&app, &admin, Taxonomy::Section, Some(&term), &form).await
}

pub async fn update_tag(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let term = find(&app, Taxonomy::Tag, &id).await?;
    save(&app, &admin, Taxonomy::Tag, Some(&term), &form).await
}

pub async fn merge_section(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    merge(&app, &admin, Taxonomy::Section, &id, &form).await
}

pub async fn merge_tag(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    merge(&app, &admin, Taxonomy::Tag, &id, &form).await
}

/// `POST /admin/sections/menu`: the sections the header's menu shows, in the list's order.
pub async fn save_menu(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    access::require(&admin.user, Capability::ManageTerms)?;
    let sections = app.store.all_sections().await?;
    let chosen: Vec<TermId> = form
        .all("menu")
        .filter_map(|id| id.trim().parse::<i64>().ok().map(TermId))
        .filter(|id| sections.iter().any(|section| section.id == *id))
        .collect();
    // In the order the list shows them (the tree, by name).
    let ordered: Vec<TermId> = as_tree(&sections)
        .into_iter()
        .map(|(section, _)| section.id)
        .filter(|id| chosen.contains(id))
        .collect();
    site::save_menu(&app, &ordered).await?;
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/sections?notice={}", url_encode("Menu saved.")),
    ))
}

pub async fn delete_section(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    delete(&app, &admin, Taxonomy::Section, &id).await
}

pub async fn delete_tag(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    delete(&app, &admin, Taxonomy::Tag, &id).await
}

/// What the form on the screen holds: blank, a term to edit, or what was typed.
struct Form {
    values: TermValues,
    errors: Vec<(String, String)>,
    status: StatusCode,
}

impl Form {
    fn blank() -> Form {
        Form {
            values: TermValues::default(),
            errors: Vec::new(),
            status: StatusCode::OK,
        }
    }

    fn refused(values: TermValues, errors: Vec<(&'static str, String)>) -> Form {
        Form {
            values,
            errors: errors
                .into_iter()
                .map(|(field, message)| (field.to_owned(), message))
                .collect(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

async fn find(app: &App, taxonomy: Taxonomy, id: &str) -> Result<Term, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .term_by_id(TermId(id))
        .await?
        .filter(|term| term.taxonomy == taxonomy)
        .ok_or(AppError::NotFound)
}

async fn edit(
    app: &App,
    admin: &Admin,
    taxonomy: Taxonomy,
    id: &str,
) -> Result<Response, AppError> {
    let term = find(app, taxonomy, id).await?;
    let form = Form {
        values: TermValues {
            name: term.name.clone(),
            slug: term.slug.to_string(),
            description: term.description.clone(),
            parent: term
                .parent_id
                .map(|id| id.0.to_string())
                .unwrap_or_default(),
        },
        ..Form::blank()
    };
    screen(app, admin, taxonomy, Some(&term), form, None).await
}

async fn screen(
    app: &App,
    admin: &Admin,
    taxonomy: Taxonomy,
    editing: Option<&Term>,
    form: Form,
    notice: Option<String>,
) -> Result<Response, AppError> {
    access::require(&admin.user, Capability::ManageTerms)?;
    let used = app.store.terms(taxonomy).await?;
    let default = app.store.default_section().await?;
    let menu: Vec<TermId> = if taxonomy == Taxonomy::Section {
        let sections: Vec<Term> = used.iter().map(|used| used.term.clone()).collect();
        let chosen = site::chosen_menu(app).await?;
        header_menu(&sections, chosen.as_deref(), default)
            .into_iter()
            .map(|section| section.id)
            .collect()
    } else {
        Vec::new()
    };
    let terms: Vec<Term> = used.iter().map(|used| used.term.clone()).collect();
    let rows = as_tree(&terms)
        .into_iter()
        .map(|(term, depth)| TermRow {
            id: term.id.0,
            name: term.name.clone(),
            slug: term.slug.to_string(),
            description: term.description.clone(),
            depth,
            articles: used
                .iter()
                .find(|used| used.term.id == term.id)
                .map_or(0, |used| used.articles),
            permalink: term.permalink(),
            is_default: taxonomy == Taxonomy::Section && term.id == default,
            in_menu: menu.contains(&term.id),
        })
        .collect::<Vec<_>>();
    let editing_id = editing.map(|term| term.id);
    let choice = |row: &TermRow, selected: bool| Choice {
        value: row.id.to_string(),
        label: row.name.clone(),
        depth: row.depth,
        selected,
    };
    let parent_choices = if taxonomy == Taxonomy::Section {
        rows.iter()
            .filter(|row| Some(TermId(row.id)) != editing_id)
            .map(|row| choice(row, form.values.parent == row.id.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let merge_choices = rows
        .iter()
        .filter(|row| Some(TermId(row.id)) != editing_id)
        .map(|row| choice(row, false))
        .collect();
    let (heading, section) = match taxonomy {
        Taxonomy::Section => ("Sections", "sections"),
        Taxonomy::Tag => ("Tags", "tags"),
    };
    let page = TermsPage {
        chrome: chrome(app, admin, section, notice).await?,
        taxonomy: taxonomy.as_str(),
        heading,
        base: base(taxonomy),
        rows,
        values: form.values,
        errors: form.errors,
        editing: editing_id.map(|id| id.0),
        parent_choices,
        merge_choices,
    };
    render(app, form.status, "admin/terms.html", page)
}

async fn save(
    app: &App,
    admin: &Admin,
    taxonomy: Taxonomy,
    existing: Option<&Term>,
    form: &FormFields,
) -> Result<Response, AppError> {
    let values = TermValues {
        name: form.get("name").to_owned(),
        slug: form.get("slug").to_owned(),
        description: form.get("description").to_owned(),
        parent: form.get("parent").trim().to_owned(),
    };
    let parent_id = match values.parent.as_str() {
        "" => None,
        typed => match typed.parse::<i64>() {
            Ok(id) => Some(TermId(id)),
            Err(_) => {
                let errors = vec![("parent", "Choose a parent from the list.".to_owned())];
                let form = Form::refused(values, errors);
                return screen(app, admin, taxonomy, existing, form, None).await;
            }
        },
    };
    let input = TermInput {
        name: values.name.clone(),
        slug: values.slug.clone(),
        description: values.description.clone(),
        parent_id,
    };
    let result = match existing {
        Some(term) => terms::update_term(app, &admin.user, taxonomy, term.id, input).await,
        None => terms::create_term(app, &admin.user, taxonomy, input).await,
    };
    match result {
        Ok(term) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "{}?notice={}",
                base(taxonomy),
                url_encode(&format!("Saved “{}”.", term.name))
            ),
        )),
        Err(TermError::Invalid(errors)) => {
            let form = Form::refused(values, errors);
            screen(app, admin, taxonomy, existing, form, None).await
        }
        Err(error) => Err(term_error(error)),
    }
}

async fn merge(
    app: &App,
    admin: &Admin,
    taxonomy: Taxonomy,
    id: &str,
    form: &FormFields,
) -> Result<Response, AppError> {
    let term = find(app, taxonomy, id).await?;
    let into = form.get("into").trim().parse::<i64>().ok().map(TermId);
    let target = match into {
        Some(into) => app
            .store
            .term_by_id(into)
            .await?
            .filter(|target| target.taxonomy == taxonomy),
        None => None,
    };
    let Some(target) = target else {
        let errors = vec![("into", "Choose what to merge it into.".to_owned())];
        let form = Form::refused(TermValues::default(), errors);
        return screen(app, admin, taxonomy, Some(&term), form, None).await;
    };
    match terms::merge_terms(app, &admin.user, term.id, target.id).await {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "{}?notice={}",
                base(taxonomy),
                url_encode(&format!("“{}” merged into “{}”.", term.name, target.name))
            ),
        )),
        Err(TermError::Invalid(errors)) => {
            let form = Form::refused(TermValues::default(), errors);
            screen(app, admin, taxonomy, Some(&term), form, None).await
        }
        Err(error) => Err(term_error(error)),
    }
}

async fn delete(
    app: &App,
    admin: &Admin,
    taxonomy: Taxonomy,
    id: &str,
) -> Result<Response, AppError> {
    let term = find(app, taxonomy, id).await?;
    match terms::delete_term(app, &admin.user, term.id).await {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "{}?notice={}",
                base(taxonomy),
                url_encode(&format!("Deleted “{}”.", term.name))
            ),
        )),
        Err(error) => Err(term_error(error)),
    }
}

fn term_error(error: TermError) -> AppError {
    match error {
        TermError::NotFound => AppError::NotFound,
        TermError::Refused(message) => AppError::Conflict(message.into()),
        TermError::Forbidden(refused) => refused.into(),
        TermError::Invalid(errors) => AppError::BadRequest(
            errors
                .into_iter()
                .map(|(_, message)| message)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        TermError::Store(error) => error.into(),
    }
}
