//! The shop compresses its JSON answers when, and only when, the client asks with
//! `Accept-Encoding`, over real sockets as in `api.rs`. The client here decodes nothing itself
//! (reqwest is built without its decompression features), so the bytes read are the bytes
//! sent, and each body is decoded with the codec's own crate.

use std::io::Read;

use intent_example_shop::serve;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Starts a shop on a free loopback port for the rest of the test and returns its base URL.
async fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(serve(listener, std::future::pending()));
    format!("http://{addr}")
}

/// `GET {base}{path}` with `accept-encoding` set to `accept` when given: the status, the
/// `content-encoding` (if any), `vary` (if any) and the raw body.
async fn get(
    base: &str,
    path: &str,
    accept: Option<&str>,
) -> (StatusCode, Option<String>, Option<String>, Vec<u8>) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.expect("the shop answers");
    let text = |name| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("an ASCII header").to_owned())
    };
    let (encoding, vary) = (text(header::CONTENT_ENCODING), text(header::VARY));
    let status = response.status();
    let body = response.bytes().await.expect("the body").to_vec();
    (status, encoding, vary, body)
}

/// `body` decoded as `content-encoding: encoding` says.
fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let read = match encoding {
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(body).read_to_end(&mut out),
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut out),
        "zstd" => zstd::stream::read::Decoder::new(body).and_then(|mut d| d.read_to_end(&mut out)),
        other => panic!("unexpected content-encoding {other}"),
    };
    read.unwrap_or_else(|e| panic!("a valid {encoding} body: {e}"));
    out
}

/// The first catalog page, as every test expects to read it.
fn assert_first_page(json: &[u8]) {
    let page: Value = serde_json::from_slice(json).expect("the catalog is JSON");
    assert_eq!(
        (page["page"].clone(), page["total"].clone()),
        (json!(1), json!(500))
    );
    assert_eq!(page["items"].as_array().map(Vec::len), Some(10));
}

#[tokio::test]
async fn the_catalog_is_gzip_compressed_when_asked() {
    let base = start().await;
    let (status, encoding, vary, body) = get(&base, "/catalog", Some("gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding.as_deref(), Some("gzip"));
    // Caches must keep the compressed and the plain answer apart.
    assert!(
        vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
        "vary names accept-encoding"
    );
    let plain = decode("gzip", &body);
    assert!(body.len() < plain.len(), "gzip made the page smaller");
    assert_first_page(&plain);
}

#[tokio::test]
async fn the_catalog_is_plain_when_not_asked() {
    let base = start().await;
    for accept in [None, Some("identity")] {
        let (status, encoding, _, body) = get(&base, "/catalog", accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding, None, "accept-encoding {accept:?}");
        assert_first_page(&body);
    }
}

#[tokio::test]
async fn each_coding_the_client_accepts_is_served() {
    let base = start().await;
    for coding in ["gzip", "deflate", "br", "zstd"] {
        let (status, encoding, _, body) = get(&base, "/catalog", Some(coding)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding.as_deref(), Some(coding));
        assert_first_page(&decode(coding, &body));
    }
    // The client's order of preference is followed by weight.
    let (_, encoding, _, _) = get(&base, "/catalog", Some("gzip;q=0.5, br;q=1.0")).await;
    assert_eq!(encoding.as_deref(), Some("br"));
}

#[tokio::test]
async fn errors_are_compressed_too_and_keep_the_security_headers() {
    let base = start().await;
    let response = reqwest::Client::new()
        .get(format!("{base}/catalog?page=0"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("the shop answers");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let headers = response.headers().clone();
    assert_eq!(
        headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    let body = response.bytes().await.expect("the body");
    let problem: Value = serde_json::from_slice(&decode("gzip", &body)).expect("JSON");
    assert_eq!(problem["error"]["field"], json!("page"));
}
