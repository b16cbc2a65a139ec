//! The ingest pipeline: source → extract → detect language → tag facets →
//! index. [`run`] drives it for a batch with a small pool of extraction
//! workers and one writer; a failure on one source is reported with its
//! name and reason, counted, and the batch goes on.
//!
//! Incremental: a source whose bytes (and metadata sidecars) hash the same
//! as the indexed version is skipped; a changed source replaces its old
//! document in one commit. Commits happen every couple of seconds, so a
//! killed run keeps everything committed before the kill.

pub mod dates;
pub mod extract;
pub mod fetch;
pub mod frame;
pub(crate) mod guard;
pub mod html;
pub mod metadata;
pub mod ocr;
pub mod office;
pub mod office97;
pub mod panics;
pub mod pdf;
pub mod quality;
pub mod restore;
pub mod rtf;
pub mod sniff;
pub mod source;
pub mod supervisor;
pub mod text;
pub mod worker;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::document::{
    split_passages, DateSource, Document, FacetValue, Format, Origin as TagOrigin, Passage,
};
use crate::error::{ExtractError, Result};
use crate::lang::{self, Language};
use crate::store::{DocStore, DocWriter};
use crate::taxonomy::Taxonomy;
pub use extract::{Extracted, Limits};
pub use source::{Job, Origin};

/// Settings for one ingest run.
#[derive(Clone)]
pub struct Options {
    /// Per-source limits.
    pub limits: Limits,
    /// Remove documents whose source file is gone.
    pub prune: bool,
    /// Commit at least this often.
    pub commit_every: Duration,
    /// Writer heap in bytes.
    pub writer_heap: usize,
    /// Extraction workers (default: the number of cores).
    pub workers: usize,
    /// The taxonomy facets are tagged from.
    pub taxonomy: &'static Taxonomy,
    /// Let URL sources reach loopback and private addresses (`--allow-private`).
    pub allow_private: bool,
    /// When and in which languages scanned pages are read by OCR.
    pub ocr: ocr::Options,
}

impl Options {
    /// Default [`Self::commit_every`], in seconds (also `kartotek ingest --commit-every`).
    pub const DEFAULT_COMMIT_SECS: u64 = 2;

    /// Defaults with the given taxonomy.
    pub fn new(taxonomy: &'static Taxonomy) -> Options {
        Options {
            limits: Limits::default(),
            prune: false,
            commit_every: Duration::from_secs(Self::DEFAULT_COMMIT_SECS),
            writer_heap: crate::index::DEFAULT_WRITER_HEAP,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            taxonomy,
            allow_private: false,
            ocr: ocr::configured(),
        }
    }
}

/// What happened to one source.
#[derive(Debug)]
pub enum Outcome {
    /// Indexed (new or changed): pages and characters of text.
    Indexed {
        /// Pages (or 1).
        pages: u32,
        /// Bytes of extracted text.
        text_bytes: usize,
        /// Document id.
        id: String,
    },
    /// Same bytes as already indexed.
    Unchanged,
    /// Could not be indexed.
    Failed(String),
}

/// One failed source.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Failure {
    /// Path or URL as shown to the user.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// The result of a batch.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Documents indexed (new or changed).
    pub indexed: usize,
    /// Documents skipped because they did not change.
    pub unchanged: usize,
    /// Documents removed by `--prune`.
    pub removed: usize,
    /// Failed sources, with reasons.
    pub failed: Vec<Failure>,
    /// Sources indexed with something missing (a page read only in part).
    pub warnings: Vec<Failure>,
    /// Pages indexed.
    pub pages: u64,
    /// Bytes of text indexed.
    pub text_bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Ids of the documents indexed, in completion order.
    #[serde(skip)]
    pub ids: Vec<String>,
}

