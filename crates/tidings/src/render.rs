//! Turning view structs into HTML with the theme's templates.
//!
//! The default theme is embedded in the binary. A site's theme folder is searched first, so
//! a site owner can replace any single template; every embedded template can also be reached
//! as `default/NAME`, so an override can extend the one it replaces. Undefined variables are
//! errors (a typo in a theme fails loudly instead of rendering blank), and output is
//! HTML-escaped unless a view marked a value as [`SafeHtml`](tidings_domain::SafeHtml).

pub mod assets;
pub mod chart;
pub mod views;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use std::path::{Component, Path, PathBuf};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../theme/templates/", $name)))),*]
    };
}

/// The default theme's templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "index.html",
    "search.html",
    "article.html",
    "comments.html",
    "error.html",
    "robots.txt",
    "feed.xml",
    "atom.xml",
    "comments_feed.xml",
    "comments_atom.xml",
    "sitemap_index.xml",
    "sitemap.xml",
    "message.html",
    "corrections.html",
    "comment_edit.html",
    "report.html",
    "api.html",
    "admin/base.html",
    "admin/login.html",
    "admin/setup.html",
    "admin/comments.html",
    "admin/articles.html",
    "admin/article_edit.html",
    "admin/terms.html",
    "admin/revisions.html",
    "admin/dashboard.html",
    "admin/profile.html",
    "admin/login_code.html",
    "admin/security.html",
    "admin/two_factor.html",
    "admin/passkey_form.html",
    "admin/app_passwords.html",
    "admin/person_app_passwords.html",
    "admin/webhooks.html",
    "admin/webhook.html",
    "admin/media.html",
    "admin/people.html",
    "admin/password.html",
    "admin/lost_password.html",
    "admin/discussion.html",
    "admin/status.html",
    "admin/moving.html",
    "admin/comment_edit.html",
    "admin/privacy.html",
    "mail/comment_waiting.subject.txt",
    "mail/comment_waiting.txt",
    "mail/comment_to_author.subject.txt",
    "mail/comment_to_author.txt",
    "mail/comment_to_subscriber.subject.txt",
    "mail/comment_to_subscriber.txt",
    "mail/confirm_subscription.subject.txt",
    "mail/confirm_subscription.txt",
    "mail/invitation.subject.txt",
    "mail/invitation.txt",
    "mail/password_reset.subject.txt",
    "mail/password_reset.txt",
    "mail/new_sign_in.subject.txt",
    "mail/new_sign_in.txt",
);

/// The default theme's static files, served under `/static/`.
const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../theme/static/style.css"),
    ),
    (
        "admin.css",
        "text/css; charset=utf-8",
        include_bytes!("../theme/static/admin.css"),
    ),
    (
        "reply.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/reply.js"),
    ),
    (
        "comment-form.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/comment-form.js"),
    ),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/admin.js"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/editor.js"),
    ),
    (
        "media.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/media.js"),
    ),
    (
        "passkeys.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../theme/static/passkeys.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../theme/static/favicon.svg"),
    ),
    (
        "avatar.svg",
        "image/svg+xml",
        include_bytes!("../theme/static/avatar.svg"),
    ),
];

pub struct Templates {
    environment: Environment<'static>,
    /// The static files, read and compressed at start.
    pub assets: std::sync::Arc<assets::Assets>,
}

