//! The extraction worker: `kartotek __extract-worker`, a child process that
//! reads one source at a time from stdin and answers on stdout.
//!
//! Third-party parsers fail in ways `catch_unwind` cannot catch: a stack
//! overflow or an allocation the OS refuses aborts the whole process, and a
//! loop in a page tree spins forever. So extraction runs here, in a process
//! the [`supervisor`](super::supervisor) can lose: the OS enforces a memory
//! ceiling (`RLIMIT_AS`), a CPU-time ceiling per file (`RLIMIT_CPU`, a
//! backstop to the supervisor's wall-clock deadline), no core dumps, no file
//! writes, and no new file descriptors (so no files opened and no sockets).
//! The worker needs none of those: its input arrives on stdin.
//!
//! The protocol is small and framed:
//! - request: `u32` LE header length, header JSON ([`Request`]), `u64` LE body
//!   length, body bytes;
//! - answers: frames of a tag byte, a `u32` LE length and a payload: `S` is a
//!   stage (`reading page 3`), sent as the reader moves on so a crash can be
//!   reported with where it happened; `R` is the result as JSON (a
//!   `Result<Extracted, ExtractError>`), and ends the request.

use std::io::{self, Read, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::extract::{self, Extracted};
use super::frame::{self, write_frame, FRAME_RESULT};
use crate::error::ExtractError;

/// The hidden argument that makes the `kartotek` binary a worker.
pub const WORKER_ARG: &str = "__extract-worker";

/// Exit code of a worker that could not start its reading thread (its
/// memory ceiling is below what the program itself needs).
pub(crate) const EXIT_NO_THREAD: i32 = 5;

/// Largest header a worker accepts.
const MAX_HEADER: u32 = 64 * 1024;
/// One extraction request's header; the source's bytes follow it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// The HTTP `Content-Type` the source came with, if any.
    pub content_type: Option<String>,
    /// Seconds the file may take (the CPU-time ceiling is set from it).
    pub timeout_secs: u64,
    /// Read the source as a crawled HTML page: its text and its links (see
    /// [`extract::read_page`]).
    #[serde(default)]
    pub crawled_page: bool,
}

/// Write one request (header and body) to a worker's stdin.
pub(crate) fn write_request(out: &mut impl Write, req: &Request, body: &[u8]) -> io::Result<()> {
    let header = serde_json::to_vec(req).map_err(io::Error::other)?;
    out.write_all(&(header.len() as u32).to_le_bytes())?;
    out.write_all(&header)?;
    out.write_all(&(body.len() as u64).to_le_bytes())?;
    out.write_all(body)?;
    out.flush()
}

/// Read one request from stdin; `None` when the supervisor closed it.
fn read_request(input: &mut impl Read, max_body: u64) -> io::Result<Option<(Request, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "header too large",
        ));
    }
    let mut header = vec![0u8; len as usize];
    input.read_exact(&mut header)?;
    let req: Request = serde_json::from_slice(&header).map_err(io::Error::other)?;
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > max_body {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
    }
    let mut body = Vec::new();
    input.take(len).read_to_end(&mut body)?;
    if body.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some((req, body)))
}

/// Run as a worker until stdin closes; returns the process exit code.
/// `args` are the arguments after [`WORKER_ARG`]: `--memory-bytes N`.
pub fn serve(args: &[String]) -> i32 {
    let memory = args
        .windows(2)
        .find(|w| w[0] == "--memory-bytes")
        .and_then(|w| w[1].parse::<u64>().ok());
    frame::report_stages();
    // Extraction panics become the file's error; keep stderr for real crashes.
    extract::install_quiet_panic_hook();
    limits::restrict(memory);
    watch_parent();
    limits::no_new_files();
    let max_body = memory.unwrap_or(u64::MAX);
    // One thread with a large stack reads every file, so deep but legitimate
    // nesting fits and no thread is started per file.
    let reader = std::thread::Builder::new()
        .name(format!("{}-worker", extract::THREAD_PREFIX))
        .stack_size(32 * 1024 * 1024)
        .spawn(move || answer_requests(max_body));
    match reader.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => EXIT_NO_THREAD,
        Err(e) => {
            eprintln!("kartotek worker: cannot start its thread: {e}");
            EXIT_NO_THREAD
        }
    }
}

