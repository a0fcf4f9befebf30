//! Backups that prove they restore: taken while comments pour in, checked file by file,
//! refused with the reason when damaged, restored only into an empty folder, scheduled,
//! rotated, and shown on the Status screen.

use crate::support::*;
use regex::Regex;
use reqwest::StatusCode;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tidings::services::backups;
use tidings_store::{CommentStore, SqliteStore};

const WRITERS: usize = 4;

/// How many comments are acknowledged before the backup begins.
const BEFORE: usize = 40;

/// Waits until the writers have had `count` comments acknowledged in all.
async fn wait_for_answers(answered: &AtomicUsize, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::SeqCst) < count {
        assert!(
            Instant::now() < deadline,
            "{count} comments acknowledged within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// An archive's entries, by name, as a test rewrites them.
type Entries = Vec<(String, Vec<u8>)>;

/// Runs the binary on `data` in a thread of its own (it may take a while).
async fn tidings(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    run_binary_beside(data, args, "").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_holds_every_comment_acknowledged_before_it_began() {
    let data = data_folder().await;
    accept_every_comment(data.path()).await;
    let server = RunningBinary::start(data.path());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (client, stop, answered) = (client.clone(), stop.clone(), answered.clone());
            let url = format!("{}/wp-comments-post.php", server.base_url);
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for sequence in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let key = format!("backup-key-{writer}-{sequence}");
                    let form = [
                        ("comment_post_ID", "1"),
                        ("comment_parent", "0"),
                        ("author", "Load"),
                        ("email", "load@readers.example"),
                        ("comment", key.as_str()),
                    ];
                    let response = client.post(&url).form(&form).send().await.unwrap();
                    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{key}");
                    acknowledged.push((key, Instant::now()));
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                acknowledged
            })
        })
        .collect();

    // The load runs before, during and after the backup: counted, not timed, as a busy
    // machine may answer few comments in any given fraction of a second.
    wait_for_answers(&answered, BEFORE).await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("site.tar.gz");
    let began = Instant::now();
    let (ok, out, err) = tidings(data.path(), &["backup", "--out", file.to_str().unwrap()]).await;
    let ended = Instant::now();
    assert!(ok, "{out}{err}");
    assert!(out.contains("verified: restorable"), "{out}");
    // A writer may have taken its time just before `ended` and counted just after: one
    // each at most, so this many more holds at least one acknowledged after the backup.
    let at_end = answered.load(Ordering::SeqCst);
    wait_for_answers(&answered, at_end + 2 * WRITERS).await;
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    drop(server);
    let before: Vec<&str> = acknowledged
        .iter()
        .filter(|(_, at)| *at < began)
        .map(|(key, _)| key.as_str())
        .collect();
    let during = acknowledged
        .iter()
        .filter(|(_, at)| *at >= began && *at <= ended)
        .count();
    let after = acknowledged.iter().filter(|(_, at)| *at > ended).count();
    assert!(
        before.len() >= BEFORE,
        "the load ran: {} before",
        before.len()
    );
    assert!(
        after > 0,
        "the writers were still writing when the backup ended"
    );

    // It verifies on its own, and restores into a new folder.
    let (ok, out, err) = tidings(
        folder.path(),
        &["backup", "--verify", file.to_str().unwrap()],
    )
    .await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("restorable"), "{out}");
    let restored = folder.path().join("restored");
    let (ok, out, err) = tidings(&restored, &["restore", file.to_str().unwrap()]).await;
    assert!(ok, "{out}{err}");
    if on_postgres() {
        // The database is PostgreSQL's to back up; the archive says so and holds the rest.
        assert!(out.contains("pg_dump"), "{out}");
        assert!(!restored.join("tidings.db").exists());
        assert!(restored.join("tidings.toml").exists());
        return;
    }
    let database = restored.join("tidings.db");
    let inspected = SqliteStore::inspect(&database).await.unwrap();
    assert_eq!(inspected.integrity, "ok");
    let store = SqliteStore::open(&database).await.unwrap();
    let stored = store
        .approved_comments(tidings_domain::ArticleId(1))
        .await
        .unwrap();
    let mut counted: HashMap<&str, usize> = HashMap::new();
    for comment in &stored {
        *counted.entry(comment.content.as_str()).or_default() += 1;
    }
    for key in &before {
        assert_eq!(
            counted.get(key),
            Some(&1),
            "{key}, acknowledged before the backup began, is in it once"
        );
    }
    store.close().await;
    println!(
        "backup under load: {} acknowledged before, {during} during, {after} after; all {} before restored",
        before.len(),
        before.len()
    );

    // The restored site serves.
    let site = RunningBinary::start(&restored);
    let front = reqwest::get(format!("{}/", site.base_url)).await.unwrap();
    let status = front.status();
    assert_eq!(status, StatusCode::OK, "{}", front.text().await.unwrap());
}

