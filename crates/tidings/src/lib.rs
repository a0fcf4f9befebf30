//! tidings: a self-hosted news and blog engine in one binary.
//!
//! This crate wires the domain (`tidings-domain`) and storage (`tidings-store`) into a web
//! site and a command line. It is a library with a three-line `main.rs` so that integration
//! tests can start the real server in-process.
//!
//! - [`config`]: settings from `tidings.toml`, environment and flags.
//! - [`app`]: the shared state every handler gets.
//! - [`cache`]: the full-page cache of public pages.
//! - [`metrics`]: what `/metrics` reports.
//! - [`services`]: one function per use case; the only place domain meets storage.
//! - [`web`]: routes, extractors and thin handlers.
//! - [`render`]: the embedded theme and the view structs templates receive.
//! - [`cli`]: `tidings serve`, `user add`, `post add`, `migrate`.

pub mod app;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod metrics;
pub mod render;
pub mod security;
pub mod services;
pub mod web;