/// Receives progress while a batch runs.
pub trait Progress: Send {
    /// The batch has `total` sources.
    fn begin(&mut self, total: usize);
    /// One source is done.
    fn item(&mut self, display: &str, outcome: &Outcome);
    /// The batch is done.
    fn end(&mut self, summary: &Summary);
}

/// A progress sink that reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn begin(&mut self, _total: usize) {}
    fn item(&mut self, _display: &str, _outcome: &Outcome) {}
    fn end(&mut self, _summary: &Summary) {}
}

enum Built {
    Doc(Box<Document>),
    Unchanged,
    Failed(String),
}

/// Ingest a batch of jobs into `index`.
pub fn run(
    index: &dyn DocStore,
    jobs: Vec<Job>,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    let mut writer = index.open_writer(opts.writer_heap)?;
    run_with_writer(index, &mut *writer, jobs, opts, progress)
}

/// Like [`run`], with a writer the caller holds (the server keeps one).
pub fn run_with_writer(
    index: &dyn DocStore,
    mut writer: &mut dyn DocWriter,
    jobs: Vec<Job>,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    run_with_access(index, &mut writer, jobs, opts, progress)
}

/// How a run reaches the index's writer: [`run_with_writer`] holds one for
/// the whole run; the server takes its shared writer only when the first
/// document is ready to be written, so that uploads are read side by side
/// and only their writes take turns.
pub trait WriteAccess {
    /// The writer, taken now if it was not yet.
    fn writer(&mut self) -> Result<&mut dyn DocWriter>;
    /// The writer, when it has been taken.
    fn held(&mut self) -> Option<&mut dyn DocWriter>;
}

impl WriteAccess for &mut dyn DocWriter {
    fn writer(&mut self) -> Result<&mut dyn DocWriter> {
        Ok(&mut **self)
    }

    fn held(&mut self) -> Option<&mut dyn DocWriter> {
        Some(&mut **self)
    }
}

