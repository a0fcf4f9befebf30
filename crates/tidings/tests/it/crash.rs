//! "An acknowledged comment survives a crash": comments whose 303 was sent are all there,
//! once each, after the server is killed with SIGKILL under load and started again, round
//! after round, with SQLite's `integrity_check` passing after every kill. Writers post
//! threads (each comment a reply to the writer's last), so parents are checked under load.
//! On PostgreSQL (`scripts/test`'s second run) the same test kills a node mid-write on the
//! shared database.

use crate::support::*;
use reqwest::StatusCode;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tidings::app::{DATABASE_FILE, open_store};
use tidings::config::Config;
use tidings_store::SqliteStore;

const WRITERS: usize = 12;
const ROUNDS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_comments_survive_sigkill() {
    let data = data_folder().await;
    accept_every_comment(data.path()).await;

    let mut acknowledged: HashMap<String, i64> = HashMap::new();
    let mut unknown = 0;
    for round in 0..ROUNDS {
        let server = RunningBinary::start(data.path());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_millis(600 + 150 * round as u64);
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let client = client.clone();
                let url = format!("{}/wp-comments-post.php", server.base_url);
                tokio::spawn(async move {
                    let mut outcomes = Vec::new();
                    let mut parent = 0;
                    for sequence in 0.. {
                        let key = format!("crash-key-{round}-{writer}-{sequence}");
                        let parent_id = parent.to_string();
                        let form = [
                            ("comment_post_ID", "1"),
                            ("comment_parent", parent_id.as_str()),
                            ("author", "Load"),
                            ("email", "load@readers.example"),
                            ("comment", key.as_str()),
                        ];
                        let response = client.post(&url).form(&form).send().await;
                        match response {
                            Ok(response) if response.status() == StatusCode::SEE_OTHER => {
                                let id = comment_id(&location(&response));
                                outcomes.push((key, Some(id)));
                                // A thread as deep as the settings allow, then a new one.
                                parent = if sequence % 4 == 3 { 0 } else { id };
                            }
                            Ok(response) => panic!("{key} was refused: {}", response.status()),
                            // The connection died with the server: maybe stored, maybe not.
                            Err(_) => {
                                outcomes.push((key, None));
                                break;
                            }
                        }
                    }
                    outcomes
                })
            })
            .collect();
        tokio::time::sleep_until(deadline.into()).await;
        server.kill();
        if !on_postgres() {
            // Opening recovers the write-ahead log, as the next start would.
            let sqlite = SqliteStore::open(&data.path().join(DATABASE_FILE))
                .await
                .unwrap();
            assert_eq!(
                sqlite.integrity_check().await.unwrap(),
                "ok",
                "after kill {round}"
            );
            sqlite.close().await;
        }
        for writer in writers {
            for (key, id) in writer.await.unwrap() {
                match id {
                    Some(id) => {
                        acknowledged.insert(key, id);
                    }
                    None => unknown += 1,
                }
            }
        }
    }
    assert!(
        acknowledged.len() > 50,
        "the load ran: only {} comments were acknowledged",
        acknowledged.len()
    );

    let store = open_store(data.path(), &Config::load(data.path()).unwrap())
        .await
        .unwrap();
    if !on_postgres() {
        let sqlite = SqliteStore::open(&data.path().join(DATABASE_FILE))
            .await
            .unwrap();
        assert_eq!(sqlite.integrity_check().await.unwrap(), "ok");
    }
    let stored = store
        .approved_comments(tidings_domain::ArticleId(1))
        .await
        .unwrap();
    let mut stored_keys: HashMap<&str, usize> = HashMap::new();
    for comment in &stored {
        *stored_keys.entry(comment.content.as_str()).or_default() += 1;
    }
    for (key, id) in &acknowledged {
        assert_eq!(
            stored_keys.get(key.as_str()),
            Some(&1),
            "acknowledged {key} (comment {id}) is stored exactly once"
        );
    }
    assert!(
        stored_keys.values().all(|count| *count == 1),
        "no comment is stored twice"
    );
    assert!(
        stored.len() <= acknowledged.len() + unknown + 1,
        "nothing appears that was never sent"
    );
    println!(
        "crash test: {} acknowledged, {unknown} cut off by {ROUNDS} kills, 0 lost",
        acknowledged.len()
    );
}
