//! The layered spam defence through HTTP: honeypot, proof of work and the time to post,
//! hourly limits, the statistical filter trained by moderators, and the spam purge. Nothing
//! here is ever dropped: what the traps catch is stored as spam or held for a moderator.

use crate::support::*;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tidings_domain::{CommentId, CommentStatus};

/// Turns the defences back on that the test app turns off for other tests.
async fn defended_site() -> TestApp {
    let site = TestApp::spawn().await;
    site.settings(|settings| {
        let defaults = tidings_domain::DiscussionSettings::default();
        settings.require_previously_approved = false;
        settings.flood_interval_seconds = 0;
        settings.proof_of_work_bits = 12;
        settings.min_seconds_to_post = defaults.min_seconds_to_post;
        settings.max_comments_per_ip_per_hour = 3;
        settings.max_comments_per_email_per_hour = defaults.max_comments_per_email_per_hour;
    })
    .await;
    site
}

/// What the page's script does: fetch a challenge and find the answer.
async fn solve(reader: &Reader) -> (String, String) {
    let response = reader.get("/comments/challenge").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header_text(response.headers()).contains("no-store"));
    let challenge: serde_json::Value = serde_json::from_str(&body(response).await).unwrap();
    let (text, bits) = (
        challenge["challenge"].as_str().unwrap().to_owned(),
        challenge["bits"].as_u64().unwrap() as u32,
    );
    for answer in 0_u64.. {
        let digest = Sha256::digest(format!("{text}:{answer}").as_bytes());
        let zeros = u128::from_be_bytes(digest[..16].try_into().unwrap()).leading_zeros();
        if zeros >= bits {
            return (text, answer.to_string());
        }
    }
    unreachable!()
}

async fn stored(site: &TestApp, location: &str) -> tidings_domain::Comment {
    site.app
        .store
        .comment_by_id(CommentId(comment_id(location)))
        .await
        .unwrap()
        .unwrap()
}

fn comment_form<'a>(text: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("comment", text), ("author", "Ada"), ("email", email)]
}

#[tokio::test]
async fn a_solved_proof_of_work_lets_a_comment_through_and_is_spent_once() {
    let site = defended_site().await;
    site.settings(|settings| settings.max_comments_per_ip_per_hour = 0)
        .await;
    let article = site.article("Defended").await;
    let reader = site.reader();
    let (challenge, answer) = solve(&reader).await;
    site.clock.advance(time::Duration::seconds(20));
    let mut form = comment_form("a proven comment", "ada@readers.example");
    form.extend([
        ("tidings_challenge", challenge.as_str()),
        ("tidings_answer", answer.as_str()),
    ]);
    let response = reader.comment(&article, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&site, &location(&response)).await.status,
        CommentStatus::Approved
    );

    // The same challenge again is a replay: kept, but held.
    form[0] = ("comment", "a replayed comment");
    let response = reader.comment(&article, &form).await;
    let replay = stored(&site, &location(&response)).await;
    assert_eq!(replay.status, CommentStatus::Pending);
    assert!(
        replay.moderation_reason.contains("already spent"),
        "{}",
        replay.moderation_reason
    );

    // A wrong answer, a forged challenge and a stale one are held with the reason.
    for (challenge, answer, reason) in [
        (challenge.clone(), "not-a-number".to_owned(), "not solved"),
        (challenge.replace('.', "x"), answer.clone(), "malformed"),
        (
            {
                let mut forged: Vec<&str> = challenge.split('.').collect();
                forged[3] = "00000000000000000000000000000000";
                forged.join(".")
            },
            answer.clone(),
            "forged",
        ),
    ] {
        let text = format!("held because {reason}");
        let mut form = comment_form(&text, "ada@readers.example");
        form.extend([
            ("tidings_challenge", challenge.as_str()),
            ("tidings_answer", answer.as_str()),
        ]);
        let held = stored(&site, &location(&reader.comment(&article, &form).await)).await;
        assert_eq!(held.status, CommentStatus::Pending, "{reason}");
        assert!(
            held.moderation_reason.contains(reason),
            "{}",
            held.moderation_reason
        );
    }
    let (challenge, answer) = solve(&reader).await;
    site.clock.advance(time::Duration::days(2));
    let mut form = comment_form("an old challenge", "bea@readers.example");
    form.extend([
        ("tidings_challenge", challenge.as_str()),
        ("tidings_answer", answer.as_str()),
    ]);
    let held = stored(&site, &location(&reader.comment(&article, &form).await)).await;
    assert!(
        held.moderation_reason.contains("expired"),
        "{}",
        held.moderation_reason
    );
}

