//! Requests that hyper refuses before the emulator sees them (a malformed
//! request line or header, headers too large, a URI too long) get hyper's
//! bare status line with an empty body. The real endpoint answers those
//! with its JSON error body, so this wrapper around the connection's socket
//! swaps hyper's automatic answer for an ALB-style one: same status, a
//! `RequestId`, `Code` and `Message`, and `connection: close`.
//!
//! hyper's automatic answers are recognised by their head: status 400, 414
//! or 431, `content-length: 0` and no `content-type`. Every answer of the
//! emulator's own has a JSON body and a content type, so none is mistaken.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The code and message the service would answer for a rejected status.
fn rejection(status: u16) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match status {
        400 => (
            "400 Bad Request",
            "InvalidParameter",
            "The request could not be parsed: check the request line and the headers.",
        ),
        414 => (
            "414 URI Too Long",
            "InvalidParameter",
            "The request URI is too long: send the parameters in a form body instead.",
        ),
        431 => (
            "431 Request Header Fields Too Large",
            "InvalidParameter",
            "The request headers are too large.",
        ),
        _ => return None,
    })
}

/// The status of a hyper automatic answer, if `buf` is one.
fn automatic_status(buf: &[u8]) -> Option<u16> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..head_end])
        .ok()?
        .to_ascii_lowercase();
    let status: u16 = head.strip_prefix("http/1.1 ")?.get(..3)?.parse().ok()?;
    let empty = head.contains("\r\ncontent-length: 0");
    let typed = head.contains("\r\ncontent-type:");
    (empty && !typed && buf.len() == head_end + 4 && rejection(status).is_some()).then_some(status)
}

fn replacement(status: u16, region: &str) -> Vec<u8> {
    let (line, code, message) =
        rejection(status).unwrap_or(("400 Bad Request", "InvalidParameter", ""));
    let request_id = crate::http::new_request_id();
    let meta = alb_runtime::ErrorMetadata {
        code: code.into(),
        message: message.into(),
        http_status: status,
        ..Default::default()
    };
    let body = crate::http::error_body(&meta, &request_id, region);
    tracing::info!(status, request_id = %request_id, "request refused before parsing");
    format!(
        "HTTP/1.1 {line}\r\ncontent-type: application/json;charset=utf-8\r\ncontent-length: {}\r\nx-acs-request-id: {request_id}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The socket of one connection, with hyper's automatic answers replaced.
pub struct JsonRejections<S> {
    inner: S,
    region: String,
    /// A replacement being written: bytes, how many are out, and the length
    /// of hyper's answer to report once they all are.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> JsonRejections<S> {
    pub fn new(inner: S, region: impl Into<String>) -> Self {
        Self {
            inner,
            region: region.into(),
            pending: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonRejections<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonRejections<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match automatic_status(buf) {
                Some(status) => {
                    this.pending = Some((replacement(status, &this.region), 0, buf.len()))
                }
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        loop {
            let Some((bytes, written, reported)) = this.pending.as_mut() else {
                return Poll::Ready(Ok(0));
            };
            if *written == bytes.len() {
                let n = *reported;
                this.pending = None;
                return Poll::Ready(Ok(n));
            }
            match Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // One buffer per write, so that hyper's answer arrives whole.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_hyper_automatic_answers() {
        assert_eq!(
            automatic_status(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            automatic_status(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n"
            ),
            Some(431)
        );
        // The emulator's own answers carry a type and a body.
        assert_eq!(
            automatic_status(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"),
            None
        );
        assert_eq!(
            automatic_status(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(automatic_status(b"partial"), None);
        let r = String::from_utf8(replacement(431, "cn-hangzhou")).unwrap();
        assert!(r.starts_with("HTTP/1.1 431 "), "{r}");
        assert!(
            r.contains("\"Code\":\"InvalidParameter\"") && r.contains("connection: close"),
            "{r}"
        );
    }
}
