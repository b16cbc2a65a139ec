//! The supervisor: a pool of [`worker`](super::worker) processes that
//! extraction runs in, so no file can take the calling process down.
//!
//! A caller checks out an idle worker (or starts one), sends it the source
//! and waits for the answer up to the file's deadline, keeping the stage the
//! worker last reported. Then:
//! - an answer: the worker goes back to the pool, until it has read
//!   [`RECYCLE_AFTER`] files (a parser that leaks cannot grow a worker for
//!   ever);
//! - the deadline passes: the worker is killed (not abandoned, as a thread
//!   would be) and the file fails with `timed out … while reading page 3`;
//! - the worker dies: its exit status and the tail of its stderr tell why
//!   (memory ceiling, stack overflow, CPU ceiling, a signal), the file fails
//!   with that reason, and the next file gets a fresh worker; a file that
//!   ran out of memory in a worker that had read other files first is read
//!   once more by a fresh worker, within the same deadline.
//!
//! Workers are started from the program set with [`set_program`] (the
//! `kartotek` binary sets itself). A library user that sets none gets the
//! old in-process extraction on a thread with a deadline, with a warning
//! once: that protects against panics and slowness but not against aborts.

use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::extract::{Extracted, Limits};
use super::frame::{self, FRAME_RESULT, FRAME_STAGE};
use super::worker::{self, Request, WORKER_ARG};
use crate::error::ExtractError;

/// A worker is replaced after this many files.
pub(crate) const RECYCLE_AFTER: u32 = 200;
/// Idle workers kept for reuse.
const MAX_IDLE: usize = 16;
/// An idle worker is ended after this long unused: a server that read a
/// large PDF an hour ago should not still hold the memory its worker kept.
const IDLE_FOR: Duration = Duration::from_secs(60);
/// Bytes of a worker's stderr kept to explain a crash.
const STDERR_TAIL: usize = 8 * 1024;
/// Largest answer frame accepted from a worker (the extracted text).
const MAX_ANSWER: u32 = u32::MAX;

/// Default memory ceiling of an extraction worker: 1 GiB.
pub(crate) const DEFAULT_MEMORY: u64 = 1024 * 1024 * 1024;

static DEFAULT: OnceLock<Supervisor> = OnceLock::new();
static MEMORY: AtomicU64 = AtomicU64::new(DEFAULT_MEMORY);

/// Set the memory (address space) each extraction worker may use, in bytes
/// (`--worker-memory-mb`). Workers started under another ceiling are
/// replaced as they come back.
pub(crate) fn set_memory_limit(bytes: u64) {
    MEMORY.store(bytes.max(MIN_MEMORY), Ordering::Relaxed);
}

/// The smallest memory ceiling accepted: the worker program itself needs
/// about 100 MB of address space (its code, a 32 MB reading stack).
pub(crate) const MIN_MEMORY: u64 = 128 * 1024 * 1024;

/// The memory ceiling of each extraction worker, in bytes.
pub(crate) fn memory_limit() -> u64 {
    MEMORY.load(Ordering::Relaxed)
}

/// Run extraction in worker processes started from `program` (the
/// `kartotek` binary). Only the first call counts.
pub fn set_program(program: impl Into<PathBuf>) {
    let _ = DEFAULT.set(Supervisor::new(
        program.into(),
        vec![WORKER_ARG.to_string()],
    ));
}

/// Extract `bytes` in a worker process under `limits`; without a worker
/// program, on a thread of this process.
pub fn extract(
    bytes: Arc<Vec<u8>>,
    content_type: Option<String>,
    limits: Limits,
) -> Result<Extracted, ExtractError> {
    let Some(supervisor) = DEFAULT.get() else {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "no extraction worker program is set: extracting in-process (a crashing parser can take this process down)"
            )
        });
        return super::extract::extract_in_thread(bytes, content_type, limits);
    };
    supervisor.extract(&bytes, content_type, limits.timeout, memory_limit())
}

/// An HTML page as a crawler reads it, text and links (see
/// [`super::extract::read_page`]), read in a worker process under `limits`;
/// in-process with no worker program.
pub(crate) fn read_page(
    bytes: &[u8],
    content_type: Option<String>,
    limits: Limits,
) -> Result<Extracted, ExtractError> {
    let Some(supervisor) = DEFAULT.get() else {
        return std::panic::catch_unwind(|| {
            super::extract::read_page(bytes, content_type.as_deref())
        })
        .unwrap_or_else(|p| {
            Err(ExtractError::ParserCrashed(super::panics::panic_message(
                &*p,
            )))
        });
    };
    let request = Request {
        content_type,
        timeout_secs: limits.timeout.as_secs().max(1),
        crawled_page: true,
    };
    supervisor.run(&request, bytes, limits.timeout, memory_limit())
}

