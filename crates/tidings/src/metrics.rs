//! What `/metrics` reports, in Prometheus's (OpenMetrics) text format.
//!
//! Counters and histograms are kept in memory by this node as requests pass; the gauges
//! (mail queue, database pools, background job lag) are read when Prometheus scrapes, so
//! a scrape costs a directory listing and one small query, and nothing is counted twice.
//! Every label takes a bounded set of values: a route is its template
//! (`/{year}/{month}/{slug}/`), never the address asked for, so no scanner can make the
//! series grow without end, and no token in an address reaches the monitoring.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

/// The answer's `Content-Type`.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VerdictLabels {
    pub verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInLabels {
    pub method: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    pub pool: &'static str,
    pub state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub job: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Seconds: from a cached page (tens of microseconds) to a slow import page.
const LATENCY_BUCKETS: [f64; 14] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// This node's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    page_cache: Family<OutcomeLabels, Counter>,
    comments: Family<VerdictLabels, Counter>,
    sign_ins: Family<SignInLabels, Counter>,
    mail_queued: Gauge,
    mail_failed_for_good: Gauge,
    pool_connections: Family<PoolLabels, Gauge>,
    job_lag: Family<JobLabels, FloatGauge>,
}

impl Metrics {
    /// `mail_failures` is the mail sender's own count.
    pub fn new(mail_failures: Counter) -> Self {
        let mut registry = Registry::with_prefix("tidings");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's head to its answer's head, by route template",
            latency.clone(),
        );
        let page_cache = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "page_cache_requests",
            "Public pages served from the page cache (hit), rendered into it (miss), or past it (bypass)",
            page_cache.clone(),
        );
        let comments = Family::<VerdictLabels, Counter>::default();
        registry.register(
            "comments_submitted",
            "Comments submitted, by what the moderation decision made of them (refused: not stored, returned to the reader)",
            comments.clone(),
        );
        let sign_ins = Family::<SignInLabels, Counter>::default();
        registry.register(
            "sign_ins",
            "Staff sign-in steps, by method (password, code, passkey) and outcome (a run of refused or throttled ones is someone guessing)",
            sign_ins.clone(),
        );
        registry.register(
            "mail_delivery_failures",
            "Attempts to hand a message to the mail server that failed",
            mail_failures.clone(),
        );
        let mail_queued = Gauge::default();
        registry.register(
            "mail_queue_length",
            "Messages waiting in this node's mail queue",
            mail_queued.clone(),
        );
        let mail_failed_for_good = Gauge::default();
        registry.register(
            "mail_failed_messages",
            "Messages set aside after their last attempt (mail/failed)",
            mail_failed_for_good.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "database_connections",
            "Database connections this node holds, by pool and whether they are in use",
            pool_connections.clone(),
        );
        let job_lag = Family::<JobLabels, FloatGauge>::default();
        registry.register(
            "job_lag_seconds",
            "How long the oldest background work that is due has waited (0: nothing waits)",
            job_lag.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            page_cache,
            comments,
            sign_ins,
            mail_queued,
            mail_failed_for_good,
            pool_connections,
            job_lag,
        }
    }
}

/// What a scrape reads at the moment it happens.
pub struct Snapshot {
    pub mail_queued: usize,
    pub mail_failed: usize,
    pub mail_lag_seconds: f64,
    pub webhook_lag_seconds: f64,
    pub pools: Vec<tidings_store::PoolUse>,
}

impl Metrics {
    pub fn record_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// `outcome` is the page cache's `X-Cache` answer.
    pub fn record_page_cache(&self, outcome: &str) {
        let outcome = match outcome {
            "HIT" => "hit",
            "MISS" => "miss",
            _ => "bypass",
        };
        self.page_cache
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// `method`: `password`, `code` or `passkey`; `outcome`: `signed_in`, `second_step`
    /// (the password was right; a code or passkey comes next), `refused`, `throttled`,
    /// `expired` (the step came too late, or its ticket or ceremony was not the site's), or
    /// `failed` (the site could not check: its database, say).
    pub fn record_sign_in(&self, method: &'static str, outcome: &'static str) {
        self.sign_ins
            .get_or_create(&SignInLabels { method, outcome })
            .inc();
    }

    /// `verdict`: `approved`, `pending`, `spam`, or `refused`.
    pub fn record_comment(&self, verdict: &'static str) {
        self.comments
            .get_or_create(&VerdictLabels { verdict })
            .inc();
    }

    /// The whole text answer, with the gauges set from `snapshot`.
    pub fn encode(&self, snapshot: &Snapshot) -> String {
        self.mail_queued
            .set(i64::try_from(snapshot.mail_queued).unwrap_or(i64::MAX));
        self.mail_failed_for_good
            .set(i64::try_from(snapshot.mail_failed).unwrap_or(i64::MAX));
        self.job_lag
            .get_or_create(&JobLabels { job: "mail" })
            .set(snapshot.mail_lag_seconds);
        self.job_lag
            .get_or_create(&JobLabels { job: "webhooks" })
            .set(snapshot.webhook_lag_seconds);
        for pool in &snapshot.pools {
            let idle = i64::from(pool.idle);
            let busy = i64::from(pool.open.saturating_sub(pool.idle));
            self.pool_connections
                .get_or_create(&PoolLabels {
                    pool: pool.name,
                    state: "idle",
                })
                .set(idle);
            self.pool_connections
                .get_or_create(&PoolLabels {
                    pool: pool.name,
                    state: "busy",
                })
                .set(busy);
        }
        let mut text = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_gauges_reach_the_text() {
        let metrics = Metrics::new(Counter::default());
        metrics.record_request("GET", "/{year}/{month}/{slug}/", 200, 0.003);
        metrics.record_request("GET", "/{year}/{month}/{slug}/", 200, 0.004);
        metrics.record_page_cache("HIT");
        metrics.record_comment("pending");
        let text = metrics.encode(&Snapshot {
            mail_queued: 3,
            mail_failed: 1,
            mail_lag_seconds: 12.5,
            webhook_lag_seconds: 0.0,
            pools: vec![tidings_store::PoolUse {
                name: "write",
                open: 2,
                idle: 1,
            }],
        });
        assert!(
            text.contains(
                r#"tidings_http_requests_total{method="GET",route="/{year}/{month}/{slug}/",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"tidings_http_request_duration_seconds_bucket{le="0.005",route="/{year}/{month}/{slug}/"} 2"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"tidings_page_cache_requests_total{outcome="hit"} 1"#));
        assert!(text.contains(r#"tidings_comments_submitted_total{verdict="pending"} 1"#));
        assert!(text.contains("tidings_mail_queue_length 3"));
        assert!(text.contains(r#"tidings_job_lag_seconds{job="mail"} 12.5"#));
        assert!(text.contains(r#"tidings_database_connections{pool="write",state="busy"} 1"#));
        assert!(text.ends_with("# EOF\n"));
    }
}
