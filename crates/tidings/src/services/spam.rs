//! The spam defences that need the app: the proof-of-work challenge a reader's browser
//! solves before posting, and the statistical filter's scoring and training.
//!
//! A challenge is `ISSUED.BITS.NONCE.SIGNATURE`: when it was handed out, how hard it is, a
//! random part, and the site's signature over the rest, so the server keeps no state until a
//! comment spends it (the comment row stores it, and a unique index makes it single-use).
//! The browser finds a number `n` such that SHA-256 of `CHALLENGE:n` starts with BITS zero
//! bits. The issue time doubles as the form's start time for the "too quick" trap, which a
//! cached page could not otherwise carry.

use crate::app::App;
use crate::security::random_token;
use sha2::{Digest, Sha256};
use tidings_domain::discussion::ProofCheck;
use tidings_domain::spam_filter::{self, Label};
use tidings_domain::{Comment, DiscussionSettings};
use tidings_store::StoreError;

/// How long a challenge stays good: a reader may keep a tab open for a long read.
const CHALLENGE_LIFETIME_SECONDS: i64 = 24 * 3600;

#[derive(Debug, serde::Serialize)]
pub struct Challenge {
    pub challenge: String,
    pub bits: u32,
}

pub fn issue_challenge(app: &App, settings: &DiscussionSettings) -> Challenge {
    let bits = settings.proof_of_work_bits;
    let unsigned = format!(
        "{}.{bits}.{}",
        app.now().unix_timestamp(),
        &random_token()[..16]
    );
    let signature = &app.signer.sign(&format!("pow:{unsigned}"))[..32];
    Challenge {
        challenge: format!("{unsigned}.{signature}"),
        bits,
    }
}

/// Checks the challenge and answer a form came with.
pub fn check_proof(
    app: &App,
    settings: &DiscussionSettings,
    challenge: &str,
    answer: &str,
) -> ProofCheck {
    check_proof_at(
        &app.signer,
        app.now().unix_timestamp(),
        settings.proof_of_work_bits,
        challenge,
        answer,
    )
}

/// The check itself, on whatever a form sent: it reads only what is there (the parts, the
/// signature over them, the numbers in them) and never trusts one before the signature.
fn check_proof_at(
    signer: &crate::security::Signer,
    now: i64,
    required_bits: u32,
    challenge: &str,
    answer: &str,
) -> ProofCheck {
    if required_bits == 0 {
        return ProofCheck::NotAsked;
    }
    if challenge.is_empty() && answer.is_empty() {
        return ProofCheck::Missing;
    }
    let Some((unsigned, signature)) = challenge.rsplit_once('.') else {
        return ProofCheck::Invalid("malformed");
    };
    let parts: Vec<&str> = unsigned.split('.').collect();
    let [issued, bits, _] = parts[..] else {
        return ProofCheck::Invalid("malformed");
    };
    let expected = signer.sign(&format!("pow:{unsigned}"));
    if !crate::security::same_secret(&expected[..32], signature) {
        return ProofCheck::Invalid("forged");
    }
    let (Ok(issued), Ok(bits)) = (issued.parse::<i64>(), bits.parse::<u32>()) else {
        return ProofCheck::Invalid("malformed");
    };
    let age = now.saturating_sub(issued);
    if !(-60..=CHALLENGE_LIFETIME_SECONDS).contains(&age) {
        return ProofCheck::Invalid("expired");
    }
    if bits < required_bits {
        return ProofCheck::Invalid("easier than the site asks");
    }
    if answer.len() > 20 || leading_zero_bits(challenge, answer) < bits {
        return ProofCheck::Invalid("not solved");
    }
    ProofCheck::Solved {
        seconds_since_issued: age.max(0),
    }
}

fn leading_zero_bits(challenge: &str, answer: &str) -> u32 {
    let digest = Sha256::digest(format!("{challenge}:{answer}").as_bytes());
    let mut zeros = 0;
    for byte in digest {
        if byte == 0 {
            zeros += 8;
        } else {
            return zeros + byte.leading_zeros();
        }
    }
    zeros
}