/// A pool of worker processes started as `program args… --memory-bytes N`.
pub struct Supervisor {
    program: PathBuf,
    args: Vec<String>,
    idle: Arc<Mutex<Vec<Worker>>>,
    /// How long a worker may stay idle.
    idle_for: Duration,
    /// The thread that ends workers idle for longer, once started.
    reaper: OnceLock<()>,
}

impl Supervisor {
    /// A pool of workers started from `program` with `args`.
    pub fn new(program: PathBuf, args: Vec<String>) -> Supervisor {
        Supervisor {
            program,
            args,
            idle: Arc::new(Mutex::new(Vec::new())),
            idle_for: IDLE_FOR,
            reaper: OnceLock::new(),
        }
    }

    /// Extract `bytes` in a worker under a deadline and a memory ceiling.
    pub fn extract(
        &self,
        bytes: &[u8],
        content_type: Option<String>,
        timeout: Duration,
        memory: u64,
    ) -> Result<Extracted, ExtractError> {
        let request = Request {
            content_type,
            timeout_secs: timeout.as_secs().max(1),
            crawled_page: false,
        };
        self.run(&request, bytes, timeout, memory)
    }

    /// Send one request to a worker and wait for its answer.
    fn run(
        &self,
        request: &Request,
        bytes: &[u8],
        timeout: Duration,
        memory: u64,
    ) -> Result<Extracted, ExtractError> {
        let started = Instant::now();
        let worker = self.checkout(memory, true)?;
        let reused = worker.files > 0;
        match self.attempt(worker, request, bytes, timeout) {
            Ok(result) => result,
            // A worker that read other files first can be short of memory
            // a fresh one has (a heap fragmented by an earlier file): the
            // file gets one fresh worker for the rest of its time, so what
            // a batch reads does not depend on its order.
            Err(failure) if reused && out_of_memory(&failure) => {
                let left = timeout.saturating_sub(started.elapsed());
                if left < Duration::from_secs(1) {
                    return Err(failure);
                }
                tracing::debug!("retrying a file that ran out of memory in a reused worker");
                let fresh = self.checkout(memory, false)?;
                self.attempt(fresh, request, bytes, left)
                    .unwrap_or_else(Err)
            }
            Err(failure) => Err(failure),
        }
    }

    /// Run one request on `worker`; `Err` when the worker died or was killed
    /// (dropping it reaps it).
    fn attempt(
        &self,
        mut worker: Worker,
        request: &Request,
        bytes: &[u8],
        timeout: Duration,
    ) -> Result<Result<Extracted, ExtractError>, ExtractError> {
        let answer = worker.run(request, bytes, timeout)?;
        self.finished(worker);
        Ok(answer)
    }

    /// A worker that answered goes back to the pool, unless it is due to be
    /// replaced.
    fn finished(&self, mut worker: Worker) {
        worker.files += 1;
        if worker.files < RECYCLE_AFTER {
            self.checkin(worker);
        }
    }

    /// An idle worker of the right memory ceiling (when `reuse`), or a new one.
    fn checkout(&self, memory: u64, reuse: bool) -> Result<Worker, ExtractError> {
        if reuse {
            if let Ok(mut idle) = self.idle.lock() {
                while let Some(mut w) = idle.pop() {
                    if w.memory == memory && matches!(w.child.try_wait(), Ok(None)) {
                        return Ok(w);
                    }
                }
            }
        }
        Worker::start(&self.program, &self.args, memory).map_err(|e| {
            ExtractError::Io(format!(
                "cannot start an extraction worker (`{}`): {e}",
                self.program.display()
            ))
        })
    }

    fn checkin(&self, mut worker: Worker) {
        worker.idle_since = Instant::now();
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push(worker);
            }
        }
        self.reaper.get_or_init(|| self.start_reaper());
    }

    /// Start the thread that ends workers idle for longer than `idle_for`
    /// (it stops when the pool is dropped). Without it a worker stays until
    /// the process ends, holding what its last file made it allocate.
    fn start_reaper(&self) {
        let idle = Arc::downgrade(&self.idle);
        let idle_for = self.idle_for;
        let every = (idle_for / 2).clamp(Duration::from_millis(10), Duration::from_secs(10));
        let started = std::thread::Builder::new()
            .name("kartotek-worker-reaper".into())
            .stack_size(64 * 1024)
            .spawn(move || loop {
                std::thread::sleep(every);
                let Some(idle) = idle.upgrade() else {
                    return;
                };
                let stale: Vec<Worker> = match idle.lock() {
                    Ok(mut workers) => {
                        let (stale, kept) = std::mem::take(&mut *workers)
                            .into_iter()
                            .partition(|w| w.idle_since.elapsed() >= idle_for);
                        *workers = kept;
                        stale
                    }
                    Err(_) => return,
                };
                // ended outside the lock (dropping a worker waits for it)
                drop(stale);
            });
        if let Err(e) = started {
            tracing::debug!("idle extraction workers will not be ended early: {e}");
        }
    }
}

