//! `/wp/v2/users`: public profiles of the people with published posts, whole accounts for
//! administrators and for oneself.

use super::{Params, WpCaller, WpError, paged, rest_url};
use crate::app::App;
use crate::web::api::Caller;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tidings_domain::{Author, Capability, User, UserId};

fn not_found() -> WpError {
    WpError::new(
        StatusCode::NOT_FOUND,
        "rest_user_invalid_id",
        "Invalid user ID.",
    )
}

pub async fn list_users(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let page = params.number("page", 1, u32::MAX)?;
    let per_page = params.number("per_page", 10, 100)?;
    let editing = params.editing(&caller)?;
    let administrator = caller.can(Capability::ManageUsers);
    let include = params.ids("include")?;
    let slugs = params.list("slug");
    let words = params
        .get("search")
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty());
    let mut people = Vec::new();
    for user in app.store.all_users().await? {
        if !(administrator || crate::services::people::has_published(&app, user.id).await?) {
            continue;
        }
        let Some(author) = app.store.author(user.id).await? else {
            continue;
        };
        let wanted = (include.is_empty() || include.contains(&user.id.0))
            && (slugs.is_empty() || slugs.iter().any(|slug| slug == author.slug.as_str()))
            && words.as_ref().is_none_or(|words| {
                author.display_name.to_lowercase().contains(words)
                    || author.slug.as_str().contains(words.as_str())
            });
        if wanted {
            people.push((user, author));
        }
    }
    match params.get("orderby").unwrap_or("name") {
        "name" => people.sort_by_key(|(_, author)| author.display_name.to_lowercase()),
        "id" | "include" | "registered_date" => people.sort_by_key(|(user, _)| user.id.0),
        "slug" => people.sort_by(|a, b| a.1.slug.as_str().cmp(b.1.slug.as_str())),
        _ => {
            return Err(WpError::invalid_param(
                "orderby",
                "orderby is not one of id, include, name, registered_date, slug.",
            ));
        }
    }
    if !params.ascending(true)? {
        people.reverse();
    }
    let total = people.len() as u64;
    let items: Vec<Value> = people
        .iter()
        .skip(((page - 1) as usize).saturating_mul(per_page as usize))
        .take(per_page as usize)
        .map(|(user, author)| user_json(&app, &caller, user, author, editing))
        .collect();
    paged(&app, "/wp/v2/users", items, total, page, per_page, &params)
}

pub async fn get_user(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let editing = params.editing(&caller)?;
    let id = UserId(id.parse::<i64>().map_err(|_| not_found())?);
    let user = app.store.user_by_id(id).await?.ok_or_else(not_found)?;
    let own = caller.user.as_ref().is_some_and(|me| me.id == id);
    if !(own
        || caller.can(Capability::ManageUsers)
        || crate::services::people::has_published(&app, id).await?)
    {
        return Err(not_found());
    }
    let author = app.store.author(id).await?.ok_or_else(not_found)?;
    let value = user_json(&app, &caller, &user, &author, editing);
    Ok(super::answer(StatusCode::OK, &value, &params))
}

pub async fn me(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let user = caller.user.as_ref().ok_or_else(|| {
        WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_not_logged_in",
            "You are not currently logged in.",
        )
    })?;
    let author = app.store.author(user.id).await?.ok_or_else(not_found)?;
    let value = user_json(&app, &caller, user, &author, params.editing(&caller)?);
    Ok(super::answer(StatusCode::OK, &value, &params))
}

fn user_json(app: &App, caller: &Caller, user: &User, author: &Author, editing: bool) -> Value {
    let mut value = author_json(app, author);
    value["avatar_urls"] = super::posts::person_avatar(app, &user.email, author);
    let private = caller.can(Capability::ManageUsers)
        || caller.user.as_ref().is_some_and(|me| me.id == user.id);
    if editing && private {
        value["username"] = json!(user.email);
        value["email"] = json!(user.email);
        value["roles"] = json!([user.role.as_str()]);
    }
    value
}

/// A person as WordPress shows one (also under a post's `_embedded.author`).
pub fn author_json(app: &App, author: &Author) -> Value {
    let id = author.id.0;
    json!({
        "id": id,
        "name": author.display_name,
        "url": "",
        "description": author.bio,
        "link": format!("{}{}", app.config.base_url(), author.permalink()),
        "slug": author.slug.as_str(),
        "meta": [],
        "_links": {
            "self": [{"href": rest_url(app, &format!("/wp/v2/users/{id}"))}],
            "collection": [{"href": rest_url(app, "/wp/v2/users")}],
        },
    })
}
