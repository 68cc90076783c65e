//! The plain path: `http://` requests that no proxy and no client setting of their target
//! concerns go through hyper's pooled client directly, instead of through reqwest, which wraps
//! that same client. Per request, reqwest adds a redirect layer that parses the URL again
//! (though redirects are followed here, by `redirect.rs`), a second parse of the URL for the
//! response, boxed futures and a timer of its own: on loopback, a sixth of a load block's CPU
//! (docs/performance.md). Everything else (TLS, proxies, HTTP/2, a target's own CA or client
//! certificate, form and multipart bodies, credentials written in the URL) goes through reqwest,
//! and so does a request whose header cannot be sent, for reqwest's own error. The wire is the same either way: the same
//! default `user-agent` and `accept`, headers appended in order, a `content-type` for a JSON
//! or text body that names none.

use crate::cookies::Cookies;
use crate::decode::ACCEPT_ENCODING;
use crate::http::{Prepared, PreparedBody, TEXT_CONTENT_TYPE, USER_AGENT};
use base64::Engine;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::time::Duration;

/// The client of the plain path: one pool of HTTP/1.1 connections for every target it serves.
#[derive(Debug, Clone)]
pub struct Plain {
    client: Client<HttpConnector, Full<Bytes>>,
}

/// How long an idle connection stays in the pool: reqwest's default, so both paths keep
/// connections alike.
const POOL_IDLE: Duration = Duration::from_secs(90);

// The default header values, checked once when compiled rather than on every request.
const SENT_ENCODINGS: HeaderValue = HeaderValue::from_static(ACCEPT_ENCODING);
const SENT_USER_AGENT: HeaderValue = HeaderValue::from_static(USER_AGENT);
const SENT_ACCEPT: HeaderValue = HeaderValue::from_static("*/*");

/// The proxy variables that could send an `http://` request through a proxy. When one is set
/// (and `--no-proxy` is not given) every request goes through reqwest, which applies them and
/// `NO_PROXY` as curl does.
const PROXY_VARIABLES: [&str; 4] = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];

impl Plain {
    /// The plain client, unless a proxy of the environment applies to `http://` requests.
    pub fn unless_proxied(no_proxy: bool) -> Option<Self> {
        let proxied = PROXY_VARIABLES
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
        (no_proxy || !proxied).then(Self::new)
    }

