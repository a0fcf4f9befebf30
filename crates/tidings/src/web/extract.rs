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
use tidings_domain::{Role, User};
use tidings_store::Session;

mod upload;
pub use upload::{AdminUpload, FilePart};

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
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut parameters = content_type.split(';').map(str::trim);
        if parameters.next() != Some("application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest(
                "This address expects a form submission.".into(),
            ));
        }
        // Browsers send forms in the page's encoding, UTF-8 here; a form declaring another
        // would be read as the wrong text, so it is refused rather than guessed at.
        let charset = parameters
            .filter_map(|parameter| parameter.strip_prefix("charset="))
            .map(|charset| charset.trim_matches('"'))
            .next();
        if charset.is_some_and(|charset| charset != "utf-8" && charset != "utf8") {
            return Err(AppError::BadRequest(
                "This site reads forms as UTF-8 text only, and this one declared another encoding. Nothing was saved; please send it again from the site's own page.".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else if crate::web::server::timed_out(&rejection) {
                    AppError::RequestTimeout
                } else {
                    AppError::BadRequest("The form could not be read.".into())
                }
            })?;
        parse_form(&body).map(FormFields).ok_or_else(|| {
            AppError::BadRequest(
                "The form contained bytes that are not UTF-8 text, so it could not be read. Nothing was saved; please send it again from the site's own page.".into(),
            )
        })
    }
}

/// A form body as name/value pairs: `+` is a space, `%XX` a byte, and the bytes of every
/// name and value must be UTF-8 (`None` otherwise: nothing is replaced or dropped silently).
fn parse_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    let decode = |part: &[u8]| -> Option<String> {
        let spaced: Vec<u8> = part
            .iter()
            .map(|byte| if *byte == b'+' { b' ' } else { *byte })
            .collect();
        // A NUL character means nothing in any field (and PostgreSQL cannot hold one): it
        // is dropped, so what else was typed is kept.
        let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced)
            .filter(|byte| *byte != 0)
            .collect();
        String::from_utf8(bytes).ok()
    };
    body.split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |byte| *byte == b'=');
            let name = decode(halves.next().unwrap_or_default())?;
            let value = decode(halves.next().unwrap_or_default())?;
            Some((name, value))
        })
        .collect()
}

/// A body that may be absent: a POST without a form (an RFC 8058 one-click unsubscribe from
/// a mail client that sends none, say) reads as `None`.
impl<S: Send + Sync> axum::extract::OptionalFromRequest<S> for FormFields {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Ok(None);
        }
        <FormFields as FromRequest<S>>::from_request(request, state)
            .await
            .map(Some)
    }
}

/// The client's address and browser, for moderation, flood control and the sign-in
/// throttle. The address is the socket's, unless the socket is a proxy the site trusts: then
/// it is the last address in `X-Forwarded-For` that is not itself a trusted proxy. A client
/// can put anything in that header, so it is never read from anyone else.
impl FromRequestParts<App> for Commenter {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts, app);
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_default();
        Ok(Commenter { ip, user_agent })
    }
}

/// The client's address as [`Commenter`] reads it.
pub fn client_ip(parts: &Parts, app: &App) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| {
            client_address(address.ip(), &parts.headers, &app.config.trusted_proxies).to_string()
        })
        .unwrap_or_default()
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

/// The admin's session cookie. Over HTTPS it carries the `__Host-` prefix, which makes the
/// browser refuse it unless it is `Secure`, for the whole site and this host alone: a
/// sibling subdomain cannot plant one.
pub const SESSION_COOKIE: &str = "tidings_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-tidings_session";
/// The cookie that makes a browser known to the account that signed in with it (see
/// `services::accounts`).
pub const DEVICE_COOKIE: &str = "tidings_device";
pub const SECURE_DEVICE_COOKIE: &str = "__Host-tidings_device";

/// The session cookie's name for this site.
pub fn session_cookie_name(config: &crate::config::Config) -> &'static str {
    if config.secure_cookies() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The device cookie's name for this site.
pub fn device_cookie_name(config: &crate::config::Config) -> &'static str {
    if config.secure_cookies() {
        SECURE_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// Whether a request carries a session cookie of either name: such a request is someone's
/// admin session, never served from or stored in the page cache.
pub fn has_session_cookie(headers: &HeaderMap) -> bool {
    cookie(headers, SESSION_COOKIE).is_some() || cookie(headers, SECURE_SESSION_COOKIE).is_some()
}

/// A `Set-Cookie` value: HTTP-only, same-site strict, the whole site, `Secure` over HTTPS.
pub fn set_cookie(
    config: &crate::config::Config,
    name: &str,
    value: &str,
    max_age: i64,
) -> axum::http::HeaderValue {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    axum::http::HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or(axum::http::HeaderValue::from_static(
        "tidings_invalid=; Path=/; Max-Age=0",
    ))
}

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
    pub(crate) fn check_csrf(&self, form: &FormFields) -> Result<(), AppError> {
        if crate::security::same_secret(&self.session.csrf_token, form.get("csrf")) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                message: "This form has expired or did not come from this site. Go back, reload the page and try again.".into(),
                kept_text: None,
            })
        }
    }

    fn require(&self, role: Role) -> Result<(), AppError> {
        if self.user.role.can_act_as(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                message: format!(
                    "This needs an {} account; yours is an {} account.",
                    role.as_str(),
                    self.user.role.as_str()
                ),
                kept_text: None,
            })
        }
    }
}

