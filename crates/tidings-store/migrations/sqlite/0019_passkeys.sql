-- Passkeys (WebAuthn) for staff sign-in.
--
-- The handle a person's passkeys carry (16 random bytes, as a UUID): the browser hands it
-- back at sign-in, so the site knows whose passkey answered without asking for an email.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_by_passkey_handle ON users (passkey_handle);

-- Each passkey: its credential id (base64url), the name its owner gave it, and the public
-- key with its signature counter as webauthn-rs serialises it (JSON).
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- The challenges of finished ceremonies, kept until they would have expired anyway: a
-- ceremony's state travels signed with the browser, and this makes each one count once.
CREATE TABLE spent_challenges (
    challenge_hash TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT;
