//! A deliberately broken HTTP server for the runner's end-to-end tests: each path misbehaves in
//! one way a real target can.
//!
//! | path | behaviour |
//! | --- | --- |
//! | `/ok` | `200`, `{}` |
//! | `/close` | reads the request, then closes the connection without answering |
//! | `/reset` | reads the request, then resets the connection (RST) without answering |
//! | `/stall` | reads the request and never answers (until the client gives up) |
//! | `/stall-body` | sends the head and part of the body, then nothing more |
//! | `/garbage` | `200`, `content-type: application/json`, a body that is not JSON |
//! | `/json-string` | `200`, `content-type: application/json`, the JSON string `"hello"` |
//! | `/control` | `200`, a text body with raw control characters and XML metacharacters |
//! | `/huge` | `200`, an 11 MiB body with its `content-length` |
//! | `/huge-chunked` | `200`, an 11 MiB chunked body (no length announced) |
//! | `/2k` | `200`, a 2 KiB body with its `content-length` |
//! | `/loop` | `302` to `/loop`, forever |
//! | `/gzip`, `/deflate`, `/br`, `/zstd` | `200`, JSON `{"encoding":"<name>","ok":true}` compressed that way, with that `content-encoding`, whatever the request's `accept-encoding` says (`deflate` is zlib-wrapped, as HTTP means it; see [`Encoding`]) |
//! | `/bad-gzip` | `200`, `content-encoding: gzip`, a body that is not gzip |
//! | anything else | `404` |
//!
//! [`refused_url`] gives a URL where nothing listens.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The size of `/huge` and `/huge-chunked`: 11 MiB, over the runner's default 10 MB cap.
pub const HUGE: usize = 11 * 1024 * 1024;

/// A content coding of the compressed paths (`/gzip`, `/deflate`, `/br`, `/zstd`). They answer
/// compressed even to a client that did not ask, as some real servers and caches do, so a
/// client's decoding is tested without depending on its `accept-encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gzip,
    /// The zlib format (RFC 1950), which is what HTTP's `deflate` means, not raw DEFLATE.
    Deflate,
    Brotli,
    Zstd,
}

impl Encoding {
    pub const ALL: [Encoding; 4] = [
        Encoding::Gzip,
        Encoding::Deflate,
        Encoding::Brotli,
        Encoding::Zstd,
    ];

    /// The `content-encoding` value, which is also the path without its `/`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Deflate => "deflate",
            Encoding::Brotli => "br",
            Encoding::Zstd => "zstd",
        }
    }

    /// The path that answers in this coding.
    pub fn path(self) -> String {
        format!("/{}", self.name())
    }

    /// The JSON the path's body decodes to.
    pub fn json(self) -> serde_json::Value {
        serde_json::json!({ "encoding": self.name(), "ok": true })
    }

    /// `data` compressed in this coding.
    pub fn compress(self, data: &[u8]) -> Vec<u8> {
        let written = "compressing into memory cannot fail";
        match self {
            Encoding::Gzip => {
                let mut out = flate2::write::GzEncoder::new(Vec::new(), Default::default());
                out.write_all(data).expect(written);
                out.finish().expect(written)
            }
            Encoding::Deflate => {
                let mut out = flate2::write::ZlibEncoder::new(Vec::new(), Default::default());
                out.write_all(data).expect(written);
                out.finish().expect(written)
            }
            Encoding::Brotli => {
                // brotli's defaults: quality 11, a window of 2^22 bytes (4096 is the buffer).
                let mut out = brotli::CompressorWriter::new(Vec::new(), 4096, 11, 22);
                out.write_all(data).expect(written);
                out.into_inner()
            }
            Encoding::Zstd => zstd::encode_all(data, 0).expect(written),
        }
    }

    fn from_path(path: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.path() == path)
    }
}

/// The base URL (`http://127.0.0.1:PORT`) of the fault server, started on first use on a
/// background thread and shared by every test of the process.
pub fn fault_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("fault-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the fault server");
                runtime.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("bind the fault server");
                    let address = listener.local_addr().expect("its address");
                    tx.send(format!("http://{address}"))
                        .expect("report the URL");
                    loop {
                        if let Ok((stream, _)) = listener.accept().await {
                            tokio::spawn(serve(stream));
                        }
                    }
                });
            })
            .expect("spawn the fault server thread");
        rx.recv().expect("the fault server starts")
    })
}

/// A URL where nothing listens: a port that was bound, then released.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let address = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{address}")
}

