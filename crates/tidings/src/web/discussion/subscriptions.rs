//! Confirming and ending subscriptions, from the links in their mail.

use crate::app::App;
use crate::render::views::discussion::MessageForm;
use crate::render::views::{self};
use crate::services::notify;
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{message, show};

fn token_is_plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|byte| byte.is_ascii_hexdigit())
}

pub async fn show_subscription_step(
    State(app): State<App>,
    Path((token, step)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !token_is_plausible(&token) || !matches!(step.as_str(), "confirm" | "unsubscribe") {
        return Err(AppError::NotFound);
    }
    let mut page = if step == "confirm" {
        message(
            &app,
            "Confirm your subscription",
            &["Confirm that you want mail about new comments."],
        )
    } else {
        message(
            &app,
            "Unsubscribe",
            &["Stop the mail about new comments that this link was sent with."],
        )
    };
    let mut choices = Vec::new();
    if step == "confirm" {
        let Some(request) = notify::confirmation_request(&app, &token).await? else {
            let page = message(
                &app,
                "This subscription no longer exists",
                &["It was cancelled, or the link is not complete."],
            );
            return show(&app, StatusCode::NOT_FOUND, &page);
        };
        let what = |subscription: &tidings_store::Subscription, title: &str| {
            if subscription.comment_id.is_some() {
                format!("replies to your comment on “{title}”")
            } else {
                format!("new comments on “{title}”")
            }
        };
        page.paragraphs = vec![format!(
            "Confirm that you want mail about {}.",
            what(
                &request.subscription,
                request.article_title.as_deref().unwrap_or("an article")
            )
        )];
        if !request.also_waiting.is_empty() {
            page.paragraphs.push(
                "This address also asked for the mail below, which waits for you to choose it (at most one confirmation mail a day is sent to an address):".into(),
            );
        }
        choices = request
            .also_waiting
            .iter()
            .map(|(subscription, title)| {
                (
                    "also".to_owned(),
                    subscription.token.clone(),
                    format!(
                        "{} (asked {})",
                        what(subscription, title),
                        views::human_date_time(subscription.created_at)
                    ),
                )
            })
            .collect();
    }
    page.form = Some(MessageForm {
        action: format!("/subscriptions/{token}/{step}"),
        fields: Vec::new(),
        choices,
        button: if step == "confirm" {
            "Confirm my subscription".into()
        } else {
            "Unsubscribe".into()
        },
    });
    show(&app, StatusCode::OK, &page)
}

/// Confirms or ends a subscription. Mail clients that honour RFC 8058 post here directly
/// (`List-Unsubscribe=One-Click`), without showing a page.
pub async fn do_subscription_step(
    State(app): State<App>,
    Path((token, step)): Path<(String, String)>,
    form: Option<FormFields>,
) -> Result<Response, AppError> {
    if !token_is_plausible(&token) {
        return Err(AppError::NotFound);
    }
    let also: Vec<&str> = form
        .as_ref()
        .map(|form| {
            form.all("also")
                .filter(|token| token_is_plausible(token))
                .collect()
        })
        .unwrap_or_default();
    let page = match step.as_str() {
        "confirm" => match notify::confirm(&app, &token, &also).await? {
            Some((subscription, count)) => {
                let mut page = message(
                    &app,
                    if count > 1 {
                        "Subscriptions confirmed"
                    } else {
                        "Subscription confirmed"
                    },
                    &["You will get mail about new comments. Every mail has a link to stop it."],
                );
                if let Some(article) = app.store.article_by_id(subscription.article_id).await? {
                    page.back_url = Some(article.permalink());
                    page.back_label = format!("Back to “{}”", article.title);
                }
                page
            }
            None => message(
                &app,
                "This subscription no longer exists",
                &["It was cancelled, or the link is not complete."],
            ),
        },
        "unsubscribe" => {
            notify::unsubscribe(&app, &token).await?;
            message(
                &app,
                "You are unsubscribed",
                &["No more mail will be sent for this subscription."],
            )
        }
        _ => return Err(AppError::NotFound),
    };
    show(&app, StatusCode::OK, &page)
}