    fn new() -> Self {
        // reqwest's defaults for its own connector, so connections behave alike on both paths:
        // no delay, TCP keep-alive probes after 15 s idle, every 15 s, 3 of them, and (on
        // Linux) a connection whose sent data goes unacknowledged for 30 s is dropped.
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_keepalive(Some(Duration::from_secs(15)));
        connector.set_keepalive_interval(Some(Duration::from_secs(15)));
        connector.set_keepalive_retries(Some(3));
        #[cfg(target_os = "linux")]
        connector.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE)
            .build(connector);
        Self { client }
    }

    /// The request as hyper sends it, when it can go this way: `None` sends it through reqwest.
    pub fn request(
        request: &Prepared,
        url: &reqwest::Url,
        cookies: Option<&Cookies>,
    ) -> Option<hyper::Request<Full<Bytes>>> {
        // reqwest turns a user and password written in the URL into basic credentials; hyper
        // would drop them, so such a URL goes through reqwest.
        if url.scheme() != "http" || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        let (body, content_type) = match &request.body {
            None => (Bytes::new(), None),
            Some(PreparedBody::Json(value)) => (
                Bytes::from(serde_json::to_vec(value).ok()?),
                Some("application/json"),
            ),
            Some(PreparedBody::Text(text)) => (Bytes::from(text.clone()), Some(TEXT_CONTENT_TYPE)),
            Some(PreparedBody::Form(_) | PreparedBody::Multipart(_)) => return None,
        };
        // Room for the request's own headers and the four added below, so the map is made once.
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 4);
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            headers.append(name, HeaderValue::from_str(value).ok()?);
        }
        if !headers.contains_key(header::ACCEPT_ENCODING) {
            headers.insert(header::ACCEPT_ENCODING, SENT_ENCODINGS);
        }
        if let Some(cookie) = cookies.and_then(|jar| jar.header(url)) {
            headers.append(header::COOKIE, HeaderValue::from_str(&cookie).ok()?);
        }
        if let Some((user, password)) = &request.basic {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
            value.set_sensitive(true);
            headers.append(header::AUTHORIZATION, value);
        }
        if let Some(content_type) = content_type
            && !headers.contains_key(header::CONTENT_TYPE)
        {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        // reqwest's default headers, added where the request has none of its own.
        headers.entry(header::USER_AGENT).or_insert(SENT_USER_AGENT);
        headers.entry(header::ACCEPT).or_insert(SENT_ACCEPT);
        let mut built = hyper::Request::builder()
            .method(request.method.as_str())
            .uri(url.as_str())
            .body(Full::new(body))
            .ok()?;
        *built.headers_mut() = headers;
        Some(built)
    }

    /// Sends a request and returns its head; its body is read as it comes.
    pub async fn send(
        &self,
        request: hyper::Request<Full<Bytes>>,
    ) -> Result<hyper::Response<Incoming>, hyper_util::client::legacy::Error> {
        self.client.request(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(url: &str, body: Option<PreparedBody>) -> Prepared {
        Prepared {
            target: "shop".into(),
            method: "POST".into(),
            url: url.into(),
            headers: vec![
                ("X-Trace".into(), "1".into()),
                ("x-trace".into(), "2".into()),
            ],
            body,
            basic: Some(("user".into(), "pw".into())),
            timeout: Duration::from_secs(1),
        }
    }

    fn build(request: &Prepared) -> Option<hyper::Request<Full<Bytes>>> {
        Plain::request(request, &reqwest::Url::parse(&request.url).ok()?, None)
    }

    #[test]
    fn a_plain_request_carries_what_reqwest_would_send() {
        let json = serde_json::json!({ "sku": "AB-0001" });
        let sent = build(&prepared(
            "http://127.0.0.1:8080/orders?x=1",
            Some(PreparedBody::Json(json)),
        ))
        .expect("a plain request");
        assert_eq!(sent.method(), "POST");
        assert_eq!(sent.uri(), "http://127.0.0.1:8080/orders?x=1");
        let headers = sent.headers();
        let all = |name: &str| -> Vec<&str> {
            headers
                .get_all(name)
                .iter()
                .map(|v| v.to_str().expect("ASCII"))
                .collect()
        };
        assert_eq!(
            all("x-trace"),
            ["1", "2"],
            "repeated headers are all sent, in order"
        );
        assert_eq!(all("content-type"), ["application/json"]);
        assert_eq!(all("authorization"), ["Basic dXNlcjpwdw=="]);
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(all("accept"), ["*/*"]);
        assert_eq!(all("accept-encoding"), [ACCEPT_ENCODING]);
        assert_eq!(all("user-agent"), [USER_AGENT]);
    }

    #[test]
    fn a_request_keeps_its_own_defaults_and_content_type() {
        let mut request = prepared(
            "http://127.0.0.1:8080/",
            Some(PreparedBody::Text("hi".into())),
        );
        request.headers = vec![
            ("Accept".into(), "application/json".into()),
            ("User-Agent".into(), "mine".into()),
            ("Accept-Encoding".into(), "identity".into()),
            ("Content-Type".into(), "text/csv".into()),
        ];
        let sent = build(&request).expect("a plain request");
        for (name, value) in [
            ("accept", "application/json"),
            ("user-agent", "mine"),
            ("accept-encoding", "identity"),
            ("content-type", "text/csv"),
        ] {
            let values: Vec<_> = sent.headers().get_all(name).iter().collect();
            assert_eq!(values, [value], "{name}");
        }
    }

    #[test]
    fn what_the_plain_path_cannot_send_goes_through_reqwest() {
        let form = PreparedBody::Form(vec![("a".into(), "1".into())]);
        let mut bad_header = prepared("http://127.0.0.1:8080/", None);
        bad_header.headers = vec![("X-Bad".into(), "line\nbreak".into())];
        let mut bad_name = prepared("http://127.0.0.1:8080/", None);
        bad_name.headers = vec![("bad name".into(), "1".into())];
        for (why, request) in [
            ("TLS", prepared("https://127.0.0.1:8443/", None)),
            (
                "credentials in the URL",
                prepared("http://ann:pw@127.0.0.1:8080/", None),
            ),
            (
                "a form body",
                prepared("http://127.0.0.1:8080/", Some(form)),
            ),
            ("a header value that cannot be sent", bad_header),
            ("a header name that cannot be sent", bad_name),
        ] {
            assert!(build(&request).is_none(), "{why}");
        }
        assert!(build(&prepared("http://127.0.0.1:8080/", None)).is_some());
    }

    #[test]
    fn a_text_body_without_a_type_is_plain_text() {
        let sent = build(&prepared(
            "http://127.0.0.1:8080/",
            Some(PreparedBody::Text("hi".into())),
        ))
        .expect("a plain request");
        assert_eq!(sent.headers()["content-type"], TEXT_CONTENT_TYPE);
        assert_eq!(hyper::body::Body::size_hint(sent.body()).exact(), Some(2));
    }
}