/// What a worker sends back.
enum Answer {
    Stage(String),
    Result(Box<Result<Extracted, ExtractError>>),
}

/// One worker process and the threads reading its output.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: Receiver<Answer>,
    stderr: Arc<Mutex<VecDeque<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    memory: u64,
    files: u32,
    /// When it last went back to the pool.
    idle_since: Instant,
}

impl Worker {
    fn start(program: &PathBuf, args: &[String], memory: u64) -> std::io::Result<Worker> {
        let mut command = Command::new(program);
        limit_child(&mut command, memory);
        let mut child = command
            .args(args)
            .arg("--memory-bytes")
            .arg(memory.to_string())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            // One malloc arena: the worker reads on one thread, and near the
            // RLIMIT_AS ceiling glibc retries a failing per-thread heap mmap on
            // every allocation (measured: 24 s of system time for one file).
            .env("MALLOC_ARENA_MAX", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // 1 MiB pipes instead of 64 KiB: a document crosses in a few
            // writes rather than hundreds of context switches.
            for fd in [
                child.stdin.as_ref().map(|p| p.as_raw_fd()),
                child.stdout.as_ref().map(|p| p.as_raw_fd()),
            ]
            .into_iter()
            .flatten()
            {
                // SAFETY: F_SETPIPE_SZ on a pipe we own; failure leaves the size as it was.
                unsafe {
                    libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20);
                }
            }
        }
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| std::io::Error::other("no stderr"))?;
        let (tx, answers) = mpsc::channel();
        std::thread::Builder::new()
            .name("kartotek-supervise-out".into())
            .spawn(move || read_answers(stdout, tx))?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let sink = Arc::clone(&tail);
        let stderr_reader = std::thread::Builder::new()
            .name("kartotek-supervise-err".into())
            .spawn(move || keep_tail(stderr, &sink))?;
        Ok(Worker {
            stdin: child.stdin.take(),
            child,
            answers,
            stderr: tail,
            stderr_reader: Some(stderr_reader),
            memory,
            files: 0,
            idle_since: Instant::now(),
        })
    }

    /// Send one source and wait for its answer. `Err` means the worker is
    /// dead or was killed, and carries the file's reason.
    fn run(
        &mut self,
        request: &Request,
        body: &[u8],
        timeout: Duration,
    ) -> Result<Result<Extracted, ExtractError>, ExtractError> {
        if let Ok(mut t) = self.stderr.lock() {
            t.clear();
        }
        let deadline = Instant::now() + timeout;
        let mut stage: Option<String> = None;
        let sent = match self.stdin.as_mut() {
            Some(stdin) => worker::write_request(stdin, request, body),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if sent.is_err() {
            return Err(self.died(stage, timeout));
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left) {
                Ok(Answer::Stage(s)) => stage = Some(s),
                Ok(Answer::Result(r)) => return Ok(*r),
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Err(ExtractError::Timeout {
                        seconds: timeout.as_secs(),
                        stage,
                    });
                }
                Err(RecvTimeoutError::Disconnected) => return Err(self.died(stage, timeout)),
            }
        }
    }

    /// The worker's output ended: reap it and say why it died.
    fn died(&mut self, stage: Option<String>, timeout: Duration) -> ExtractError {
        self.stdin = None;
        let status = wait_briefly(&mut self.child);
        if let Some(h) = self.stderr_reader.take() {
            let _ = h.join();
        }
        let tail = self
            .stderr
            .lock()
            .map(|mut t| String::from_utf8_lossy(t.make_contiguous()).into_owned())
            .unwrap_or_default();
        let reason = classify(status, &tail, self.memory);
        tracing::debug!(?status, stderr = %tail, "extraction worker died");
        match reason {
            Death::Memory => ExtractError::MemoryExceeded {
                limit_mb: self.memory / (1024 * 1024),
                stage,
            },
            Death::Cpu => ExtractError::Timeout {
                seconds: timeout.as_secs(),
                stage,
            },
            Death::Other(what) => ExtractError::ParserCrashed(match stage {
                Some(s) => format!("{what} while {s}"),
                None => what,
            }),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin ends an idle worker; kill covers a busy one.
        self.stdin = None;
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Start `cmd` (a worker, or a tool such as an OCR engine) under an
/// address-space ceiling of `memory` bytes and without core dumps.
pub(crate) fn limit_child(cmd: &mut Command, memory: u64) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let set = |resource, value: u64| {
                    let lim = libc::rlimit {
                        rlim_cur: value as libc::rlim_t,
                        rlim_max: value as libc::rlim_t,
                    };
                    libc::setrlimit(resource, &lim);
                };
                set(libc::RLIMIT_CORE, 0);
                set(libc::RLIMIT_AS, memory);
                Ok(())
            });
        }
    }
    let _ = (cmd, memory);
}