#[tokio::test]
async fn no_script_too_quick_and_the_honeypot_are_held_or_spam_never_dropped() {
    let site = defended_site().await;
    let moderator = site.moderator().await;
    let article = site.article("Traps").await;
    let reader = site.reader();

    // No script, no proof: the reader is not refused; the comment waits.
    let response = reader
        .comment(
            &article,
            &comment_form("no javascript here", "nojs@readers.example"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let held = stored(&site, &location(&response)).await;
    assert_eq!(held.status, CommentStatus::Pending);
    assert!(held.moderation_reason.contains("proof of work"));
    let own = body(
        reader
            .get(location(&response).split('#').next().unwrap())
            .await,
    )
    .await;
    assert!(own.contains("Your comment is awaiting moderation"));

    // Posted a second after the form loaded: held.
    let (challenge, answer) = solve(&reader).await;
    site.clock.advance(time::Duration::seconds(1));
    let mut form = comment_form("speedy", "fast@readers.example");
    form.extend([
        ("tidings_challenge", challenge.as_str()),
        ("tidings_answer", answer.as_str()),
    ]);
    let held = stored(&site, &location(&reader.comment(&article, &form).await)).await;
    assert_eq!(held.status, CommentStatus::Pending);
    assert!(held.moderation_reason.contains("after the form loaded"));

    // The honeypot: spam, stored, answered like any held comment.
    let (challenge, answer) = solve(&reader).await;
    site.clock.advance(time::Duration::seconds(30));
    let mut form = comment_form("bot text", "bot@spam.example");
    form.extend([
        ("tidings_challenge", challenge.as_str()),
        ("tidings_answer", answer.as_str()),
        ("tidings_homepage", "https://spam.example/"),
    ]);
    let response = reader.comment(&article, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let caught = stored(&site, &location(&response)).await;
    assert_eq!(caught.status, CommentStatus::Spam);
    let page = body(
        reader
            .get(location(&response).split('#').next().unwrap())
            .await,
    )
    .await;
    assert!(
        page.contains("awaiting moderation"),
        "spam is not announced as spam"
    );
    let queue = body(moderator.get("/admin/comments?status=spam").await).await;
    assert!(queue.contains("bot text") && queue.contains("hidden from people"));

    // What bots do fills the queue, not the moderators' inboxes; a person's held comment
    // is mailed.
    let outbox = site.data.path().join("mail/outbox");
    let mailed = || std::fs::read_dir(&outbox).unwrap().count() + site.app.mailer.queued();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(mailed(), 0);
    site.settings(|settings| {
        settings.manual_approval = true;
        settings.max_comments_per_ip_per_hour = 0;
    })
    .await;
    let (challenge, answer) = solve(&reader).await;
    site.clock.advance(time::Duration::seconds(30));
    let mut form = comment_form("a person's comment", "person@readers.example");
    form.extend([
        ("tidings_challenge", challenge.as_str()),
        ("tidings_answer", answer.as_str()),
    ]);
    let held = stored(&site, &location(&reader.comment(&article, &form).await)).await;
    assert_eq!(held.moderation_reason, "every comment is approved by hand");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !(std::fs::read_dir(&outbox).unwrap().count() == 1 && site.app.mailer.queued() == 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the moderator's mail, once"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn hourly_limits_answer_429_with_the_comment_kept_in_the_form() {
    let site = defended_site().await;
    site.settings(|settings| settings.proof_of_work_bits = 0)
        .await;
    let article = site.article("Limits").await;
    let reader = site.reader();
    for number in 0..3 {
        let text = format!("comment {number}");
        let response = reader
            .comment(
                &article,
                &comment_form(&text, &format!("r{number}@readers.example")),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let response = reader
        .comment(
            &article,
            &comment_form("one too many", "r9@readers.example"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(header_text(response.headers()).contains("retry-after: 3600"));
    let page = body(response).await;
    assert!(page.contains("one too many") && page.contains("in an hour"));
    site.clock.advance(time::Duration::minutes(61));
    let response = reader
        .comment(
            &article,
            &comment_form("an hour later", "r9@readers.example"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_filter_learns_from_moderators_and_its_score_shows_in_the_queue() {
    let site = defended_site().await;
    site.settings(|settings| {
        settings.proof_of_work_bits = 0;
        settings.manual_approval = true;
        settings.max_comments_per_ip_per_hour = 0;
        settings.max_comments_per_email_per_hour = 0;
    })
    .await;
    let article = site.article("Learning").await;
    let moderator = site.moderator().await;
    let reader = site.reader();
    let mut spam = Vec::new();
    let mut ham = Vec::new();
    for number in 0..12 {
        let text = format!("Cheap pills casino bonus, best replica watches offer {number}");
        let email = format!("seller{number}@spam.example");
        spam.push(comment_id(&location(
            &reader.comment(&article, &comment_form(&text, &email)).await,
        )));
        let text = format!("The council should publish the bridge budget before the vote {number}");
        let email = format!("neighbour{number}@readers.example");
        ham.push(comment_id(&location(
            &reader.comment(&article, &comment_form(&text, &email)).await,
        )));
    }
    moderator.moderate("spam", &spam).await;
    moderator.moderate("approve", &ham).await;
    let documents = site
        .app
        .store
        .spam_token_counts(&["casino".to_owned()])
        .await
        .unwrap();
    assert_eq!(documents.get("casino").map(|counts| counts.spam), Some(12));

    let response = reader
        .comment(
            &article,
            &comment_form("casino bonus pills, replica watches", "new@spam.example"),
        )
        .await;
    let caught = stored(&site, &location(&response)).await;
    assert_eq!(
        caught.status,
        CommentStatus::Spam,
        "{}",
        caught.moderation_reason
    );
    assert!(caught.moderation_reason.contains("spam filter scored it"));
    let response = reader
        .comment(
            &article,
            &comment_form(
                "When is the council vote on the bridge budget?",
                "new@readers.example",
            ),
        )
        .await;
    let fine = stored(&site, &location(&response)).await;
    assert_eq!(fine.status, CommentStatus::Pending);
    assert_eq!(fine.moderation_reason, "every comment is approved by hand");

    let queue = body(moderator.get("/admin/comments?status=spam").await).await;
    assert!(
        queue.contains("spam score 100%") || queue.contains("spam score 9"),
        "{queue}"
    );

    // A rescue ("not spam") teaches the filter the other way.
    moderator.moderate("not_spam", &[caught.id.0]).await;
    let counts = site
        .app
        .store
        .spam_token_counts(&["replica".to_owned()])
        .await
        .unwrap();
    assert_eq!(counts.get("replica").map(|counts| counts.ham), Some(1));
}

#[tokio::test]
async fn old_spam_is_purged() {
    let site = defended_site().await;
    site.settings(|settings| settings.proof_of_work_bits = 0)
        .await;
    let article = site.article("Purge").await;
    let reader = site.reader();
    let mut form = comment_form("bot text", "bot@spam.example");
    form.push(("tidings_homepage", "x"));
    let id = CommentId(comment_id(&location(
        &reader.comment(&article, &form).await,
    )));
    site.clock.advance(time::Duration::days(14));
    tidings::services::housekeeping::run_once(&site.app)
        .await
        .unwrap();
    assert!(
        site.app.store.comment_by_id(id).await.unwrap().is_some(),
        "kept 14 days"
    );
    site.clock.advance(time::Duration::days(2));
    let tidied = tidings::services::housekeeping::run_once(&site.app)
        .await
        .unwrap();
    assert_eq!(tidied.spam_purged, 1);
    assert!(site.app.store.comment_by_id(id).await.unwrap().is_none());
}
