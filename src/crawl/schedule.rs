//! Crawling the sources of a sources file: all of them now
//! ([`crawl_sources`], for `kartotek ingest --sources`) or each whenever its
//! `every` period has passed ([`spawn_schedule`], for `kartotek serve`).
//!
//! When a source last started is kept in the crawl state beside the index
//! (`last_run`), so a restarted server does not crawl everything again at
//! once. Sources run one after another, never in parallel, so one site
//! cannot starve the machine and the crawl state has one writer.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::sources::{Source, SourcesFile};
use super::state::{now_unix, State};
use super::{crawl, CrawlOptions, CrawlProgress, CrawlSummary, Scope, SharedSink, Sink};
use crate::error::Result;
use crate::ingest;
use crate::store::{DocStore, SharedWriter};

/// How often the schedule looks for due sources.
pub(crate) const TICK: Duration = Duration::from_secs(30);

fn state_path(index: &dyn DocStore, base: &CrawlOptions) -> Option<PathBuf> {
    base.state_path
        .clone()
        .or_else(|| index.folder().map(State::path_for))
}

fn record_run(path: Option<&PathBuf>, name: &str, at: u64) {
    if let Some(p) = path {
        let mut st = State::load(p);
        st.last_run.insert(name.to_string(), at);
        if let Err(e) = st.save(p) {
            tracing::warn!("cannot save the crawl state: {e}");
        }
    }
}

/// The options a source is crawled with: `base` (the operator's defaults),
/// the file's `allow_private`, then the source's own settings.
pub(crate) fn options_for(
    file: &SourcesFile,
    source: &Source,
    base: &CrawlOptions,
) -> CrawlOptions {
    let mut b = base.clone();
    b.allow_private = file.allow_private;
    source.options(&b)
}

/// Crawl every source of `file` now, one after another; the summaries are
/// added up. A source that fails as a whole (e.g. the index is locked)
/// stops the run with that error.
pub fn crawl_sources(
    index: &dyn DocStore,
    sink: &mut dyn Sink,
    file: &SourcesFile,
    base: &CrawlOptions,
    progress: &mut dyn CrawlProgress,
) -> Result<CrawlSummary> {
    let path = state_path(index, base);
    let mut total = CrawlSummary::default();
    for source in &file.sources {
        let started = now_unix();
        let opts = options_for(file, source, base);
        let s = crawl(index, sink, &source.start, &opts, progress)?;
        record_run(path.as_ref(), &source.name, started);
        total.absorb(s);
    }
    Ok(total)
}

/// Forget the pages no source of `file` covers any more (see
/// [`Scope::covers`]) and delete their documents: what `ingest --sources
/// FILE --prune` does after crawling, so that a site taken out of the file
/// leaves the index. The schedule times of sources no longer in the file go
/// too. Pages crawled by `kartotek crawl URL` are in the same state, so they
/// count as uncovered unless a source covers them. Returns the number of
/// documents deleted (committed before the state is saved).
pub(crate) fn prune_uncovered(
    index: &dyn DocStore,
    sink: &mut dyn Sink,
    file: &SourcesFile,
    base: &CrawlOptions,
) -> Result<usize> {
    let Some(path) = state_path(index, base) else {
        return Ok(0);
    };
    let mut state = State::load(&path);
    let opts: Vec<CrawlOptions> = file
        .sources
        .iter()
        .map(|s| options_for(file, s, base))
        .collect();
    let scopes: Vec<Scope> = file
        .sources
        .iter()
        .zip(&opts)
        .map(|(s, o)| Scope::of(&s.start, o))
        .collect();
    let mut dropped: Vec<String> = Vec::new();
    state.urls.retain(|key, entry| {
        let url = entry.url.as_deref().unwrap_or(key);
        let covered = scopes.iter().any(|scope| scope.covers(url));
        if !covered {
            dropped.extend(entry.doc_id.clone());
        }
        covered
    });
    // a document still named by a kept page (it redirected there) stays
    let kept: std::collections::HashSet<&String> = state
        .urls
        .values()
        .filter_map(|e| e.doc_id.as_ref())
        .collect();
    dropped.retain(|id| !kept.contains(id));
    dropped.sort();
    dropped.dedup();
    for id in &dropped {
        sink.delete(id)?;
    }
    sink.commit()?;
    state
        .last_run
        .retain(|name, _| file.sources.iter().any(|s| &s.name == name));
    state.save(&path)?;
    Ok(dropped.len())
}

