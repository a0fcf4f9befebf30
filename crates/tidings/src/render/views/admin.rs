//! What the admin's screens receive. `Chrome` is what every screen shows around its
//! content (flattened into each page).

use super::SiteView;
use serde::Serialize;
use tidings_domain::DiscussionSettings;

/// What every admin page shows around its content.
#[derive(Serialize)]
pub struct Chrome {
    pub site: SiteView,
    pub noindex: bool,
    pub user_name: String,
    pub is_administrator: bool,
    /// What the menu offers this person's role.
    pub may_moderate: bool,
    pub may_manage_terms: bool,
    pub may_manage_pages: bool,
    pub may_upload: bool,
    pub csrf: String,
    pub pending_count: u64,
    pub section: &'static str,
    pub notice: Option<String>,
}

#[derive(Serialize)]
pub struct SetupPage {
    pub site: SiteView,
    pub noindex: bool,
    pub password_rule: &'static str,
    pub token: String,
    pub email: String,
    pub name: String,
    pub error: Option<String>,
    pub error_field: Option<&'static str>,
}

/// The second step of signing in: the code from an app, or a recovery code.
#[derive(Serialize)]
pub struct LoginCodePage {
    pub site: SiteView,
    pub noindex: bool,
    pub ticket: String,
    pub next: String,
    /// The account has one-time codes: the code field.
    pub codes: bool,
    /// The account has a passkey, and the site can take one: its button.
    pub passkey: bool,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct LoginPage {
    pub site: SiteView,
    pub noindex: bool,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
    /// The site can take passkeys: "Sign in with a passkey".
    pub passkeys: bool,
}

#[derive(Serialize)]
pub struct StatusTab {
    pub status: &'static str,
    pub label: &'static str,
    pub count: u64,
    pub current: bool,
}

#[derive(Serialize)]
pub struct ActionButton {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub ip: String,
    pub user_agent: String,
    pub article_title: String,
    pub link: String,
    pub content_html: minijinja::Value,
    pub date: String,
    pub date_iso: String,
    pub reason: String,
    pub status: &'static str,
    /// The spam filter's score as a percentage, when it judged.
    pub spam_score: Option<u32>,
    pub reports: u64,
    pub history_url: String,
    /// Every comment on the same article.
    pub article_comments_url: String,
    pub actions: Vec<ActionButton>,
}

#[derive(Serialize)]
pub struct QueuePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The status shown, or "all".
    pub status: &'static str,
    pub tabs: Vec<StatusTab>,
    pub rows: Vec<QueueRow>,
    pub bulk_actions: Vec<ActionButton>,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
    pub search: String,
    pub email: String,
    pub article: String,
    /// The commenter whose history this is, with how many of their comments wait.
    pub commenter_pending: u64,
}

#[derive(Serialize)]
pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub author: Option<String>,
    pub date: String,
    /// When the trash deletes it, for an article in the trash.
    pub purged_on: Option<String>,
    pub comments: u64,
    pub permalink: String,
    pub sticky: bool,
}

/// One link of a list's state filter: "Published (12)".
#[derive(Serialize)]
pub struct StateLink {
    pub state: &'static str,
    pub label: &'static str,
    pub count: u64,
    pub current: bool,
}

/// One choice of a select or a list of checkboxes.
#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// How deep in a tree it sits (sections, pages), for indenting.
    pub depth: usize,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct ArticlesPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// "article" or "page".
    pub kind: &'static str,
    pub rows: Vec<ArticleRow>,
    pub states: Vec<StateLink>,
    pub authors: Vec<Choice>,
    pub sections: Vec<Choice>,
    pub tags: Vec<Choice>,
    pub search: String,
    /// The query string of the current filters, for the page links.
    pub filters: String,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Default, Serialize)]
