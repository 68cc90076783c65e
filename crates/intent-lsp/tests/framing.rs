//! The framing reader on hostile input: every malformed message is refused (or repaired) and
//! the valid message after it is still read.

use intent_lsp::framing::{INVALID_TEXT, Incoming, MAX_CONTENT_LENGTH, Reader};
use lsp_server::Message;
use serde_json::{Value, json};

/// A message framed as an editor frames it.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// A valid request, with its id in the method so the sequence of reads is easy to compare.
fn ping(n: u32) -> Vec<u8> {
    frame(
        json!({"jsonrpc": "2.0", "id": n, "method": format!("ping/{n}")})
            .to_string()
            .as_bytes(),
    )
}

/// What each read gave, in short: `ping/N`, `refused CODE ID` or `repaired: PROBLEM`, until
/// the end of the input (at most 100 reads, so a reader that loops fails the test).
fn reads(input: Vec<u8>) -> Vec<String> {
    let mut reader = Reader::new(std::io::Cursor::new(input));
    let mut seen = Vec::new();
    for _ in 0..100 {
        let read = reader.read().expect("a read from memory");
        seen.push(match read {
            Incoming::End => return seen,
            Incoming::Message(Message::Request(r)) => r.method,
            Incoming::Message(other) => format!("{other:?}"),
            Incoming::Repaired(_, problem) => format!("repaired: {problem}"),
            Incoming::Refused(refusal) => format!("refused {} {}", refusal.code, refusal.id),
        });
    }
    panic!("the reader did not reach the end of the input: {seen:?}");
}

/// `bad` between two valid requests.
fn between(bad: &[u8]) -> Vec<String> {
    let mut input = ping(1);
    input.extend_from_slice(bad);
    input.extend(ping(2));
    reads(input)
}

