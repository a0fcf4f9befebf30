//! The HTTP layer: the route table, extractors, thin handlers, and the error responses.
//! It calls services and renders views; it never names a database backend.

mod admin;
mod api;
mod discussion;
mod error;
mod extract;
pub mod operations;
pub mod page_cache;
mod public;
mod router;
pub mod server;
mod wordpress_api;

pub use error::AppError;
pub use router::{admin_routes, router};

use crate::app::App;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves the site on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Work no request waits for: sending queued mail and webhooks, hourly housekeeping, and
    // scheduled backups.
    let mail = tokio::spawn(app.mailer.clone().run(app.clock.clone(), app.store.clone()));
    let housekeeping = tokio::spawn(crate::services::housekeeping::run(app.clone()));
    let webhooks = tokio::spawn(crate::services::webhooks::run(app.clone()));
    let backups = tokio::spawn(crate::services::backups::run(app.clone()));
    let limits = app.config.connection_limits();
    let served = server::serve(listener, router(app.clone()), limits, shutdown).await;
    // The message being handed to the mail server is recorded before the sender stops,
    // and mail held in memory (a full disk) is written to the queue if it now fits.
    if tokio::time::timeout(std::time::Duration::from_secs(10), app.mailer.stop())
        .await
        .is_err()
    {
        tracing::warn!(
            "the mail sender did not stop within 10 seconds; its message will be retried"
        );
    }
    mail.abort();
    housekeeping.abort();
    webhooks.abort();
    backups.abort();
    served
}
