//! Site-wide things: the welcome content of a fresh site, the first-administrator setup
//! token, and the discussion settings.

use crate::app::App;
use crate::cache::Tag;
use crate::render::views::{NavLink, SiteView};
use crate::security::random_token;
use tidings_domain::article::ArticleInput;
use tidings_domain::term::header_menu;
use tidings_domain::text::render_comment;
use tidings_domain::{ArticleStatus, CommentStatus, DiscussionSettings, TermId};
use tidings_store::{CommentRecord, StoreError, SubmissionGuard};

const DISCUSSION_SETTINGS: &str = "discussion";
const SETUP_TOKEN: &str = "setup_token";
const WELCOMED: &str = "welcomed_at";

const WELCOME_BODY: &str = "\
Welcome to your new news site. This is its first article: edit it, unpublish it, or write \
the next one in the admin at [/admin/](/admin/).

Below it you can see the comment section at work. Readers leave a reply with the form at \
the bottom of every article; their email address is never shown, and a first-time \
commenter waits for a moderator before appearing, as on most news sites.

## What to do next

1. Create the administrator account with the setup link that `tidings serve` printed.
2. Write an article in the admin, or from a script with `tidings post add`.
3. Review the discussion settings: manual approval, link limits, moderation words.
";

/// Gives a site with no content its welcome article and one approved sample comment, once,
/// even when several nodes start at the same moment.
pub async fn welcome_fresh_site(app: &App) -> anyhow::Result<()> {
    let now = app.now();
    let marker = format!("{}:{}", now.unix_timestamp(), random_token());
    if app.store.setting_or_insert(WELCOMED, &marker).await? != marker {
        return Ok(());
    }
    let article = ArticleInput {
        title: "Welcome to tidings".into(),
        slug: String::new(),
        body_markdown: WELCOME_BODY.into(),
        status: Some(ArticleStatus::Published),
        published_at: Some(now),
        comments_open: true,
        ..Default::default()
    }
    .validate(now)
    .map_err(|invalid| anyhow::anyhow!("the welcome article is invalid: {invalid}"))?;
    let article = app.store.insert_article(&article, None, now).await?;
    let sample_text = "Hi, this is a comment.\n\nModerators can approve, spam or trash comments \
                       in the admin's comment queue.";
    let sample = CommentRecord {
        article_id: article.id,
        parent_id: None,
        author_name: "A tidings reader".into(),
        author_email: "reader@example.com".into(),
        author_url: String::new(),
        content: sample_text.into(),
        content_html: render_comment(sample_text).as_str().to_owned(),
        status: CommentStatus::Approved,
        moderation_reason: "sample comment of a new site".into(),
        // Nobody sent it, so it has no address (and cannot trip flood control for anyone).
        ip: String::new(),
        user_agent: String::new(),
        created_at: now,
        spam_score: None,
        proof: None,
        avatar_key: Some(crate::services::comments::avatar_key(
            app,
            "reader@example.com",
            "",
        )),
    };
    app.store
        .insert_comment(&sample, &SubmissionGuard::default())
        .await?
        .map_err(|refusal| anyhow::anyhow!("the sample comment was refused: {refusal:?}"))?;
    Ok(())
}

/// While no account exists, the one-time token that lets whoever holds it create the first
/// administrator; `None` once an account exists. Every node of a site returns the same
/// token, so whichever node's start-up link the owner opens works. The token itself is
/// stored (not a hash) for that reason; whoever can read the database controls the site
/// anyway.
pub async fn issue_setup_token(app: &App) -> Result<Option<String>, StoreError> {
    if app.store.count_users().await? > 0 {
        return Ok(None);
    }
    let mut token = app
        .store
        .setting_or_insert(SETUP_TOKEN, &random_token())
        .await?;
    if token.is_empty() {
        // Spent, yet no account exists (the account was never stored): issue another.
        token = random_token();
        app.store.put_setting(SETUP_TOKEN, &token).await?;
    }
    Ok(Some(token))
}

/// Whether `token` is the current setup token (and no account exists yet).
pub async fn setup_token_is_valid(app: &App, token: &str) -> Result<bool, StoreError> {
    if token.is_empty() || app.store.count_users().await? > 0 {
        return Ok(false);
    }
    let stored = app.store.setting(SETUP_TOKEN).await?.unwrap_or_default();
    Ok(!stored.is_empty() && crate::security::same_secret(&stored, token))
}

