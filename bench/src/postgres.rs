//! PostgreSQL 15 full-text search as a competitor. One row per passage:
//! `passages(id, doc, cfg regconfig, title, body, facets text[], tsv)` where
//! `tsv` is a stored generated column `setweight(to_tsvector(cfg, title),
//! 'A') || to_tsvector(cfg, body)` with the document language's Snowball
//! configuration (`norwegian` for nb and nn, `swedish`, `danish`,
//! `finnish`, `english`, else `simple`), a GIN index on `tsv` and one on
//! `facets` (`facet:/path` strings, every ancestor included).
//!
//! A query does not know its language, so it is parsed with
//! `websearch_to_tsquery` in every configuration and the results OR-ed
//! (`||`) — what Kartotek does by analysing a query with every language's
//! analyzer. Ranked with `ts_rank`, `LIMIT 10`. Filters are `facets @>
//! ARRAY['region:/…']`. Snippets are `ts_headline` on the ten hits,
//! facet counts with `unnest(facets) … GROUP BY`, counting distinct
//! documents; each can be asked for alone. Loading uses `COPY` from two connections (the machine has two
//! cores; the index builder gets two threads too).

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use crate::measure::{Engine, IndexRun, Mode};
use crate::queries::BenchQuery;
use kartotek::document::Document;
use kartotek::error::{Error, Result};
use kartotek::lang::Language;
use postgres::{Client, NoTls, Statement};

fn err(e: postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => Error::Internal(format!("postgres: {}", db.message())),
        None => Error::Internal(format!("postgres: {e}")),
    }
}

/// The Snowball configuration for a language.
pub fn config(lang: Language) -> &'static str {
    match lang {
        Language::Nb | Language::Nn => "norwegian",
        Language::Sv => "swedish",
        Language::Da => "danish",
        Language::Fi => "finnish",
        Language::En => "english",
        _ => "simple",
    }
}

const TSQUERY: &str = "(websearch_to_tsquery('norwegian', $1) || websearch_to_tsquery('swedish', $1) || websearch_to_tsquery('danish', $1) || websearch_to_tsquery('finnish', $1) || websearch_to_tsquery('english', $1) || websearch_to_tsquery('simple', $1))";

/// A PostgreSQL database under test.
pub struct Postgres {
    client: Client,
    statements: HashMap<String, Statement>,
}

fn copy_rows(conn: &str, docs: &[Document], first_doc: usize, first_id: usize) -> Result<()> {
    let mut client = Client::connect(conn, NoTls).map_err(err)?;
    let mut w = client
        .copy_in("COPY passages (id, doc, cfg, title, body, facets) FROM STDIN")
        .map_err(err)?;
    let mut id = first_id;
    let mut buf = String::with_capacity(1 << 20);
    for (i, d) in docs.iter().enumerate() {
        let facets: Vec<String> = super::sqlite::facet_rows(d)
            .into_iter()
            .map(|(f, p)| format!("\"{f}:{p}\""))
            .collect();
        let facets = crate::tsv_escape(&format!("{{{}}}", facets.join(",")));
        for (pi, p) in d.passages.iter().enumerate() {
            id += 1;
            let title = if pi == 0 {
                crate::tsv_escape(&d.title)
            } else {
                String::new()
            };
            buf.push_str(&format!(
                "{id}\t{}\t{}\t{title}\t{}\t{facets}\n",
                first_doc + i,
                config(p.lang),
                crate::tsv_escape(&p.text)
            ));
            if buf.len() > (1 << 20) {
                w.write_all(buf.as_bytes())
                    .map_err(|e| Error::Internal(format!("postgres copy: {e}")))?;
                buf.clear();
            }
        }
    }
    w.write_all(buf.as_bytes())
        .map_err(|e| Error::Internal(format!("postgres copy: {e}")))?;
    w.finish().map_err(err)?;
    Ok(())
}

