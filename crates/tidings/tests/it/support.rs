//! `TestApp`: the real site on 127.0.0.1 with its own data folder, a clock that moves only
//! when told, and cheap password hashing; plus a reader's HTTP client and fixture builders.

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tidings::app::{App, AppOptions};
use tidings::clock::ManualClock;
use tidings::config::Config;
use tidings::security::PasswordCost;
use tidings::services::accounts::{self, NewAccount};
use tidings::services::{articles, site};
use tidings_domain::article::ArticleInput;
use tidings_domain::{Article, ArticleStatus, DiscussionSettings, Role};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::sync::oneshot;

/// A fresh data folder for one test. When `TEST_DATABASE_URL` names a PostgreSQL server
/// (`scripts/with-postgres` sets it), the folder's `tidings.toml` points at a fresh schema
/// there, so the in-process app and any `tidings` binary the test starts both use it: the
/// same suite runs on either backend.
pub async fn data_folder() -> tempfile::TempDir {
    let data = tempfile::tempdir().expect("a temporary folder");
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let url = tidings_store::fresh_schema_url(&url)
            .await
            .expect("a fresh PostgreSQL schema");
        let toml = format!("database_url = \"{url}\"\ndatabase_pool_size = 4\n");
        std::fs::write(data.path().join(tidings::config::CONFIG_FILE), toml)
            .expect("the configuration is written");
    }
    data
}

/// Whether this run uses PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok()
}

/// Rewrites the data folder's `tidings.toml` with `extra`, keeping its database settings.
pub fn write_config(data: &std::path::Path, extra: &str) {
    let path = data.join(tidings::config::CONFIG_FILE);
    let kept: String = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with("database_"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(path, format!("{kept}{extra}")).expect("the configuration is written");
}

/// The folder where the suite's log lines are kept when `TIDINGS_TEST_LOGS` names one
/// (`scripts/test` does): every in-process app logs there, and so does every `tidings`
/// process a test starts, so that `log_privacy` can search all of it once the suite ran.
pub fn test_log_folder() -> Option<std::path::PathBuf> {
    std::env::var_os("TIDINGS_TEST_LOGS").map(std::path::PathBuf::from)
}

/// A new file in the test log folder, for one process.
pub fn test_log_file(kind: &str) -> Option<std::fs::File> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let folder = test_log_folder()?;
    std::fs::create_dir_all(&folder).expect("the test log folder can be made");
    let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("{kind}-{}-{number}.log", std::process::id());
    Some(std::fs::File::create(folder.join(name)).expect("a test log file"))
}

/// Sends this test process's log lines (JSON, as an operator's collector gets them) to the
/// test log folder, once.
fn keep_logs() {
    static KEPT: std::sync::Once = std::sync::Once::new();
    KEPT.call_once(|| {
        if let Some(file) = test_log_file("in-process") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx=warn"))
                .with_writer(std::sync::Mutex::new(file))
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .try_init();
        }
    });
}

/// Discussion settings under which a `tidings` process accepts every comment at once (no
/// flood control, proof of work or hourly limit; no history needed), for load tests.
pub async fn accept_every_comment(data: &std::path::Path) {
    let config = Config::load(data).unwrap();
    let app = App::open(data, config, AppOptions::default())
        .await
        .unwrap();
    let mut settings = site::discussion_settings(&app).await.unwrap();
    settings.flood_interval_seconds = 0;
    settings.require_previously_approved = false;
    settings.proof_of_work_bits = 0;
    settings.min_seconds_to_post = 0;
    settings.max_comments_per_ip_per_hour = 0;
    settings.max_comments_per_email_per_hour = 0;
    site::save_discussion_settings(&app, &settings)
        .await
        .unwrap();
}

