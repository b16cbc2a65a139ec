//! Fixtures built once and shared by every integration test: an index in a
//! temporary folder holding the built-in corpus plus the committed fixtures.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent, Summary};
use kartotek::search::{Request, Response, Searcher};
use kartotek::taxonomy::Taxonomy;

/// Path of a committed fixture.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Extract in worker processes of the real binary, as the product does,
/// and read the dictionaries of query expansion once, as `serve` does at
/// start: else the first request of a test app waits for them within its
/// request timeout (a debug build on a busy machine takes longer than that).
pub fn isolate() {
    static WARM: std::sync::Once = std::sync::Once::new();
    kartotek::ingest::supervisor::set_program(env!("CARGO_BIN_EXE_kartotek"));
    WARM.call_once(kartotek::search::warm_up);
}

/// The shared corpus index and the summary of building it.
pub struct Shared {
    /// Kept alive for the test run.
    _dir: tempfile::TempDir,
    /// The index.
    pub index: Index,
    /// Searcher over it.
    pub searcher: Searcher,
    /// What ingesting the fixtures reported.
    pub fixtures_summary: Summary,
}

/// Ingest options with the built-in taxonomy and no parallelism surprises.
pub fn options() -> Options {
    isolate();
    Options::new(Taxonomy::builtin())
}

/// The shared index: built-in corpus + the language, text, PDF and office fixtures.
pub fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = Index::open_or_create(&dir.path().join("index")).expect("index");
        let opts = options();
        ingest::run(&index, source::builtin_jobs(), &opts, &mut Silent).expect("corpus");
        let jobs = source::expand(&[
            fixture("lang").display().to_string(),
            fixture("text").display().to_string(),
            fixture("long-report.pdf").display().to_string(),
            fixture("page.txt").display().to_string(),
            fixture("fake.pdf").display().to_string(),
            fixture("ocr").display().to_string(),
            fixture("office").display().to_string(),
        ]);
        let fixtures_summary = ingest::run(&index, jobs, &opts, &mut Silent).expect("fixtures");
        let searcher = Searcher::new(index.clone(), Taxonomy::builtin());
        Shared {
            _dir: dir,
            index,
            searcher,
            fixtures_summary,
        }
    })
}

/// Search the shared index with default settings.
pub fn search(q: &str) -> Response {
    shared().searcher.search(&Request::new(q)).expect("search")
}

/// The hit urls of a response, file names only.
pub fn names(r: &Response) -> Vec<String> {
    r.hits
        .iter()
        .map(|h| h.url.rsplit('/').next().unwrap_or(&h.url).to_string())
        .collect()
}

/// A scratch folder of documents with an empty index beside it.
pub struct Scratch {
    /// Kept alive for the test.
    _dir: tempfile::TempDir,
    /// The documents folder.
    pub docs: PathBuf,
    /// The index.
    pub index: Index,
}

impl Scratch {
    /// A folder holding `files` (`(name, content)`) and an empty index.
    pub fn new(files: &[(&str, &str)]) -> Scratch {
        let dir = tempfile::tempdir().expect("tempdir");
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(&docs).expect("docs folder");
        let index = Index::open_or_create(&dir.path().join("index")).expect("index");
        let s = Scratch {
            _dir: dir,
            docs,
            index,
        };
        for (name, content) in files {
            s.write(name, content);
        }
        s
    }

    /// Write (or overwrite) one file of the folder.
    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.docs.join(name), content).expect("write");
    }

    /// Ingest the folder with `opts`.
    pub fn ingest_with(&self, opts: &Options) -> Summary {
        let jobs = source::expand(&[self.docs.display().to_string()]);
        ingest::run(&self.index, jobs, opts, &mut Silent).expect("ingest")
    }

    /// Ingest the folder with default options.
    pub fn ingest(&self) -> Summary {
        self.ingest_with(&options())
    }

    /// A searcher over the scratch index.
    pub fn searcher(&self) -> Searcher {
        Searcher::new(self.index.clone(), Taxonomy::builtin())
    }
}

/// Ingest `sources` (paths or URLs, as on the command line) with `opts` into
/// a new index in a temporary folder; keep the folder alive while the index
/// is used.
pub fn ingest_fresh(sources: &[String], opts: &Options) -> (tempfile::TempDir, Index, Summary) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(&dir.path().join("index")).unwrap();
    let s = ingest::run(&index, source::expand(sources), opts, &mut Silent).unwrap();
    (dir, index, s)
}

/// A searcher over `index` with the built-in taxonomy.
pub fn searcher(index: &Index) -> Searcher {
    Searcher::new(index.clone(), Taxonomy::builtin())
}

/// How many documents of `index` a default search for `query` finds.
pub fn hits(index: &Index, query: &str) -> u64 {
    searcher(index).search(&Request::new(query)).unwrap().total
}

/// Assert that a run of the binary exited with status 0, showing its stderr
/// if not.
#[track_caller]
pub fn assert_exit_ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PDF from object bodies (numbered from 1) with a correct xref table.
pub fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A deterministic pseudo-random generator (SplitMix64, the benchmark
/// generator's): a seed fixes the bytes of a generated hostile file.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Serve `app` on a free port of 127.0.0.1 from a thread of its own (for
/// tests that need a web site to crawl); its address.
pub fn serve_loopback(app: axum::Router) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().expect("the loopback server's address")
}
