-- WordPress's four roles, and deactivated accounts. See the SQLite migration of the same
-- number.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('administrator', 'editor', 'author', 'contributor'));
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
