//! Webhooks, delivered to a receiver this test starts on 127.0.0.1 (allowed explicitly, as
//! an administrator would): every event once, signed, in order per article; retries after
//! a 500; "send again"; a node killed mid-delivery loses nothing; and addresses on the
//! machine or its network refused by default.

use crate::support::*;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tidings_domain::Role;

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    delivery: String,
    event: String,
    signature: String,
    body: String,
}

/// What the receiver answers to its n-th request (0-based): a status, or no answer at all.
type Script = Arc<dyn Fn(usize) -> Option<u16> + Send + Sync>;

struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(script: Script) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let kept = got.clone();
        let handler = move |headers: HeaderMap, body: Bytes| {
            let got = kept.clone();
            let script = script.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .map(|value| value.to_str().unwrap().to_owned())
                        .unwrap_or_default()
                };
                let n = {
                    let mut got = got.lock().unwrap();
                    got.push(Received {
                        delivery: header("x-tidings-delivery"),
                        event: header("x-tidings-event"),
                        signature: header("x-tidings-signature"),
                        body: String::from_utf8(body.to_vec()).unwrap(),
                    });
                    got.len() - 1
                };
                match script(n) {
                    Some(status) => AxumStatus::from_u16(status).unwrap(),
                    // A receiver that never answers.
                    None => std::future::pending().await,
                }
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Receiver { url, got }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits (polling, up to 20 s of real time) until `n` requests have come.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} deliveries came: {got:#?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn always(status: u16) -> Script {
    Arc::new(move |_| Some(status))
}

/// A site whose webhooks may reach 127.0.0.1, as an administrator allows explicitly.
async fn site_allowing_loopback() -> TestApp {
    let data = data_folder().await;
    write_config(
        data.path(),
        "webhook_allowed_hosts = [\"127.0.0.1\"]\nwebhook_timeout_seconds = 2\n",
    );
    TestApp::spawn_in(data).await
}

