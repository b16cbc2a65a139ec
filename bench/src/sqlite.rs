//! SQLite FTS5 as a competitor: one FTS5 table of passages (`title`,
//! `body`, unindexed `doc`), `unicode61 remove_diacritics 2` (SQLite has no
//! Nordic stemmer), ranked with `bm25()`, `LIMIT 10`; facet values live in a
//! side table `facets(doc, facet, path)` with every ancestor path, filters
//! are `doc IN (…)` sub-selects, and facet counts a `GROUP BY` over it.
//! Snippets are `snippet()` on the ten hits, facet counts a second query.

use std::path::Path;
use std::time::Instant;

use crate::measure::{cpu_seconds, peak_rss, reset_peak_rss, Engine, IndexRun, Mode};
use crate::queries::BenchQuery;
use kartotek::document::Document;
use kartotek::error::{Error, Result};
use rusqlite::{params_from_iter, Connection};

fn err(e: rusqlite::Error) -> Error {
    Error::Internal(format!("sqlite: {e}"))
}

/// An SQLite FTS5 database under test.
pub struct Sqlite {
    conn: Connection,
}

/// The facet rows of a document: every ancestor of every value, plus `lang`.
pub fn facet_rows(d: &Document) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = vec![("lang".into(), format!("/{}", d.lang.code()))];
    for f in &d.facets {
        for p in kartotek::taxonomy::ancestors(&f.path) {
            let row = (f.facet.clone(), p);
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
    }
    rows
}

impl Sqlite {
    /// Build the database at `path` (removed first) from `docs`; one
    /// transaction, prepared statements.
    pub fn build(path: &Path, docs: &[Document]) -> Result<(Sqlite, IndexRun)> {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        reset_peak_rss();
        let cpu = cpu_seconds();
        let started = Instant::now();
        let mut conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;
             CREATE VIRTUAL TABLE fts USING fts5(title, body, doc UNINDEXED, tokenize='unicode61 remove_diacritics 2');
             CREATE TABLE facets(doc INTEGER NOT NULL, facet TEXT NOT NULL, path TEXT NOT NULL);",
        )
        .map_err(err)?;
        let tx = conn.transaction().map_err(err)?;
        {
            let mut ins = tx
                .prepare("INSERT INTO fts(rowid, title, body, doc) VALUES (?1, ?2, ?3, ?4)")
                .map_err(err)?;
            let mut fac = tx
                .prepare("INSERT INTO facets(doc, facet, path) VALUES (?1, ?2, ?3)")
                .map_err(err)?;
            let mut rowid = 0i64;
            for (di, d) in docs.iter().enumerate() {
                for (pi, p) in d.passages.iter().enumerate() {
                    rowid += 1;
                    let title = if pi == 0 { d.title.as_str() } else { "" };
                    ins.execute(rusqlite::params![rowid, title, p.text, di as i64])
                        .map_err(err)?;
                }
                for (f, p) in facet_rows(d) {
                    fac.execute(rusqlite::params![di as i64, f, p])
                        .map_err(err)?;
                }
            }
        }
        tx.commit().map_err(err)?;
        conn.execute_batch(
            "CREATE INDEX facets_fp ON facets(facet, path, doc); CREATE INDEX facets_doc ON facets(doc);
             ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .map_err(err)?;
        let seconds = started.elapsed().as_secs_f64();
        let run = IndexRun {
            engine: "sqlite-fts5".into(),
            docs: docs.len(),
            passages: crate::gen::passages(docs),
            text_bytes: crate::gen::text_bytes(docs),
            seconds,
            disk_bytes: file_size(path),
            peak_rss: peak_rss(),
            cpu_seconds: cpu_seconds() - cpu,
            runs_seconds: Vec::new(),
        };
        Ok((Sqlite { conn }, run))
    }
}

