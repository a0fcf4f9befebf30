//! The store contract: what every backend must do, tested through `&dyn Store`. Every case
//! runs on SQLite, and on PostgreSQL too when `TEST_DATABASE_URL` names a server
//! (`scripts/with-postgres` starts one); each case gets a fresh database or schema.

#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should stop the test loudly"
)]

/// One `#[tokio::test]` per case, running it on every backend.
macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        mod cases {
            $(
                #[tokio::test]
                async fn $case() {
                    for fixture in crate::support::stores().await {
                        super::$case(fixture.store.as_ref()).await;
                    }
                }
            )*
        }
    };
}

mod support;

mod accounts;
mod app_passwords;
mod articles;
mod authors;
mod comments;
mod desk;
mod discussion;
mod imports;
mod mail;
mod media;
mod newsroom;
mod reading;
mod revisions;
mod schema;
mod search;
mod site;
mod sitemaps;
mod staff_security;
mod webhooks;