impl Templates {
    /// The embedded theme, overridden by files in `theme_dir/templates` when it exists.
    pub fn new(theme_dir: Option<PathBuf>) -> Templates {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        environment.set_formatter(escape_less);
        environment.add_filter("quote", quote);
        let assets = std::sync::Arc::new(assets::Assets::load(STATIC_FILES, theme_dir.as_deref()));
        let named = assets.clone();
        // `{{ asset("style.css") }}`: the file's address by its content.
        environment.add_function("asset", move |name: String| {
            named.get(&name).map(assets::Asset::address).ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("no static file {name:?} in the theme"),
                )
            })
        });
        let override_dir = theme_dir.as_ref().map(|dir| dir.join("templates"));
        environment.set_loader(move |name| {
            if let Some(default_name) = name.strip_prefix("default/") {
                return Ok(embedded_template(default_name).map(str::to_owned));
            }
            if let Some(dir) = &override_dir
                && let Some(path) = contained_path(dir, name)
            {
                match std::fs::read_to_string(&path) {
                    Ok(text) => return Ok(Some(text)),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => {
                        return Err(minijinja::Error::new(
                            minijinja::ErrorKind::TemplateNotFound,
                            format!("reading {}: {error}", path.display()),
                        ));
                    }
                }
            }
            Ok(embedded_template(name).map(str::to_owned))
        });
        Templates {
            environment,
            assets,
        }
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
        self.environment.get_template(name)?.render(context)
    }

    /// A mail of `kind`: its subject (`mail/KIND.subject.txt`, on one line) and its body
    /// (`mail/KIND.txt`), both plain text.
    pub fn render_mail(
        &self,
        kind: &str,
        context: impl Serialize,
    ) -> Result<(String, String), minijinja::Error> {
        let context = minijinja::Value::from_serialize(&context);
        let subject = self.render(&format!("mail/{kind}.subject.txt"), &context)?;
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut body = self.render(&format!("mail/{kind}.txt"), &context)?;
        if !body.ends_with('\n') {
            body.push('\n');
        }
        Ok((subject, body))
    }

    #[cfg(test)]
    fn render_str_for_test(&self, source: &str, context: impl Serialize) -> String {
        let mut environment = self.environment.clone();
        environment
            .add_template_owned("test.html", source.to_owned())
            .unwrap();
        environment
            .get_template("test.html")
            .unwrap()
            .render(context)
            .unwrap()
    }

    /// Renders every template once with no context, to catch a theme's syntax errors at
    /// start-up rather than on a reader's request.
    pub fn check(&self) -> Result<(), minijinja::Error> {
        for (name, _) in TEMPLATES {
            self.environment.get_template(name)?;
        }
        Ok(())
    }
}

/// `{{ text|quote }}`: each line of a text prefixed with `> `, as mail quotes.
fn quote(text: String) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// HTML-escapes the five characters that matter and nothing else (minijinja's default also
/// escapes `/`, which is valid but turns every URL in a page into `&#x2f;` soup), and drops
/// from every escaped string the characters XML 1.0 cannot carry: one stored title with a
/// NUL in it must not make a feed unreadable for everyone. Strings marked safe are printed
/// as they are: they are `SafeHtml`, clean by construction, or a macro's output, made of
/// strings cleaned here (scanning them again at every level of a comment thread cost a
/// seventh of an uncached page).
fn escape_less(
    output: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let fail = |error: std::fmt::Error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, error.to_string())
    };
    match value.as_str() {
        Some(text) if value.is_safe() => output.write_str(text).map_err(fail),
        Some(text) if !matches!(state.auto_escape(), minijinja::AutoEscape::Html) => output
            .write_str(&tidings_domain::text::xml_safe(text))
            .map_err(fail),
        Some(text) => {
            // One pass over the bytes: escape what HTML needs escaped, drop what XML cannot
            // carry (C0 controls but tab and line breaks; U+FFFE and U+FFFF, whose UTF-8
            // is EF BF BE and EF BF BF). Every stop is at a character boundary.
            let bytes = text.as_bytes();
            let (mut index, mut plain_from) = (0, 0);
            while index < bytes.len() {
                let (replacement, width) = match bytes[index] {
                    b'&' => ("&amp;", 1),
                    b'<' => ("&lt;", 1),
                    b'>' => ("&gt;", 1),
                    b'"' => ("&quot;", 1),
                    b'\'' => ("&#39;", 1),
                    b'\t' | b'\n' | b'\r' => {
                        index += 1;
                        continue;
                    }
                    0..=0x1F => ("", 1),
                    0xEF if bytes.get(index + 1) == Some(&0xBF)
                        && matches!(bytes.get(index + 2), Some(0xBE | 0xBF)) =>
                    {
                        ("", 3)
                    }
                    _ => {
                        index += 1;
                        continue;
                    }
                };
                output.write_str(&text[plain_from..index]).map_err(fail)?;
                output.write_str(replacement).map_err(fail)?;
                index += width;
                plain_from = index;
            }
            output.write_str(&text[plain_from..]).map_err(fail)?;
            Ok(())
        }
        _ => minijinja::escape_formatter(output, state, value),
    }
}

fn embedded_template(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(embedded_name, _)| *embedded_name == name)
        .map(|(_, text)| *text)
}

