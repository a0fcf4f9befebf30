//! Sections, tags and people: what the site's lists and bylines are made of.

use super::{ApiError, Caller, json_with_etag};
use crate::app::App;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tidings_domain::{Capability, Taxonomy, User, UserId};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TermOut {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// A section's parent section.
    pub parent_id: Option<i64>,
    /// Published articles filed under it.
    pub count: u64,
    pub link: String,
}

#[derive(Serialize, ToSchema)]
pub struct TermList {
    pub items: Vec<TermOut>,
}

/// A person as the API shows them: public fields for anyone, the account's for
/// administrators and for the person themselves.
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub bio: String,
    /// Their author page.
    pub link: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `administrator`, `editor`, `author`, `contributor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserOut>,
}

#[utoipa::path(get, path = "/api/v1/sections", tag = "sections",
    responses((status = 200, body = TermList), (status = 304, description = "Unchanged")))]
pub async fn list_sections(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    terms(&app, &headers, Taxonomy::Section).await
}

#[utoipa::path(get, path = "/api/v1/tags", tag = "tags",
    responses((status = 200, body = TermList), (status = 304, description = "Unchanged")))]
pub async fn list_tags(State(app): State<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    terms(&app, &headers, Taxonomy::Tag).await
}

async fn terms(app: &App, headers: &HeaderMap, taxonomy: Taxonomy) -> Result<Response, ApiError> {
    let base = app.config.base_url();
    let items = app
        .store
        .terms(taxonomy)
        .await?
        .into_iter()
        .map(|used| TermOut {
            id: used.term.id.0,
            link: format!("{base}{}", used.term.permalink()),
            name: used.term.name,
            slug: used.term.slug.to_string(),
            description: used.term.description,
            parent_id: used.term.parent_id.map(|id| id.0),
            count: used.articles,
        })
        .collect();
    Ok(json_with_etag(headers, StatusCode::OK, &TermList { items }))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, description = "For anyone, the people with published articles; for administrators, every account", body = UserList),
              (status = 304, description = "Unchanged")))]
pub async fn list_users(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let administrator = caller.can(Capability::ManageUsers);
    let mut items = Vec::new();
    for user in app.store.all_users().await? {
        if (administrator || crate::services::people::has_published(&app, user.id).await?)
            && let Some(out) = user_out(&app, &caller, &user).await?
        {
            items.push(out);
        }
    }
    Ok(json_with_etag(
        &headers,
        StatusCode::OK,
        &UserList { items },
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 200, body = UserOut), (status = 304, description = "Unchanged"),
              (status = 404, body = super::ErrorBody)))]
pub async fn get_user(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::from(crate::web::AppError::NotFound);
    let id = UserId(id.parse::<i64>().map_err(|_| not_found())?);
    let user = app.store.user_by_id(id).await?.ok_or_else(not_found)?;
    let own = caller.user.as_ref().is_some_and(|me| me.id == user.id);
    if !(own
        || caller.can(Capability::ManageUsers)
        || crate::services::people::has_published(&app, user.id).await?)
    {
        return Err(not_found());
    }
    let out = user_out(&app, &caller, &user)
        .await?
        .ok_or_else(not_found)?;
    Ok(json_with_etag(&headers, StatusCode::OK, &out))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "The account the request is signed in as", body = UserOut),
              (status = 401, body = super::ErrorBody)))]
pub async fn me(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let user = caller.signed_in()?;
    let out = user_out(&app, &caller, user)
        .await?
        .ok_or_else(|| ApiError::from(crate::web::AppError::NotFound))?;
    Ok(json_with_etag(&headers, StatusCode::OK, &out))
}

async fn user_out(app: &App, caller: &Caller, user: &User) -> Result<Option<UserOut>, ApiError> {
    let Some(author) = app.store.author(user.id).await? else {
        return Ok(None);
    };
    let private = caller.can(Capability::ManageUsers)
        || caller.user.as_ref().is_some_and(|me| me.id == user.id);
    Ok(Some(UserOut {
        id: user.id.0,
        name: author.display_name.clone(),
        slug: author.slug.to_string(),
        bio: author.bio.clone(),
        link: format!("{}{}", app.config.base_url(), author.permalink()),
        email: private.then(|| user.email.clone()),
        role: private.then(|| user.role.as_str().to_owned()),
        deactivated: private.then_some(user.deactivated),
    }))
}

/// A new section or tag.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermWrite {
    pub name: String,
    /// Made from the name when empty.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    /// A section's parent section.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<super::WholeNumber>,
}

#[utoipa::path(post, path = "/api/v1/sections", tag = "sections", request_body = TermWrite,
    security(("application_password" = []), ("session" = [])),
    responses((status = 201, body = TermOut), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_section(
    State(app): State<App>,
    caller: Caller,
    super::ApiJson(write): super::ApiJson<TermWrite>,
) -> Result<Response, ApiError> {
    create_term(&app, &caller, write, Taxonomy::Section).await
}

#[utoipa::path(post, path = "/api/v1/tags", tag = "tags", request_body = TermWrite,
    security(("application_password" = []), ("session" = [])),
    responses((status = 201, body = TermOut), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_tag(
    State(app): State<App>,
    caller: Caller,
    super::ApiJson(write): super::ApiJson<TermWrite>,
) -> Result<Response, ApiError> {
    create_term(&app, &caller, write, Taxonomy::Tag).await
}

async fn create_term(
    app: &App,
    caller: &Caller,
    write: TermWrite,
    taxonomy: Taxonomy,
) -> Result<Response, ApiError> {
    use crate::services::terms::{self, TermError};
    let user = caller.signed_in()?.clone();
    let input = tidings_domain::term::TermInput {
        name: write.name,
        slug: write.slug,
        description: write.description,
        parent_id: write
            .parent_id
            .filter(|id| id.0 > 0)
            .map(|id| tidings_domain::TermId(id.0)),
    };
    let term = match terms::create_term(app, &user, taxonomy, input).await {
        Ok(term) => term,
        Err(TermError::Invalid(fields)) => {
            return Err(ApiError::invalid(
                fields
                    .into_iter()
                    .map(|(field, message)| (field.to_owned(), message)),
            ));
        }
        Err(TermError::Forbidden(refused)) => return Err(refused.into()),
        Err(TermError::NotFound) => return Err(crate::web::AppError::NotFound.into()),
        Err(TermError::Refused(why)) => {
            return Err(ApiError::new(StatusCode::CONFLICT, "conflict", why));
        }
        Err(TermError::Store(error)) => return Err(error.into()),
    };
    let out = TermOut {
        id: term.id.0,
        link: format!("{}{}", app.config.base_url(), term.permalink()),
        name: term.name,
        slug: term.slug.to_string(),
        description: term.description,
        parent_id: term.parent_id.map(|id| id.0),
        count: 0,
    };
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}