/// Where every test's clock starts.
pub const START: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);
pub const ADMIN_EMAIL: &str = "editor@newsroom.example";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub address: SocketAddr,
    pub data: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_in(data_folder().await).await
    }

    pub async fn spawn_in(data: tempfile::TempDir) -> TestApp {
        keep_logs();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("a bound address");
        let config = Config {
            listen: address,
            title: "The Daily Test".into(),
            ..Config::load(data.path()).expect("the test configuration loads")
        };
        let clock = Arc::new(ManualClock::new(START));
        let options = AppOptions {
            clock: clock.clone(),
            password_cost: PasswordCost::FOR_TESTS,
            scheduled_backups: false,
        };
        let app = App::open(data.path(), config, options)
            .await
            .expect("the app opens");
        // The spam traps a browser passes without noticing (proof of work, the time to type,
        // hourly limits) would hold every scripted comment; tests of other rules turn them
        // off, and `spam_defence.rs` turns them back on.
        let mut settings = site::discussion_settings(&app)
            .await
            .expect("settings load");
        settings.proof_of_work_bits = 0;
        settings.min_seconds_to_post = 0;
        settings.max_comments_per_ip_per_hour = 0;
        settings.max_comments_per_email_per_hour = 0;
        site::save_discussion_settings(&app, &settings)
            .await
            .expect("settings save");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(tidings::web::serve(listener, app.clone(), async {
            let _ = stopped.await;
        }));
        let server = tokio::spawn(async move {
            server
                .await
                .expect("the server task")
                .expect("the server runs");
        });
        TestApp {
            app,
            clock,
            address,
            data,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Stops the server and waits for it, keeping the data folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("the server stops cleanly");
        }
        let data = tempfile::tempdir().expect("a temporary folder");
        std::mem::replace(&mut self.data, data)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A reader's browser: its own cookies, never following redirects (tests look at them).
    pub fn reader(&self) -> Reader {
        self.reader_from("127.0.0.1".parse().expect("an IP address"))
    }

    /// A reader connecting from another loopback address, for per-IP rules.
    pub fn reader_from(&self, ip: IpAddr) -> Reader {
        self.reader_with(ip, "TestBrowser/1.0 (reader)")
    }

    pub fn reader_with(&self, ip: IpAddr, user_agent: &str) -> Reader {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .local_address(ip)
            .user_agent(user_agent)
            .build()
            .expect("an HTTP client");
        Reader {
            client,
            base: self.url(""),
        }
    }

    pub async fn settings(&self, change: impl FnOnce(&mut DiscussionSettings)) {
        let mut settings = site::discussion_settings(&self.app)
            .await
            .expect("settings load");
        change(&mut settings);
        site::save_discussion_settings(&self.app, &settings)
            .await
            .expect("settings save");
    }

    /// Settings under which every valid comment is approved at once.
    pub async fn open_discussion(&self) {
        self.settings(|settings| {
            settings.require_previously_approved = false;
            settings.flood_interval_seconds = 0;
        })
        .await;
    }

    pub async fn article(&self, title: &str) -> Article {
        self.article_with(title, |_| {}).await
    }

    pub async fn article_with(
        &self,
        title: &str,
        change: impl FnOnce(&mut ArticleInput),
    ) -> Article {
        let mut input = ArticleInput {
            title: title.into(),
            body_markdown: format!("The body of *{title}*."),
            status: Some(ArticleStatus::Published),
            published_at: Some(self.clock_now() - time::Duration::hours(1)),
            comments_open: true,
            ..ArticleInput::default()
        };
        change(&mut input);
        articles::create_article(&self.app, input, None)
            .await
            .expect("the article is created")
    }

    pub fn clock_now(&self) -> OffsetDateTime {
        use tidings::clock::Clock;
        self.clock.now()
    }

    pub async fn create_user(&self, email: &str, role: Role) {
        let account = NewAccount {
            email: email.into(),
            display_name: "Edith Editor".into(),
            role,
            password: ADMIN_PASSWORD.into(),
        };
        accounts::add_user(&self.app, account)
            .await
            .expect("the account is created");
    }

    /// An administrator, signed in through the login form.
    pub async fn moderator(&self) -> Moderator {
        self.create_user(ADMIN_EMAIL, Role::Administrator).await;
        self.sign_in(ADMIN_EMAIL).await
    }

    pub async fn sign_in(&self, email: &str) -> Moderator {
        let reader = self.reader();
        let response = reader.submit_sign_in(email, ADMIN_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "signing in");
        // Every role may read its own profile.
        let page = reader
            .get("/admin/profile")
            .await
            .text()
            .await
            .expect("a body");
        let csrf = attribute_after(&page, "name=\"csrf\" value=\"")
            .expect("the admin page has a CSRF token");
        Moderator { reader, csrf }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub struct Reader {
    pub client: Client,
    pub base: String,
}

impl Reader {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET answered")
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("POST answered")
    }

    /// Posts the sign-in form as a browser would, asking to land on `/admin/`.
    pub async fn submit_sign_in(&self, email: &str, password: &str) -> Response {
        self.post(
            "/admin/login",
            &[
                ("email", email),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        .await
    }

    /// Posts the comment form as a browser would, with every field present.
    pub async fn comment(&self, article: &Article, fields: &[(&str, &str)]) -> Response {
        let article_id = article.id.to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("comment_post_ID", &article_id),
            ("comment_parent", "0"),
            ("author", "Ada Reader"),
            ("email", "ada@readers.example"),
            ("url", ""),
            ("comment", "A thoughtful comment."),
        ];
        for (name, value) in fields {
            match form.iter_mut().find(|(field, _)| field == name) {
                Some(pair) => pair.1 = value,
                None => form.push((name, value)),
            }
        }
        self.post("/wp-comments-post.php", &form).await
    }
}

pub struct Moderator {
    pub reader: Reader,
    pub csrf: String,
}

impl Moderator {
    pub async fn get(&self, path: &str) -> Response {
        self.reader.get(path).await
    }

    /// Posts an admin form with the session's CSRF token added.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut form = form.to_vec();
        form.push(("csrf", &self.csrf));
        self.reader.post(path, &form).await
    }

    pub async fn moderate(&self, action: &str, ids: &[i64]) -> Response {
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        let mut form = vec![("bulk_action", action)];
        form.extend(ids.iter().map(|id| ("ids", id.as_str())));
        self.post("/admin/comments", &form).await
    }
}

/// The text from `marker` to the next `"`.
impl Moderator {
    /// Posts a form and expects the redirect that follows a save; returns where it leads.
    pub async fn saved(&self, path: &str, form: &[(&str, &str)]) -> String {
        let response = self.post(path, form).await;
        let status = response.status();
        if status != reqwest::StatusCode::SEE_OTHER {
            panic!("{path}: {status}: {}", body(response).await)
        }
        location(&response)
    }
}

/// The id in an editor address such as `/admin/articles/7?notice=Saved.`.
pub fn id_in(location: &str) -> String {
    location
        .split('?')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub fn attribute_after(page: &str, marker: &str) -> Option<String> {
    let start = page.find(marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_owned())
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The comment id at the end of a `#comment-ID` redirect.
pub fn comment_id(location: &str) -> i64 {
    location
        .rsplit("#comment-")
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no #comment-ID in {location:?}"))
}

pub fn header_text(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())))
        .collect()
}

