//! Schema migrations, embedded in the binary. Each dialect has its own folder of plain SQL
//! files with the same numbers; an applied migration is never edited, only followed.

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The migrations of one dialect's folder, by number, name and file.
macro_rules! migrations {
    ($dialect:literal: $($version:literal $name:literal $file:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dialect, "/", $file)),
        }),*]
    };
}

pub(crate) const SQLITE: &[Migration] = migrations!("sqlite":
    1 "initial" "0001_initial.sql",
    2 "page_invalidations" "0002_page_invalidations.sql",
    3 "comment_html" "0003_comment_html.sql",
    4 "discussion" "0004_discussion.sql",
    5 "hardening" "0005_hardening.sql",
    6 "redirects" "0006_redirects.sql",
    7 "newsroom" "0007_newsroom.sql",
    8 "revisions" "0008_revisions.sql",
    9 "bylines" "0009_bylines.sql",
    10 "roles" "0010_roles.sql",
    11 "term_redirects" "0011_term_redirects.sql",
    12 "media" "0012_media.sql",
    13 "search" "0013_search.sql",
    14 "section_paths" "0014_section_paths.sql",
    15 "imports" "0015_imports.sql",
    16 "application_passwords" "0016_application_passwords.sql",
    17 "webhooks" "0017_webhooks.sql",
    18 "staff_security" "0018_staff_security.sql",
    19 "passkeys" "0019_passkeys.sql",
);

pub(crate) const POSTGRES: &[Migration] = migrations!("postgres":
    1 "initial" "0001_initial.sql",
    2 "page_invalidations" "0002_page_invalidations.sql",
    3 "comment_html" "0003_comment_html.sql",
    4 "discussion" "0004_discussion.sql",
    5 "hardening" "0005_hardening.sql",
    6 "redirects" "0006_redirects.sql",
    7 "newsroom" "0007_newsroom.sql",
    8 "revisions" "0008_revisions.sql",
    9 "bylines" "0009_bylines.sql",
    10 "roles" "0010_roles.sql",
    11 "term_redirects" "0011_term_redirects.sql",
    12 "media" "0012_media.sql",
    13 "search" "0013_search.sql",
    14 "section_paths" "0014_section_paths.sql",
    15 "imports" "0015_imports.sql",
    16 "application_passwords" "0016_application_passwords.sql",
    17 "webhooks" "0017_webhooks.sql",
    18 "staff_security" "0018_staff_security.sql",
    19 "passkeys" "0019_passkeys.sql",
);

/// The newest schema version this program knows.
pub(crate) fn latest(migrations: &[Migration]) -> i64 {
    migrations.last().map_or(0, |migration| migration.version)
}

/// The version a database is at.
pub(crate) const CURRENT_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

/// The migrations a database at `found` still needs, or the refusal of a database newer
/// than this program (a forgotten old node must not write to a schema it does not know).
pub(crate) fn pending(
    all: &'static [Migration],
    found: i64,
) -> crate::StoreResult<impl Iterator<Item = &'static Migration>> {
    let known = latest(all);
    if found > known {
        return Err(crate::StoreError::SchemaTooNew { found, known });
    }
    Ok(all
        .iter()
        .filter(move |migration| migration.version > found))
}

/// The row that says a migration was applied.
pub(crate) fn record(migration: &Migration) -> crate::database::Statement {
    crate::database::statement!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        migration.version,
        migration.name,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
}

pub(crate) fn log_applied(migration: &Migration) {
    tracing::info!(
        version = migration.version,
        name = migration.name,
        "applied migration"
    );
}
