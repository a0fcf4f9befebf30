//! "Webhooks", for administrators: the addresses told of events, each with its signing
//! secret and the log of its deliveries, any of which can be sent again.

use crate::app::App;
use crate::render::views::admin::{
    DeliveryRow, EventChoice, WebhookPage, WebhookRow, WebhooksPage,
};
use crate::render::views::human_date_time;
use crate::services::webhooks::{self, WebhookError};
use crate::web::error::AppError;
use crate::web::extract::{Administrator, AdministratorForm};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::webhook::Event;

use super::{chrome, query_value, render, url_encode};

/// Deliveries a hook's page lists.
const LOGGED: u32 = 100;

pub async fn list_webhooks(
    State(app): State<App>,
    Administrator(admin): Administrator,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let notice = query_value(&query, "notice");
    page(
        &app,
        &admin,
        StatusCode::OK,
        notice,
        String::new(),
        &[],
        None,
    )
    .await
}

async fn page(
    app: &App,
    admin: &crate::web::extract::Admin,
    status: StatusCode,
    notice: Option<String>,
    url: String,
    chosen: &[String],
    error: Option<String>,
) -> Result<Response, AppError> {
    let hooks = app
        .store
        .webhooks()
        .await?
        .into_iter()
        .map(|hook| WebhookRow {
            id: hook.id,
            url: hook.url,
            events: hook.events.join(", "),
            created: human_date_time(hook.created_at),
        })
        .collect();
    let view = WebhooksPage {
        chrome: chrome(app, admin, "webhooks", notice).await?,
        hooks,
        events: Event::ALL
            .iter()
            .map(|event| EventChoice {
                name: event.as_str(),
                description: event.description(),
                checked: chosen.iter().any(|name| name == event.as_str()),
            })
            .collect(),
        url,
        error,
    };
    render(app, status, "admin/webhooks.html", view)
}

pub async fn create_webhook(
    State(app): State<App>,
    AdministratorForm { admin, form }: AdministratorForm,
) -> Result<Response, AppError> {
    let url = form.get("url").to_owned();
    let events: Vec<String> = form.all("events").map(str::to_owned).collect();
    match webhooks::register(&app, &admin.user, &url, &events).await {
        Ok((hook, _)) => {
            let notice = url_encode("The webhook was added. Its signing secret is below.");
            Ok(redirect(
                StatusCode::SEE_OTHER,
                &format!("/admin/webhooks/{}?notice={notice}", hook.id),
            ))
        }
        Err(WebhookError::Store(error)) => Err(error.into()),
        Err(WebhookError::Forbidden(refused)) => Err(refused.into()),
        Err(error) => {
            let message = Some(error.to_string());
            page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                url,
                &events,
                message,
            )
            .await
        }
    }
}

pub async fn show_webhook(
    State(app): State<App>,
    Administrator(admin): Administrator,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let hook = app
        .store
        .webhook_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let deliveries = app
        .store
        .deliveries_of(id, LOGGED)
        .await?
        .into_iter()
        .map(|delivery| DeliveryRow {
            id: delivery.id,
            event: delivery.event,
            subject: delivery.subject,
            status: delivery.status,
            attempts: delivery.attempts,
            created: human_date_time(delivery.created_at),
            last_attempt: delivery.last_attempt_at.map(human_date_time),
            next_attempt: human_date_time(delivery.next_attempt_at),
            response_code: delivery.last_status_code,
            error: delivery.last_error,
            payload: delivery.payload,
        })
        .collect();
    let view = WebhookPage {
        chrome: chrome(&app, &admin, "webhooks", query_value(&query, "notice")).await?,
        id: hook.id,
        url: hook.url,
        events: hook.events.join(", "),
        secret: hook.secret,
        deliveries,
    };
    render(&app, StatusCode::OK, "admin/webhook.html", view)
}

pub async fn delete_webhook(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdministratorForm { admin, .. }: AdministratorForm,
) -> Result<Response, AppError> {
    match webhooks::remove(&app, &admin.user, id).await {
        Ok(true) => Ok(redirect(
            StatusCode::SEE_OTHER,
            "/admin/webhooks?notice=The%20webhook%20was%20deleted%2C%20with%20its%20log.",
        )),
        Ok(false) => Err(AppError::NotFound),
        Err(WebhookError::Forbidden(refused)) => Err(refused.into()),
        Err(WebhookError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::BadRequest(other.to_string())),
    }
}

pub async fn resend_delivery(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdministratorForm { admin, .. }: AdministratorForm,
) -> Result<Response, AppError> {
    let delivery = app
        .store
        .delivery_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    match webhooks::resend(&app, &admin.user, id).await {
        Ok(true) => {
            let notice = url_encode(&format!("Delivery {id} is queued to be sent again."));
            Ok(redirect(
                StatusCode::SEE_OTHER,
                &format!("/admin/webhooks/{}?notice={notice}", delivery.webhook_id),
            ))
        }
        Ok(false) => Err(AppError::NotFound),
        Err(WebhookError::Forbidden(refused)) => Err(refused.into()),
        Err(WebhookError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::BadRequest(other.to_string())),
    }
}
