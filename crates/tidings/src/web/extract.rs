//! Extractors: what handlers take from a request.

use crate::app::App;
use crate::services::accounts;
use crate::services::comments::Commenter;
use crate::web::error::AppError;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::{IpAddr, SocketAddr};
use tidings_domain::User;
use tidings_store::Session;

/// A submitted form as name/value pairs in order, keeping repeated names (`ids=1&ids=2`).
/// Bodies over the route's limit become a 413 page; anything that is not a form, a 415.
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    /// The first value of `name`, or "" when absent: forms treat a missing field as empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(
                "This address expects a form submission.".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest("The form could not be read.".into())
                }
            })?;
        Ok(FormFields(
            form_urlencoded::parse(&body).into_owned().collect(),
        ))
    }
}

/// The client's address and browser, for moderation, flood control and the sign-in
/// throttle. The address is the socket's, unless the socket is a proxy the site trusts: then
/// it is the last address in `X-Forwarded-For` that is not itself a trusted proxy. A client
/// can put anything in that header, so it is never read from anyone else.
impl FromRequestParts<App> for Commenter {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        let ip = peer
            .map(|peer| {
                client_address(peer, &parts.headers, &app.config.trusted_proxies).to_string()
            })
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_default();
        Ok(Commenter { ip, user_agent })
    }
}

fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    hops.reverse();
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => continue,
            Ok(address) => return address,
            // A hop that is not an address: stop at the last one we could trust.
            Err(_) => break,
        }
    }
    peer
}

pub const SESSION_COOKIE: &str = "tidings_session";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A signed-in moderator or editor. Requests without a valid session are sent to sign in.
pub struct Admin {
    pub user: User,
    pub session: Session,
    /// The raw session token from the cookie, to sign out with.
    pub token: String,
}

impl Admin {
    /// Every state-changing admin form carries the session's CSRF token; a form posted from
    /// another site cannot know it.
    pub fn check_csrf(&self, form: &FormFields) -> Result<(), AppError> {
        if crate::security::same_secret(&self.session.csrf_token, form.get("csrf")) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                message: "This form has expired or did not come from this site. Go back, reload the page and try again.".into(),
                kept_text: None,
            })
        }
    }
}

impl FromRequestParts<App> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, SESSION_COOKIE).unwrap_or_default();
        match accounts::session_for_token(app, &token).await {
            Ok(Some((session, user))) => Ok(Admin {
                user,
                session,
                token,
            }),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/admin/", |path| path.as_str());
                let next = if parts.method == axum::http::Method::GET {
                    next
                } else {
                    "/admin/"
                };
                let target = format!(
                    "/admin/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                Err(Redirect::to(&target).into_response())
            }
            Err(error) => Err(AppError::from(error).into_response()),
        }
    }
}