/// The head of a request, and the bytes of its body read with it.
struct Head {
    path: String,
    /// The path with its query, as sent.
    target: String,
    method: String,
    headers: Vec<(String, String)>,
    rest: Vec<u8>,
}

impl Head {
    fn header(&self, name: &str) -> String {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(String::new(), |(_, v)| v.clone())
    }
}

/// Reads the request head (up to 64 KiB).
async fn read_head(stream: &mut TcpStream) -> Option<Head> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buffer[..n]);
    };
    let rest = head[end + 4..].to_vec();
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let mut lines = text.lines();
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Head {
        path: target.split('?').next().unwrap_or(&target).to_string(),
        target,
        method,
        headers,
        rest,
    })
}

/// The rest of a request body, as long as its `content-length` says (at most 1 MiB).
async fn read_body(stream: &mut TcpStream, head: &Head) -> Vec<u8> {
    let length: usize = head
        .header("content-length")
        .parse()
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = head.rest.clone();
    let mut buffer = [0u8; 4096];
    while body.len() < length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    body
}

async fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The client may give up half-way (a body over its cap): write errors are expected.
    if stream.write_all(head.as_bytes()).await.is_ok() {
        let _ = stream.write_all(body).await;
    }
    let _ = stream.shutdown().await;
}

/// A 200 answer declared as JSON, whatever the body really is.
async fn respond_json(stream: &mut TcpStream, body: &[u8]) {
    respond(stream, "200 OK", &[json_type(), length(body.len())], body).await;
}

fn json_type() -> (&'static str, String) {
    ("content-type", "application/json".to_string())
}

fn length(n: usize) -> (&'static str, String) {
    ("content-length", n.to_string())
}

