//! After the whole suite ran (`scripts/test` runs this last, with `--ignored`): no log line
//! any test made the site write holds a commenter's email, a password, a token or a cookie.
//! The suite signs in, comments, subscribes, resets passwords, calls the APIs with
//! application passwords and fails deliveries, so its logs hold every kind of line the site
//! writes.

use crate::support::{ADMIN_PASSWORD, test_log_folder};

#[test]
#[ignore = "reads the logs of the whole suite: scripts/test runs it after the suite"]
fn the_suites_logs_hold_no_email_password_token_or_cookie() {
    let folder = test_log_folder().expect("TIDINGS_TEST_LOGS names the suite's log folder");
    let email =
        regex::Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
            .unwrap();
    let secrets = [
        ADMIN_PASSWORD,
        "tidings_session=",
        "tidings_device=",
        "Bearer ",
        "Basic ",
        "signature=",
        "token=",
        "unapproved=",
        "metrics-token-for-the-tests",
    ];
    let (mut files, mut lines, mut answered) = (0, 0, 0);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for line in text.lines() {
            lines += 1;
            answered += usize::from(line.contains("\"message\":\"answered\""));
            let secret = secrets.iter().find(|secret| line.contains(**secret));
            if email.is_match(line) || secret.is_some() {
                found.push(format!("{}: {line}", path.display()));
            }
        }
    }
    // Enough of the suite's traffic reached the logs for the search to mean something.
    assert!(
        answered >= 1_000,
        "only {answered} request lines in {lines} lines of {files} files in {}",
        folder.display()
    );
    assert!(
        found.is_empty(),
        "{} log lines hold an address or a secret:\n{}",
        found.len(),
        found[..found.len().min(20)].join("\n")
    );
}
