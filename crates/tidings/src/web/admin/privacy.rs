//! Personal data: everything stored about one email address, exported or erased.

use crate::app::App;
use crate::render::views::admin::PrivacyPage;
use crate::services::comments::{self};
use crate::web::error::AppError;
use crate::web::public::redirect;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{chrome, query_value, render};
use crate::web::extract::{Administrator, AdministratorForm};

pub async fn show_privacy(
    State(app): State<App>,
    Administrator(admin): Administrator,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let page = PrivacyPage {
        chrome: chrome(&app, &admin, "privacy", query_value(&query, "notice")).await?,
        email: String::new(),
        error: None,
    };
    render(&app, StatusCode::OK, "admin/privacy.html", page)
}

pub async fn privacy_request(
    State(app): State<App>,
    AdministratorForm { admin, form }: AdministratorForm,
) -> Result<Response, AppError> {
    let email = form.get("email").trim().to_owned();
    if !email.contains('@') || email.len() > tidings_domain::comment::MAX_EMAIL_CHARS {
        let page = PrivacyPage {
            chrome: chrome(&app, &admin, "privacy", None).await?,
            email,
            error: Some("Please enter the commenter’s email address.".into()),
        };
        return render(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/privacy.html",
            page,
        );
    }
    if form.get("do") == "erase" {
        let erased = comments::erase_personal_data(&app, &email).await?;
        let notice = format!(
            "Erased: {} comment(s) anonymised, {} subscription(s) deleted.",
            erased.comments, erased.subscriptions
        );
        return Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/privacy?notice={}",
                form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
            ),
        ));
    }
    let export = comments::export_personal_data(&app, &email).await?;
    let name: String = email
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!(
                    "attachment; filename=\"personal-data-{name}.json\""
                ))
                .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        export,
    )
        .into_response())
}