async fn serve(mut stream: TcpStream) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    if let Some(encoding) = Encoding::from_path(&head.path) {
        let body = encoding.compress(encoding.json().to_string().as_bytes());
        let coding = ("content-encoding", encoding.name().to_string());
        respond(
            &mut stream,
            "200 OK",
            &[json_type(), coding, length(body.len())],
            &body,
        )
        .await;
        return;
    }
    match head.path.as_str() {
        "/ok" => respond(&mut stream, "200 OK", &[json_type(), length(2)], b"{}").await,
        // A session: set, echoed back as the client sends it, cleared.
        "/cookie/set" => {
            let set = ("set-cookie", "session=abc123; Path=/; HttpOnly".to_string());
            respond(&mut stream, "200 OK", &[set, json_type(), length(2)], b"{}").await;
        }
        "/cookie/clear" => {
            let clear = ("set-cookie", "session=; Max-Age=0; Path=/".to_string());
            respond(
                &mut stream,
                "200 OK",
                &[clear, json_type(), length(2)],
                b"{}",
            )
            .await;
        }
        "/cookie/echo" => {
            let body = serde_json::json!({ "cookie": head.header("cookie") }).to_string();
            respond(
                &mut stream,
                "200 OK",
                &[json_type(), length(body.len())],
                body.as_bytes(),
            )
            .await;
        }
        // The request as the server saw it, for tests of how requests are built.
        "/echo" => {
            let body = read_body(&mut stream, &head).await;
            let echo = serde_json::json!({
                "method": head.method,
                "target": head.target,
                "authorization": head.header("authorization"),
                "content_type": head.header("content-type"),
                "x_team": head.header("x-team"),
                "x_trace": head.header("x-trace"),
                "body": String::from_utf8_lossy(&body),
            })
            .to_string();
            respond(
                &mut stream,
                "200 OK",
                &[json_type(), length(echo.len())],
                echo.as_bytes(),
            )
            .await;
        }
        "/redirect-ok" => {
            respond(
                &mut stream,
                "302 Found",
                &[("location", "/ok".into()), length(0)],
                b"",
            )
            .await;
        }
        "/close" => drop(stream),
        "/reset" => {
            // Linger 0: closing sends RST instead of FIN. (Deprecated because a non-zero linger
            // blocks the thread on drop; a zero one does not.)
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        "/stall" => {
            // Never answer; hold the connection until the client closes it.
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        "/stall-body" => {
            // The head and part of the body, then nothing until the client gives up.
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"x\": ";
            if stream.write_all(head.as_bytes()).await.is_ok() {
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            }
        }
        "/cut-body" => {
            // The head and part of a 100-byte body, then the connection is closed.
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"x\": ";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        "/control" => {
            // Text a terminal would obey (clear the screen, bell, carriage return) and XML
            // would choke on.
            let body = b"a\x00b\x1b[2Jclear\x07\r\nnext ]]>&<";
            respond(
                &mut stream,
                "200 OK",
                &[("content-type", "text/plain".into()), length(body.len())],
                body,
            )
            .await;
        }
        "/garbage" => {
            let body = b"<html>this is not JSON</html>";
            respond_json(&mut stream, body).await;
        }
        "/json-string" => {
            let body = b"\"hello\"";
            respond_json(&mut stream, body).await;
        }
        "/huge" => {
            let body = vec![b'a'; HUGE];
            respond(
                &mut stream,
                "200 OK",
                &[("content-type", "text/plain".into()), length(HUGE)],
                &body,
            )
            .await;
        }
        "/huge-chunked" => {
            let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
            frame.extend_from_slice(&chunk);
            frame.extend_from_slice(b"\r\n");
            for _ in 0..HUGE / chunk.len() {
                if stream.write_all(&frame).await.is_err() {
                    return;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
            let _ = stream.shutdown().await;
        }
        "/2k" => {
            let body = vec![b'b'; 2048];
            respond(
                &mut stream,
                "200 OK",
                &[("content-type", "text/plain".into()), length(body.len())],
                &body,
            )
            .await;
        }
        "/bad-gzip" => {
            // Not even the gzip magic number: a decoder fails on the first bytes.
            let body = br#"{"encoding":"gzip","ok":false}"#;
            let coding = ("content-encoding", "gzip".to_string());
            respond(
                &mut stream,
                "200 OK",
                &[json_type(), coding, length(body.len())],
                body,
            )
            .await;
        }
        "/loop" => {
            respond(
                &mut stream,
                "302 Found",
                &[("location", "/loop".into()), length(0)],
                b"",
            )
            .await;
        }
        _ => respond(&mut stream, "404 Not Found", &[length(0)], b"").await,
    }
}

#[cfg(test)]
mod tests {
    use super::{Encoding, fault_url};
    use crate::http;
    use std::io::Read;

    /// `body` decoded with the crates the fault server encodes with.
    fn decode(encoding: Encoding, body: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        match encoding {
            Encoding::Gzip => flate2::read::GzDecoder::new(body).read_to_end(&mut out)?,
            Encoding::Deflate => flate2::read::ZlibDecoder::new(body).read_to_end(&mut out)?,
            Encoding::Brotli => brotli::Decompressor::new(body, 4096).read_to_end(&mut out)?,
            Encoding::Zstd => zstd::stream::read::Decoder::new(body)?.read_to_end(&mut out)?,
        };
        Ok(out)
    }

    #[test]
    fn the_compressed_paths_answer_compressed_even_unasked() {
        for encoding in Encoding::ALL {
            // No accept-encoding at all, and one that refuses every coding.
            for headers in [&[][..], &[("accept-encoding", "identity")][..]] {
                let response =
                    http::get(fault_url(), &encoding.path(), headers).expect("the fault server");
                assert_eq!(response.status, 200);
                assert_eq!(response.header("content-encoding"), Some(encoding.name()));
                assert_eq!(response.header("content-type"), Some("application/json"));
                assert!(
                    serde_json::from_slice::<serde_json::Value>(&response.body).is_err(),
                    "{} is sent compressed, not as plain JSON",
                    encoding.name()
                );
                let plain = decode(encoding, &response.body).expect("the body decodes");
                let json: serde_json::Value =
                    serde_json::from_slice(&plain).expect("the decoded body is JSON");
                assert_eq!(json, encoding.json());
            }
        }
    }

    #[test]
    fn each_coding_is_its_own_format() {
        // Another coding's decoder does not give the data back: the paths are not one format
        // under four names.
        let data = Encoding::Gzip.json().to_string();
        for written in Encoding::ALL {
            let body = written.compress(data.as_bytes());
            for read in Encoding::ALL.into_iter().filter(|&r| r != written) {
                let decoded = decode(read, &body);
                assert!(
                    decoded.as_deref().ok() != Some(data.as_bytes()),
                    "{} data decoded as {}",
                    written.name(),
                    read.name()
                );
            }
        }
    }

    #[test]
    fn bad_gzip_claims_gzip_but_is_not() {
        let response = http::get(fault_url(), "/bad-gzip", &[]).expect("the fault server");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("content-encoding"), Some("gzip"));
        assert!(decode(Encoding::Gzip, &response.body).is_err());
    }
}
