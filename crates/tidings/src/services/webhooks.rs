//! Webhooks: administrators register URLs for events; each event becomes one delivery per
//! subscribed hook in the database, and a sender on every node takes due deliveries (each
//! by one node, under a lease), signs them, posts them, and records what came back.
//!
//! Delivery is at least once: a node that dies mid-delivery leaves its lease to run out and
//! another node sends the delivery again, so receivers tell repeats by the
//! `X-Tidings-Delivery` id. Deliveries of one hook about one article (or comment) go out in
//! the order they happened.

use crate::app::App;
use crate::services::access::{self, Forbidden};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration as StdDuration;
use tidings_domain::webhook::{self, Event, UnsafeAddress};
use tidings_domain::{Article, Capability, Comment, User};
use tidings_store::{Delivery, DeliveryOutcome, StoreError, Webhook};
use time::format_description::well_known::Rfc3339;

/// The most hooks a site keeps: each event is one row per hook.
pub const MAX_WEBHOOKS: usize = 50;
/// How many deliveries a node takes at once.
const BATCH: u32 = 10;
/// How much of a receiver's answer the log keeps.
const LOGGED_ERROR_CHARS: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Unsafe(#[from] UnsafeAddress),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The sender's settings and its wake-up call.
pub struct WebhookSender {
    wake: tokio::sync::Notify,
    /// Hosts a delivery may reach although they resolve to private addresses.
    allowed_hosts: Vec<String>,
    /// How long a receiver has to answer; the lease on a delivery is this and a margin.
    timeout: StdDuration,
}

impl WebhookSender {
    pub fn new(config: &crate::config::Config) -> WebhookSender {
        // The crypto provider the HTTP client's TLS uses (the one the mail client and the
        // object store already bring); installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        WebhookSender {
            wake: tokio::sync::Notify::new(),
            allowed_hosts: config.webhook_allowed_hosts.clone(),
            timeout: StdDuration::from_secs(config.webhook_timeout_seconds.max(1)),
        }
    }

    fn lease(&self) -> time::Duration {
        time::Duration::seconds(i64::try_from(self.timeout.as_secs()).unwrap_or(30) + 5)
    }
}

/// Registers a hook for `events` (names as [`Event::as_str`] gives them): administrators
/// only, an address that passes the SSRF check now (and again at each delivery).
pub async fn register(
    app: &App,
    actor: &User,
    url: &str,
    events: &[String],
) -> Result<(Webhook, String), WebhookError> {
    access::require(actor, Capability::ManageSite)?;
    let url = webhook::parse_url(url)?;
    let mut chosen = Vec::new();
    for name in events {
        let event = Event::parse(name)
            .ok_or_else(|| WebhookError::Invalid(format!("“{name}” is not an event.")))?;
        if !chosen.contains(&event.as_str()) {
            chosen.push(event.as_str());
        }
    }
    if chosen.is_empty() {
        return Err(WebhookError::Invalid(
            "Choose at least one event to send.".into(),
        ));
    }
    if app.store.webhooks().await?.len() >= MAX_WEBHOOKS {
        return Err(WebhookError::Invalid(format!(
            "A site keeps at most {MAX_WEBHOOKS} webhooks; delete one first."
        )));
    }
    check_destination(&app.webhooks, &url).await?;
    let secret = format!("whsec_{}", crate::security::random_token());
    let hook = app
        .store
        .insert_webhook(url.as_str(), &chosen, &secret, app.now())
        .await?;
    Ok((hook, secret))
}

pub async fn remove(app: &App, actor: &User, id: i64) -> Result<bool, WebhookError> {
    access::require(actor, Capability::ManageSite)?;
    Ok(app.store.delete_webhook(id).await?)
}

/// "Send again": the delivery goes back in the queue, due now.
pub async fn resend(app: &App, actor: &User, delivery: i64) -> Result<bool, WebhookError> {
    access::require(actor, Capability::ManageSite)?;
    let queued = app.store.resend_delivery(delivery, app.now()).await?;
    app.webhooks.wake.notify_one();
    Ok(queued)
}

/// Queues `event` about `subject` for every hook that wants it. A failure to queue is
/// logged, never the reader's or editor's problem: what they did is saved.
pub async fn emit(app: &App, event: Event, subject: &str, data: Value) {
    let payload = json!({
        "event": event.as_str(),
        "created_at": app.now().format(&Rfc3339).unwrap_or_default(),
        "data": data,
    });
    match app
        .store
        .enqueue_webhook_event(event.as_str(), subject, &payload.to_string(), app.now())
        .await
    {
        Ok(0) => {}
        Ok(_) => app.webhooks.wake.notify_one(),
        Err(error) => {
            tracing::error!(%error, event = event.as_str(), subject, "a webhook event could not be queued");
        }
    }
}

/// An article as deliveries describe it (no private fields).
pub fn article_data(app: &App, article: &Article) -> Value {
    json!({
        "article": {
            "id": article.id.0,
            "kind": article.kind.as_str(),
            "title": article.title,
            "slug": article.slug.as_str(),
            "status": article.state(app.now()).as_str(),
            "link": format!("{}{}", app.config.base_url(), article.permalink()),
            "published_at": article.published_at.format(&Rfc3339).unwrap_or_default(),
            "updated_at": article.updated_at.format(&Rfc3339).unwrap_or_default(),
            "excerpt": article.excerpt(),
        }
    })
}

