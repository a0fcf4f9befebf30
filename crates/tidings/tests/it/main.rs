//! The one integration-test binary (one link on a two-core machine instead of one per file).
//! Every test drives a real server on 127.0.0.1 over HTTP, with a real SQLite file in a
//! temporary folder.

#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions unwrap too: a failure should stop the test loudly"
)]

/// `TestApp`, readers, moderators and fixture builders.
mod support;

/// Signing in, CSRF, the moderation queue, the article editor, the settings page.
mod admin;
mod api;
mod api_schema;
/// Backups taken under load, verified, restored, scheduled and shown.
mod backups;
/// Each rule a submitted comment is checked against, with its status and message.
mod comment_rules;
/// Acknowledged comments survive SIGKILL.
mod crash;
mod discussion;
/// The article editor's editorial checks, and the old addresses kept when an article moves.
mod editorial;
/// A full disk, slow clients, malformed HTTP, racing processes, a damaged database.
mod faults;
mod feeds;
/// The attacks of the hardening review, replayed.
mod hardening;
/// Script and markup in every field come out inert.
mod hostile_input;
/// WordPress imports on real exports, every old address, hostile files.
mod imports;
/// No email, password, token or cookie in the suite's logs (run after the suite).
mod log_privacy;
mod mail;
/// Uploads, variants, metadata stripped, limits, the media library.
mod media;
/// Sections, tags, pages, article states and the trash, sticky articles, updates.
mod navigation;
mod newsroom;
/// Several app nodes over one database.
mod nodes;
/// Health checks, metrics, request ids and logs, SIGTERM, the systemd unit.
mod operations;
/// The full-page cache and its invalidation.
mod page_cache;
/// Two-step sign-in, the sessions list, new-browser mail.
mod passkeys;
/// Email, IP address and user agent never appear in a public response.
/// The Users screen, invitations, deactivation, lost passwords.
mod people;
mod privacy;
/// The whole path: a reader comments, a moderator approves, the comment appears.
mod reader_flow;
/// Revisions, autosaves, the two-tabs warning, corrections.
mod revisions;
/// Every admin route with every role: what each may do, and a 403 that changes nothing.
mod roles;
mod search;
/// First-run setup and the command line.
mod setup_and_cli;
/// Public pages: the front page, permalinks, redirects, 404s, headers.
mod site;
/// The sitemap index and its child sitemaps, checked against the protocol's schema.
mod sitemaps;
mod spam_defence;
mod staff_security;
mod validity;
mod webhooks;
mod wordpress_api;
