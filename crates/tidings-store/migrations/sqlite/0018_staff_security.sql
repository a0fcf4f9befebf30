-- Staff accounts that resist phishing and theft.
--
-- Time-based one-time codes (RFC 6238) as a second factor: the shared secret (base32), and
-- the last 30-second step a code was accepted for, so one code signs in once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Recovery codes, for a lost phone: hashes only, each spent once.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at INTEGER
) STRICT;
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id, code_hash);

-- When the account last signed in: a new browser is announced by mail, except at an
-- account's very first sign-in (nobody needs telling that they just set up their account).
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;

-- Where and in what browser each session began, for the person's list of their sessions.
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);