/// A signed-in user's form with its CSRF token checked: the only way an admin handler gets
/// a posted form, so none can forget the check. A form without the session's token is a
/// 403; a request without a session goes to sign in, as for `Admin`.
pub struct AdminForm {
    pub admin: Admin,
    pub form: FormFields,
}

impl FromRequest<App> for AdminForm {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let admin = Admin::from_request_parts(&mut parts, app).await?;
        let form =
            <FormFields as FromRequest<App>>::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(IntoResponse::into_response)?;
        admin
            .check_csrf(&form)
            .map_err(IntoResponse::into_response)?;
        Ok(AdminForm { admin, form })
    }
}

/// A signed-in administrator: anyone else gets a 403.
pub struct Administrator(pub Admin);

impl FromRequestParts<App> for Administrator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let admin = Admin::from_request_parts(parts, app).await?;
        admin
            .require(Role::Administrator)
            .map_err(IntoResponse::into_response)?;
        Ok(Administrator(admin))
    }
}

/// An administrator's form, its CSRF token checked.
pub struct AdministratorForm {
    pub admin: Admin,
    pub form: FormFields,
}

impl FromRequest<App> for AdministratorForm {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let AdminForm { admin, form } = AdminForm::from_request(request, app).await?;
        admin
            .require(Role::Administrator)
            .map_err(IntoResponse::into_response)?;
        Ok(AdministratorForm { admin, form })
    }
}

/// Whether a request to a public page comes from signed-in staff, who may read private
/// articles there. It never refuses; a request without a session cookie costs nothing.
/// (Signed-in requests bypass the page cache, so what staff see is kept by nobody.)
pub struct Viewer {
    pub staff: bool,
}

impl Viewer {
    /// Anyone: what the public may read.
    pub const READER: Viewer = Viewer { staff: false };
}

impl FromRequestParts<App> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, session_cookie_name(&app.config)) else {
            return Ok(Viewer { staff: false });
        };
        let staff = matches!(accounts::session_for_token(app, &token).await, Ok(Some(_)));
        Ok(Viewer { staff })
    }
}

impl FromRequestParts<App> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, session_cookie_name(&app.config)).unwrap_or_default();
        match accounts::session_for_token(app, &token).await {
            Ok(Some((session, user))) => {
                // A site that requires a second factor lets a person without one do nothing
                // but set it up (or sign out).
                let exempt = matches!(
                    parts.uri.path(),
                    "/admin/profile/two-factor"
                        | "/admin/profile/passkeys/start"
                        | "/admin/profile/passkeys"
                        | "/admin/logout"
                );
                if !exempt {
                    let must_set_up = match crate::services::second_factor::is_required(app).await {
                        Ok(false) => false,
                        Ok(true) => {
                            !crate::services::second_factor::has_second_factor(app, user.id)
                                .await
                                .map_err(|error| AppError::from(error).into_response())?
                        }
                        Err(error) => return Err(AppError::from(error).into_response()),
                    };
                    if must_set_up {
                        return Err(Redirect::to("/admin/profile/two-factor").into_response());
                    }
                }
                Ok(Admin {
                    user,
                    session,
                    token,
                })
            }
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

#[cfg(test)]
mod tests {
    use super::parse_form;
    use proptest::prelude::*;

    proptest! {
        /// What a browser encodes comes back as typed (less NUL characters, which mean
        /// nothing in any field).
        #[test]
        fn encoded_forms_decode_to_what_was_typed(
            pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..8)
        ) {
            let body: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
                .finish();
            let without_nul = |text: &str| text.replace('\0', "");
            let expected: Vec<(String, String)> = pairs
                .iter()
                .map(|(name, value)| (without_nul(name), without_nul(value)))
                .collect();
            let decoded = parse_form(body.as_bytes()).expect("a browser's form decodes");
            prop_assert_eq!(decoded, expected);
        }

        /// Any bytes at all: decoded or refused whole, never a panic, never text that is
        /// not what the bytes said.
        #[test]
        fn any_body_is_decoded_or_refused(body in prop::collection::vec(any::<u8>(), 0..256)) {
            if let Some(pairs) = parse_form(&body) {
                for (name, value) in pairs {
                    prop_assert!(!name.contains('\0') && !value.contains('\0'));
                }
            }
        }
    }

    #[test]
    fn forms_are_utf8_or_refused() {
        let pairs = |body: &str| parse_form(body.as_bytes());
        assert_eq!(
            pairs("a=1&b=caf%C3%A9+au+lait&c=&d&e=%2B%26"),
            Some(vec![
                ("a".into(), "1".into()),
                ("b".into(), "café au lait".into()),
                ("c".into(), String::new()),
                ("d".into(), String::new()),
                ("e".into(), "+&".into()),
            ])
        );
        assert_eq!(pairs("comment=caf%E9"), None, "Latin-1");
        assert_eq!(pairs("comment=%FF%FEh%00i%00"), None, "UTF-16");
        assert_eq!(
            pairs("comment=%C3"),
            None,
            "cut in the middle of a character"
        );
        assert_eq!(parse_form(b"comment=\xe9t\xe9"), None, "raw bytes");
        assert_eq!(pairs("%zz=1"), Some(vec![("%zz".into(), "1".into())]));
    }
}