pub struct EditorValues {
    /// "article" or "page".
    pub kind: String,
    pub title: String,
    pub subtitle: String,
    pub slug: String,
    pub body: String,
    pub excerpt: String,
    pub status: String,
    pub published_at: String,
    pub comments_open: bool,
    pub sticky: bool,
    pub parent: String,
    /// The chosen sections, the primary one first.
    pub sections: Vec<String>,
    pub tags: String,
    /// The byline's accounts, the lead author first.
    pub authors: Vec<String>,
    /// The newest revision when the editor was opened (a hidden field).
    pub base_revision: String,
    /// "Save over their changes", offered after a conflict.
    pub overwrite: bool,
    /// A correction note as typed, kept when it was refused.
    pub correction: String,
    /// The featured image's address (`/media/…`), empty for none.
    pub featured_image: String,
    pub featured_image_alt: String,
    /// The alt text typed for an image sent with the form, kept when it was refused.
    pub image_alt: String,
}

#[derive(Serialize)]
pub struct RevisionRow {
    pub id: i64,
    pub date: String,
    pub author: Option<String>,
    pub autosave: bool,
    pub title: String,
}

#[derive(Serialize)]
pub struct CorrectionRow {
    pub id: i64,
    pub date: String,
    pub body: String,
}

#[derive(Serialize)]
pub struct EditorPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// `None` for a new article.
    pub id: Option<i64>,
    pub permalink: Option<String>,
    /// "Updated …" when the published text was revised.
    pub revised: Option<String>,
    pub values: EditorValues,
    pub errors: Vec<(String, String)>,
    /// What the editorial checks found in the body: warnings, never a refusal.
    pub warnings: Vec<tidings_domain::editorial::Warning>,
    pub statuses: Vec<Choice>,
    /// Every section, as a tree, the chosen ones selected.
    pub section_choices: Vec<Choice>,
    /// For a page: the pages it may be filed under.
    pub parent_choices: Vec<Choice>,
    /// Everyone who may be in the byline, the chosen ones selected.
    pub author_choices: Vec<Choice>,
    pub in_trash: bool,
    /// The newest revisions, newest first.
    pub revisions: Vec<RevisionRow>,
    /// "812 words · 4 min read", for the body shown.
    pub stats: String,
    /// This editor's autosave, when it is newer than the text shown.
    pub autosave: Option<RevisionRow>,
    pub corrections: Vec<CorrectionRow>,
    /// The newest images of the library, to insert or feature (for those who may upload).
    pub library: Vec<MediaRow>,
    /// The featured image's thumbnail, when there is one.
    pub featured_thumbnail: Option<String>,
}

#[derive(Serialize)]
pub struct RevisionsPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub id: i64,
    pub title: String,
    pub revisions: Vec<RevisionRow>,
    pub from: Option<RevisionRow>,
    pub to: Option<RevisionRow>,
    pub fields: Vec<tidings_domain::revision::FieldDiff>,
}

#[derive(Serialize)]
pub struct TermRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub depth: usize,
    pub articles: u64,
    pub permalink: String,
    pub is_default: bool,
    /// A section the header's menu shows.
    pub in_menu: bool,
}

#[derive(Serialize)]
pub struct TermsPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// "section" or "tag".
    pub taxonomy: &'static str,
    /// "Sections" or "Tags".
    pub heading: &'static str,
    /// The admin address of this list: `/admin/sections`.
    pub base: &'static str,
    pub rows: Vec<TermRow>,
    /// The form for a new one (or the one being edited), as typed.
    pub values: TermValues,
    pub errors: Vec<(String, String)>,
    /// When editing: the term's id.
    pub editing: Option<i64>,
    pub parent_choices: Vec<Choice>,
    /// What it may be merged into.
    pub merge_choices: Vec<Choice>,
}

#[derive(Default, Serialize)]
pub struct TermValues {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub parent: String,
}

#[derive(Serialize)]
pub struct MovingPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The page reloads itself while an import runs.
    pub refresh: bool,
    pub job: Option<ImportJobView>,
    pub limit_megabytes: u64,
}

