//! Time-based one-time codes (RFC 6238, as Google Authenticator, 1Password, Aegis and every
//! other authenticator app compute them: HMAC-SHA-1, 30-second steps, 6 digits) and the
//! recovery codes that stand in for a lost phone.
//!
//! A code is accepted for the current step or the one before or after it (a phone's clock
//! a little off, a code typed as it changed), and only for a step later than the last one
//! accepted, so a code seen over a shoulder or phished cannot be used again.

use hmac::{Hmac, Mac};

/// Seconds each code lasts.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that are accepted.
const DRIFT_STEPS: i64 = 1;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of randomness in a recovery code (80 bits: 16 base32 characters).
pub const RECOVERY_CODE_BYTES: usize = 10;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The bytes of a base32 secret (case, spaces and padding ignored); `None` if it holds
/// anything else.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for character in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let upper = character.to_ascii_uppercase();
        let value = ALPHABET.iter().position(|&a| char::from(a) == upper)?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The step a moment falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of `secret` for `step` (RFC 4226's dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let mut mac =
        <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 1_000_000
}

/// The step whose code `typed` is, if it is one of the accepted steps around `now` and
/// later than `last_used_step`. Spaces in what was typed are ignored.
pub fn check_code(secret: &str, typed: &str, now_unix: i64, last_used_step: i64) -> Option<i64> {
    let secret = from_base32(secret)?;
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = step_at(now_unix);
    // Every candidate is computed, so the time taken says nothing of which one matched.
    let mut matched = None;
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        if code_at(&secret, step) == typed && step > last_used_step && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// The address an authenticator app reads from the QR code (Google's Key URI format).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let encode = |text: &str| {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        encode(issuer),
        encode(account),
        encode(issuer)
    )
}

/// A recovery code as shown: 16 base32 characters in four groups (`abcd-efgh-ijkl-mnop`).
pub fn recovery_code(random: &[u8; RECOVERY_CODE_BYTES]) -> String {
    let plain = base32(random).to_ascii_lowercase();
    plain
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed recovery code as it is compared: lowercase, without dashes or spaces. `None`
/// when it cannot be one.
pub fn normalise_recovery_code(typed: &str) -> Option<String> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (plain.len() == 16 && from_base32(&plain).is_some()).then_some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 vectors (8 digits there; the last 6 here).
    #[test]
    fn codes_match_the_rfc_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at(secret, step_at(time)), code % 1_000_000, "{time}");
        }
    }

    #[test]
    fn base32_round_trips_and_refuses_other_letters() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi======").unwrap(), b"foobar");
        for length in 0..25 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(from_base32(&base32(&bytes)).unwrap(), bytes);
        }
        assert!(from_base32("MZXW1").is_none());
    }

    #[test]
    fn a_code_is_accepted_near_its_time_and_once() {
        let secret = base32(b"12345678901234567890");
        let now = 1_234_567_890;
        let code = format!("{:06}", code_at(b"12345678901234567890", step_at(now)));
        let step = check_code(&secret, &code, now, 0).unwrap();
        assert_eq!(step, step_at(now));
        // Thirty seconds either way still works; a minute and a half does not.
        assert_eq!(check_code(&secret, &code, now + 30, 0), Some(step));
        assert_eq!(check_code(&secret, &code, now - 30, 0), Some(step));
        assert_eq!(check_code(&secret, &code, now + 90, 0), None);
        // Once its step is used, it is refused.
        assert_eq!(check_code(&secret, &code, now, step), None);
        assert_eq!(
            check_code(&secret, &format!("{} {}", &code[..3], &code[3..]), now, 0),
            Some(step)
        );
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            assert_eq!(check_code(&secret, bad, now, 0), None, "{bad}");
        }
    }

    #[test]
    fn recovery_codes_read_back_however_they_are_typed() {
        let code = recovery_code(&[7; RECOVERY_CODE_BYTES]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let plain = normalise_recovery_code(&code).unwrap();
        assert_eq!(
            normalise_recovery_code(&code.to_uppercase()),
            Some(plain.clone())
        );
        assert_eq!(
            normalise_recovery_code(&code.replace('-', " ")),
            Some(plain)
        );
        assert_eq!(normalise_recovery_code("too-short"), None);
    }

    #[test]
    fn the_uri_names_the_site_and_the_account() {
        assert_eq!(
            otpauth_uri("The Daily", "ed@example.com", "ABC"),
            "otpauth://totp/The%20Daily:ed%40example%2Ecom?secret=ABC&issuer=The%20Daily&algorithm=SHA1&digits=6&period=30"
        );
    }
}