/// The filter's score for a comment, when it has learnt enough to judge.
pub async fn score(
    app: &App,
    author_name: &str,
    author_url: &str,
    content: &str,
) -> Result<Option<f64>, StoreError> {
    let tokens = spam_filter::tokens(author_name, author_url, content);
    let counts = app.store.spam_token_counts(&tokens).await?;
    let documents = counts
        .get(spam_filter::DOCUMENTS)
        .copied()
        .unwrap_or_default();
    Ok(spam_filter::score(&tokens, &counts, documents))
}

/// Teaches the filter a moderator's decision about a comment.
pub async fn learn(app: &App, comment: &Comment, label: Label) -> Result<(), StoreError> {
    let tokens = spam_filter::tokens(&comment.author_name, &comment.author_url, &comment.content);
    app.store
        .train_spam_filter(comment.id, &tokens, Some(label))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::Signer;
    use proptest::prelude::*;

    const NOW: i64 = 1_780_000_000;

    fn signed(signer: &Signer, unsigned: &str) -> String {
        format!(
            "{unsigned}.{}",
            &signer.sign(&format!("pow:{unsigned}"))[..32]
        )
    }

    fn solve(challenge: &str, bits: u32) -> String {
        (0_u64..)
            .map(|n| n.to_string())
            .find(|answer| leading_zero_bits(challenge, answer) >= bits)
            .unwrap()
    }

    #[test]
    fn a_solved_challenge_passes_and_a_changed_one_does_not() {
        let signer = Signer::new("key");
        let challenge = signed(&signer, &format!("{}.8.nonce", NOW - 5));
        let answer = solve(&challenge, 8);
        assert!(matches!(
            check_proof_at(&signer, NOW, 8, &challenge, &answer),
            ProofCheck::Solved {
                seconds_since_issued: 5
            }
        ));
        let easier = challenge.replacen(".8.", ".1.", 1);
        assert!(matches!(
            check_proof_at(&signer, NOW, 8, &easier, &answer),
            ProofCheck::Invalid("forged")
        ));
        assert!(matches!(
            check_proof_at(&signer, NOW + 2 * 24 * 3600, 8, &challenge, &answer),
            ProofCheck::Invalid("expired")
        ));
        assert!(matches!(
            check_proof_at(&Signer::new("another"), NOW, 8, &challenge, &answer),
            ProofCheck::Invalid("forged")
        ));
    }

    proptest! {
        /// The challenge parser on anything a form may send: no panic, and nothing passes
        /// that the site did not sign.
        #[test]
        fn no_unsigned_challenge_passes(
            challenge in prop_oneof![
                any::<String>(),
                r"[0-9.+a-f-]{0,80}",
                r"(-?[0-9]{1,20}|x)\.(-?[0-9]{1,12}|x)\.[a-f0-9]{0,16}\.[a-f0-9]{0,40}",
            ],
            answer in prop_oneof![any::<String>(), "[0-9]{0,24}"],
            bits in 0_u32..64,
        ) {
            let signer = Signer::new("key");
            let outcome = check_proof_at(&signer, NOW, bits, &challenge, &answer);
            prop_assert!(!matches!(outcome, ProofCheck::Solved { .. }), "{outcome:?}");
        }

        /// Signed challenges with any numbers in them: still no panic (an issue time at the
        /// ends of i64, a bit count past what SHA-256 has).
        #[test]
        fn signed_challenges_with_any_numbers_are_judged(
            issued in any::<i64>(),
            bits in any::<u32>(),
            answer in "[0-9]{0,24}",
        ) {
            let signer = Signer::new("key");
            let challenge = signed(&signer, &format!("{issued}.{bits}.nonce"));
            let outcome = check_proof_at(&signer, NOW, 1, &challenge, &answer);
            if let ProofCheck::Solved { seconds_since_issued } = outcome {
                prop_assert!((0..=CHALLENGE_LIFETIME_SECONDS).contains(&seconds_since_issued));
                prop_assert!(leading_zero_bits(&challenge, &answer) >= bits);
            }
        }
    }
}