/// Read requests until stdin closes, answering each; a panic in an
/// extractor is that file's error.
fn answer_requests(max_body: u64) -> i32 {
    let mut input = io::stdin().lock();
    loop {
        let (req, body) = match read_request(&mut input, max_body) {
            Ok(Some(r)) => r,
            Ok(None) => return 0,
            Err(e) => {
                eprintln!("kartotek worker: bad request: {e}");
                return 3;
            }
        };
        limits::cpu_budget(req.timeout_secs);
        super::pdf::set_drawing_time(std::time::Duration::from_secs(req.timeout_secs) * 2 / 3);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if req.crawled_page {
                extract::read_page(&body, req.content_type.as_deref())
            } else {
                extract::extract(&body, req.content_type.as_deref())
            }
        }))
        .unwrap_or_else(|p| {
            Err(ExtractError::ParserCrashed(super::panics::panic_message(
                &*p,
            )))
        });
        drop(body);
        let json = serde_json::to_vec(&result).unwrap_or_else(|e| {
            serde_json::to_vec(&Err::<Extracted, _>(ExtractError::ParserCrashed(format!(
                "the result could not be encoded: {e}"
            ))))
            .unwrap_or_default()
        });
        let mut out = io::stdout().lock();
        if write_frame(&mut out, FRAME_RESULT, &json)
            .and_then(|_| out.flush())
            .is_err()
        {
            return 0;
        }
    }
}

/// Exit when the supervisor is gone (its process died without closing our
/// stdin, or we are stuck and no longer reading it).
fn watch_parent() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        let _ = std::thread::Builder::new()
            .name("kartotek-worker-watch".into())
            .stack_size(64 * 1024)
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(500));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(4);
                }
            });
    }
}

/// The OS limits a worker runs under.
mod limits {
    /// Memory (address space), no core dumps, no file writes, no new file
    /// descriptors. Best effort: a limit the OS refuses is left as it was.
    pub(super) fn restrict(memory_bytes: Option<u64>) {
        #[cfg(unix)]
        {
            if let Some(m) = memory_bytes {
                set(libc::RLIMIT_AS, m, m);
            }
            set(libc::RLIMIT_CORE, 0, 0);
            set(libc::RLIMIT_FSIZE, 0, 0);
        }
        let _ = memory_bytes;
    }

    /// Forbid new file descriptors: call after every thread and handle the
    /// worker needs exists (stdin, stdout, stderr stay open).
    pub(super) fn no_new_files() {
        #[cfg(unix)]
        set(libc::RLIMIT_NOFILE, 3, 3);
    }

    /// Let the next file use at most `timeout_secs` (plus a margin) more CPU
    /// seconds than the process has used so far; past it the OS ends the
    /// worker (SIGXCPU), even if the supervisor is not watching.
    pub(super) fn cpu_budget(timeout_secs: u64) {
        #[cfg(unix)]
        {
            // SAFETY: getrusage writes into the struct we pass and nothing else.
            let used = unsafe {
                let mut u: libc::rusage = std::mem::zeroed();
                if libc::getrusage(libc::RUSAGE_SELF, &mut u) != 0 {
                    return;
                }
                (u.ru_utime.tv_sec + u.ru_stime.tv_sec) as u64 + 1
            };
            let soft = used + timeout_secs.max(1) + 5;
            set(libc::RLIMIT_CPU, soft, libc::RLIM_INFINITY);
        }
        let _ = timeout_secs;
    }

    #[cfg(unix)]
    fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) {
        let lim = libc::rlimit {
            rlim_cur: soft as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct we pass; failure leaves the limit unchanged.
        unsafe {
            libc::setrlimit(resource, &lim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_back_as_written() {
        let mut buf = Vec::new();
        let req = Request {
            content_type: Some("text/html".into()),
            timeout_secs: 7,
            crawled_page: false,
        };
        write_request(&mut buf, &req, b"<html>hei</html>").unwrap();
        let (back, body) = read_request(&mut buf.as_slice(), 1 << 20).unwrap().unwrap();
        assert_eq!(back.content_type.as_deref(), Some("text/html"));
        assert_eq!(back.timeout_secs, 7);
        assert_eq!(body, b"<html>hei</html>");
        assert!(read_request(&mut &b""[..], 10).unwrap().is_none());
    }

    #[test]
    fn a_body_over_the_limit_is_refused_before_it_is_read() {
        let mut buf = Vec::new();
        let req = Request {
            content_type: None,
            timeout_secs: 1,
            crawled_page: false,
        };
        write_request(&mut buf, &req, &[b'a'; 100]).unwrap();
        assert!(read_request(&mut buf.as_slice(), 10).is_err());
    }
}