/// The import running on this node, or the last one.
#[derive(Serialize)]
pub struct ImportJobView {
    pub file_name: String,
    pub kind: &'static str,
    pub dry_run: bool,
    pub running: bool,
    pub percent: u32,
    pub megabytes_read: String,
    pub megabytes_total: String,
    pub records: u64,
    /// Megabytes a second.
    pub rate: String,
    /// The report, once it finished.
    pub lines: Vec<String>,
    /// Why nothing was imported, when it failed.
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct StatusPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub backend: &'static str,
    pub schema_version: i64,
    pub cache_pages: usize,
    pub cache_megabytes: String,
    pub cache_limit_megabytes: String,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_hit_ratio: String,
    pub cache_invalidations: u64,
    pub cache_evictions: u64,
    /// Hours between scheduled backups; 0: off.
    pub backup_every_hours: u32,
    pub backup_keep: u32,
    /// When the last good backup was written, and its file and size.
    pub backup_last_good: Option<String>,
    pub backup_last_file: Option<String>,
    pub backup_last_megabytes: Option<String>,
    /// Why the last scheduled backup failed, when it did.
    pub backup_last_error: Option<String>,
    /// No good backup in the last day: the screen warns.
    pub backup_stale: bool,
    /// Room left on the disk that holds the data folder ("12.3 GB free of 40.0 GB"), and
    /// whether it is nearly full (the screen warns); `None` where the system cannot say.
    pub disk_space: Option<String>,
    pub disk_nearly_full: bool,
}

#[derive(Serialize)]
pub struct DiscussionPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub settings: DiscussionSettings,
    pub errors: Vec<(String, String)>,
    pub max_thread_depth: u32,
}

#[derive(Serialize)]
pub struct CommentEditPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub id: i64,
    pub article_title: String,
    pub article_url: String,
    pub status: &'static str,
    pub author: String,
    pub email: String,
    pub url: String,
    pub content: String,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct PrivacyPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub email: String,
    pub error: Option<String>,
}

/// An article the desk should look at.
#[derive(Serialize)]
pub struct DeskArticle {
    pub id: i64,
    pub title: String,
    pub author: Option<String>,
    pub date: String,
}

#[derive(Serialize)]
pub struct DeskComment {
    pub id: i64,
    pub author_name: String,
    pub article_title: String,
    pub reports: u64,
    pub status: &'static str,
}

#[derive(Serialize)]
pub struct DashboardPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub pending_articles: Vec<DeskArticle>,
    pub pending_total: u64,
    pub scheduled: Vec<DeskArticle>,
    pub scheduled_total: u64,
    pub reported: Vec<DeskComment>,
    pub chart: crate::render::chart::Chart,
    /// Comments over the chart's 30 days, by status.
    pub month: crate::render::chart::DayRow,
}

#[derive(Serialize)]
pub struct ProfilePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub name: String,
    pub slug: String,
    pub bio: String,
    /// The author page, once saved.
    pub permalink: String,
    /// Their uploaded picture, or their identicon.
    pub picture: String,
    pub limit_megabytes: u32,
    pub errors: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub deactivated: bool,
    pub is_you: bool,
    pub author_url: String,
    /// Whether they sign in with a second factor.
    pub second_factor: bool,
}

#[derive(Serialize)]
pub struct PeoplePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub people: Vec<PersonRow>,
    /// Each role's value and label.
    pub roles: Vec<(&'static str, &'static str)>,
    /// The invitation form as typed, and its problems.
    pub email: String,
    pub name: String,
    pub role: String,
    pub errors: Vec<(String, String)>,
    /// Whether every staff account must have a second factor.
    pub second_factor_required: bool,
}

/// The page a password link opens (before any session): the form to choose a password,
/// with a name for an invitation; or why the link does not open.
#[derive(Serialize)]
pub struct PasswordPage {
    pub site: super::SiteView,
    pub noindex: bool,
    pub password_rule: &'static str,
    /// "invitation" or "reset".
    pub purpose: &'static str,
    pub user: String,
    pub expires: String,
    pub signature: String,
    pub email: String,
    pub name: String,
    pub error: Option<String>,
    pub error_field: Option<&'static str>,
    /// Set when the link does not open: the page says why instead of the form.
    pub refused: Option<String>,
}

/// "Lost your password?", before any session.
#[derive(Serialize)]
pub struct LostPasswordPage {
    pub site: super::SiteView,
    pub noindex: bool,
    pub email: String,
    /// Set after the request: the same sentence whether the address has an account or not.
    pub sent: bool,
}

/// One image on the media library screen and in the editor's picker.
#[derive(Serialize)]
pub struct MediaRow {
    pub key: String,
    /// The narrowest variant, for the thumbnail.
    pub thumbnail: String,
    /// The widest variant: what Markdown and the featured image name.
    pub address: String,
    pub markdown: String,
    pub alt: String,
    pub name: String,
    pub size: String,
    pub dimensions: String,
    pub date: String,
}

