//! Writes to the cluster in batches: a document's passages go in one
//! `_bulk` request together with the deletes of passages its older version
//! had beyond the new count (passage ids are `ID-00000`, `ID-00001`, …), and
//! a commit flushes what is pending and refreshes the index, after which
//! searches see it (the index refreshes on commit only, so a search never
//! sees half a document). Items the cluster pushes back on
//! (429, or 503 while a shard moves) are sent again with back-off; any
//! other refused item fails the commit with OpenSearch's reason.

use std::collections::HashMap;
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

/// The writer of a [`Cluster`].
pub struct ClusterWriter {
    cluster: Cluster,
    /// Pending documents: id, bulk items (action and source lines), passage count.
    upserts: Vec<(String, Vec<Vec<u8>>, usize)>,
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

    /// Send what is pending (without a refresh) in one bulk request: the
    /// new passages, and deletes of the passages a document no longer has
    /// (its stored passage count is read back first, by a real-time get, so
    /// writes not yet refreshed count too).
    pub fn flush(&mut self) -> Result<()> {
        let upserts = std::mem::take(&mut self.upserts);
        let deletes = std::mem::take(&mut self.deletes);
        self.bytes = 0;
        if upserts.is_empty() && deletes.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = upserts
            .iter()
            .map(|(id, _, _)| id.as_str())
            .chain(deletes.iter().map(String::as_str))
            .collect();
        let old = self.passage_counts(&ids)?;
        let mut items: Vec<Vec<u8>> = Vec::new();
        let delete_item = |id: &str, i: usize| {
            let mut line = json!({ "delete": { "_id": mapping::passage_id(id, i) } })
                .to_string()
                .into_bytes();
            line.push(b'\n');
            line
        };
        for (id, lines, n) in upserts {
            items.extend(lines);
            let before = old.get(&id).copied().unwrap_or(0);
            items.extend((n..before).map(|i| delete_item(&id, i)));
        }
        for id in &deletes {
            let before = old.get(id).copied().unwrap_or(0);
            items.extend((0..before).map(|i| delete_item(id, i)));
        }
        self.bulk(items)
    }

    /// How many passages each document has stored now (0 when absent).
    fn passage_counts(&self, ids: &[&str]) -> Result<HashMap<String, usize>> {
        let docs: Vec<String> = ids.iter().map(|id| mapping::passage_id(id, 0)).collect();
        let r = self
            .cluster
            .client
            .send(
                Method::POST,
                &format!(
                    "/{}/_mget?_source_includes=stored.passages",
                    self.cluster.alias
                ),
                Some(&json!({ "ids": docs })),
            )?
            .ok("read stored documents")?;
        let answered = r["docs"].as_array().map_or(0, Vec::len);
        if answered != ids.len() {
            // an answer for some only: the others' old passages would stay
            return Err(Error::Unavailable(format!(
                "the cluster answered a read of {} stored documents with {answered}",
                ids.len()
            )));
        }
        let mut out = HashMap::new();
        for (id, d) in ids.iter().zip(r["docs"].as_array().into_iter().flatten()) {
            if d["found"].as_bool() == Some(true) {
                let n = d["_source"][mapping::STORED]["passages"]
                    .as_u64()
                    .unwrap_or(0) as usize;
                out.insert(id.to_string(), n);
            }
        }
        Ok(out)
    }

    /// Send bulk items, retrying the ones the cluster pushes back on.
    fn bulk(&self, mut items: Vec<Vec<u8>>) -> Result<()> {
        let mut backoff = Duration::from_millis(200);
        for attempt in 0..ITEM_ATTEMPTS {
            if items.is_empty() {
                return Ok(());
            }
            let body: Vec<u8> = items.concat();
            let r = self
                .cluster
                .client
                .send_ndjson(&format!("/{}/_bulk", self.cluster.alias), body)?;
            let resp = r.ok("index passages")?;
            // a write is confirmed by its own item: an answer listing
            // fewer, or items without a status, confirms nothing
            let answers: &[Value] = resp["items"].as_array().map_or(&[], Vec::as_slice);
            if resp["errors"].as_bool().is_none() || answers.len() != items.len() {
                return Err(Error::Unavailable(format!(
                    "the cluster answered a bulk write of {} passages with {} results; the writes are not confirmed",
                    items.len(),
                    answers.len()
                )));
            }
            let mut retry = Vec::new();
            for (item, answer) in items.into_iter().zip(answers) {
                let Some((op, result)) = answer.as_object().and_then(|o| o.iter().next()) else {
                    return Err(Error::Unavailable(format!(
                        "the cluster answered a bulk write with an unreadable result: {}",
                        reason(answer)
                    )));
                };
                let status = result["status"].as_u64().unwrap_or(0);
                if (200..300).contains(&status) || (op == "delete" && status == 404) {
                    continue;
                }
                if matches!(status, 429 | 503) {
                    retry.push(item);
                } else {
                    return Err(Error::Internal(format!(
                        "opensearch refused to {op} a passage (HTTP {status}): {}",
                        reason(result)
                    )));
                }
            }
            if retry.is_empty() {
                return Ok(());
            }
            if attempt + 1 == ITEM_ATTEMPTS {
                break;
            }
            tracing::warn!(items = retry.len(), "opensearch pushed back; retrying");
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_secs(5));
            items = retry;
        }
        Err(Error::Unavailable(
            "the cluster kept refusing passages (too many requests)".into(),
        ))
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
            let mut item = json!({ "index": { "_id": id } }).to_string().into_bytes();
            item.push(b'\n');
            item.extend_from_slice(source.to_string().as_bytes());
            item.push(b'\n');
            self.bytes += item.len();
            lines.push(item);
        }
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

    /// Drops what has not been sent yet; batches already flushed (a
    /// large ingest sends every [`BULK_BYTES`]) stay and become visible
    /// at the next commit, as the cluster has no transaction to undo.
    fn rollback(&mut self) -> Result<()> {
        self.upserts.clear();
        self.deletes.clear();
        self.bytes = 0;
        self.pending = 0;
        Ok(())
    }
}
