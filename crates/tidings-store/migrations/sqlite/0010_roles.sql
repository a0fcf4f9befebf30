-- WordPress's four roles, and deactivated accounts.
--
-- A CHECK cannot change in place in SQLite, so the users table is rebuilt, keeping every
-- id and column in PostgreSQL's order (the migration runner turns foreign keys off
-- around a migration and checks them before it commits). A deactivated account keeps its
-- articles and bylines but cannot sign in; its sessions are ended when it is deactivated.
CREATE TABLE users_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'editor', 'author', 'contributor')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    slug TEXT,
    bio TEXT NOT NULL DEFAULT '',
    deactivated_at INTEGER
) STRICT;
INSERT INTO users_rebuilt (id, email, display_name, role, password_hash, created_at, slug, bio)
    SELECT id, email, display_name, role, password_hash, created_at, slug, bio FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE UNIQUE INDEX users_by_slug ON users (slug);