/// Wait for a worker whose output has ended; kill it if it lingers.
fn wait_briefly(child: &mut Child) -> Option<ExitStatus> {
    let until = Instant::now() + Duration::from_secs(2);
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                return child.wait().ok();
            }
        }
    }
}

/// A failure that a worker with more memory free might not have had: the
/// ceiling reached, or the system's kill that usually means the same.
fn out_of_memory(failure: &ExtractError) -> bool {
    match failure {
        ExtractError::MemoryExceeded { .. } => true,
        ExtractError::ParserCrashed(what) => what.contains(KILLED_BY_SYSTEM),
        _ => false,
    }
}

/// How a worker killed by SIGKILL is described.
const KILLED_BY_SYSTEM: &str = "the extraction worker was killed by the system";

/// Why a worker died.
#[derive(Debug, PartialEq)]
enum Death {
    Memory,
    Cpu,
    Other(String),
}

/// Read a dead worker's exit status and last words.
fn classify(status: Option<ExitStatus>, stderr: &str, memory: u64) -> Death {
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return Death::Memory;
    }
    if stderr.contains("has overflowed its stack") || stderr.contains("stack overflow") {
        return Death::Other(
            "stack overflow (the file nests too deeply or refers to itself)".into(),
        );
    }
    let Some(status) = status else {
        return Death::Other("the extraction worker vanished".into());
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match sig {
                libc::SIGXCPU => Death::Cpu,
                // The kernel's OOM killer, or an allocation under RLIMIT_AS that
                // failed without a message.
                libc::SIGKILL => Death::Other(format!(
                    "{KILLED_BY_SYSTEM} (probably out of memory; the limit is {} MB)",
                    memory / (1024 * 1024)
                )),
                libc::SIGSEGV | libc::SIGBUS => {
                    Death::Other("the extraction worker crashed (invalid memory access)".into())
                }
                libc::SIGABRT => Death::Other("the extraction worker aborted".into()),
                other => Death::Other(format!("the extraction worker died by signal {other}")),
            };
        }
    }
    if status.code() == Some(worker::EXIT_NO_THREAD) {
        return Death::Other(format!(
            "the extraction worker could not start within its {} MB memory limit; raise --worker-memory-mb",
            memory / (1024 * 1024)
        ));
    }
    Death::Other(format!(
        "the extraction worker ended unexpectedly ({status})"
    ))
}

fn read_answers(stdout: impl Read, tx: mpsc::Sender<Answer>) {
    let mut r = BufReader::new(stdout);
    while let Ok(Some((tag, payload))) = frame::read_frame(&mut r, MAX_ANSWER) {
        let answer = match tag {
            FRAME_STAGE => Answer::Stage(String::from_utf8_lossy(&payload).into_owned()),
            FRAME_RESULT => Answer::Result(Box::new(
                serde_json::from_slice(&payload).unwrap_or_else(|e| {
                    Err(ExtractError::ParserCrashed(format!(
                        "the extraction worker's answer could not be read: {e}"
                    )))
                }),
            )),
            _ => return,
        };
        if tx.send(answer).is_err() {
            return;
        }
    }
}