/// A comment as deliveries describe it: what the page shows, its status, never the
/// commenter's email or address.
pub fn comment_data(app: &App, comment: &Comment) -> Value {
    json!({
        "comment": {
            "id": comment.id.0,
            "article_id": comment.article_id.0,
            "parent_id": comment.parent_id.map(|id| id.0),
            "author_name": comment.author_name,
            "author_url": comment.author_url,
            "content": comment.content,
            "status": comment.status.as_str(),
            "created_at": comment.created_at.format(&Rfc3339).unwrap_or_default(),
            "link": format!("{}/comments/{}/", app.config.base_url(), comment.id.0),
        }
    })
}

pub fn article_subject(article: &Article) -> String {
    format!("article:{}", article.id.0)
}

pub fn comment_subject(comment: &Comment) -> String {
    format!("comment:{}", comment.id.0)
}

/// The sender: delivers what is due whenever an event is queued, and every second for
/// retries and for deliveries another node queued or left behind.
pub async fn run(app: App) {
    loop {
        deliver_due(&app).await;
        tokio::select! {
            () = app.webhooks.wake.notified() => {}
            () = tokio::time::sleep(StdDuration::from_secs(1)) => {}
        }
    }
}

/// Takes due deliveries until none is left.
pub async fn deliver_due(app: &App) {
    loop {
        let now = app.now();
        let claimed = match app
            .store
            .claim_deliveries(now, now + app.webhooks.lease(), BATCH)
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "webhook deliveries could not be taken");
                return;
            }
        };
        if claimed.is_empty() {
            return;
        }
        // Each delivery on its own task: a slow receiver does not hold the others past
        // their leases.
        let mut sends = tokio::task::JoinSet::new();
        for delivery in claimed {
            let app = app.clone();
            sends.spawn(async move {
                let outcome = attempt(&app, &delivery).await;
                if let Err(error) = app
                    .store
                    .record_delivery_attempt(delivery.id, app.now(), &outcome)
                    .await
                {
                    tracing::warn!(%error, delivery = delivery.id, "a webhook attempt could not be recorded; its lease will run out and it is sent again");
                }
            });
        }
        while sends.join_next().await.is_some() {}
    }
}

/// One attempt at a delivery: the address checked again (a name may resolve elsewhere
/// now), the body signed, a POST with no redirects followed.
async fn attempt(app: &App, delivery: &Delivery) -> DeliveryOutcome {
    let attempts = delivery.attempts + 1;
    let failed = |status_code: Option<u16>, error: String| DeliveryOutcome {
        delivered: false,
        status_code,
        error: error.chars().take(LOGGED_ERROR_CHARS).collect(),
        retry_at: webhook::retry_delay(attempts).map(|pause| app.now() + pause),
    };
    let url = match webhook::parse_url(&delivery.url) {
        Ok(url) => url,
        Err(error) => return failed(None, error.to_string()),
    };
    let address = match check_destination(&app.webhooks, &url).await {
        Ok(address) => address,
        Err(error) => return failed(None, error.to_string()),
    };
    let timestamp = app.now().unix_timestamp();
    let body = delivery.payload.as_bytes();
    let signature = sign(&delivery.secret, timestamp, body);
    let mut client = object_store_http::Client::builder()
        .redirect(object_store_http::redirect::Policy::none())
        .no_proxy()
        .timeout(app.webhooks.timeout)
        .user_agent(concat!("tidings-webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(host) = url.host_str() {
        client = client.resolve(host, address);
    }
    let client = match client.build() {
        Ok(client) => client,
        Err(error) => return failed(None, format!("the HTTP client could not start: {error}")),
    };
    let sent = client
        .post(url.as_str())
        .header("content-type", "application/json")
        .header("x-tidings-event", &delivery.event)
        .header("x-tidings-delivery", delivery.id.to_string())
        .header(
            "x-tidings-signature",
            format!("t={timestamp},v1={signature}"),
        )
        .body(body.to_vec())
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => DeliveryOutcome {
            delivered: true,
            status_code: Some(response.status().as_u16()),
            error: String::new(),
            retry_at: None,
        },
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            failed(Some(status), format!("answered {status}: {text}"))
        }
        Err(error) if error.is_timeout() => failed(
            None,
            format!(
                "no answer within {} seconds",
                app.webhooks.timeout.as_secs()
            ),
        ),
        Err(error) => failed(None, format!("could not connect: {error}")),
    }
}

/// The address to connect to, if the URL's host may be reached.
async fn check_destination(
    sender: &WebhookSender,
    url: &url::Url,
) -> Result<SocketAddr, UnsafeAddress> {
    let host = url.host_str().ok_or(UnsafeAddress::NotAUrl)?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        _ => tokio::net::lookup_host((host, port))
            .await
            .map(|found| found.map(|address| address.ip()).collect())
            .unwrap_or_default(),
    };
    let address = webhook::checked_address(host, &addresses, &sender.allowed_hosts)?;
    Ok(SocketAddr::new(address, port))
}

/// `v1=`: HMAC-SHA256 of `timestamp.body` under the hook's secret, in hex.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(&webhook::signed_text(timestamp, body));
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        // The same HMAC a receiver computes with any library.
        let one = sign("whsec_k", 1_700_000_000, b"{\"a\":1}");
        assert_eq!(one.len(), 64);
        assert_ne!(one, sign("whsec_k", 1_700_000_001, b"{\"a\":1}"));
        assert_ne!(one, sign("whsec_k", 1_700_000_000, b"{\"a\":2}"));
        assert_ne!(one, sign("whsec_other", 1_700_000_000, b"{\"a\":1}"));
    }
}