pub async fn body(response: Response) -> String {
    response.text().await.expect("a text body")
}

/// The real `tidings` binary, started as a site owner would.
pub struct RunningBinary {
    pub child: std::process::Child,
    pub base_url: String,
    /// What it printed to standard output, up to the line saying where it serves.
    pub banner: Vec<String>,
}

impl RunningBinary {
    /// Starts `tidings serve` on a free port and waits for it to say where it serves.
    pub fn start(data: &std::path::Path) -> RunningBinary {
        RunningBinary::start_with_env(data, &[])
    }

    pub fn start_with_env(data: &std::path::Path, environment: &[(&str, &str)]) -> RunningBinary {
        let logs = test_log_file("binary").map_or_else(std::process::Stdio::null, Into::into);
        RunningBinary::start_logging(data, environment, logs)
    }

    /// Starts it with its log lines going to `logs`.
    pub fn start_logging(
        data: &std::path::Path,
        environment: &[(&str, &str)],
        logs: std::process::Stdio,
    ) -> RunningBinary {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args([
                "--data",
                data.to_str().expect("a UTF-8 path"),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .env("RUST_LOG", "info,sqlx=warn")
            .envs(environment.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(logs)
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("a piped stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut banner = Vec::new();
        let base_url = loop {
            let line = lines
                .next()
                .expect("the binary prints where it serves")
                .expect("readable output");
            banner.push(line.clone());
            if let Some(rest) = line
                .split(" at ")
                .nth(1)
                .filter(|_| line.starts_with("tidings is serving"))
            {
                break rest.split('/').take(3).collect::<Vec<_>>().join("/");
            }
        };
        RunningBinary {
            child,
            base_url,
            banner,
        }
    }

    /// SIGTERM, as systemd and `docker stop` send it; returns how the process ended.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "the signal is sent");
        self.child.wait().expect("the process is reaped")
    }

    /// SIGKILL: no shutdown, no flush, as in a crash.
    pub fn kill(mut self) {
        self.child.kill().expect("the process can be killed");
        self.child.wait().expect("the process is reaped");
    }
}

impl Drop for RunningBinary {
    /// A test that fails halfway leaves no server running behind it.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the `tidings` binary to completion with `stdin`, returning (success, stdout, stderr).
/// [`run_binary`] from an async test whose site ran on the same data folder: the command
/// runs on a thread of its own while this test's runtime goes on driving what the stopped
/// site left running (its search catch-up, say), which may hold the database's write lock
/// the command waits for. Blocking the runtime instead would wait for each other forever.
pub async fn run_binary_beside(
    data: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> (bool, String, String) {
    let data = data.to_owned();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_binary(&data, &args, &stdin)
    })
    .await
    .expect("the command's thread")
}

pub fn run_binary(data: &std::path::Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A command that exits without reading its input (a refused flag, say) closes the pipe
    // first; that is its answer, not the test's failure.
    match child
        .stdin
        .take()
        .expect("a piped stdin")
        .write_all(stdin.as_bytes())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            panic!("stdin cannot be written: {error}")
        }
        _ => {}
    }
    let output = child.wait_with_output().expect("the binary finishes");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An application password, made the way a person makes one: on their profile, where it is
/// shown once.
pub async fn app_password(site: &TestApp, email: &str, name: &str) -> String {
    let person = site.sign_in(email).await;
    let page = body(
        person
            .post("/admin/profile/app-passwords", &[("name", name)])
            .await,
    )
    .await;
    attribute_after(&page, "id=\"new-password\" type=\"text\" readonly value=\"")
        .expect("the new password is shown once")
}
