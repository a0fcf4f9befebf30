//! Secrets and the small cryptographic pieces the site needs: random tokens, signed links,
//! and password hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes from the operating system, as 64 hex digits.
/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source must work");
    bytes
}

pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    // The OS random source failing is a broken machine; nothing sensible can continue.
    getrandom::fill(&mut bytes).expect("the operating system's random source must work");
    hex(&bytes)
}

pub fn sha256_hex(value: &str) -> String {
    sha256_hex_bytes(value.as_bytes())
}

pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// Constant-time comparison, for tokens an attacker may be guessing.
pub fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len() && bool::from(left.as_bytes().ct_eq(right.as_bytes()))
}

/// Signs short messages with the site's key, which lives in the database so every node of a
/// site shares it: a commenter's link to their own comment, the moderation links in mail,
/// proof-of-work challenges, avatar keys and the device cookie of a browser that signed in.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    pub fn new(key: &str) -> Signer {
        Signer {
            key: key.as_bytes().to_vec(),
        }
    }

    pub fn sign(&self, message: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(message.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    pub fn verify(&self, message: &str, signature: &str) -> bool {
        same_secret(&self.sign(message), signature)
    }
}

/// How hard password hashing works. Production uses argon2id's recommended cost; tests use
/// the cheapest valid one so that signing in a hundred times stays fast.
#[derive(Clone, Copy, Debug)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl PasswordCost {
    /// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    pub const DEFAULT: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    pub const FOR_TESTS: PasswordCost = PasswordCost {
        memory_kib: 8,
        iterations: 1,
    };

    fn hasher(self) -> argon2::Argon2<'static> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, 1, None)
            .expect("PasswordCost constants are valid argon2 parameters");
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
    }
}

/// Hashes on a blocking thread: argon2 is deliberately slow and would stall the async
/// workers that serve readers.
pub async fn hash_password(password: String, cost: PasswordCost) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0_u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|error| anyhow::anyhow!("no randomness for a salt: {error}"))?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|error| anyhow::anyhow!("salt: {error}"))?;
        let hash = cost
            .hasher()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))?;
        Ok(hash.to_string())
    })
    .await?
}

/// Checks a password against a stored hash, on a blocking thread. The parameters come from
/// the stored hash, so raising the cost later does not lock anyone out.
pub async fn verify_password(password: String, stored_hash: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored_hash)
            .map_err(|error| anyhow::anyhow!("stored hash: {error}"))?;
        Ok(argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_depend_on_key_and_message() {
        let signer = Signer::new("key one");
        let signature = signer.sign("comment:1:100");
        assert!(signer.verify("comment:1:100", &signature));
        assert!(!signer.verify("comment:2:100", &signature));
        assert!(!Signer::new("key two").verify("comment:1:100", &signature));
        assert!(!signer.verify("comment:1:100", ""));
    }

    #[test]
    fn tokens_are_random_hex() {
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(token, random_token());
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[tokio::test]
    async fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse".into(), PasswordCost::FOR_TESTS)
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong horse".into(), hash).await.unwrap());
    }
}
