//! Reading Language Server Protocol messages from a byte stream, whatever the stream holds.
//!
//! A message is a header block (`Content-Length: N`, other headers ignored, a blank line) and
//! N bytes of JSON. lsp-server's own reader ends the connection on the first message it cannot
//! read and allocates whatever `Content-Length` announces; an editor's bug (or a hostile peer)
//! would stop the server. This reader never ends the connection but at the end of the input:
//!
//! - **The framing is intact but the body is not a message** (truncated or invalid JSON, a JSON
//!   array, an object that is neither a request, a notification nor a response): the message
//!   is refused with a JSON-RPC error, `-32700` (parse error) or `-32600` (invalid request),
//!   with the message's `id` when it has one, else `null`, and reading goes on after it.
//! - **The framing is lost** (a header line that is not `Name: value` or longer than 1 KiB, a
//!   `Content-Length` that is not a number, no `Content-Length`, or one above
//!   [`MAX_CONTENT_LENGTH`]): where the body ends is unknown, so the message is refused
//!   (`-32700`, id `null`) and the reader *resynchronises*: it discards input, a buffer at a
//!   time, up to the next `Content-Length:` and reads on from that header. An oversized
//!   message is skipped the same way, so its announced length is never allocated and a length
//!   the peer never sends (10^15) cannot stall the server.
//! - **A body shorter than announced** swallows the start of the next message; when such a
//!   body is not JSON but holds a `Content-Length:`, reading restarts at that header, and a
//!   header whose name lost its first letters to it (`ength: 52`) still counts, so the next
//!   message is still served once enough input has come to fill the announced length.
//! - **Text that is not valid Unicode** (bytes that are not UTF-8, a lone UTF-16 surrogate
//!   escape such as `"\ud800"`) is replaced by U+FFFD and the message is delivered marked with
//!   [`INVALID_TEXT`] in its `params`, so the server can show a diagnostic on the document.
//!
//! The memory a message takes is bounded by [`MAX_CONTENT_LENGTH`] and the header line limit.

use lsp_server::{ErrorCode, Message};
use serde_json::Value;
use std::io::{self, BufRead};

/// The largest body accepted: 64 MiB, far above any spec an editor holds (the parser refuses
/// files above 64 MiB too), and small enough to allocate.
pub const MAX_CONTENT_LENGTH: usize = 64 * 1024 * 1024;

/// The longest header line accepted: real headers are a few dozen bytes.
const MAX_HEADER_LINE: usize = 1024;

/// The key added to the `params` of a message whose text had to be repaired; its value says
/// what was wrong.
pub const INVALID_TEXT: &str = "intent/invalidText";

/// The header that starts a message, compared without regard to case.
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// What one read from the input gave.
#[derive(Debug)]
pub enum Incoming {
    /// A message for the server.
    Message(Message),
    /// A message whose text was repaired (see [`INVALID_TEXT`]), and what was wrong with it.
    Repaired(Message, Problem),
    /// A message that cannot be served, with the error it is answered with.
    Refused(Refusal),
    /// The input ended.
    End,
}

/// A refused message: the JSON-RPC error it gets.
#[derive(Debug)]
pub struct Refusal {
    /// The message's id when it could be read, else `null`.
    pub id: Value,
    /// `-32700` (parse error) or `-32600` (invalid request).
    pub code: i32,
    pub problem: Problem,
}

/// What was wrong with a message.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("a header line is longer than {MAX_HEADER_LINE} bytes")]
    LongHeader,
    #[error("the header line {0:?} is not `Name: value`")]
    BadHeader(String),
    #[error("the Content-Length {0:?} is not a number of bytes")]
    BadLength(String),
    #[error("the header has no Content-Length")]
    NoLength,
    #[error("the Content-Length {0} is larger than the {MAX_CONTENT_LENGTH} bytes accepted")]
    TooLong(u64),
    #[error("the input ended inside a message")]
    Truncated,
    #[error("the body is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("the body is JSON but not an object (a batch or a value is not an LSP message)")]
    NotObject,
    #[error("the body is not a request, a notification or a response: {0}")]
    NotMessage(String),
    #[error("the text holds bytes that are not UTF-8; they read as U+FFFD")]
    NotUtf8,
    #[error("the text holds a lone UTF-16 surrogate escape; it reads as U+FFFD")]
    LoneSurrogate,
}