/// Registers a hook through the admin's form; its id and signing secret.
async fn add_hook(admin: &Moderator, url: &str, events: &[&str]) -> (String, String) {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|event| ("events", *event)));
    let response = admin.post("/admin/webhooks", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let page_url = location(&response);
    let id = page_url
        .trim_start_matches("/admin/webhooks/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = body(admin.get(&page_url).await).await;
    let secret = attribute_after(
        &page,
        "id=\"webhook-secret\" type=\"text\" readonly value=\"",
    )
    .expect("the page shows the signing secret");
    (id, secret)
}

/// A hook's log once no delivery is in flight (each attempt recorded), polling up to 20 s.
async fn settled(site: &TestApp, hook: i64) -> Vec<tidings_store::DeliveryLog> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = site.app.store.deliveries_of(hook, 100).await.unwrap();
        let in_flight = log
            .iter()
            .any(|delivery| delivery.status == "pending" && delivery.attempts == 0);
        if !in_flight {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still in flight: {log:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the site has recorded `attempts` attempts of the hook's newest delivery.
/// The receiver sees a request before the sender writes down its answer and the next
/// attempt's time, which it counts from the clock as it is then: a test that moves the
/// clock on before that would push the next attempt out of its reach.
async fn recorded(site: &TestApp, hook: i64, attempts: u32) -> Vec<tidings_store::DeliveryLog> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = site.app.store.deliveries_of(hook, 100).await.unwrap();
        if log
            .first()
            .is_some_and(|delivery| delivery.attempts >= attempts)
        {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "{attempts} attempts not recorded: {log:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn verify(secret: &str, received: &Received) {
    let (t, v1) = received.signature.split_once(",v1=").expect("t=…,v1=…");
    let t = t.trim_start_matches("t=");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", received.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        v1, expected,
        "the signature is the HMAC of the time and the body"
    );
    assert!(t.parse::<i64>().is_ok(), "a Unix time: {t}");
}

async fn api(
    site: &TestApp,
    method: reqwest::Method,
    path: &str,
    auth: Option<&str>,
    value: Value,
) -> Value {
    let mut request = reqwest::Client::new()
        .request(method, site.url(path))
        .header("content-type", "application/json")
        .body(value.to_string());
    if let Some(password) = auth {
        request = request.basic_auth(ADMIN_EMAIL, Some(password));
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn every_event_arrives_once_signed_and_in_order_per_article() {
    let site = site_allowing_loopback().await;
    site.open_discussion().await;
    let receiver = Receiver::start(always(204)).await;
    let admin = site.moderator().await;
    let events = [
        "article.published",
        "article.updated",
        "article.deleted",
        "comment.created",
        "comment.approved",
        "comment.spam",
    ];
    let (hook, secret) = add_hook(&admin, &receiver.url, &events).await;
    let password = app_password(&site, ADMIN_EMAIL, "Desk").await;
    let auth = Some(password.as_str());

    let article = api(
        &site,
        reqwest::Method::POST,
        "/api/v1/articles",
        auth,
        json!({"title": "Harbour reopens", "body_markdown": "Ships are back.", "status": "published"}),
    )
    .await;
    let id = article["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    api(
        &site,
        reqwest::Method::PATCH,
        &path,
        auth,
        json!({"subtitle": "After the storm"}),
    )
    .await;
    let comment = api(
        &site,
        reqwest::Method::POST,
        &format!("{path}/comments"),
        None,
        json!({"content": "Good news at last.", "author_name": "Ann", "author_email": "ann@example.com"}),
    )
    .await;
    let comment_id = comment["id"].as_i64().unwrap();
    if comment["status"] == "pending" {
        api(
            &site,
            reqwest::Method::PATCH,
            &format!("/api/v1/comments/{comment_id}"),
            auth,
            json!({"action": "approve"}),
        )
        .await;
    }
    api(
        &site,
        reqwest::Method::PATCH,
        &format!("/api/v1/comments/{comment_id}"),
        auth,
        json!({"action": "spam"}),
    )
    .await;
    let response = reqwest::Client::new()
        .delete(site.url(&path))
        .basic_auth(ADMIN_EMAIL, Some(&password))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let mut expected = vec!["article.published", "article.updated", "comment.created"];
    if comment["status"] == "pending" {
        expected.push("comment.approved");
    }
    expected.extend(["comment.spam", "article.deleted"]);
    let got = receiver.wait_for(expected.len()).await;
    // Each once: every delivery is recorded delivered at its first attempt, and there are
    // no others to come.
    let hook_id: i64 = hook.parse().unwrap();
    let log = settled(&site, hook_id).await;
    assert_eq!(log.len(), expected.len(), "{log:#?}");
    assert!(
        log.iter()
            .all(|d| d.status == "delivered" && d.attempts == 1),
        "{log:#?}"
    );
    assert_eq!(receiver.received().len(), expected.len());
    assert_eq!(
        got.iter().map(|r| r.event.as_str()).collect::<Vec<_>>(),
        expected,
        "in the order they happened"
    );
    let mut deliveries: Vec<&str> = got.iter().map(|r| r.delivery.as_str()).collect();
    deliveries.dedup();
    assert_eq!(deliveries.len(), got.len(), "each delivery once");
    for received in &got {
        verify(&secret, received);
        let payload: Value = serde_json::from_str(&received.body).unwrap();
        assert_eq!(payload["event"], received.event);
        let about = payload["data"]["article"]["id"]
            .as_i64()
            .or_else(|| payload["data"]["comment"]["article_id"].as_i64());
        assert_eq!(about, Some(id), "{payload}");
        assert!(
            !received.body.contains("ann@example.com"),
            "no commenter's email leaves the site"
        );
    }
    // The log shows each as delivered with the receiver's answer.
    let hooks = body(admin.get("/admin/webhooks").await).await;
    assert!(hooks.contains(&receiver.url), "{hooks}");
}

#[tokio::test]
async fn a_receiver_that_fails_gets_retries_then_send_again() {
    let site = site_allowing_loopback().await;
    // 500, 500, then fine.
    let receiver = Receiver::start(Arc::new(|n| Some(if n < 2 { 500 } else { 200 }))).await;
    let admin = site.moderator().await;
    let (hook, secret) = add_hook(&admin, &receiver.url, &["article.published"]).await;
    let password = app_password(&site, ADMIN_EMAIL, "Desk").await;
    api(
        &site,
        reqwest::Method::POST,
        "/api/v1/articles",
        Some(&password),
        json!({"title": "Tide tables", "status": "published", "body_markdown": "High at noon."}),
    )
    .await;
    receiver.wait_for(1).await;
    // The next attempt waits for its pause (10 s): nothing comes until the clock passes it.
    let log = settled(&site, hook.parse().unwrap()).await;
    assert_eq!(log[0].status, "pending");
    assert_eq!(log[0].attempts, 1);
    assert_eq!(log[0].last_status_code, Some(500));
    assert_eq!(
        log[0].next_attempt_at,
        log[0].last_attempt_at.unwrap() + time::Duration::seconds(10)
    );
    assert_eq!(receiver.received().len(), 1, "no retry before its time");
    let log = body(admin.get(&format!("/admin/webhooks/{hook}")).await).await;
    assert!(log.contains("500"), "the log shows the answer: {log}");
    site.clock.advance(time::Duration::seconds(11));
    receiver.wait_for(2).await;
    recorded(&site, hook.parse().unwrap(), 2).await;
    site.clock.advance(time::Duration::seconds(61));
    let got = receiver.wait_for(3).await;
    recorded(&site, hook.parse().unwrap(), 3).await;
    assert!(
        got.iter().all(|r| r.delivery == got[0].delivery),
        "the same delivery each time"
    );
    for received in &got {
        verify(&secret, received);
    }
    let log = body(admin.get(&format!("/admin/webhooks/{hook}")).await).await;
    assert!(log.contains("delivery-delivered"), "{log}");

    // "Send again" sends the same delivery once more.
    let delivery = &got[0].delivery;
    let response = admin
        .post(
            &format!("/admin/webhooks/deliveries/{delivery}/resend"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = receiver.wait_for(4).await;
    assert_eq!(&again[3].delivery, delivery);
    assert_eq!(again[3].body, got[0].body);
}

#[tokio::test]
async fn addresses_on_the_machine_or_its_network_are_refused_by_default() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://192.168.1.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.com/hook",
        "https://user:secret@example.com/hook",
    ] {
        let response = admin
            .post(
                "/admin/webhooks",
                &[("url", url), ("events", "article.published")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let page = body(response).await;
        assert!(page.contains("The webhook was not added"), "{url}: {page}");
    }
    let hooks = site.app.store.webhooks().await.unwrap();
    assert!(hooks.is_empty(), "nothing was stored");
    // Only administrators manage webhooks.
    site.create_user("ed@example.com", Role::Editor).await;
    let editor = site.sign_in("ed@example.com").await;
    assert_eq!(
        editor.get("/admin/webhooks").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_delivery_loses_nothing() {
    let data = data_folder().await;
    write_config(
        data.path(),
        "webhook_allowed_hosts = [\"127.0.0.1\"]\nwebhook_timeout_seconds = 2\n",
    );
    // The first request is never answered: the node is killed while it waits.
    let receiver = Receiver::start(Arc::new(|n| if n == 0 { None } else { Some(200) })).await;
    {
        let config = tidings::config::Config::load(data.path()).unwrap();
        let app = tidings::app::App::open(data.path(), config, tidings::app::AppOptions::default())
            .await
            .unwrap();
        let admin = tidings::services::accounts::add_user(
            &app,
            tidings::services::accounts::NewAccount {
                email: ADMIN_EMAIL.into(),
                display_name: "Ada Admin".into(),
                role: Role::Administrator,
                password: ADMIN_PASSWORD.into(),
            },
        )
        .await
        .unwrap();
        tidings::services::webhooks::register(
            &app,
            &admin,
            &receiver.url,
            &["article.published".to_owned()],
        )
        .await
        .unwrap();
    }
    let first = RunningBinary::start(data.path());
    let (ok, _, stderr) = run_binary(
        data.path(),
        &["post", "add", "--title", "Night ferry", "--body-file", "-"],
        "The last boat leaves at ten.",
    );
    assert!(ok, "{stderr}");
    let got = receiver.wait_for(1).await;
    first.kill();
    // Another node (here, the same one started again) takes it when the lease runs out.
    let _second = RunningBinary::start(data.path());
    let again = receiver.wait_for(2).await;
    assert_eq!(
        again[1].delivery, got[0].delivery,
        "the same delivery, sent again"
    );
    assert_eq!(again[1].body, got[0].body);
    assert_eq!(again[1].event, "article.published");
}
