//! Writes to the cluster in batches: a document's passages go in one
//! `_bulk` request (with its stale passages deleted after it), deletes by
//! document id, and a commit flushes what is pending and refreshes the
//! index, after which searches see it. Items the cluster pushes back on
//! (429, or 503 while a shard moves) are sent again with back-off; any
//! other refused item fails the commit with OpenSearch's reason.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::client::reason;
use super::{mapping, Cluster};
use crate::document::Document;
use crate::error::{Error, Result};

/// Flush when the pending bulk body reaches this size.
pub(crate) const BULK_BYTES: usize = 8 * 1024 * 1024;
/// Attempts for items the cluster pushes back on.
pub(crate) const ITEM_ATTEMPTS: u32 = 8;
/// Most documents per delete-by-query.
const DELETE_BATCH: usize = 500;

/// The writer of a [`Cluster`].
pub struct ClusterWriter {
    cluster: Cluster,
    /// NDJSON lines per pending document (`id`, lines, passage count).
    upserts: Vec<(String, Vec<u8>, usize)>,
    bytes: usize,
    deletes: Vec<String>,
    pending: usize,
}

impl ClusterWriter {
    /// A writer to `cluster`.
    pub fn new(cluster: Cluster) -> ClusterWriter {
        ClusterWriter {
            cluster,
            upserts: Vec::new(),
            bytes: 0,
            deletes: Vec::new(),
            pending: 0,
        }
    }

    /// Send what is pending (without a refresh).
    pub fn flush(&mut self) -> Result<()> {
        let upserts = std::mem::take(&mut self.upserts);
        self.bytes = 0;
        if !upserts.is_empty() {
            let items: Vec<&[u8]> = upserts.iter().map(|(_, b, _)| b.as_slice()).collect();
            self.bulk(&items)?;
            // passages beyond a document's new count are left from a longer version
            let stale: Vec<Value> = upserts
                .iter()
                .map(|(id, _, n)| {
                    json!({ "bool": { "filter": [
                        { "term": { mapping::ID: id } },
                        { "range": { mapping::PASSAGE: { "gte": n } } },
                    ] } })
                })
                .collect();
            for chunk in stale.chunks(DELETE_BATCH) {
                self.delete_by_query(json!({ "bool": { "should": chunk } }))?;
            }
        }
        let deletes = std::mem::take(&mut self.deletes);
        for chunk in deletes.chunks(DELETE_BATCH) {
            self.delete_by_query(json!({ "terms": { mapping::ID: chunk } }))?;
        }
        Ok(())
    }

    /// Send bulk items (each one or more NDJSON action lines), retrying the
    /// items pushed back.
    fn bulk(&self, items: &[&[u8]]) -> Result<()> {
        // one bulk line pair per passage: resend per failed line pair
        let mut lines: Vec<&[u8]> = Vec::new();
        for item in items {
            let mut rest: &[u8] = item;
            while !rest.is_empty() {
                // action line + source line
                let mut cut = 0;
                for _ in 0..2 {
                    match rest[cut..].iter().position(|&b| b == b'\n') {
                        Some(p) => cut += p + 1,
                        None => cut = rest.len(),
                    }
                }
                lines.push(&rest[..cut]);
                rest = &rest[cut..];
            }
        }
        let mut backoff = Duration::from_millis(200);
        for attempt in 0..ITEM_ATTEMPTS {
            let body: Vec<u8> = lines.concat();
            let r = self.cluster.client.send_ndjson(
                &format!("/{}/_bulk", self.cluster.alias),
                body,
            )?;
            let resp = r.ok("index passages")?;
            if resp["errors"].as_bool() != Some(true) {
                return Ok(());
            }
            let mut retry: Vec<&[u8]> = Vec::new();
            for (line, item) in lines.iter().zip(resp["items"].as_array().into_iter().flatten()) {
                let result = &item["index"];
                let status = result["status"].as_u64().unwrap_or(0);
                if (200..300).contains(&status) {
                    continue;
                }
                if matches!(status, 429 | 503) && attempt + 1 < ITEM_ATTEMPTS {
                    retry.push(line);
                } else {
                    return Err(Error::Internal(format!(
                        "opensearch refused a passage (HTTP {status}): {}",
                        reason(result)
                    )));
                }
            }
            if retry.is_empty() {
                return Ok(());
            }
            tracing::warn!(items = retry.len(), "opensearch pushed back; retrying");
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_secs(5));
            lines = retry;
        }
        Err(Error::Unavailable(
            "the cluster kept refusing passages (too many requests)".into(),
        ))
    }

    fn delete_by_query(&self, query: Value) -> Result<()> {
        self.cluster
            .client
            .send(
                Method::POST,
                &format!(
                    "/{}/_delete_by_query?conflicts=proceed&refresh=false",
                    self.cluster.alias
                ),
                Some(&json!({ "query": query })),
            )?
            .ok("delete passages")?;
        Ok(())
    }
}

impl crate::store::DocWriter for ClusterWriter {
    fn upsert(&mut self, doc: &Document) -> Result<()> {
        self.deletes.retain(|d| d != &doc.id);
        self.upserts.retain(|(id, _, _)| id != &doc.id);
        let mut lines = Vec::new();
        let passages = mapping::passages(doc);
        let n = passages.len();
        for (id, source) in passages {
            let action = json!({ "index": { "_id": id } });
            lines.extend_from_slice(action.to_string().as_bytes());
            lines.push(b'\n');
            lines.extend_from_slice(source.to_string().as_bytes());
            lines.push(b'\n');
        }
        self.bytes += lines.len();
        self.upserts.push((doc.id.clone(), lines, n));
        self.pending += 1;
        if self.bytes >= BULK_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        self.upserts.retain(|(d, _, _)| d != id);
        if !self.deletes.iter().any(|d| d == id) {
            self.deletes.push(id.to_string());
        }
        self.pending += 1;
        Ok(())
    }

    fn pending(&self) -> usize {
        self.pending
    }

    fn commit(&mut self) -> Result<()> {
        self.flush()?;
        self.cluster.refresh()?;
        self.pending = 0;
        Ok(())
    }
}