/// Names of the sources due at `now` (unix seconds) given the state's `last_run`.
pub fn due<'a>(file: &'a SourcesFile, state: &State, now: u64) -> Vec<&'a Source> {
    file.sources
        .iter()
        .filter(|s| {
            let every = s
                .period()
                .unwrap_or(super::sources::DEFAULT_EVERY)
                .as_secs();
            state
                .last_run
                .get(&s.name)
                .is_none_or(|last| now.saturating_sub(*last) >= every)
        })
        .collect()
}

/// Start a thread that re-crawls each source of `file` when it is due,
/// writing through the shared `writer` (locked per batch, so the server
/// keeps serving and accepting uploads). Setting `stop` ends the current
/// crawl early and the thread within a second. A crawl's errors are logged;
/// the schedule goes on.
pub(crate) fn spawn_schedule(
    file: SourcesFile,
    index: Arc<dyn DocStore>,
    writer: SharedWriter,
    ingest_opts: ingest::Options,
    base: CrawlOptions,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("kartotek-crawl-schedule".into())
        .spawn(move || {
            let mut base = base;
            base.stop = Some(Arc::clone(&stop));
            let path = state_path(&*index, &base);
            let mut sink = SharedSink {
                store: Arc::clone(&index),
                writer,
                opts: ingest_opts,
            };
            while !stop.load(Ordering::Relaxed) {
                let state = path.as_deref().map(State::load).unwrap_or_default();
                let now = now_unix();
                let names: Vec<String> = due(&file, &state, now)
                    .into_iter()
                    .map(|s| s.name.clone())
                    .collect();
                for name in names {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Some(source) = file.sources.iter().find(|s| s.name == name) else {
                        continue;
                    };
                    let opts = options_for(&file, source, &base);
                    let started = now_unix();
                    match crawl(&*index, &mut sink, &source.start, &opts, &mut LogProgress) {
                        Ok(s) => tracing::info!(
                            "crawled source `{name}`: fetched {}, indexed {}, not modified {}, removed {}, failed {}",
                            s.fetched,
                            s.indexed,
                            s.not_modified,
                            s.removed,
                            s.failed.len()
                        ),
                        Err(e) => tracing::warn!("crawling source `{name}` failed: {e}"),
                    }
                    record_run(path.as_ref(), &name, started);
                }
                let mut waited = Duration::ZERO;
                while waited < TICK && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(500));
                    waited += Duration::from_millis(500);
                }
            }
        })
}

/// Progress for scheduled crawls: failures to the log at `warn`, the rest at `debug`.
pub struct LogProgress;

impl CrawlProgress for LogProgress {
    fn page(&mut self, url: &str, event: &super::Event, _so_far: &CrawlSummary) {
        match event {
            super::Event::Failed(reason) => tracing::warn!("crawl: {url}: {reason}"),
            other => tracing::debug!("crawl: {url}: {other:?}"),
        }
    }
    fn end(&mut self, _summary: &CrawlSummary) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_due_when_its_period_has_passed() {
        let file = SourcesFile::parse(
            "[[source]]\nname = \"a\"\nstart = [\"https://x.org\"]\nevery = \"1h\"\n[[source]]\nname = \"b\"\nstart = [\"https://y.org\"]\n",
        )
        .unwrap();
        let mut st = State::default();
        let names = |st: &State, now| -> Vec<String> {
            due(&file, st, now).iter().map(|s| s.name.clone()).collect()
        };
        assert_eq!(names(&st, 10_000), ["a", "b"], "never run: due");
        st.last_run.insert("a".into(), 10_000);
        st.last_run.insert("b".into(), 10_000);
        assert!(names(&st, 10_100).is_empty());
        assert_eq!(names(&st, 10_000 + 3_600), ["a"]);
        assert_eq!(names(&st, 10_000 + 86_400), ["a", "b"]);
    }
}