fn keep_tail(mut stderr: impl Read, tail: &Mutex<VecDeque<u8>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buf) {
        if n == 0 {
            return;
        }
        if let Ok(mut t) = tail.lock() {
            t.extend(&buf[..n]);
            let over = t.len().saturating_sub(STDERR_TAIL);
            t.drain(..over);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool whose "worker" is a shell script: it never speaks the protocol,
    /// so every outcome is the supervisor's own handling of a dying worker.
    #[cfg(unix)]
    fn shell(script: &str) -> Supervisor {
        Supervisor::new("/bin/sh".into(), vec!["-c".into(), script.into()])
    }

    #[cfg(unix)]
    #[test]
    fn an_idle_worker_is_ended_after_a_while_and_a_recent_one_kept() {
        let idle_for = |pool: &mut Supervisor, d: Duration| pool.idle_for = d;
        let waiting = |pool: &Supervisor| pool.idle.lock().map(|w| w.len()).unwrap_or(0);
        let start = |pool: &Supervisor| {
            Worker::start(&pool.program, &pool.args, DEFAULT_MEMORY).expect("a worker")
        };
        let mut pool = shell("exec cat >/dev/null");
        idle_for(&mut pool, Duration::from_millis(100));
        let worker = start(&pool);
        let pid = worker.child.id() as libc::pid_t;
        pool.checkin(worker);
        assert_eq!(waiting(&pool), 1);
        // ended and waited for: no process, not even a zombie
        // SAFETY: signal 0 only checks that the process exists.
        let exists = || unsafe { libc::kill(pid, 0) } == 0;
        let deadline = Instant::now() + Duration::from_secs(10);
        while waiting(&pool) > 0 || exists() {
            assert!(Instant::now() < deadline, "the idle worker was not ended");
            std::thread::sleep(Duration::from_millis(20));
        }

        let mut pool = shell("exec cat >/dev/null");
        idle_for(&mut pool, Duration::from_secs(30));
        pool.checkin(start(&pool));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(waiting(&pool), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_worker_that_hangs_is_killed_at_the_deadline() {
        let started = Instant::now();
        let e = shell("exec sleep 30")
            .extract(b"x", None, Duration::from_millis(300), DEFAULT_MEMORY)
            .unwrap_err();
        assert!(matches!(e, ExtractError::Timeout { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[cfg(unix)]
    #[test]
    fn a_worker_that_dies_by_a_signal_fails_the_file_with_the_reason() {
        let e = shell("kill -SEGV $$")
            .extract(b"x", None, Duration::from_secs(10), DEFAULT_MEMORY)
            .unwrap_err();
        assert!(e.to_string().contains("invalid memory access"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_worker_refused_memory_fails_the_file_as_over_the_limit() {
        // the message comes after the request arrives, as a real worker's
        // does: `run` forgets what a worker wrote before the request
        let e = shell("head -c 1 >/dev/null; echo 'memory allocation of 4294967296 bytes failed' >&2; kill -ABRT $$")
            .extract(b"x", None, Duration::from_secs(10), 512 * 1024 * 1024)
            .unwrap_err();
        assert!(
            matches!(e, ExtractError::MemoryExceeded { limit_mb: 512, .. }),
            "{e}"
        );
    }

    /// A worker script that runs out of memory the first time it is started
    /// and crashes otherwise, so the error says which worker read the file.
    #[cfg(unix)]
    fn out_of_memory_once(dir: &std::path::Path) -> Supervisor {
        let marker = dir.join("started");
        shell(&format!(
            "head -c 1 >/dev/null; if [ -e '{m}' ]; then kill -SEGV $$; else touch '{m}'; \
             echo 'memory allocation of 4294967296 bytes failed' >&2; kill -ABRT $$; fi",
            m = marker.display()
        ))
    }

    #[cfg(unix)]
    #[test]
    fn a_file_out_of_memory_in_a_reused_worker_is_read_again_by_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let pool = out_of_memory_once(dir.path());
        let mut reused = pool.checkout(DEFAULT_MEMORY, true).unwrap();
        reused.files = 1;
        pool.checkin(reused);
        let e = pool
            .extract(b"x", None, Duration::from_secs(10), DEFAULT_MEMORY)
            .unwrap_err();
        // the second, fresh worker's answer
        assert!(e.to_string().contains("invalid memory access"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_out_of_memory_in_a_fresh_worker_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let e = out_of_memory_once(dir.path())
            .extract(b"x", None, Duration::from_secs(10), DEFAULT_MEMORY)
            .unwrap_err();
        assert!(matches!(e, ExtractError::MemoryExceeded { .. }), "{e}");
    }

    #[test]
    fn a_worker_that_ran_out_of_memory_is_reported_as_such() {
        let d = classify(
            None,
            "memory allocation of 8589934592 bytes failed\n",
            DEFAULT_MEMORY,
        );
        assert_eq!(d, Death::Memory);
    }

    #[test]
    fn a_stack_overflow_is_named_with_its_likely_cause() {
        let d = classify(
            None,
            "thread 'kartotek-extract-worker' has overflowed its stack\nfatal runtime error: stack overflow",
            DEFAULT_MEMORY,
        );
        assert!(matches!(d, Death::Other(s) if s.contains("stack overflow")));
    }
}
