//! What the people who run the site point their tools at: `/healthz` and `/readyz` for
//! load balancers and orchestrators, `/metrics` for Prometheus, and the layer that gives
//! every request an id, one log line and its place in the metrics.
//!
//! None of them says anything about the site's content or its readers: the health answers
//! are one word, and `/metrics` is not served at all unless `metrics_token` or
//! `metrics_allowed` is set.

use crate::app::App;
use crate::metrics::{Metrics, Snapshot};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The header that carries a request's id, in and out.
pub const REQUEST_ID: &str = "x-request-id";
/// How long `/readyz` waits for the database before it says "not ready".
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// `/healthz`: the process is up and answering. It says nothing of the database (that is
/// `/readyz`), so an orchestrator does not restart a node that waits for its database.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n")
}

/// `/readyz`: the database answers and its schema is the one this program knows (a node
/// started before a migration ran, or one whose database was found damaged, is not
/// ready).
pub async fn readyz(State(app): State<App>) -> Response {
    let ready = app.health.damaged.get().is_none()
        && matches!(
            tokio::time::timeout(READY_TIMEOUT, app.store.schema_is_current()).await,
            Ok(Ok(true))
        );
    if ready {
        plain(StatusCode::OK, "ready\n")
    } else {
        plain(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// `/metrics`, for a Prometheus server with the token or from an allowed address.
pub async fn metrics(State(app): State<App>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let config = &app.config;
    if config.metrics_token.is_none() && config.metrics_allowed.is_empty() {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    }
    let from_allowed = crate::web::extract::client_ip(&parts, &app)
        .parse::<std::net::IpAddr>()
        .is_ok_and(|address| config.metrics_allowed.contains(&address));
    let with_token = config.metrics_token.as_deref().is_some_and(|token| {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| {
                subtle::ConstantTimeEq::ct_eq(given.trim().as_bytes(), token.as_bytes()).into()
            })
    });
    if !(from_allowed || with_token) {
        if config.metrics_token.is_some() {
            let mut response = plain(
                StatusCode::UNAUTHORIZED,
                "/metrics needs the metrics token: Authorization: Bearer TOKEN\n",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            );
            return response;
        }
        return plain(
            StatusCode::FORBIDDEN,
            "/metrics answers only the addresses in metrics_allowed\n",
        );
    }
    let now = app.now();
    let mailer = app.mailer.clone();
    let mail = tokio::task::spawn_blocking(move || mailer.state(now)).await;
    let webhook_due = app.store.oldest_due_delivery(now).await;
    let (mail_queued, mail_failed, mail_lag_seconds) = match mail {
        Ok(state) => (state.queued, state.failed, state.lag_seconds as f64),
        Err(_) => (0, 0, 0.0),
    };
    let webhook_lag_seconds = match webhook_due {
        Ok(Some(due)) => (now.unix_timestamp() - due).max(0) as f64,
        Ok(None) => 0.0,
        Err(error) => {
            tracing::warn!(%error, "reading the webhook queue for /metrics");
            0.0
        }
    };
    let text = app.metrics.encode(&Snapshot {
        mail_queued,
        mail_failed,
        mail_lag_seconds,
        webhook_lag_seconds,
        pools: app.store.connection_pools(),
    });
    let mut response = (StatusCode::OK, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Marks an answer meant for a machine, which the themed error pages leave as it is.
#[derive(Clone, Copy)]
pub struct MachineAnswer;

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response.extensions_mut().insert(MachineAnswer);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Every request: its id (the one a proxy in front sent, when it is a plain token, or a
/// new one), sent back in `X-Request-Id` and carried by every log line written while it
/// is served; one log line when it is answered; and its count and time in the metrics.
///
/// The log line and the metrics name the route's template (`/comments/{id}/edit`), never
/// the address asked for: addresses carry tokens (a subscription link, a signed pending
/// comment) that must not reach a log.
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_plain_id(value))
        .map_or_else(
            || crate::security::random_token()[..16].to_owned(),
            str::to_owned,
        );
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || "/{*page}".to_owned(),
        |matched| matched.as_str().to_owned(),
    );
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics.record_request(method, &route, status, elapsed.as_secs_f64());
    if let Some(outcome) = response
        .headers()
        .get("x-cache")
        .and_then(|value| value.to_str().ok())
    {
        metrics.record_page_cache(outcome);
    }
    span.in_scope(|| {
        tracing::info!(
            method,
            route = %route,
            status,
            micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            "answered"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// An id a proxy may hand on: 1 to 64 letters, digits, `-`, `_` or `.` (anything else,
/// which could forge a log line, is replaced).
fn is_plain_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// The methods the metrics name; any other is `other`, so a client inventing methods
/// cannot grow the series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_ids_are_handed_on() {
        assert!(super::is_plain_id("7f3a-req.1_b"));
        assert!(!super::is_plain_id(""));
        assert!(!super::is_plain_id("a b"));
        assert!(!super::is_plain_id("line\nforged=1"));
        assert!(!super::is_plain_id(&"x".repeat(65)));
    }
}