/// A copy of the archive at `from` with `change` applied to its entries (name, bytes).
fn rewrite(from: &std::path::Path, to: &std::path::Path, change: impl Fn(&mut Entries)) {
    let mut entries = Vec::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(from).unwrap(),
    ));
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_str().unwrap().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.push((name, bytes));
    }
    change(&mut entries);
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(to).unwrap(),
        flate2::Compression::fast(),
    ));
    for (name, bytes) in &entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_entry_type(tar::EntryType::Regular);
        // Written by hand: the tar crate itself refuses `..` in a name it appends.
        let raw = &mut header.as_old_mut().name;
        raw.fill(0);
        raw[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        builder.append(&header, bytes.as_slice()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

fn manifest_of(entries: &mut [(String, Vec<u8>)]) -> (usize, serde_json::Value) {
    let index = entries
        .iter()
        .position(|(name, _)| name == "manifest.json")
        .unwrap();
    (index, serde_json::from_slice(&entries[index].1).unwrap())
}

#[tokio::test]
async fn verify_says_exactly_why_a_backup_would_not_restore() {
    let data = data_folder().await;
    let (ok, _, err) = run_binary(
        data.path(),
        &["post", "add", "--title", "Kept", "--body-file", "-"],
        "Body.",
    );
    assert!(ok, "{err}");
    std::fs::create_dir_all(data.path().join("theme/static")).unwrap();
    std::fs::write(
        data.path().join("theme/static/extra.css"),
        "p { color: red }",
    )
    .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let good = folder.path().join("good.tar.gz");
    let (ok, out, err) = tidings(data.path(), &["backup", "--out", good.to_str().unwrap()]).await;
    assert!(ok, "{out}{err}");
    // A backup never overwrites a file.
    let (ok, _, err) = tidings(data.path(), &["backup", "--out", good.to_str().unwrap()]).await;
    assert!(!ok);
    assert!(err.contains("exists already"), "{err}");
    // Nor is it made of a folder that holds no site.
    let (ok, _, err) = tidings(&folder.path().join("nothing"), &["backup"]).await;
    assert!(!ok);
    assert!(err.contains("there is no site"), "{err}");
    assert!(!folder.path().join("nothing").exists(), "no site was made");

    let verify = |name: &'static str| {
        let file = folder.path().join(name);
        let folder = folder.path().to_owned();
        async move {
            let (ok, out, err) =
                tidings(&folder, &["backup", "--verify", file.to_str().unwrap()]).await;
            assert!(!ok, "{name} verified: {out}");
            err
        }
    };
    let damaged = |name: &'static str, change: &dyn Fn(&mut Entries)| {
        rewrite(&good, &folder.path().join(name), change);
    };

    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(folder.path().join("cut.tar.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let said = verify("cut.tar.gz").await;
    assert!(
        said.contains("cut short") || said.contains("damaged"),
        "{said}"
    );

    std::fs::write(folder.path().join("text.tar.gz"), "not an archive").unwrap();
    assert!(verify("text.tar.gz").await.contains("not restorable"));

    damaged("changed.tar.gz", &|entries| {
        let css = entries
            .iter_mut()
            .find(|(name, _)| name == "theme/static/extra.css")
            .unwrap();
        // The same length: the checksum, not the size, finds it.
        css.1 = b"p { color: tan }".to_vec();
    });
    let said = verify("changed.tar.gz").await;
    assert!(
        said.contains("theme/static/extra.css's checksum differs from the manifest's"),
        "{said}"
    );

    damaged("missing.tar.gz", &|entries| {
        entries.retain(|(name, _)| name != "theme/static/extra.css");
    });
    let said = verify("missing.tar.gz").await;
    assert!(
        said.contains("theme/static/extra.css is in the manifest but not in the archive"),
        "{said}"
    );

    damaged("no-manifest.tar.gz", &|entries| {
        entries.retain(|(name, _)| name != "manifest.json");
    });
    assert!(
        verify("no-manifest.tar.gz")
            .await
            .contains("holds no manifest.json")
    );

    damaged("escape.tar.gz", &|entries| {
        entries.push(("../escaped.txt".into(), b"out".to_vec()));
    });
    let said = verify("escape.tar.gz").await;
    assert!(said.contains("not a plain relative path"), "{said}");
    assert!(!folder.path().join("escaped.txt").exists());

    damaged("newer.tar.gz", &|entries| {
        let (index, mut manifest) = manifest_of(entries);
        manifest["format"] = 2.into();
        entries[index].1 = serde_json::to_vec(&manifest).unwrap();
    });
    assert!(verify("newer.tar.gz").await.contains("backup format 2"));

    if !on_postgres() {
        damaged("counts.tar.gz", &|entries| {
            let (index, mut manifest) = manifest_of(entries);
            let articles = manifest["counts"]["articles"].as_i64().unwrap();
            manifest["counts"]["articles"] = (articles + 1).into();
            entries[index].1 = serde_json::to_vec(&manifest).unwrap();
        });
        let said = verify("counts.tar.gz").await;
        assert!(said.contains("articles: "), "{said}");
        assert!(said.contains("rows in the manifest"), "{said}");

        // A database damaged before it was archived: its checksum matches, its pages do not.
        damaged("rotten.tar.gz", &|entries| {
            let database = entries
                .iter()
                .position(|(name, _)| name == "tidings.db")
                .unwrap();
            let length = entries[database].1.len();
            entries[database].1[4096..length.min(4096 * 40)].fill(0x5a);
            let bytes = entries[database].1.clone();
            let (index, mut manifest) = manifest_of(entries);
            let listed = manifest["files"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|file| file["path"] == "tidings.db")
                .unwrap();
            use sha2::Digest;
            let digest = sha2::Sha256::digest(&bytes);
            listed["sha256"] = digest
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<String>()
                .into();
            entries[index].1 = serde_json::to_vec(&manifest).unwrap();
        });
        let said = verify("rotten.tar.gz").await;
        assert!(
            said.contains("integrity_check") || said.contains("cannot be opened"),
            "{said}"
        );
    }

    // A restore goes only into a new or empty folder, and a failed one leaves nothing.
    let (ok, _, err) = tidings(data.path(), &["restore", good.to_str().unwrap()]).await;
    assert!(!ok);
    assert!(err.contains("is not empty"), "{err}");
    let target = folder.path().join("target");
    let bad = folder.path().join("changed.tar.gz");
    let (ok, _, err) = tidings(&target, &["restore", bad.to_str().unwrap()]).await;
    assert!(!ok);
    assert!(err.contains("cannot be restored"), "{err}");
    assert!(!target.exists(), "a failed restore writes nothing");
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(".tidings-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "scratch folders are removed: {leftovers:?}"
    );
    std::fs::create_dir(&target).unwrap();
    let (ok, out, err) = tidings(&target, &["restore", good.to_str().unwrap()]).await;
    assert!(ok, "{out}{err}");
    assert_eq!(
        std::fs::read_to_string(target.join("theme/static/extra.css")).unwrap(),
        "p { color: red }"
    );
}

#[tokio::test]
async fn scheduled_backups_are_verified_rotated_and_shown_on_the_status_screen() {
    // Off (the default): the Status screen says there is none, and how to turn them on.
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    let page = body(admin.get("/admin/status").await).await;
    assert!(page.contains("id=\"backup-warning\""), "{page}");
    assert!(page.contains("There is no backup of this site yet."));
    assert!(page.contains("backup_every_hours"));
    // The disk the data is on: its room, and a warning exactly when it is nearly full.
    let disk = tidings::services::disk::of_folder(site.data.path()).unwrap();
    let shown = Regex::new(
        r#"id="disk-space">(\d+\.\d) GB free of (\d+\.\d) GB, where the data folder is<"#,
    )
    .unwrap();
    let figures = shown.captures(&page).unwrap_or_else(|| panic!("{page}"));
    assert_eq!(figures[2], format!("{:.1}", disk.total_bytes as f64 / 1e9));
    let free: f64 = figures[1].parse().unwrap();
    assert!(free <= disk.total_bytes as f64 / 1e9);
    assert_eq!(page.contains("id=\"disk-warning\""), disk.nearly_full());
    assert!(backups::back_up_if_due(&site.app).await.unwrap().is_none());
    let data = site.stop().await;

    write_config(data.path(), "backup_every_hours = 6\nbackup_keep = 2\n");
    let site = TestApp::spawn_in(data).await;
    let folder = site.data.path().join("backups");
    let first = backups::back_up_if_due(&site.app)
        .await
        .unwrap()
        .expect("the first is due at once");
    assert!(first.path.starts_with(&folder));
    // Not due again for six hours.
    assert!(backups::back_up_if_due(&site.app).await.unwrap().is_none());
    site.clock.advance(time::Duration::hours(5));
    assert!(backups::back_up_if_due(&site.app).await.unwrap().is_none());
    let mut written = vec![first.path.clone()];
    for _ in 0..2 {
        site.clock.advance(time::Duration::hours(6));
        let backup = backups::back_up_if_due(&site.app).await.unwrap().unwrap();
        backups::verify(&backup.path).await.unwrap();
        written.push(backup.path);
    }
    // The last two are kept.
    let mut kept: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    kept.sort();
    assert_eq!(kept, written[1..]);

    let admin = site.sign_in(ADMIN_EMAIL).await;
    let page = body(admin.get("/admin/status").await).await;
    assert!(!page.contains("id=\"backup-warning\""), "{page}");
    let last = written[2].file_name().unwrap().to_str().unwrap();
    assert!(page.contains(last), "{page}");
    assert!(page.contains("every 6 hours, the last 2 kept"));

    // A day without a good backup is warned about.
    site.clock.advance(time::Duration::hours(25));
    let page = body(admin.get("/admin/status").await).await;
    assert!(page.contains("id=\"backup-warning\""), "{page}");
    assert!(page.contains("The last good backup is older than a day"));
    let data = site.stop().await;

    // A backup that cannot be written is recorded with its reason.
    std::fs::write(data.path().join("not-a-folder"), "").unwrap();
    write_config(
        data.path(),
        "backup_every_hours = 6\nbackup_dir = \"not-a-folder\"\n",
    );
    let site = TestApp::spawn_in(data).await;
    site.clock.advance(time::Duration::hours(40));
    assert!(backups::back_up_if_due(&site.app).await.is_err());
    let admin = site.sign_in(ADMIN_EMAIL).await;
    let page = body(admin.get("/admin/status").await).await;
    assert!(page.contains("id=\"backup-last-error\""), "{page}");
    assert!(page.contains("not-a-folder"), "{page}");
}