/// Reads messages from `input` (see the module documentation for what it does with bad ones).
#[derive(Debug)]
pub struct Reader<R> {
    input: Replay<R>,
    /// The framing is lost: skip to the next `Content-Length:` before reading a header.
    lost: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Reader<R> {
        Reader {
            input: Replay {
                pending: Vec::new(),
                at: 0,
                inner: input,
            },
            lost: false,
        }
    }

    /// The next message, refusal or the end of the input; an error only when the input itself
    /// cannot be read.
    pub fn read(&mut self) -> io::Result<Incoming> {
        let length = match self.header()? {
            Header::End => return Ok(Incoming::End),
            Header::Lost(problem) => return Ok(self.lose(problem)),
            Header::Skipped(problem) => {
                return Ok(refuse(Value::Null, ErrorCode::ParseError, problem));
            }
            Header::Length(length) => length,
        };
        let body = self.body(length)?;
        if body.len() < length {
            return Ok(refuse(
                Value::Null,
                ErrorCode::ParseError,
                Problem::Truncated,
            ));
        }
        let incoming = parse(&body);
        if let Incoming::Refused(Refusal {
            problem: Problem::NotJson(_),
            ..
        }) = &incoming
            && let Some(at) = find_header(&body)
        {
            // A body shorter than announced took in the next message's header: read on there.
            self.input.replay(body[at..].to_vec());
        }
        Ok(incoming)
    }

    /// Refuses a message whose end is unknown and resynchronises before the next read.
    fn lose(&mut self, problem: Problem) -> Incoming {
        self.lost = true;
        refuse(Value::Null, ErrorCode::ParseError, problem)
    }

    /// Reads a header block up to its blank line.
    fn header(&mut self) -> io::Result<Header> {
        let mut length: Option<Result<usize, Problem>> = None;
        let mut seen = false;
        if self.lost {
            // Resynchronise: the next `Content-Length:` (consumed) starts a header block.
            if !self.skip_to_header()? {
                return Ok(Header::End);
            }
            self.lost = false;
            seen = true;
            length = Some(match self.header_line()? {
                Line::Text(value) => content_length(&value),
                Line::Cut(value) => return Ok(Header::Skipped(Problem::BadLength(value))),
                Line::End => return Ok(Header::End),
                Line::TooLong => Err(Problem::LongHeader),
            });
        }
        loop {
            let line = match self.header_line()? {
                Line::End if seen => return Ok(Header::Lost(Problem::Truncated)),
                Line::End => return Ok(Header::End),
                Line::TooLong => return Ok(Header::Lost(Problem::LongHeader)),
                Line::Cut(before) => return Ok(Header::Skipped(Problem::BadHeader(before))),
                Line::Text(line) => line,
            };
            if line.is_empty() {
                if !seen {
                    continue; // blank lines between messages
                }
                break;
            }
            seen = true;
            match line.split_once(':') {
                Some((name, value)) if is_token(name) => {
                    if is_content_length(name) {
                        length = Some(content_length(value));
                    }
                }
                _ => return Ok(Header::Lost(Problem::BadHeader(line))),
            }
        }
        Ok(match length {
            None => Header::Lost(Problem::NoLength),
            Some(Err(problem)) => Header::Lost(problem),
            Some(Ok(length)) => Header::Length(length),
        })
    }

    /// One header line. A line with a `Content-Length:` after its start is cut there and the
    /// rest is put back, to be read as the next line: a message sent without a header block,
    /// a body shorter than announced, or a `Content-Length:` inside a string of a skipped body
    /// runs into the next message's header on the same line.
    fn header_line(&mut self) -> io::Result<Line> {
        let line = self.line()?;
        if let Line::Text(text) = &line
            && let Some(at) = find_header(text.as_bytes()).filter(|&at| at > 0)
        {
            let mut rest = text.as_bytes()[at..].to_vec();
            rest.extend_from_slice(b"\r\n");
            self.input.replay(rest);
            return Ok(Line::Cut(text_of(text.as_bytes()[..at].to_vec())));
        }
        Ok(line)
    }

