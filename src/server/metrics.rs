//! Prometheus metrics, hand-rolled (the text format is small and stable):
//! request counts per route, method and status; a latency histogram per
//! route; documents and passages in the index; ingest outcomes.
//!
//! Every label value is bounded whatever clients send (issue 13: 2,000 odd
//! methods grew the page from 16 lines to 34,033). Routes are labelled by
//! their *pattern* (`/api/documents/{id}`), never by the raw path; a method
//! is its name when it is one of the nine standard ones, else `other`; and
//! past [`MAX_SERIES`] route-and-method pairs, new ones count as
//! `other`/`other`. `/metrics` itself asks for the search key when one is
//! set (see [`crate::server::api::metrics`]).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
pub(crate) const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Most `(route, method)` pairs kept apart; later ones are counted together.
pub(crate) const MAX_SERIES: usize = 64;

/// The methods that keep their own label; any other is `other`.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
];

/// The label of a request method: a standard method's name, else `other`.
pub(crate) fn method_label(method: &str) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("other")
}

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters shared by every request.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    /// Documents indexed through the API.
    pub ingest_indexed: AtomicU64,
    /// Sources that failed to ingest (API uploads and the first-start corpus).
    pub ingest_failed: AtomicU64,
}

impl Metrics {
    /// Record one finished request.
    pub fn observe(&self, route: &str, method: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let method = method_label(method);
        let mut key = (route.to_string(), method.to_string());
        if !routes.contains_key(&key) && routes.len() >= MAX_SERIES {
            key = ("other".to_string(), "other".to_string());
        }
        let s = routes.entry(key).or_default();
        *s.by_status.entry(status).or_default() += 1;
        s.count += 1;
        s.sum += secs;
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                s.buckets[i] += 1;
            }
        }
    }

    /// Count ingest outcomes.
    pub fn ingested(&self, indexed: usize, failed: usize) {
        self.ingest_indexed
            .fetch_add(indexed as u64, Ordering::Relaxed);
        self.ingest_failed
            .fetch_add(failed as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self, documents: u64, passages: u64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP kartotek_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE kartotek_http_requests_total counter");
        let routes = match self.routes.lock() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        for ((route, method), s) in routes.iter() {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "kartotek_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    label(route),
                    label(method)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP kartotek_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(
            out,
            "# TYPE kartotek_http_request_duration_seconds histogram"
        );
        for ((route, method), s) in routes.iter() {
            let l = format!("route=\"{}\",method=\"{}\"", label(route), label(method));
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "kartotek_http_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "kartotek_http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "kartotek_http_request_duration_seconds_sum{{{l}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "kartotek_http_request_duration_seconds_count{{{l}}} {}",
                s.count
            );
        }
        drop(routes);
        let gauges = [
            (
                "kartotek_index_documents",
                "Documents in the index.",
                "gauge",
                documents,
            ),
            (
                "kartotek_index_passages",
                "Passages (scored units) in the index.",
                "gauge",
                passages,
            ),
            (
                "kartotek_ingest_documents_total",
                "Documents indexed by this process.",
                "counter",
                self.ingest_indexed.load(Ordering::Relaxed),
            ),
            (
                "kartotek_ingest_failures_total",
                "Sources this process failed to ingest.",
                "counter",
                self.ingest_failed.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, kind, v) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}"
            );
        }
        out
    }
}

/// Escape a label value (backslash, quote, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.observe("/api/search", "GET", 200, Duration::from_millis(3));
        m.observe("/api/search", "GET", 400, Duration::from_millis(300));
        let text = m.render(5, 50);
        assert!(text.contains(
            "kartotek_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"} 1"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.5\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
        assert!(text.contains("kartotek_index_documents 5"));
    }

    #[test]
    fn odd_methods_share_one_label_and_the_page_stays_small() {
        let m = Metrics::default();
        m.observe("/api/search", "GET", 200, Duration::from_millis(1));
        let before = m.render(0, 0).lines().count();
        for i in 0..2000 {
            m.observe(
                "unmatched",
                &format!("X-ODD-{i}"),
                405,
                Duration::from_millis(1),
            );
            m.observe(&format!("/route-{i}"), "GET", 404, Duration::from_millis(1));
        }
        let text = m.render(0, 0);
        assert!(!text.contains("X-ODD"), "{text}");
        assert!(text.contains("method=\"other\""), "{text}");
        let after = text.lines().count();
        // each series costs 17 lines (status + 16 histogram lines)
        assert!(after <= before + MAX_SERIES * 20, "{before} -> {after}");
    }

    #[test]
    fn standard_methods_keep_their_name() {
        assert_eq!(method_label("DELETE"), "DELETE");
        assert_eq!(method_label("get"), "other");
        assert_eq!(method_label("FOO\n"), "other");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    }
}
