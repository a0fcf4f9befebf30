//! What the discussion's one-step pages receive: a commenter's edit, a reader's report,
//! and the short message pages that confirm a subscription or act on a moderation link.

use super::SiteView;
use serde::Serialize;

#[derive(Serialize)]
pub struct MessagePage {
    pub site: SiteView,
    pub noindex: bool,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub quote: Option<String>,
    pub form: Option<MessageForm>,
    pub back_url: Option<String>,
    pub back_label: String,
}

#[derive(Serialize)]
pub struct MessageForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// Checkboxes, each with its field name, value and label, unchecked.
    pub choices: Vec<(String, String, String)>,
    pub button: String,
}

#[derive(Serialize)]
pub struct EditPage {
    pub site: SiteView,
    pub noindex: bool,
    pub article_title: String,
    pub article_url: String,
    pub until: String,
    pub action: String,
    pub expires: String,
    pub signature: String,
    pub content: String,
    pub error: Option<String>,
    pub max_comment: usize,
}

#[derive(Serialize)]
pub struct ReportPage {
    pub site: SiteView,
    pub noindex: bool,
    pub author_name: String,
    pub content_html: minijinja::Value,
    pub action: String,
    pub back_url: String,
    pub reason: String,
    pub error: Option<String>,
    pub max_reason: usize,
}