impl Postgres {
    /// Load `docs` into a fresh `passages` table (two parallel `COPY`s),
    /// then build both GIN indexes and `ANALYZE`; all of it timed.
    pub fn build(conn: &str, docs: &[Document]) -> Result<(Postgres, IndexRun)> {
        let mut client = Client::connect(conn, NoTls).map_err(err)?;
        client
            .batch_execute(
                "DROP TABLE IF EXISTS passages;
                 CREATE UNLOGGED TABLE passages (
                   id integer PRIMARY KEY, doc integer NOT NULL, cfg regconfig NOT NULL,
                   title text NOT NULL, body text NOT NULL, facets text[] NOT NULL,
                   tsv tsvector GENERATED ALWAYS AS
                     (setweight(to_tsvector(cfg, title), 'A') || to_tsvector(cfg, body)) STORED);
                 CHECKPOINT;",
            )
            .map_err(err)?;
        let started = Instant::now();
        let half = docs.len() / 2;
        let first_id_b = crate::gen::passages(&docs[..half]);
        std::thread::scope(|s| -> Result<()> {
            let a = s.spawn(|| copy_rows(conn, &docs[..half], 0, 0));
            let b = s.spawn(|| copy_rows(conn, &docs[half..], half, first_id_b));
            a.join()
                .map_err(|_| Error::Internal("copy thread panicked".into()))??;
            b.join()
                .map_err(|_| Error::Internal("copy thread panicked".into()))??;
            Ok(())
        })?;
        client
            .batch_execute(
                "SET maintenance_work_mem = '1GB';
                 CREATE INDEX passages_tsv ON passages USING gin (tsv);
                 CREATE INDEX passages_facets ON passages USING gin (facets);
                 ANALYZE passages;",
            )
            .map_err(err)?;
        let seconds = started.elapsed().as_secs_f64();
        let size: i64 = client
            .query_one("SELECT pg_total_relation_size('passages')", &[])
            .map_err(err)?
            .get(0);
        let run = IndexRun {
            engine: "postgres".into(),
            docs: docs.len(),
            passages: crate::gen::passages(docs),
            text_bytes: crate::gen::text_bytes(docs),
            seconds,
            disk_bytes: size.max(0) as u64,
            peak_rss: 0,
            cpu_seconds: 0.0,
            runs_seconds: Vec::new(),
        };
        Ok((
            Postgres {
                client,
                statements: HashMap::new(),
            },
            run,
        ))
    }

    fn statement(&mut self, sql: String) -> Result<Statement> {
        if let Some(s) = self.statements.get(&sql) {
            return Ok(s.clone());
        }
        let st = self.client.prepare(&sql).map_err(err)?;
        self.statements.insert(sql, st.clone());
        Ok(st)
    }
}

impl Engine for Postgres {
    fn name(&self) -> String {
        "postgres".into()
    }

    fn query(&mut self, q: &BenchQuery, mode: Mode) -> Result<usize> {
        let text = q.text();
        let filters: Vec<String> = q.filters.iter().map(|(f, p)| format!("{f}:{p}")).collect();
        let mut filter_sql = String::new();
        for i in 0..filters.len() {
            filter_sql.push_str(&format!(" AND facets @> ARRAY[${}]::text[]", i + 2));
        }
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&text];
        for f in &filters {
            params.push(f);
        }
        let top = format!(
            "SELECT id, doc, cfg, body, q, ts_rank(tsv, q) AS r FROM passages, (SELECT {TSQUERY} AS q) x
             WHERE tsv @@ q{filter_sql} ORDER BY r DESC LIMIT 10"
        );
        let sql = if mode.snippets() {
            format!("SELECT t.id, ts_headline(t.cfg, t.body, t.q) FROM ({top}) t ORDER BY t.r DESC")
        } else {
            format!("SELECT t.id, '' FROM ({top}) t ORDER BY t.r DESC")
        };
        let st = self.statement(sql)?;
        let hits = self.client.query(&st, &params).map_err(err)?.len();
        if !mode.facets().is_empty() {
            let sql = format!(
                "SELECT f, count(DISTINCT doc) FROM passages, (SELECT {TSQUERY} AS q) x, unnest(facets) f
                 WHERE tsv @@ q{filter_sql} GROUP BY f"
            );
            let st = self.statement(sql)?;
            self.client.query(&st, &params).map_err(err)?;
        }
        Ok(hits)
    }
}
