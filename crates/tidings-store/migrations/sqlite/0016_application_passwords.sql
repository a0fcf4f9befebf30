-- Application passwords, as WordPress 5.6+ has them: a person gives each script or app its
-- own password, named, shown once, revocable on its own. Only a SHA-256 of the password is
-- kept: it is 24 random characters (over 140 bits), so a slow hash adds nothing but cost
-- on every API request, and a stolen database yields no working password.
CREATE TABLE application_passwords (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_ip TEXT
) STRICT;
CREATE INDEX application_passwords_by_user ON application_passwords (user_id, id);