    /// One header line without its line ending, read at most [`MAX_HEADER_LINE`] bytes far;
    /// a longer line is left unread.
    fn line(&mut self) -> io::Result<Line> {
        let mut line = Vec::new();
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(if line.is_empty() {
                    Line::End
                } else {
                    Line::Text(text_of(line))
                });
            }
            let newline = buffer.iter().position(|&b| b == b'\n');
            let take = newline.map_or(buffer.len(), |at| at + 1);
            if line.len() + take > MAX_HEADER_LINE + 2 {
                // Left to the resynchronisation, which scans it for the next header (a body
                // sent without a header block runs into the next message's header).
                self.input.replay(line);
                return Ok(Line::TooLong);
            }
            line.extend_from_slice(&buffer[..take]);
            self.input.consume(take);
            if newline.is_some() {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Line::Text(text_of(line)));
            }
        }
    }

    /// Discards input up to and including the next `Content-Length:`; false at the end of the
    /// input. Only the pattern's progress is kept, so any amount of input is skipped in the
    /// memory of one buffer.
    fn skip_to_header(&mut self) -> io::Result<bool> {
        let mut matched = 0;
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(false);
            }
            for (at, byte) in buffer.iter().enumerate() {
                // The pattern's first letter occurs only once in it, so a mismatch can only
                // restart the match at this byte.
                if byte.eq_ignore_ascii_case(&CONTENT_LENGTH[matched]) {
                    matched += 1;
                } else {
                    matched = usize::from(byte.eq_ignore_ascii_case(&CONTENT_LENGTH[0]));
                }
                if matched == CONTENT_LENGTH.len() {
                    self.input.consume(at + 1);
                    return Ok(true);
                }
            }
            let all = buffer.len();
            self.input.consume(all);
        }
    }

    /// Up to `length` bytes of body (fewer only at the end of the input), read as they come
    /// rather than allocated in advance.
    fn body(&mut self, length: usize) -> io::Result<Vec<u8>> {
        let mut body = Vec::with_capacity(length.min(64 * 1024));
        while body.len() < length {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let take = buffer.len().min(length - body.len());
            body.extend_from_slice(&buffer[..take]);
            self.input.consume(take);
        }
        Ok(body)
    }
}

enum Header {
    Length(usize),
    /// Not a header; where the body ends is unknown.
    Lost(Problem),
    /// Not a header, but the next one was found (and put back to be read).
    Skipped(Problem),
    End,
}

enum Line {
    Text(String),
    /// The start of a line, up to a `Content-Length:` (put back).
    Cut(String),
    TooLong,
    End,
}

fn text_of(line: Vec<u8>) -> String {
    String::from_utf8_lossy(&line).into_owned()
}

/// Whether `name` is an HTTP token, as header names are (JSON never is one).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether a header is `Content-Length`: also when its name is cut at the start (`ength`),
/// which happens when a body shorter than announced took in the first bytes of the next
/// message. LSP has no other header that ends so.
fn is_content_length(name: &str) -> bool {
    "content-length".ends_with(name.to_ascii_lowercase().as_str())
}

fn content_length(value: &str) -> Result<usize, Problem> {
    let value = value.trim();
    match value.parse::<u64>() {
        Ok(n) if n > MAX_CONTENT_LENGTH as u64 => Err(Problem::TooLong(n)),
        Ok(n) => Ok(n as usize),
        Err(_) => Err(Problem::BadLength(value.to_string())),
    }
}

fn refuse(id: Value, code: ErrorCode, problem: Problem) -> Incoming {
    Incoming::Refused(Refusal {
        id,
        code: code as i32,
        problem,
    })
}

