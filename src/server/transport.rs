//! The connection side of `kartotek serve`: accepting sockets and running
//! HTTP/1.1 on them with limits a slow or hostile client cannot get around
//! (issue 13: 1,100 idle connections exhausted the file handles and every
//! search timed out).
//!
//! - **Connection limit.** A permit from a semaphore is taken *before*
//!   `accept`, so at most [`Config::max_connections`] sockets are open; the
//!   rest wait in the kernel's backlog instead of using file handles.
//! - **Header read timeout.** A request head (and the wait for the next one
//!   on a kept-alive connection) must arrive within
//!   [`Config::header_read_timeout`], else hyper closes the connection, which
//!   returns its permit.
//! - **Body read timeout.** Set in [`super::app`] as an inactivity timeout on
//!   request bodies ([`Config::body_read_timeout`]).
//! - **Accept errors** (`EMFILE`, `ENFILE`, `ENOBUFS`) back off briefly and
//!   the loop goes on; they never end the server or spin a core.
//! - **Over-long request lines.** hyper answers a head it cannot parse (a
//!   URI over 64 KiB, a head over its buffer, a malformed line) itself, with
//!   an empty body, before the router sees it. [`JsonParseErrors`] wraps the
//!   socket and rewrites exactly those automatic answers into the API's JSON
//!   error shape. It can recognise them safely: every answer the router
//!   makes carries a `Content-Type`, hyper's automatic ones never do, and
//!   hyper closes the connection after them.
//!
//! HTTP/1.1 only: browsers speak it over plain TCP, and HTTP/2 (h2c with
//! prior knowledge) would need slow-client limits of its own. Shutdown is
//! graceful: on the signal the listener closes, idle connections close,
//! requests in flight finish, for at most [`DRAIN`].

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use super::Config;
use crate::error::Code;

/// How long to pause after an accept error such as "too many open files".
pub(crate) const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// Longest wait for requests in flight after a shutdown signal.
pub(crate) const DRAIN: Duration = Duration::from_secs(10);

/// Longest request URI hyper parses; longer ones are answered by
/// [`JsonParseErrors`] with `uri_too_long`.
pub(crate) const MAX_URI_BYTES: usize = u16::MAX as usize - 1;

/// Serve `router` on `listener` with the limits of `cfg` until `shutdown`
/// resolves, then drain.
pub async fn serve_connections(
    listener: TcpListener,
    router: Router,
    cfg: Arc<Config>,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let max = cfg
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&permits).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break, // the semaphore is never closed; end cleanly if it were
            },
            () = &mut shutdown => break,
        };
        let (stream, _peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(e) => {
                    on_accept_error(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(
            router
                .clone()
                .map_request(|req: hyper::Request<Incoming>| req.map(Body::new)),
        );
        let header_timeout = cfg.header_read_timeout;
        let max_query = cfg.max_query_bytes;
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit; // returned when the connection ends
            let io = TokioIo::new(JsonParseErrors::new(stream, max_query));
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let conn = builder.serve_connection(io, service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = async { stop.wait_for(|stopping| *stopping).await.is_ok() } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // every connection holds a permit: all of them back means all closed
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN, permits.acquire_many(all)).await;
    Ok(())
}

/// Log an accept error and pause when it is about the process or system
/// (out of file handles or memory); a peer that gave up is only skipped.
async fn on_accept_error(e: &io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    ) {
        return;
    }
    tracing::warn!(error = %e, "accept failed; pausing before the next accept");
    tokio::time::sleep(ACCEPT_BACKOFF).await;
}

/// A socket whose writes are passed through, except hyper's automatic
/// answers to heads it could not parse, which become JSON errors.
pub struct JsonParseErrors<T> {
    inner: T,
    max_query_bytes: usize,
    /// A rewritten answer being written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> JsonParseErrors<T> {
    /// Wrap `inner`; `max_query_bytes` is named in the `uri_too_long` message.
    pub fn new(inner: T, max_query_bytes: usize) -> Self {
        JsonParseErrors {
            inner,
            max_query_bytes,
            pending: None,
        }
    }

    /// The JSON answer replacing hyper's automatic one in `head`, if it is one.
    fn rewrite(&self, head: &[u8]) -> Option<Vec<u8>> {
        let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
        let text = std::str::from_utf8(&head[..end]).ok()?;
        let mut lines = text.split("\r\n");
        let status = lines.next()?.strip_prefix("HTTP/1.1 ")?.get(..3)?;
        let mut has_type = false;
        let mut empty = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if name.eq_ignore_ascii_case("content-type") {
                has_type = true;
            }
            if name.eq_ignore_ascii_case("content-length") && value.trim() == "0" {
                empty = true;
            }
        }
        if has_type || !empty || head.len() != end + 4 {
            return None;
        }
        let (reason, code, message) = match status {
            "414" => (
                "URI Too Long",
                Code::UriTooLong.as_str(),
                format!(
                    "the request URI is longer than {MAX_URI_BYTES} bytes; the limit for a query string is {} bytes",
                    self.max_query_bytes
                ),
            ),
            "431" => (
                "Request Header Fields Too Large",
                Code::HeadersTooLarge.as_str(),
                "the request line and headers are larger than the server accepts".to_string(),
            ),
            "400" => (
                "Bad Request",
                Code::BadRequest.as_str(),
                "the request line or a header is not valid HTTP/1.1".to_string(),
            ),
            _ => return None,
        };
        let body = serde_json::json!({ "error": { "code": code, "message": message } }).to_string();
        Some(
            format!(
                "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }
}

impl<T: AsyncWrite + Unpin> JsonParseErrors<T> {
    /// Write what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            if *done >= bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *done += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        // hyper writes a head in one buffer ([`Self::is_write_vectored`] is
        // false, so it flattens); an automatic answer is a head alone
        if buf.len() < 1024 && buf.starts_with(b"HTTP/1.1 4") {
            if let Some(json) = this.rewrite(buf) {
                this.pending = Some((json, 0));
                return match this.poll_pending(cx) {
                    Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                    // the rest is written by the next write or flush
                    _ => Poll::Ready(Ok(buf.len())),
                };
            }
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(head: &str) -> Option<String> {
        JsonParseErrors::new((), 32_768)
            .rewrite(head.as_bytes())
            .map(|b| String::from_utf8(b).unwrap_or_default())
    }

    #[test]
    fn hypers_empty_414_becomes_the_json_error_shape() {
        let out = rewrite("HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n")
            .unwrap_or_default();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(out.contains("content-type: application/json"), "{out}");
        let body = out.split("\r\n\r\n").nth(1).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        assert_eq!(json["error"]["code"], "uri_too_long");
        let message = json["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("32768 bytes"), "{message}");
    }

    #[test]
    fn answers_made_by_the_router_are_left_alone() {
        assert!(rewrite(
            "HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"
        )
        .is_none());
        assert!(rewrite("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite("HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\n").is_none());
        assert!(rewrite("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}").is_none());
    }
}