impl Sqlite {
    /// Documents (their index in the `docs` given to [`Sqlite::build`])
    /// matching an FTS5 `MATCH` expression, ranked by their best passage's
    /// `bm25()`, at most `limit`.
    pub fn ranked_docs(&self, expr: &str, limit: usize) -> Result<Vec<usize>> {
        // bm25() cannot feed an aggregate (SQLite refuses it even in a
        // sub-select): rank passages, keep each document's first
        let mut st = self
            .conn
            .prepare_cached("SELECT doc FROM fts WHERE fts MATCH ?1 ORDER BY bm25(fts) LIMIT 2000")
            .map_err(err)?;
        let rows = st
            .query_map(rusqlite::params![expr], |r| r.get::<_, i64>(0))
            .map_err(err)?;
        let mut out: Vec<usize> = Vec::new();
        for r in rows {
            let d = r.map_err(err)? as usize;
            if !out.contains(&d) {
                out.push(d);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// FTS5's `snippet()` (about `tokens` words, matches in `**`) of the
    /// best passage of document `doc` for a `MATCH` expression, if it matches.
    pub fn snippet(&self, expr: &str, doc: usize, tokens: usize) -> Result<Option<String>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT snippet(fts, 1, '**', '**', '…', ?3) FROM fts WHERE fts MATCH ?1 AND doc = ?2 ORDER BY bm25(fts) LIMIT 1",
            )
            .map_err(err)?;
        let mut rows = st
            .query(rusqlite::params![expr, doc as i64, tokens.min(64) as i64])
            .map_err(err)?;
        match rows.next().map_err(err)? {
            Some(r) => Ok(Some(r.get::<_, String>(0).map_err(err)?)),
            None => Ok(None),
        }
    }
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .map(|ext| {
            std::fs::metadata(format!("{}{ext}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum()
}

/// The FTS5 MATCH expression: each word quoted (AND), or one quoted phrase.
pub fn match_expr(q: &BenchQuery) -> String {
    let clean: Vec<String> = q.words.iter().map(|w| w.replace('"', "")).collect();
    if q.phrase {
        format!("\"{}\"", clean.join(" "))
    } else {
        clean
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Engine for Sqlite {
    fn name(&self) -> String {
        "sqlite-fts5".into()
    }

    fn query(&mut self, q: &BenchQuery, mode: Mode) -> Result<usize> {
        let mut filter_sql = String::new();
        let mut params: Vec<String> = vec![match_expr(q)];
        for (f, p) in &q.filters {
            filter_sql.push_str(&format!(
                " AND doc IN (SELECT doc FROM facets WHERE facet = ?{} AND path = ?{})",
                params.len() + 1,
                params.len() + 2
            ));
            params.push(f.clone());
            params.push(p.clone());
        }
        let cols = if mode.snippets() {
            "rowid, doc, snippet(fts, 1, '<mark>', '</mark>', '…', 24)"
        } else {
            "rowid, doc, ''"
        };
        let sql = format!(
            "SELECT {cols} FROM fts WHERE fts MATCH ?1{filter_sql} ORDER BY bm25(fts) LIMIT 10"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(err)?;
        let rows = st
            .query_map(params_from_iter(params.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(2)?))
            })
            .map_err(err)?;
        let mut hits = 0;
        for r in rows {
            let _ = r.map_err(err)?;
            hits += 1;
        }
        if !mode.facets().is_empty() {
            let sql = format!(
                "SELECT f.facet, f.path, count(DISTINCT f.doc) FROM facets f
                 WHERE f.doc IN (SELECT doc FROM fts WHERE fts MATCH ?1{filter_sql})
                 GROUP BY f.facet, f.path"
            );
            let mut st = self.conn.prepare_cached(&sql).map_err(err)?;
            let rows = st
                .query_map(params_from_iter(params.iter()), |r| r.get::<_, i64>(2))
                .map_err(err)?;
            for r in rows {
                let _ = r.map_err(err)?;
            }
        }
        Ok(hits)
    }
}