/// Where a `Content-Length:` starts in `body`, if anywhere.
fn find_header(body: &[u8]) -> Option<usize> {
    body.windows(CONTENT_LENGTH.len())
        .position(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// A body as a message, a repaired message or a refusal.
fn parse(body: &[u8]) -> Incoming {
    let (value, repaired) = match serde_json::from_slice::<Value>(body) {
        Ok(value) => (value, None),
        Err(error) => match repair(body) {
            Some((text, problem)) => match serde_json::from_str::<Value>(&text) {
                Ok(value) => (value, Some(problem)),
                Err(_) => {
                    return refuse(Value::Null, ErrorCode::ParseError, Problem::NotJson(error));
                }
            },
            None => return refuse(Value::Null, ErrorCode::ParseError, Problem::NotJson(error)),
        },
    };
    let Value::Object(mut object) = value else {
        return refuse(Value::Null, ErrorCode::InvalidRequest, Problem::NotObject);
    };
    let id = object
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
        .unwrap_or(Value::Null);
    if let (Some(problem), Some(Value::Object(params))) = (&repaired, object.get_mut("params")) {
        params.insert(INVALID_TEXT.into(), Value::String(problem.to_string()));
    }
    // Which kind of message the object is meant to be is decided here: lsp-server's untagged
    // `Message` would read a request with a bad id as a notification (left unanswered) and
    // any object with an id as a response.
    let is_request = object.contains_key("id");
    let is_response = object.contains_key("result") || object.contains_key("error");
    let object = Value::Object(object);
    let message = match (object.get("method").is_some(), is_request, is_response) {
        (true, true, _) => serde_json::from_value(object).map(Message::Request),
        (true, false, _) => serde_json::from_value(object).map(Message::Notification),
        (false, _, true) => serde_json::from_value(object).map(Message::Response),
        (false, _, false) => {
            let problem = "it has no `method`, nor the `result` or `error` of a response";
            return refuse(
                id,
                ErrorCode::InvalidRequest,
                Problem::NotMessage(problem.into()),
            );
        }
    };
    match message {
        Ok(message) => match repaired {
            Some(problem) => Incoming::Repaired(message, problem),
            None => Incoming::Message(message),
        },
        Err(error) => refuse(
            id,
            ErrorCode::InvalidRequest,
            Problem::NotMessage(error.to_string()),
        ),
    }
}

/// The body with what is not valid Unicode replaced by U+FFFD (bytes that are not UTF-8,
/// lone surrogate escapes), and what was replaced; `None` when there was nothing to replace.
fn repair(body: &[u8]) -> Option<(String, Problem)> {
    let text = String::from_utf8_lossy(body);
    let not_utf8 = matches!(text, std::borrow::Cow::Owned(_));
    let mut bytes = text.into_owned().into_bytes();
    let lone = replace_lone_surrogates(&mut bytes);
    // Only ASCII was replaced by ASCII, so the text is still UTF-8.
    let text = String::from_utf8(bytes).ok()?;
    match (not_utf8, lone) {
        (true, _) => Some((text, Problem::NotUtf8)),
        (false, true) => Some((text, Problem::LoneSurrogate)),
        (false, false) => None,
    }
}

/// Replaces each `\uXXXX` escape of a UTF-16 surrogate that is not part of a pair by
/// `\ufffd` (the same length, so in place); true when one was replaced. Backslashes outside
/// strings make the JSON invalid anyway, so the scan need not know where strings are.
fn replace_lone_surrogates(bytes: &mut [u8]) -> bool {
    let unit = |bytes: &[u8], at: usize| -> Option<u16> {
        let escape = bytes.get(at..at + 6)?;
        if !escape.starts_with(b"\\u") {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
    };
    let mut replaced = false;
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match unit(bytes, at) {
            Some(0xD800..=0xDBFF)
                if unit(bytes, at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                at += 12;
            }
            Some(0xD800..=0xDFFF) => {
                bytes[at..at + 6].copy_from_slice(b"\\ufffd");
                replaced = true;
                at += 6;
            }
            // Any other escape, `\\` included, is two characters at least.
            _ => at += 2,
        }
    }
    replaced
}

/// Input with bytes put back in front of it: the part of an overlong body that belongs to the
/// next message.
#[derive(Debug)]
struct Replay<R> {
    pending: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R> Replay<R> {
    /// Puts `bytes` in front of what is left to read.
    fn replay(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.pending[self.at..]);
        self.pending = bytes;
        self.at = 0;
    }
}

impl<R: BufRead> io::Read for Replay<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buffer = self.fill_buf()?;
        let n = buffer.len().min(out.len());
        out[..n].copy_from_slice(&buffer[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Replay<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at < self.pending.len() {
            Ok(&self.pending[self.at..])
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, n: usize) {
        if self.at < self.pending.len() {
            self.at += n;
        } else {
            self.inner.consume(n);
        }
    }
}