/// Like [`run_with_writer`], reaching the writer through `access`.
pub fn run_with_access(
    index: &dyn DocStore,
    access: &mut dyn WriteAccess,
    jobs: Vec<Job>,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    extract::install_quiet_panic_hook();
    let started = Instant::now();
    let mut summary = Summary::default();
    progress.begin(jobs.len());
    let total = jobs.len();
    let queue = Arc::new(Mutex::new(
        jobs.into_iter()
            .enumerate()
            .collect::<std::collections::VecDeque<_>>(),
    ));
    let (tx, rx) = mpsc::channel::<(usize, String, Built)>();
    let workers = opts.workers.clamp(1, 16).min(total.max(1));
    let mut last_commit = Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let queue = Arc::clone(&queue);
            let tx = tx.clone();
            let opts = opts.clone();
            scope.spawn(move || loop {
                let next = match queue.lock() {
                    Ok(mut q) => q.pop_front(),
                    Err(_) => None,
                };
                let Some((n, job)) = next else { break };
                let display = job.display.clone();
                let built = build(index, job, &opts);
                if tx.send((n, display, built)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (_, display, built) in rx {
            let outcome = match built {
                Built::Doc(doc) => match access.writer().and_then(|w| w.upsert(&doc)) {
                    Ok(()) => {
                        summary.indexed += 1;
                        for w in &doc.warnings {
                            summary.warnings.push(Failure {
                                source: display.clone(),
                                reason: w.clone(),
                            });
                        }
                        summary.pages += doc.pages as u64;
                        summary.text_bytes += doc.text_len() as u64;
                        summary.ids.push(doc.id.clone());
                        Outcome::Indexed {
                            pages: doc.pages,
                            text_bytes: doc.text_len(),
                            id: doc.id.clone(),
                        }
                    }
                    Err(e) => {
                        summary.failed.push(Failure {
                            source: display.clone(),
                            reason: e.to_string(),
                        });
                        Outcome::Failed(e.to_string())
                    }
                },
                Built::Unchanged => {
                    summary.unchanged += 1;
                    Outcome::Unchanged
                }
                Built::Failed(reason) => {
                    summary.failed.push(Failure {
                        source: display.clone(),
                        reason: reason.clone(),
                    });
                    Outcome::Failed(reason)
                }
            };
            progress.item(&display, &outcome);
            if let Some(writer) = access.held() {
                if writer.pending() > 0 && last_commit.elapsed() >= opts.commit_every {
                    writer.commit()?;
                    last_commit = Instant::now();
                }
            }
        }
        Ok(())
    })?;
    if opts.prune {
        summary.removed = prune(index, access.writer()?)?;
    }
    if let Some(writer) = access.held() {
        if writer.pending() > 0 {
            writer.commit()?;
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    progress.end(&summary);
    Ok(summary)
}

/// Delete documents whose source file no longer exists (and built-in corpus
/// documents no longer in the binary). URL sources are the crawler's to prune.
fn prune(index: &dyn DocStore, writer: &mut dyn DocWriter) -> Result<usize> {
    let builtin: std::collections::HashSet<String> =
        source::builtin_jobs().into_iter().map(|j| j.key).collect();
    let mut removed = 0;
    for (id, src) in index.all_sources()? {
        let gone = if let Some(rest) = src.strip_prefix(source::BUILTIN_PREFIX) {
            !builtin.contains(&format!("{}{rest}", source::BUILTIN_PREFIX))
        } else if src.starts_with('/') {
            !std::path::Path::new(&src).exists()
        } else {
            false
        };
        if gone {
            writer.delete(&id)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn build(index: &dyn DocStore, job: Job, opts: &Options) -> Built {
    if let Some(e) = job.error {
        return Built::Failed(e);
    }
    match build_inner(index, job, opts) {
        Ok(Some(doc)) => Built::Doc(Box::new(doc)),
        Ok(None) => Built::Unchanged,
        Err(reason) => Built::Failed(reason),
    }
}

fn build_inner(
    index: &dyn DocStore,
    mut job: Job,
    opts: &Options,
) -> std::result::Result<Option<Document>, String> {
    let (bytes, content_type, url) = match &job.origin {
        Origin::File(path) => (
            Arc::new(read_file(path, opts.limits.max_bytes).map_err(|e| e.to_string())?),
            None,
            job.url.clone(),
        ),
        Origin::Url(u) => {
            let f = fetch::fetch_with(
                u,
                opts.limits.timeout,
                opts.limits.max_bytes,
                opts.allow_private,
            )
            .map_err(|e| e.to_string())?;
            (Arc::new(f.bytes), f.content_type, f.final_url)
        }
        Origin::Bytes {
            bytes,
            content_type,
        } => (Arc::clone(bytes), content_type.clone(), job.url.clone()),
        Origin::Read { bytes, .. } => (Arc::clone(bytes), None, job.url.clone()),
    };
    let (mut overrides, mut raw_meta) = match &job.origin {
        Origin::File(path) => metadata::for_document(path).map_err(|e| e.to_string())?,
        _ => (metadata::Override::default(), String::new()),
    };
    if let Some(extra) = &job.overrides {
        // the job's own corrections (a crawl source's facets) hash with the content
        raw_meta.push_str(&extra.fingerprint_text());
        overrides = extra.clone().merged_with(overrides);
    }
    let hash = fingerprint(EXTRACTION, &bytes, &raw_meta);
    let id = Document::id_for(&job.key);
    let stored = index.content_hash(&id).map_err(|e| e.to_string())?;
    if stored.as_deref() == Some(hash.as_str()) {
        return Ok(None);
    }
    let size = bytes.len() as u64;
    let x = match &mut job.origin {
        // the crawler's reading is used as it is (taken, not copied)
        Origin::Read { extracted, .. } => extract::require_text(std::mem::take(&mut **extracted)),
        _ => extract::extract_bounded(Arc::clone(&bytes), content_type, opts.limits),
    };
    let x = with_ocr(&bytes, x, opts).map_err(|e| e.to_string())?;
    let mut doc = assemble(&job, id, url, hash, size, x, opts.taxonomy);
    apply_overrides(&mut doc, &overrides);
    Ok(Some(doc))
}

/// Read one file and extract its text exactly as `ingest` does (in a worker
/// process, under `opts.limits`, with OCR as `opts.ocr` says), without
/// indexing it: what `kartotek extract` prints.
pub fn extract_file(
    path: &std::path::Path,
    opts: &Options,
) -> std::result::Result<Extracted, ExtractError> {
    let bytes = Arc::new(read_file(path, opts.limits.max_bytes)?);
    let x = extract::extract_bounded(Arc::clone(&bytes), None, opts.limits);
    with_ocr(&bytes, x, opts)
}

/// Read the pages of a PDF that have no text layer by OCR, as `opts.ocr`
/// says: every page of an image-only PDF or of one that draws no text at
/// all, the empty pages of one that holds images (scanned annexes), or every
/// page with `--ocr force`; and every page of a scanned image (TIFF, PNG,
/// JPEG).
fn with_ocr(
    bytes: &[u8],
    extracted: std::result::Result<Extracted, ExtractError>,
    opts: &Options,
) -> std::result::Result<Extracted, ExtractError> {
    let memory = supervisor::memory_limit();
    let (x, pages): (Extracted, Vec<u32>) = match (opts.ocr.mode, extracted) {
        (ocr::Mode::Off, r) => return r,
        (_, Err(ExtractError::ScannedImage(format))) => {
            let read = ocr::read_image(bytes, format, &opts.ocr, opts.limits.timeout, memory)?;
            let n = read.texts.len();
            let x = Extracted {
                pages: vec![String::new(); n],
                paged: true,
                format: Some(format),
                has_images: true,
                ..Extracted::default()
            };
            return with_ocr_pages(x, (1..=n as u32).collect(), read, false);
        }
        // every page of a scan, and of a PDF whose letters are drawn as
        // shapes (outlined for print) or in fonts that name no characters
        (_, Err(ExtractError::ImageOnly(n))) => blank_pdf(n, true),
        (_, Err(ExtractError::NoTextDrawn(n) | ExtractError::UnmappedFonts { pages: n, .. })) => {
            blank_pdf(n, false)
        }
        (mode, Ok(x)) if x.format == Some(Format::Pdf) => {
            let pages = (1..=x.pages.len() as u32)
                .filter(|&p| {
                    mode == ocr::Mode::Force
                        || (x.has_images && x.pages[p as usize - 1].trim().is_empty())
                        || x.partly_read.contains(&p)
                })
                .collect();
            (x, pages)
        }
        (_, r) => return r,
    };
    if pages.is_empty() {
        return Ok(x);
    }
    // a document with no text of its own is given up on when its first
    // pages show none either
    let whole = x.pages.iter().all(|p| p.trim().is_empty());
    let read = match ocr::read_pages(bytes, &pages, whole, &opts.ocr, opts.limits.timeout, memory) {
        Ok(read) => read,
        // a document with text of its own keeps it when OCR cannot run
        // (Tesseract missing, a page past its deadline): a warning, not a
        // lost file
        Err(e) if !whole => {
            let mut x = x;
            let listed: Vec<String> = pages.iter().map(u32::to_string).collect();
            x.warnings.push(format!(
                "partly extracted: page(s) {} could not be read by OCR: {}",
                listed.join(", "),
                e.to_string().replace('\n', "; ")
            ));
            return Ok(x);
        }
        Err(e) => return Err(e),
    };
    with_ocr_pages(x, pages, read, opts.ocr.mode == ocr::Mode::Force)
}

/// A PDF of `n` pages that gave no text, every page to be read by OCR.
fn blank_pdf(n: usize, has_images: bool) -> (Extracted, Vec<u32>) {
    let x = Extracted {
        pages: vec![String::new(); n],
        paged: true,
        format: Some(Format::Pdf),
        has_images,
        ..Extracted::default()
    };
    (x, (1..=n as u32).collect())
}

/// `x` with `pages` (1-based) as OCR `read` them where OCR read more than
/// the page's own text (always with `--ocr force`); an error when no page of
/// it has text after all.
fn with_ocr_pages(
    mut x: Extracted,
    pages: Vec<u32>,
    read: ocr::Read,
    force: bool,
) -> std::result::Result<Extracted, ExtractError> {
    let letters = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
    let own_text = x.pages.iter().any(|p| !p.trim().is_empty());
    for (&page, text) in pages.iter().zip(read.texts) {
        let Some(slot) = x.pages.get_mut(page as usize - 1) else {
            continue;
        };
        let text = text::join_broken_lines(&text::tidy(&text));
        if force || letters(&text) > letters(slot) {
            *slot = text;
            x.ocr_pages.push(page);
            // a page drawn in a way the reader could not follow, read now
            let prefix = format!("{} ", crate::ingest::pdf::partly_read_prefix(page));
            x.warnings.retain(|w| !w.starts_with(&prefix));
        }
    }
    if x.title.is_none() && !own_text {
        // a scan's first heading, as a text file's, before its file name
        // (`scan0001.tif`)
        x.title = x
            .pages
            .iter()
            .find(|p| !p.trim().is_empty())
            .and_then(|p| text::title_of(p));
    }
    if x.pages.iter().all(|p| p.trim().is_empty()) {
        // a page OCR would not read is the reason there is no text
        return Err(match read.warnings.into_iter().next() {
            Some(why) => ExtractError::Malformed(why),
            None => ExtractError::NoText,
        });
    }
    x.warnings.extend(read.warnings);
    Ok(x)
}

/// Read a source file, refusing what is not a regular file (a FIFO would
/// block for ever, `/dev/zero` never ends) and never reading more than
/// `max_bytes` (the file may grow while it is read).
pub(crate) fn read_file(
    path: &std::path::Path,
    max_bytes: u64,
) -> std::result::Result<Vec<u8>, ExtractError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| ExtractError::Io(source::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(ExtractError::Unsupported(
            "not a regular file (a device, pipe or socket)".into(),
        ));
    }
    if meta.len() > max_bytes {
        return Err(ExtractError::TooLarge {
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let file = std::fs::File::open(path).map_err(|e| ExtractError::Io(source::io_reason(&e)))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ExtractError::Io(source::io_reason(&e)))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ExtractError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

/// Turn extracted text into a [`Document`]: passages, languages, facets.
pub(crate) fn assemble(
    job: &Job,
    id: String,
    url: String,
    hash: String,
    bytes: u64,
    x: Extracted,
    taxonomy: &Taxonomy,
) -> Document {
    let mut x = x;
    // one spelling for one word, however the source encoded it
    for page in &mut x.pages {
        if let Some(n) = text::normalized(page) {
            *page = n;
        }
    }
    if let Some(n) = x.title.as_deref().and_then(text::normalized) {
        x.title = Some(n);
    }
    let mut raw: Vec<(Option<u32>, &str)> = Vec::new();
    for (i, page) in x.pages.iter().enumerate() {
        let page_no = x.paged.then_some(i as u32 + 1);
        for piece in split_passages(page) {
            raw.push((page_no, piece));
        }
    }
    let texts: Vec<&str> = raw.iter().map(|(_, t)| *t).collect();
    let hint = x.lang_hint.as_deref().and_then(Language::from_code);
    let (doc_lang, passage_langs) = lang::detect_document(&texts);
    let doc_lang = if doc_lang.confidence < 0.2 {
        hint.unwrap_or(doc_lang.lang)
    } else {
        doc_lang.lang
    };
    // OCR-damaged Norwegian gets its æ/ø/å back in the stored text, so
    // snippets read right and exact searches match (see `restore`).
    let damaged = quality::assess(&texts, doc_lang).ocr_damaged;
    // Text read by OCR here gets the OCR-tolerant matching too, but not the
    // æ/ø/å restoring: Tesseract's `nor` model reads them right.
    let ocr_damaged = damaged || !x.ocr_pages.is_empty();
    let restore_as = match doc_lang {
        Language::Nb if damaged => Some(false),
        Language::Nn if damaged => Some(true),
        _ => None,
    };
    let passages: Vec<Passage> = raw
        .iter()
        .zip(passage_langs)
        .map(|((page, text), d)| Passage {
            page: *page,
            text: match restore_as {
                Some(nynorsk) => restore::restore(text, nynorsk).0,
                None => text.to_string(),
            },
            lang: if d.lang == Language::Other || d.confidence < 0.1 {
                doc_lang
            } else {
                d.lang
            },
        })
        .collect();
    let full: String = {
        let mut s = String::with_capacity(texts.iter().map(|t| t.len() + 2).sum());
        if let Some(t) = &x.title {
            s.push_str(t);
            s.push_str("\n\n");
        }
        for t in &texts {
            s.push_str(t);
            s.push_str("\n\n");
        }
        s
    };
    let facets = taxonomy
        .tag(&full)
        .into_iter()
        .map(|t| FacetValue {
            facet: t.kind.as_str().to_string(),
            path: t.path,
            count: t.count,
            first_match: Some(t.first_match),
            origin: TagOrigin::Text,
        })
        .collect();
    let mut facets: Vec<FacetValue> = facets;
    for p in dates::periods_in_text(&full) {
        facets.push(FacetValue {
            facet: crate::facet::Facet::Period.name().to_string(),
            path: p.path,
            count: p.count,
            first_match: Some(p.first_match),
            origin: TagOrigin::Text,
        });
    }
    // a publication date in the metadata, then one written on the first pages, then
    // the file's creation date
    let date = x
        .date
        .as_deref()
        .and_then(dates::normalise_date)
        .map(|d| (d, DateSource::Metadata))
        .or_else(|| dates::date_in_text(&full).map(|d| (d, DateSource::Text)))
        .or_else(|| {
            x.created
                .as_deref()
                .and_then(dates::normalise_date)
                .map(|d| (d, DateSource::Metadata))
        });
    let title = x
        .title
        .filter(|t| !t.trim().is_empty())
        .map(|t| short_title(&t))
        .unwrap_or_else(|| title_from_name(&job.display));
    Document {
        id,
        source: job.key.clone(),
        url: x
            .canonical
            .filter(|_| matches!(job.origin, Origin::Url(_)))
            .unwrap_or(url),
        title,
        lang: doc_lang,
        format: x.format.unwrap_or(Format::Text),
        description: x.description,
        date_source: date.as_ref().map(|(_, s)| *s),
        date: date.map(|(d, _)| d),
        pages: if x.paged { x.pages.len() as u32 } else { 1 },
        hash,
        bytes,
        facets,
        context: job.context.clone(),
        ocr_damaged,
        warnings: x.warnings,
        passages,
    }
}

/// Apply a person's corrections to a document.
pub(crate) fn apply_overrides(doc: &mut Document, o: &metadata::Override) {
    if let Some(t) = &o.title {
        doc.title = short_title(t);
    }
    if let Some(u) = &o.url {
        doc.url = u.clone();
    }
    if let Some(d) = &o.date {
        // a form the index cannot filter by is still shown as written
        doc.date = Some(dates::normalise_date(d).unwrap_or_else(|| d.clone()));
        doc.date_source = Some(crate::document::DateSource::Sidecar);
    }
    if let Some(l) = o.lang.as_deref().and_then(Language::from_code) {
        doc.lang = l;
    }
    for (facet, paths) in &o.remove {
        doc.facets.retain(|f| {
            !(f.facet == *facet
                && paths
                    .iter()
                    .any(|p| f.path == *p || f.path.starts_with(&format!("{p}/"))))
        });
    }
    for (facet, paths) in &o.facets {
        for p in paths {
            doc.facets.retain(|f| !(f.facet == *facet && f.path == *p));
            doc.facets.push(FacetValue {
                facet: facet.clone(),
                path: p.clone(),
                count: 0,
                first_match: None,
                origin: TagOrigin::Metadata,
            });
        }
    }
}

/// The version of what extraction makes of a file (text, title, language,
/// facets) and of how its passages are analysed for the index (compound
/// parts). It is part of each document's fingerprint, so an unchanged
/// file is extracted again, once, after an upgrade that reads files
/// differently: without it an index kept what the old build made of them
/// (text files titled by their file name) until it was rebuilt. Raise it
/// with any such change.
const EXTRACTION: &str = "12";

/// A document's fingerprint: what an unchanged file is recognised by
/// (blake3, hex, of the extraction version, the bytes and the metadata
/// that applies to them).
fn fingerprint(extraction: &str, bytes: &[u8], meta: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(extraction.as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.update(meta.as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// Longest title kept, in characters: every hit, page and feed entry shows
/// it, and a file's metadata can say anything (a 10 MB `/Title` made each
/// search answer 24 MB).
const MAX_TITLE_CHARS: usize = 300;

/// `title` cut to [`MAX_TITLE_CHARS`] at a space, with an ellipsis.
pub(crate) fn short_title(title: &str) -> String {
    let Some((cut, _)) = title.char_indices().nth(MAX_TITLE_CHARS) else {
        return title.to_string();
    };
    let head = &title[..cut];
    let head = head
        .rfind(' ')
        .filter(|&i| i > cut / 2)
        .map_or(head, |i| &head[..i]);
    format!("{}…", head.trim_end())
}

/// A readable title from a file name: `trondelag-internasjonalt_plan.pdf` →
/// `Trondelag internasjonalt plan`.
pub(crate) fn title_from_name(display: &str) -> String {
    let name = display.rsplit(['/', '\\']).next().unwrap_or(display);
    let stem = name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .filter(|s| !s.is_empty())
        .unwrap_or(name);
    let spaced: String = stem
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_not_read() {
        let e = read_file(std::path::Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe.pdf");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let e = read_file(&fifo, 1024).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[test]
    fn a_new_extraction_version_makes_an_unchanged_file_new() {
        let bytes = b"Lov om endringer i partiloven\nEndringer i folgende lov:";
        assert_eq!(
            fingerprint("2", bytes, "title = 'x'"),
            fingerprint("2", bytes, "title = 'x'")
        );
        assert_ne!(fingerprint("2", bytes, ""), fingerprint("3", bytes, ""));
        assert_ne!(
            fingerprint("2", bytes, ""),
            fingerprint("2", bytes, "lang = 'nb'")
        );
    }

    #[test]
    fn a_title_longer_than_any_heading_is_cut_at_a_space() {
        let long = "Regional plan ".repeat(100);
        let t = short_title(&long);
        assert!(
            t.chars().count() <= MAX_TITLE_CHARS + 1 && t.ends_with("plan…"),
            "{t}"
        );
        assert_eq!(short_title("Kort tittel"), "Kort tittel");
        let word = "x".repeat(1000);
        assert_eq!(short_title(&word).chars().count(), MAX_TITLE_CHARS + 1);
    }

    #[test]
    fn titles_from_file_names_are_readable() {
        assert_eq!(
            title_from_name("corpus/trondelag-internasjonalt_plan.pdf"),
            "Trondelag internasjonalt plan"
        );
        assert_eq!(title_from_name(".hidden"), ".hidden");
    }
}