impl MediaRow {
    pub fn of(media: &tidings_domain::Media) -> MediaRow {
        let address = media.address();
        let thumbnail = address.narrowest();
        MediaRow {
            key: media.key.to_string(),
            thumbnail: thumbnail.path(),
            address: address.path(),
            markdown: media.markdown(),
            alt: media.alt.clone(),
            name: media.original_name.clone(),
            size: if media.bytes >= 1024 * 1024 {
                format!("{:.1} MB", media.bytes as f64 / (1024.0 * 1024.0))
            } else {
                format!("{} KB", media.bytes.div_ceil(1024))
            },
            dimensions: format!("{} × {}", media.width, media.height),
            date: super::human_date(media.uploaded_at),
        }
    }
}

#[derive(Serialize)]
pub struct MediaPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub items: Vec<MediaRow>,
    pub search: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The alt text typed with a refused upload, shown again.
    pub alt: String,
    pub errors: Vec<(String, String)>,
    pub limit_megabytes: u32,
    /// The image just uploaded, shown first with its Markdown.
    pub uploaded: Option<MediaRow>,
}

/// One application password as its owner's list shows it.
#[derive(Serialize)]
pub struct AppPasswordRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    pub last_ip: Option<String>,
}

#[derive(Serialize)]
pub struct AppPasswordsPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub username: String,
    pub passwords: Vec<AppPasswordRow>,
    /// The password just made, shown this once, and its name.
    pub created: Option<(String, String)>,
    pub name: String,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub created: String,
}

#[derive(Serialize)]
pub struct EventChoice {
    pub name: &'static str,
    pub description: &'static str,
    pub checked: bool,
}

#[derive(Serialize)]
pub struct WebhooksPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub hooks: Vec<WebhookRow>,
    pub events: Vec<EventChoice>,
    /// What was typed, shown again with `error`.
    pub url: String,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub event: String,
    pub subject: String,
    pub status: String,
    pub attempts: u32,
    pub created: String,
    pub last_attempt: Option<String>,
    pub next_attempt: String,
    pub response_code: Option<u16>,
    pub error: String,
    pub payload: String,
}

#[derive(Serialize)]
pub struct WebhookPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub deliveries: Vec<DeliveryRow>,
}

/// An administrator's view of someone's application passwords.
#[derive(Serialize)]
pub struct PersonAppPasswordsPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub id: i64,
    pub name: String,
    pub email: String,
    pub passwords: Vec<AppPasswordRow>,
}

/// One of a person's sessions, as their Security screen lists it.
#[derive(Serialize)]
pub struct SessionRow {
    /// What names it in the form that ends it (opens nothing).
    pub id: String,
    pub started: String,
    pub ip: String,
    pub browser: String,
    /// The one this page is seen from.
    pub current: bool,
}

/// One of a person's passkeys, as their Security screen lists it.
#[derive(Serialize)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub added: String,
    pub last_used: Option<String>,
}

/// "Security": the second factor, and the sessions with "sign out everywhere else".
#[derive(Serialize)]
pub struct SecurityPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// One-time codes are on.
    pub second_factor: bool,
    pub passkeys: Vec<PasskeyRow>,
    /// Why this site cannot take passkeys, when it cannot.
    pub passkeys_unavailable: Option<String>,
    pub recovery_codes_left: u64,
    /// The site requires a second factor of every staff account.
    pub required: bool,
    pub sessions: Vec<SessionRow>,
    pub error: Option<String>,
}

/// Setting up one-time codes: the QR code and the secret, then the recovery codes once.
#[derive(Serialize)]
pub struct TwoFactorPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub secret: String,
    /// The secret as an `otpauth://` address, and its QR code as a `data:` image.
    pub uri: String,
    pub qr_image: String,
    pub error: Option<String>,
    /// Shown once, right after the codes were turned on.
    pub recovery_codes: Vec<String>,
    /// The site requires it, and this person has none yet.
    pub required: bool,
    /// The site can take passkeys: adding one is offered instead.
    pub passkeys_available: bool,
}