pub async fn forget_setup_token(app: &App) -> Result<(), StoreError> {
    app.store.put_setting(SETUP_TOKEN, "").await
}

pub async fn discussion_settings(app: &App) -> Result<DiscussionSettings, StoreError> {
    match app.store.setting(DISCUSSION_SETTINGS).await? {
        None => Ok(DiscussionSettings::default()),
        Some(json) => serde_json::from_str(&json).map_err(|error| {
            StoreError::Other(format!("stored discussion settings are not valid: {error}"))
        }),
    }
}

/// The setting naming the header menu's sections: a JSON list of ids, in order.
const MENU_SECTIONS: &str = "menu_sections";
/// Pages in the footer at most.
const FOOTER_PAGES: u32 = 12;

/// The sections the site owner chose for the header's menu, or `None` while they have not
/// chosen (the top-level ones are shown then).
pub async fn chosen_menu(app: &App) -> Result<Option<Vec<TermId>>, StoreError> {
    match app.store.setting(MENU_SECTIONS).await? {
        None => Ok(None),
        Some(json) => serde_json::from_str::<Vec<i64>>(&json)
            .map(|ids| Some(ids.into_iter().map(TermId).collect()))
            .map_err(|error| StoreError::Other(format!("stored menu is not valid: {error}"))),
    }
}

/// Saves the header menu's sections, in order; every page shows the menu, so every cached
/// page goes.
pub async fn save_menu(app: &App, sections: &[TermId]) -> Result<(), StoreError> {
    let ids: Vec<i64> = sections.iter().map(|id| id.0).collect();
    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    app.store.put_setting(MENU_SECTIONS, &json).await?;
    all_pages_changed(app).await
}

/// The site as a public page shows it, with its menu and its pages.
pub async fn public_site_view(app: &App) -> Result<SiteView, StoreError> {
    let (sections, chosen, default_section, pages) = tokio::try_join!(
        app.store.all_sections(),
        chosen_menu(app),
        app.store.default_section(),
        app.store.top_level_pages(app.now(), FOOTER_PAGES),
    )?;
    let mut site = app.site_view();
    site.menu = header_menu(&sections, chosen.as_deref(), default_section)
        .into_iter()
        .map(|section| NavLink {
            name: section.name.clone(),
            url: section.permalink(),
        })
        .collect();
    site.pages = pages
        .into_iter()
        .map(|page| NavLink {
            name: page.title,
            url: page.path,
        })
        .collect();
    Ok(site)
}

/// Drops the cached pages showing `tags` on this node and, on a shared database, logs them
/// for the other nodes, which apply the log before serving from their caches. Called after
/// a write commits and before its response is sent.
pub async fn pages_changed(app: &App, tags: &[Tag]) -> Result<(), StoreError> {
    app.cache.invalidate(tags);
    if app.shared_database {
        app.store
            .record_page_changes(&Tag::encode(tags), app.now())
            .await?;
    }
    Ok(())
}

/// Every page changed (a setting that shapes them all).
pub async fn all_pages_changed(app: &App) -> Result<(), StoreError> {
    app.cache.clear();
    if app.shared_database {
        app.store.record_page_changes("all", app.now()).await?;
    }
    Ok(())
}

/// Applies the shared invalidation log's new entries to this node's page cache.
pub async fn sync_page_changes(app: &App) -> Result<(), StoreError> {
    let synced = app.cache.synced();
    let since = i64::try_from(synced).unwrap_or(i64::MAX);
    let changes = app.store.page_changes_since(since).await?;
    if let Some((first, _)) = changes.first()
        && u64::try_from(*first).unwrap_or(0) != synced + 1
    {
        // Entries were pruned before this node saw them: nothing cached can be trusted.
        app.cache.clear();
    }
    for (epoch, tags) in changes {
        match Tag::decode(&tags) {
            Some(tags) => app.cache.invalidate(&tags),
            None => app.cache.clear(),
        }
        app.cache.mark_synced(u64::try_from(epoch).unwrap_or(0));
    }
    Ok(())
}

pub async fn save_discussion_settings(
    app: &App,
    settings: &DiscussionSettings,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(settings)
        .map_err(|error| StoreError::Other(format!("encoding discussion settings: {error}")))?;
    app.store.put_setting(DISCUSSION_SETTINGS, &json).await?;
    all_pages_changed(app).await
}
