//! Schema migrations, embedded in the binary. Each dialect has its own folder of plain SQL
//! files with the same numbers; an applied migration is never edited, only followed.

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "page_invalidations",
        sql: include_str!("../migrations/sqlite/0002_page_invalidations.sql"),
    },
    Migration {
        version: 3,
        name: "comment_html",
        sql: include_str!("../migrations/sqlite/0003_comment_html.sql"),
    },
    Migration {
        version: 4,
        name: "discussion",
        sql: include_str!("../migrations/sqlite/0004_discussion.sql"),
    },
    Migration {
        version: 5,
        name: "hardening",
        sql: include_str!("../migrations/sqlite/0005_hardening.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "page_invalidations",
        sql: include_str!("../migrations/postgres/0002_page_invalidations.sql"),
    },
    Migration {
        version: 3,
        name: "comment_html",
        sql: include_str!("../migrations/postgres/0003_comment_html.sql"),
    },
    Migration {
        version: 4,
        name: "discussion",
        sql: include_str!("../migrations/postgres/0004_discussion.sql"),
    },
    Migration {
        version: 5,
        name: "hardening",
        sql: include_str!("../migrations/postgres/0005_hardening.sql"),
    },
];

/// The newest schema version this program knows.
pub(crate) fn latest(migrations: &[Migration]) -> i64 {
    migrations.last().map_or(0, |migration| migration.version)
}
