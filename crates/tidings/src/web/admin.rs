//! The admin at `/admin/`: first-run setup, signing in, the moderation queue, the article
//! editor and the discussion settings. Every state-changing form checks the session's CSRF
//! token; every page is private to the signed-in user.

use crate::app::App;
use crate::render::views::admin::Chrome;

use crate::web::error::AppError;
use crate::web::extract::Admin;
use crate::web::public::html;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use tidings_domain::{Capability, Role};

mod app_passwords;
mod article_list;
mod articles;
mod comment;
mod dashboard;
mod media;
mod moving;
mod passkeys;
mod people;
mod preview;
mod privacy;
mod profile;
mod queue;
mod revisions;
mod security;
mod session;
mod settings;
mod status;
mod terms;
mod webhooks;

pub use app_passwords::{
    create_app_password, revoke_app_password, revoke_person_app_password, show_app_passwords,
    show_person_app_passwords,
};
pub use article_list::{list_articles, list_pages};
pub use articles::{
    create_article, edit_article, new_article, new_page, preview_article, restore_article,
    trash_article, update_article,
};
pub use comment::{edit_comment, reply_to_comment, update_comment};
pub use dashboard::dashboard;
pub use media::{describe_media, list_media, upload_avatar, upload_media};
pub use moving::{download_export, show_moving, upload_import};
pub use passkeys::{
    add_passkey, finish_passkey_sign_in, remove_passkey, rename_passkey,
    start_passkey_registration, start_passkey_sign_in,
};
pub use people::{
    change_role, choose_password, deactivate, invite, list_people, reactivate,
    request_password_reset, require_second_factor, resend_invitation, reset_second_factor,
    show_lost_password, show_password_form, sign_person_out,
};
pub use preview::preview;
pub use privacy::{privacy_request, show_privacy};
pub use profile::{save_profile, show_profile};
pub use queue::{list_comments, moderate_comments};
pub use revisions::{
    add_correction, autosave, delete_correction, restore_revision, show_revisions,
};
pub use security::{
    disable_two_factor, enable_two_factor, end_other_sessions, end_session, show_security,
    show_two_factor,
};
pub use session::{
    complete_login_code, complete_setup, show_login, show_login_code, show_setup, sign_in, sign_out,
};
pub use settings::{save_discussion_settings, show_discussion_settings};
pub use status::show_status;
pub use terms::{
    create_section, create_tag, delete_section, delete_tag, edit_section, edit_tag, list_sections,
    list_tags, merge_section, merge_tag, save_menu, update_section, update_tag,
};
pub use webhooks::{create_webhook, delete_webhook, list_webhooks, resend_delivery, show_webhook};

const PRIVATE: &str = "private, no-store";

fn query_value(query: &Option<String>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

async fn chrome(
    app: &App,
    admin: &Admin,
    section: &'static str,
    notice: Option<String>,
) -> Result<Chrome, AppError> {
    Ok(Chrome {
        site: app.site_view(),
        noindex: true,
        user_name: admin.user.display_name.clone(),
        is_administrator: admin.user.role == Role::Administrator,
        may_moderate: admin.user.role.can(Capability::ModerateComments),
        may_manage_terms: admin.user.role.can(Capability::ManageTerms),
        may_manage_pages: admin.user.role.can(Capability::ManagePages),
        may_upload: admin.user.role.can(Capability::Upload),
        csrf: admin.session.csrf_token.clone(),
        pending_count: app.store.comment_counts().await?.pending,
        section,
        notice,
    })
}

/// Text for a query string (a notice after a redirect).
fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn render(
    app: &App,
    status: StatusCode,
    name: &str,
    context: impl Serialize,
) -> Result<Response, AppError> {
    Ok(html(status, app.templates.render(name, context)?, PRIVATE))
}
