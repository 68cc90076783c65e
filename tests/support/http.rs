//! A minimal blocking HTTP/1.1 client for the support code itself: probing whether a server is
//! ready, and reading an answer's raw bytes (a compressed body exactly as sent, which a full
//! client would decode). It sends `connection: close` and reads to the end of the stream, so it
//! is only for servers that close after answering (the fault server, httpbin, json-server all
//! do when asked); a chunked body is returned with its chunk framing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long one probe may wait to connect or for a byte: the servers are on loopback, so this
/// only stops a wedged server from stalling a readiness loop, which has its own overall bound.
const IO_LIMIT: Duration = Duration::from_secs(5);

/// An answer: its status, headers (names as sent) and raw body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `GET {base}{path}` with extra `headers`, where `base` is `http://HOST:PORT`.
///
/// # Errors
///
/// The I/O error when the server cannot be reached or does not answer, or an
/// [`std::io::ErrorKind::InvalidData`] one when the answer is not HTTP.
pub fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Response> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let host = base
        .strip_prefix("http://")
        .ok_or_else(|| invalid("only http:// URLs"))?;
    let address: SocketAddr = host
        .parse()
        .map_err(|_| invalid("the host must be IP:PORT"))?;
    let mut stream = TcpStream::connect_timeout(&address, IO_LIMIT)?;
    stream.set_read_timeout(Some(IO_LIMIT))?;
    stream.set_write_timeout(Some(IO_LIMIT))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;

    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of the response head"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    })
}
