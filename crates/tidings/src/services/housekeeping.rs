//! Work no request waits for, run by every node once an hour: spam older than the site's
//! limit is deleted, articles and pages 30 days in the trash are deleted for good, and commenters' IP addresses older than the retention setting are
//! anonymised (an IPv4 address keeps its first three parts, an IPv6 address its first
//! three groups: enough to spot a flood from one network, not to name a household). A disk
//! nearly full is logged as a warning.

use crate::app::App;
use crate::services::site;
use tidings_domain::CommentId;
use tidings_store::StoreError;
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tidied {
    pub spam_purged: u64,
    /// Articles and pages deleted for good after their time in the trash.
    pub articles_purged: u64,
    pub ips_anonymised: u64,
}

/// The anonymised form of an IP address: `203.0.113.0`, `2001:db8:1::`.
pub fn anonymise_ip(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0")
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            let segments = v6.segments();
            format!("{:x}:{:x}:{:x}::", segments[0], segments[1], segments[2])
        }
        // Not an address (an import's leftovers): nothing in it is worth keeping.
        Err(_) => "0.0.0.0".into(),
    }
}

pub async fn run_once(app: &App) -> Result<Tidied, StoreError> {
    let settings = site::discussion_settings(app).await?;
    let now = app.now();
    let mut tidied = Tidied::default();
    if settings.purge_spam_after_days > 0 {
        let before = now - time::Duration::days(i64::from(settings.purge_spam_after_days));
        tidied.spam_purged = app.store.purge_spam_before(before).await?;
        if tidied.spam_purged > 0 {
            // Replies to purged spam moved up a level, on whichever articles they are.
            site::all_pages_changed(app).await?;
        }
    }
    let trashed_before = now - time::Duration::days(tidings_domain::article::TRASH_DAYS);
    tidied.articles_purged = app.store.purge_trash(trashed_before).await?;
    if tidied.articles_purged > 0 {
        site::all_pages_changed(app).await?;
    }
    if settings.keep_ip_days > 0 {
        let before = now - time::Duration::days(i64::from(settings.keep_ip_days));
        tidied.ips_anonymised = anonymise_ips_before(app, before).await?;
    }
    if tidied != Tidied::default() {
        tracing::info!(
            spam_purged = tidied.spam_purged,
            articles_purged = tidied.articles_purged,
            ips_anonymised = tidied.ips_anonymised,
            "housekeeping"
        );
    }
    Ok(tidied)
}

/// Where the walk through comments stopped: every comment with an id up to this one has
/// an anonymised address (or is younger than the retention time, where the walk stopped).
/// Kept in the database, so a restart (or another node) carries on instead of starting
/// over. The walk follows ids, so comments imported later with old dates are reached too.
const IP_WATERMARK: &str = "ip_anonymised_through";

/// Comments looked at per batch, and the pause between batches: a site that turns
/// retention on for years of comments catches up in the background without holding the
/// database's writer for long.
const BATCH: u32 = 500;
const PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

async fn anonymise_ips_before(app: &App, before: OffsetDateTime) -> Result<u64, StoreError> {
    let mut position = match app.store.setting(IP_WATERMARK).await? {
        Some(stored) => CommentId(stored.parse().unwrap_or(0)),
        None => CommentId(0),
    };
    let mut anonymised = 0;
    loop {
        let batch = app.store.comment_ips_after(position, BATCH).await?;
        let full = batch.len() == BATCH as usize;
        let mut changed = Vec::new();
        let mut reached_young = false;
        for (id, written, ip) in batch {
            // Comments come roughly in the order they were written: the first one still
            // inside the retention time ends this walk; the next run resumes there.
            if written >= before {
                reached_young = true;
                break;
            }
            let short = anonymise_ip(&ip);
            if short != ip && !ip.is_empty() {
                changed.push((id, short));
            }
            position = id;
        }
        anonymised += changed.len() as u64;
        if !changed.is_empty() {
            app.store.set_comment_ips(&changed).await?;
        }
        app.store
            .put_setting(IP_WATERMARK, &position.0.to_string())
            .await?;
        if reached_young || !full {
            return Ok(anonymised);
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// Runs [`run_once`] now and then every hour.
pub async fn run(app: App) {
    loop {
        if let Err(error) = run_once(&app).await {
            tracing::warn!(%error, "housekeeping failed; trying again in an hour");
        }
        let disk = crate::services::disk::of_data_folder(&app).await;
        if let Some(disk) = disk.filter(crate::services::disk::DiskSpace::nearly_full) {
            tracing::warn!(
                free_bytes = disk.free_bytes,
                total_bytes = disk.total_bytes,
                "the disk that holds the data folder is nearly full; comments and saves will be refused when it is full"
            );
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::anonymise_ip;

    #[test]
    fn addresses_keep_their_network_only() {
        assert_eq!(anonymise_ip("203.0.113.77"), "203.0.113.0");
        assert_eq!(anonymise_ip("2001:db8:1:2:3:4:5:6"), "2001:db8:1::");
        assert_eq!(anonymise_ip("junk"), "0.0.0.0");
        // Anonymising twice changes nothing.
        assert_eq!(anonymise_ip("203.0.113.0"), "203.0.113.0");
        assert_eq!(anonymise_ip("2001:db8:1::"), "2001:db8:1::");
    }
}
