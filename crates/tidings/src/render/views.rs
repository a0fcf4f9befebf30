//! View structs: what templates receive, by area. They are the theme's contract
//! (`docs/themes.md` lists every variable), so a field's name and meaning change only as a
//! public API would. Times arrive formatted twice, for people (`date`) and for machines
//! (`date_iso`); HTML arrives already marked safe.
//!
//! - [`public`]: the front page, an article with its comments and form, error pages.
//! - [`discussion`]: the discussion's one-step pages (edit, report, confirm, moderate).
//! - [`feeds`]: RSS for articles and comments.
//! - [`mail`]: the mail the site sends.
//! - [`admin`]: the admin's screens (not part of the theme's contract: the admin is not
//!   themed, but its templates can be overridden all the same).

pub mod admin;
pub mod discussion;
pub mod feeds;
pub mod mail;
pub mod public;
pub mod search;

pub use feeds::*;
pub use public::*;
pub use search::*;

use minijinja::Value;
use serde::Serialize;
use tidings_domain::SafeHtml;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// The site as every page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub tagline: String,
    pub base_url: String,
    /// The header's menu of sections; empty outside the public pages.
    pub menu: Vec<NavLink>,
    /// The top-level pages, in the footer.
    pub pages: Vec<NavLink>,
}

/// A link of a menu.
#[derive(Clone, Debug, Serialize)]
pub struct NavLink {
    pub name: String,
    pub url: String,
}

/// `SafeHtml` as a value templates print unescaped.
pub fn safe(html: &SafeHtml) -> Value {
    Value::from_safe_string(html.as_str().to_owned())
}

pub fn human_date(moment: OffsetDateTime) -> String {
    moment
        .format(format_description!(
            "[month repr:long] [day padding:none], [year]"
        ))
        .unwrap_or_default()
}

pub fn human_date_time(moment: OffsetDateTime) -> String {
    moment
        .format(format_description!(
            "[month repr:long] [day padding:none], [year] at [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

pub fn iso_date(moment: OffsetDateTime) -> String {
    moment.format(&Rfc3339).unwrap_or_default()
}

/// WordPress's wording: "No Comments", "1 Comment", "5 Comments".
pub fn comments_label(count: u64) -> String {
    match count {
        0 => "No Comments".into(),
        1 => "1 Comment".into(),
        n => format!("{n} Comments"),
    }
}