/// `dir/name`, unless `name` tries to leave `dir`.
/// The file `name` inside `dir`, if it is a regular file that really is inside it: the
/// name has no `..` or root, and after following every symbolic link the file's real path
/// still starts with the folder's real path. A link out of the theme folder (to
/// `/etc/passwd`, say) is not served, and neither is a folder or a device.
fn contained_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let relative = Path::new(name);
    if !relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
    {
        return None;
    }
    let real_dir = dir.canonicalize().ok()?;
    let real_file = dir.join(relative).canonicalize().ok()?;
    let is_file = std::fs::metadata(&real_file).is_ok_and(|metadata| metadata.is_file());
    (is_file && real_file.starts_with(&real_dir)).then_some(real_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn theme_files_stay_inside_the_theme_folder() {
        let folder = tempfile::tempdir().unwrap();
        let secret = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(secret.path(), "root:x:0:0").unwrap();
        let statics = folder.path().join("static");
        std::fs::create_dir_all(statics.join("sub")).unwrap();
        std::os::unix::fs::symlink(secret.path(), statics.join("style.css")).unwrap();
        std::os::unix::fs::symlink("/", statics.join("admin.css")).unwrap();
        std::fs::write(statics.join("sub/real.css"), "a{}").unwrap();
        std::os::unix::fs::symlink(statics.join("sub/real.css"), statics.join("reply.js")).unwrap();
        let templates = Templates::new(Some(folder.path().to_path_buf()));
        // A link out of the folder and a link to a folder fall back to the embedded files.
        let file = |name: &str| templates.assets.get(name).unwrap().identity.clone();
        let style = file("style.css");
        assert!(!String::from_utf8_lossy(&style).contains("root:"));
        assert_eq!(style, include_bytes!("../theme/static/style.css"));
        assert_eq!(
            file("admin.css"),
            include_bytes!("../theme/static/admin.css")
        );
        // A link that stays inside is followed.
        assert_eq!(file("reply.js"), b"a{}");
        // Templates obey the same rule.
        std::fs::create_dir_all(folder.path().join("templates")).unwrap();
        std::os::unix::fs::symlink(secret.path(), folder.path().join("templates/robots.txt"))
            .unwrap();
        let robots = templates
            .render("robots.txt", minijinja::context! { base_url => "http://x" })
            .unwrap();
        assert!(!robots.contains("root:"), "{robots}");
    }

    #[test]
    fn printed_text_never_carries_what_xml_forbids() {
        let templates = Templates::new(None);
        let printed = templates.render_str_for_test(
            "{{ plain }}|{{ safe }}",
            minijinja::context! {
                plain => "a\u{0}b\u{0B}<c>\u{FFFE}",
                safe => crate::render::views::safe(&tidings_domain::SafeHtml::trusting_storage(
                    "<p>x\u{0C}y\u{FFFF}</p>".into(),
                )),
            },
        );
        // Text drops them; sanitised HTML has each replaced (see `SafeHtml::new`).
        assert_eq!(printed, "ab&lt;c&gt;|<p>x\u{FFFD}y\u{FFFD}</p>");
    }

    fn site() -> views::SiteView {
        views::SiteView {
            title: "The Daily Test".into(),
            tagline: "News".into(),
            base_url: "https://news.example".into(),
            menu: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// Each mail the site sends, as the embedded theme renders it: subject, blank line, body.
    #[test]
    fn every_mail_renders_as_its_snapshot() {
        use views::mail::*;
        let templates = Templates::new(None);
        let text = "First line of the comment.\nSecond line, with a <tag> & an ampersand.";
        let mails: Vec<(&str, minijinja::Value)> = vec![
            (
                "comment_waiting",
                minijinja::Value::from_serialize(CommentWaitingMail {
                    site: site(),
                    article_title: "Council approves the bridge".into(),
                    article_url: "https://news.example/2026/06/bridge/".into(),
                    author_name: "Ada Reader".into(),
                    author_url: None,
                    reason: "first comment from this name and email".into(),
                    text: text.into(),
                    approve_url: "https://news.example/moderate/7/approve?signed".into(),
                    spam_url: "https://news.example/moderate/7/spam?signed".into(),
                    trash_url: "https://news.example/moderate/7/trash?signed".into(),
                    waiting: 3,
                    queue_url: "https://news.example/admin/comments".into(),
                }),
            ),
            (
                "comment_to_author",
                minijinja::Value::from_serialize(CommentToAuthorMail {
                    site: site(),
                    article_title: "Council approves the bridge".into(),
                    author_name: "Ada Reader".into(),
                    text: text.into(),
                    comment_url: "https://news.example/comments/7/".into(),
                    queue_url: "https://news.example/admin/comments".into(),
                }),
            ),
            (
                "comment_to_subscriber",
                minijinja::Value::from_serialize(CommentToSubscriberMail {
                    site: site(),
                    article_title: "Council approves the bridge".into(),
                    author_name: "Ada Reader".into(),
                    text: text.into(),
                    comment_url: "https://news.example/comments/7/".into(),
                    replies_only: true,
                    unsubscribe_url: "https://news.example/subscriptions/t/unsubscribe".into(),
                }),
            ),
            (
                "confirm_subscription",
                minijinja::Value::from_serialize(ConfirmSubscriptionMail {
                    site: site(),
                    article_title: "Council approves the bridge".into(),
                    replies_only: false,
                    confirm_url: "https://news.example/subscriptions/t/confirm".into(),
                    unsubscribe_url: "https://news.example/subscriptions/t/unsubscribe".into(),
                }),
            ),
            (
                "invitation",
                minijinja::Value::from_serialize(InvitationMail {
                    site: site(),
                    inviter: "Olive Owner".into(),
                    role: "an editor".into(),
                    link: "https://news.example/admin/password?user=7&signed".into(),
                    valid_days: 7,
                }),
            ),
            (
                "password_reset",
                minijinja::Value::from_serialize(PasswordResetMail {
                    site: site(),
                    name: "Edith Editor".into(),
                    link: "https://news.example/admin/password?user=7&signed".into(),
                    valid_hours: 1,
                }),
            ),
        ];
        for (kind, context) in mails {
            let (subject, body) = templates.render_mail(kind, context).unwrap();
            insta::assert_snapshot!(kind, format!("{subject}\n\n{body}"));
        }
    }

    #[test]
    fn a_theme_folder_can_rewrite_a_mail() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(folder.path().join("templates/mail")).unwrap();
        std::fs::write(
            folder
                .path()
                .join("templates/mail/confirm_subscription.subject.txt"),
            "Bitte bestätigen: {{ article_title }}",
        )
        .unwrap();
        let templates = Templates::new(Some(folder.path().to_path_buf()));
        let (subject, body) = templates
            .render_mail(
                "confirm_subscription",
                views::mail::ConfirmSubscriptionMail {
                    site: site(),
                    article_title: "Brücke".into(),
                    replies_only: true,
                    confirm_url: "https://news.example/c".into(),
                    unsubscribe_url: "https://news.example/u".into(),
                },
            )
            .unwrap();
        assert_eq!(subject, "Bitte bestätigen: Brücke");
        assert!(body.contains("replies to your comment"), "{body}");
    }

    #[test]
    fn embedded_templates_parse() {
        Templates::new(None).check().unwrap();
    }

    #[test]
    fn a_theme_folder_overrides_one_template_and_can_extend_the_default() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(folder.path().join("templates")).unwrap();
        std::fs::write(
            folder.path().join("templates/robots.txt"),
            "{% extends \"default/robots.txt\" %}",
        )
        .unwrap();
        std::fs::write(
            folder.path().join("templates/error.html"),
            "custom {{ message }}",
        )
        .unwrap();
        let templates = Templates::new(Some(folder.path().to_owned()));
        let context = minijinja::context! { message => "<b>", base_url => "http://x" };
        assert_eq!(
            templates.render("error.html", &context).unwrap(),
            "custom &lt;b&gt;"
        );
        let escaped = templates.render_str_for_test(
            "{{ value }}",
            minijinja::context! { value => "/a?b=1&c=\"'<x>" },
        );
        assert_eq!(escaped, "/a?b=1&amp;c=&quot;&#39;&lt;x&gt;");
        let robots = templates.render("robots.txt", &context).unwrap();
        assert!(robots.contains("Disallow: /admin/"), "{robots}");
        assert!(contained_path(folder.path(), "../etc/passwd").is_none());
    }
}