#[test]
fn a_body_that_is_not_a_message_is_refused_with_its_json_rpc_error() {
    let parse_error = ["ping/1", "refused -32700 null", "ping/2"];
    let invalid_request = ["ping/1", "refused -32600 null", "ping/2"];
    assert_eq!(
        between(&frame(br#"{"jsonrpc":"2.0","id":3,"me"#)),
        parse_error
    );
    assert_eq!(between(&frame(b"")), parse_error);
    assert_eq!(between(&frame(b"\xff\xfe{")), parse_error);
    assert_eq!(between(&frame(b"[1, 2]")), invalid_request);
    assert_eq!(between(&frame(b"42")), invalid_request);
    assert_eq!(between(&frame(b"{}")), invalid_request);
    // An object with an id that is not a message: the error carries its id.
    assert_eq!(
        between(&frame(br#"{"jsonrpc":"2.0","id":"a","method":7}"#)),
        ["ping/1", "refused -32600 \"a\"", "ping/2"]
    );
    assert_eq!(
        between(&frame(br#"{"jsonrpc":"2.0","id":4}"#)),
        ["ping/1", "refused -32600 4", "ping/2"]
    );
    assert_eq!(
        between(&frame(br#"{"jsonrpc":"2.0","id":[4],"method":"x"}"#)),
        invalid_request
    );
}

#[test]
fn a_broken_header_is_refused_and_reading_resumes_at_the_next_message() {
    let refused = ["ping/1", "refused -32700 null", "ping/2"];
    // No Content-Length: the body's end is unknown; the next header is found.
    assert_eq!(
        between(b"Content-Type: application/json\r\n\r\n{\"id\":3}"),
        refused
    );
    assert_eq!(
        between(b"Content-Length: twelve\r\n\r\n{\"id\":3}"),
        refused
    );
    assert_eq!(between(b"Content-Length: -1\r\n\r\n"), refused);
    assert_eq!(between(b"no colon here\r\n\r\n{}"), refused);
    // A body without any header runs into the next header on the same line.
    assert_eq!(
        between(br#"{"jsonrpc":"2.0","id":3,"method":"x"}"#),
        refused
    );
    let long = format!("X-Padding: {}\r\n\r\n{{}}", "x".repeat(100_000));
    assert_eq!(between(long.as_bytes()), refused);
    let long_body = format!(
        r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
        "x".repeat(5000)
    );
    assert_eq!(between(long_body.as_bytes()), refused);
    // Blank lines between messages are not messages.
    assert_eq!(between(b"\r\n\r\n"), ["ping/1", "ping/2"]);
}

#[test]
fn a_content_length_above_the_limit_is_never_allocated_or_waited_for() {
    let refused = ["ping/1", "refused -32700 null", "ping/2"];
    // 10^15 bytes are announced and never sent: allocating them aborts the process, and
    // waiting for them hangs it.
    assert_eq!(
        between(b"Content-Length: 1000000000000000\r\n\r\n"),
        refused
    );
    assert_eq!(
        between(b"Content-Length: 99999999999999999999999\r\n\r\n"),
        refused
    );
    // One byte over the limit, and sent: skipped a buffer at a time.
    let mut oversized = format!("Content-Length: {}\r\n\r\n", MAX_CONTENT_LENGTH + 1).into_bytes();
    oversized.extend(std::iter::repeat_n(b' ', MAX_CONTENT_LENGTH + 1));
    assert_eq!(between(&oversized), refused);
    // A `Content-Length:` inside a string of the skipped body costs one more refusal.
    let tail = br#"{"text": "Content-Length: 5 is a header"}"#;
    let size = MAX_CONTENT_LENGTH + 1;
    let mut quoting = format!("Content-Length: {size}\r\n\r\n").into_bytes();
    quoting.extend(std::iter::repeat_n(b' ', size - tail.len()));
    quoting.extend_from_slice(tail);
    assert_eq!(
        between(&quoting),
        [
            "ping/1",
            "refused -32700 null",
            "refused -32700 null",
            "ping/2"
        ]
    );
}

#[test]
fn a_body_shorter_than_announced_does_not_swallow_the_next_message() {
    let refused = ["ping/1", "refused -32700 null", "ping/2"];
    let cut = br#"{"jsonrpc":"2.0","id":3,"#;
    // Announced far more than sent: the next message's header lies inside the body.
    let mut long = format!("Content-Length: {}\r\n\r\n", cut.len() + 30).into_bytes();
    long.extend_from_slice(cut);
    assert_eq!(between(&long), refused);
    // Announced a few bytes more than sent: the next header loses its first letters.
    let mut short = format!("Content-Length: {}\r\n\r\n", cut.len() + 3).into_bytes();
    short.extend_from_slice(cut);
    assert_eq!(between(&short), refused);
}

#[test]
fn the_input_may_end_anywhere() {
    assert_eq!(reads(Vec::new()), Vec::<String>::new());
    let mut cut = ping(1);
    cut.extend_from_slice(b"Content-Length: 50\r\n\r\n{\"id\"");
    assert_eq!(reads(cut), ["ping/1", "refused -32700 null"]);
    let mut headers_only = ping(1);
    headers_only.extend_from_slice(b"Content-Length: 50\r\n");
    assert_eq!(reads(headers_only), ["ping/1", "refused -32700 null"]);
}

/// The text of the document a `didOpen` with `text` (raw JSON string content) reads as, and
/// what the reader said about it.
fn opened(text: &[u8]) -> (String, Option<String>) {
    let mut body = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:a","languageId":"intent","version":1,"text":""#.to_vec();
    body.extend_from_slice(text);
    body.extend_from_slice(br#""}}}"#);
    let mut reader = Reader::new(std::io::Cursor::new(frame(&body)));
    let (message, problem) = match reader.read().expect("a read") {
        Incoming::Message(m) => (m, None),
        Incoming::Repaired(m, problem) => (m, Some(problem.to_string())),
        other => panic!("not a message: {other:?}"),
    };
    let Message::Notification(notification) = message else {
        panic!("not a notification");
    };
    let marked = notification
        .params
        .get(INVALID_TEXT)
        .and_then(Value::as_str);
    assert_eq!(marked, problem.as_deref(), "the server is told");
    let text = notification.params["textDocument"]["text"]
        .as_str()
        .expect("text");
    (text.to_string(), problem)
}

#[test]
fn text_that_is_not_unicode_is_repaired_and_marked() {
    let (text, problem) = opened(b"intent \xff\xfe {}");
    assert_eq!(text, "intent \u{FFFD}\u{FFFD} {}");
    assert!(problem.is_some_and(|p| p.contains("not UTF-8")));

    let (text, problem) = opened(br"intent \ud800 {}");
    assert_eq!(text, "intent \u{FFFD} {}");
    assert!(problem.is_some_and(|p| p.contains("surrogate")));
    let (text, _) = opened(br"\udc00\ud800\u0041");
    assert_eq!(text, "\u{FFFD}\u{FFFD}A");

    // A surrogate pair, an escaped backslash before `ud800`: valid, left alone.
    assert_eq!(opened(br"\ud83d\ude00"), ("\u{1F600}".to_string(), None));
    assert_eq!(opened(br"\\ud800"), ("\\ud800".to_string(), None));
}
