//! HTTP: the clients of a run (connection pools, the environment's proxies unless told
//! otherwise, extra trusted CAs, client certificates, HTTP/2 by ALPN or by prior knowledge,
//! limited redirects), requests with per-request timeouts, compressed bodies accepted and
//! decoded, and bodies read (and decoded) under a size cap so a huge or endless answer cannot
//! exhaust memory.
//!
//! TLS settings belong to a reqwest client, not to a request, so a target with settings of its
//! own (`ca`, `cert` and `key`, `http2_prior_knowledge` in intent.toml) gets a client of its
//! own, and every other target shares one.

use crate::cookies::Cookies;
use crate::decode::{ACCEPT_ENCODING, DecodeError, Decoded, decode};
use crate::plain::Plain;
use crate::redirect;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use reqwest::header::HeaderMap;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A response as the checks see it.
#[derive(Debug)]
pub struct Response {
    pub method: String,
    pub url: String,
    pub status: u16,
    /// The headers as received, kept as hyper parsed them: most answers are checked for a
    /// status or a field of the body, never a header, so none is copied into a string unless
    /// read.
    headers: HeaderMap,
    pub text: String,
    /// The body parsed as JSON, when a check first reads it (a load block checking only the
    /// status never parses it); see [`Response::json`].
    json: std::sync::OnceLock<Result<serde_json::Value, String>>,
    /// Why the body could not be decoded, if it came compressed and corrupt.
    undecodable: Option<String>,
    pub duration_ms: f64,
    /// The size of the body as the checks read it, decoded.
    pub size: usize,
    /// What was decoded, when the body came compressed.
    pub decoded: Option<Decoded>,
}

impl Response {
    /// The body parsed as JSON; `Err` holds why it is not JSON (or why it could not be
    /// decoded). An empty body is `null`. Parsed once, when first asked for.
    pub fn json(&self) -> &Result<serde_json::Value, String> {
        self.json.get_or_init(|| match &self.undecodable {
            Some(why) => Err(why.clone()),
            None if self.text.trim().is_empty() => Ok(serde_json::Value::Null),
            None => serde_json::from_str(&self.text).map_err(|e| e.to_string()),
        })
    }

    /// Every header, names in lower case, values as text, a repeated header once per value.
    pub fn headers(&self) -> impl Iterator<Item = (&str, std::borrow::Cow<'_, str>)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), String::from_utf8_lossy(value.as_bytes())))
    }

    /// A header by case-insensitive name. A header sent several times reads as its values
    /// joined by `, `, the one field value HTTP defines for it (RFC 9110, 5.3).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut values = self
            .headers
            .get_all(name)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        let first = values.next()?.into_owned();
        Some(values.fold(first, |joined, value| joined + ", " + &value))
    }

    /// Every header by its lower-case name, repeated ones joined as [`Response::header`] does.
    pub fn header_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.headers
            .keys()
            .filter_map(|name| {
                let value = self.header(name.as_str())?;
                Some((name.to_string(), serde_json::Value::String(value)))
            })
            .collect()
    }
}

/// A request ready to send: every expression already evaluated.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The target it is sent to, whose client (and so TLS settings) it goes through.
    pub target: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<PreparedBody>,
    pub basic: Option<(String, String)>,
    pub timeout: Duration,
}

impl Prepared {
    /// Whether the request carries credentials: an `Authorization` header (from `auth bearer`
    /// or written out) or `auth basic`.
    pub fn has_credentials(&self) -> bool {
        self.basic.is_some()
            || self
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    }

    /// Removes every credential, for a policy's replay `without auth`.
    pub fn strip_credentials(&mut self) {
        self.basic = None;
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    }
}

#[derive(Debug, Clone)]
pub enum PreparedBody {
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    Multipart(Vec<PreparedPart>),
    Text(String),
}

/// One part of a multipart body, ready to send.
#[derive(Debug, Clone)]
pub struct PreparedPart {
    pub name: String,
    pub value: PreparedPartValue,
}

#[derive(Debug, Clone)]
pub enum PreparedPartValue {
    Text(String),
    /// A file's bytes (shared: a redirect or retry sends them again), name and content type.
    File {
        file_name: String,
        content_type: String,
        bytes: std::sync::Arc<[u8]>,
    },
}

/// The multipart form of `parts`, made anew for each hop (a form is consumed when sent).
fn multipart(parts: &[PreparedPart]) -> Result<reqwest::multipart::Form, RequestError> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match &part.value {
            PreparedPartValue::Text(text) => form.text(part.name.clone(), text.clone()),
            PreparedPartValue::File {
                file_name,
                content_type,
                bytes,
            } => {
                let file = reqwest::multipart::Part::bytes(bytes.to_vec())
                    .file_name(file_name.clone())
                    .mime_str(content_type)
                    .map_err(|e| {
                        RequestError::other(format!(
                            "the content type `{content_type}` of part `{}` is not valid: {e}",
                            part.name
                        ))
                    })?;
                form.part(part.name.clone(), file)
            }
        };
    }
    Ok(form)
}

/// The content type of a `body` that names none.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// What every request says it is, unless it says otherwise.
pub const USER_AGENT: &str = concat!("intent/", env!("CARGO_PKG_VERSION"));

/// The largest number of redirects followed; more is reported as a loop.
pub const MAX_REDIRECTS: usize = 10;

/// How the clients of a run connect.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Ignore the proxies of the environment (`--no-proxy`). Otherwise `HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case forms) apply, as in curl.
    pub no_proxy: bool,
    /// CA certificates trusted for every target besides the system's roots (`--cacert`).
    pub roots: Vec<reqwest::Certificate>,
    /// Settings of single targets, by name (intent.toml).
    pub targets: BTreeMap<String, TargetClient>,
}

/// What one target needs of its client beyond the run's [`ClientOptions`].
#[derive(Clone, Default)]
pub struct TargetClient {
    /// CA certificates trusted for this target (`ca`).
    pub roots: Vec<reqwest::Certificate>,
    /// The client certificate and key it is sent (`cert` and `key`, mutual TLS).
    pub identity: Option<reqwest::Identity>,
    /// HTTP/2 without negotiation (`http2_prior_knowledge`), for h2c.
    pub http2_prior_knowledge: bool,
}

impl ClientOptions {
    /// What a request to `target` trusts and sends: the run's CAs with the target's own, its
    /// client certificate and HTTP/2 setting (for a readiness probe made outside the run).
    pub fn probe(&self, target: &str) -> TargetClient {
        let own = self.targets.get(target);
        TargetClient {
            roots: self
                .roots
                .iter()
                .chain(own.map_or(&[][..], |t| &t.roots[..]))
                .cloned()
                .collect(),
            identity: own.and_then(|t| t.identity.clone()),
            http2_prior_knowledge: own.is_some_and(|t| t.http2_prior_knowledge),
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("no_proxy", &self.no_proxy)
            .field("roots", &self.roots.len())
            .field("targets", &self.targets)
            .finish()
    }
}

impl std::fmt::Debug for TargetClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetClient")
            .field("roots", &self.roots.len())
            .field("identity", &self.identity.is_some())
            .field("http2_prior_knowledge", &self.http2_prior_knowledge)
            .finish()
    }
}

/// The clients every request of a run goes through.
#[derive(Debug)]
pub struct Http {
    /// The client of every target without settings of its own, made when a request first
    /// needs it: a run whose requests all take the plain path never does, and making it
    /// (loading the system's trusted certificates) was 3 % of a short run. It is made at once
    /// when the run trusts CAs of its own (`--cacert`), so that a setting that cannot be used
    /// is reported before anything is sent. `Err` holds why it could not be made.
    shared: std::sync::OnceLock<Result<reqwest::Client, String>>,
    /// The run's settings, for making the shared client.
    options: ClientOptions,
    /// The clients of targets with TLS or HTTP/2 settings of their own.
    own: HashMap<String, reqwest::Client>,
    /// hyper's client for plain `http://` requests (`plain.rs`), unless a proxy applies.
    plain: Option<Plain>,
    body_limit: usize,
}

/// The head of an answer, from either client, with its body still to read.
struct Head {
    status: u16,
    headers: HeaderMap,
    /// The URL that answered: the hop's own (redirects are followed hop by hop).
    url: reqwest::Url,
    body: Body,
}

enum Body {
    Reqwest(reqwest::Response),
    Plain(Incoming),
}

impl Http {
    pub fn new(body_limit: usize, options: &ClientOptions) -> Result<Self, reqwest::Error> {
        let shared = std::sync::OnceLock::new();
        if !options.roots.is_empty() {
            let _ = shared.set(Ok(client(options, &TargetClient::default())?));
        }
        let own = options
            .targets
            .iter()
            .map(|(name, target)| Ok((name.clone(), client(options, target)?)))
            .collect::<Result<_, reqwest::Error>>()?;
        Ok(Self {
            shared,
            options: options.clone(),
            own,
            plain: Plain::unless_proxied(options.no_proxy),
            body_limit,
        })
    }

    /// The client requests to `target` go through; `Err` if the shared one cannot be made.
    fn client(&self, target: &str) -> Result<&reqwest::Client, RequestError> {
        if let Some(own) = self.own.get(target) {
            return Ok(own);
        }
        self.shared
            .get_or_init(|| {
                client(&self.options, &TargetClient::default())
                    .map_err(|e| format!("the HTTP client cannot be made: {}", root_cause(&e)))
            })
            .as_ref()
            .map_err(|cause| RequestError::other(cause.clone()))
    }

    /// Sends a request, follows its redirects and reads the final body. A failure says its
    /// cause in words (refused, reset, timed out, too large, a redirect loop) and whether the
    /// target could not be reached at all; the caller names the request. `cookies` is the
    /// case's session: sent with each hop and kept from each answer; `None` sends none.
    pub async fn send(
        &self,
        request: &Prepared,
        mut cookies: Option<&mut Cookies>,
    ) -> Result<Response, RequestError> {
        let started = Instant::now();
        let deadline = started + request.timeout;
        let mut hop = std::borrow::Cow::Borrowed(request);
        let mut redirects = 0;
        loop {
            let head = self.hop(&hop, cookies.as_deref(), deadline).await?;
            if let Some(jar) = cookies.as_deref_mut() {
                jar.keep(&head.url, &head.headers);
            }
            match redirect::next(&hop, head.status, &head.headers, &head.url) {
                None => return self.read(request, head, started, deadline).await,
                Some(_) if redirects == MAX_REDIRECTS => {
                    return Err(RequestError::other(format!(
                        "more than {MAX_REDIRECTS} redirects (a redirect loop?)"
                    )));
                }
                Some(next) => {
                    hop = std::borrow::Cow::Owned(next.map_err(RequestError::other)?);
                    redirects += 1;
                }
            }
        }
    }

    /// Sends one request and returns its head, within what is left of the request's time:
    /// through hyper directly when it is a plain `http://` request (`plain.rs`), else through
    /// its target's reqwest client.
    async fn hop(
        &self,
        request: &Prepared,
        cookies: Option<&Cookies>,
        deadline: Instant,
    ) -> Result<Head, RequestError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| RequestError::other(format!("invalid method {}", request.method)))?;
        // Parsed once here for both the client and the cookie jar. A URL that does not parse
        // goes to reqwest as written, for its own error.
        let url = parse_url(&request.url).ok_or(());
        if let (Some(plain), Ok(url), false) =
            (&self.plain, &url, self.own.contains_key(&request.target))
            && let Some(sent) = Plain::request(request, url, cookies)
        {
            let answer = tokio::time::timeout_at(deadline.into(), plain.send(sent))
                .await
                .map_err(|_| self.timed_out(request))?
                .map_err(|e| self.describe_plain(&e))?;
            let (parts, body) = answer.into_parts();
            return Ok(Head {
                status: parts.status.as_u16(),
                headers: parts.headers,
                url: url.clone(),
                body: Body::Plain(body),
            });
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let client = self.client(&request.target)?;
        let mut builder = match &url {
            Ok(url) => client.request(method, url.clone()),
            Err(_) => client.request(method, &request.url),
        }
        .timeout(left.max(Duration::from_millis(1)));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if !request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept-encoding"))
        {
            builder = builder.header("accept-encoding", ACCEPT_ENCODING);
        }
        if let (Some(jar), Ok(url)) = (cookies, &url)
            && let Some(cookie) = jar.header(url)
        {
            builder = builder.header("cookie", cookie);
        }
        if let Some((user, password)) = &request.basic {
            builder = builder.basic_auth(user, Some(password));
        }
        builder = match &request.body {
            Some(PreparedBody::Json(v)) => builder.json(v),
            Some(PreparedBody::Form(fields)) => builder.form(fields),
            Some(PreparedBody::Multipart(parts)) => builder.multipart(multipart(parts)?),
            Some(PreparedBody::Text(t)) => {
                let has_type = request
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
                let b = builder.body(t.clone());
                if has_type {
                    b
                } else {
                    b.header("content-type", TEXT_CONTENT_TYPE)
                }
            }
            None => builder,
        };
        let response = builder
            .send()
            .await
            .map_err(|e| self.describe(request, e))?;
        Ok(Head {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            url: response.url().clone(),
            body: Body::Reqwest(response),
        })
    }

    /// Reads the body of the final response under the size cap and before the deadline, and
    /// decodes it.
    async fn read(
        &self,
        request: &Prepared,
        head: Head,
        started: Instant,
        deadline: Instant,
    ) -> Result<Response, RequestError> {
        let Head {
            status,
            headers,
            url,
            body: mut stream,
        } = head;
        let length = match &stream {
            Body::Reqwest(response) => response.content_length(),
            Body::Plain(incoming) => hyper::body::Body::size_hint(incoming).exact(),
        };
        if let Some(length) = length
            && length as usize > self.body_limit
        {
            return Err(self.too_large(request, length as usize));
        }
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk(request, &mut stream, deadline).await? {
            if body.len() + chunk.len() > self.body_limit {
                return Err(self.too_large(request, body.len() + chunk.len()));
            }
            body.extend_from_slice(&chunk);
        }
        let url = url.to_string();
        let encoding = headers
            .get(reqwest::header::CONTENT_ENCODING)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        // A body that does not decode is still an answer: its status and headers can be
        // checked, and reading its body says why it cannot be read.
        let (body, decoded, undecodable) = match decode(encoding.as_deref(), &body, self.body_limit)
        {
            Ok(None) => (body, None, None),
            Ok(Some((decoded_body, decoded))) => (decoded_body, Some(decoded), None),
            Err(e @ DecodeError::TooLarge { .. }) => {
                return Err(RequestError::other(e.to_string()));
            }
            Err(e @ DecodeError::Corrupt { .. }) => (body, None, Some(e.to_string())),
        };
        let size = body.len();
        let text = String::from_utf8(body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok(Response {
            method: request.method.clone(),
            url,
            status,
            headers,
            text,
            json: std::sync::OnceLock::new(),
            undecodable,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
            size,
            decoded,
        })
    }

    /// The next piece of a body, `None` at its end. reqwest's body keeps its request's
    /// timeout; hyper's is given what is left of it here.
    async fn chunk(
        &self,
        request: &Prepared,
        body: &mut Body,
        deadline: Instant,
    ) -> Result<Option<Bytes>, RequestError> {
        match body {
            Body::Reqwest(response) => response
                .chunk()
                .await
                .map_err(|e| self.describe(request, e)),
            Body::Plain(incoming) => loop {
                let frame = tokio::time::timeout_at(deadline.into(), incoming.frame())
                    .await
                    .map_err(|_| self.timed_out(request))?;
                match frame {
                    None => return Ok(None),
                    Some(Err(e)) => {
                        return Err(RequestError::other(format!(
                            "the connection failed while reading the body: {}",
                            root_cause(&e)
                        )));
                    }
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Ok(Some(data));
                        }
                    }
                }
            },
        }
    }

    fn timed_out(&self, request: &Prepared) -> RequestError {
        RequestError::other(format!(
            "no complete response within the timeout of {}",
            human(request.timeout)
        ))
    }

    /// [`Http::describe`] for hyper's client: its errors and their causes are the ones
    /// reqwest wraps.
    fn describe_plain(&self, error: &hyper_util::client::legacy::Error) -> RequestError {
        if error.is_connect() {
            RequestError {
                cause: format!("cannot connect: {}", root_cause(error)),
                unreachable: true,
            }
        } else {
            RequestError::other(root_cause(error))
        }
    }

    fn too_large(&self, _request: &Prepared, size: usize) -> RequestError {
        RequestError::other(format!(
            "the response body is larger than the limit of {} bytes (at least {size} bytes)",
            self.body_limit
        ))
    }

    fn describe(&self, request: &Prepared, error: reqwest::Error) -> RequestError {
        // A connection that was never made (refused, no such host, TLS handshake, connect
        // timeout) means the target cannot be reached; anything later is this request's own.
        let unreachable = error.is_connect();
        let cause = if error.is_connect() {
            format!("cannot connect: {}", root_cause(&error))
        } else if error.is_timeout() {
            return self.timed_out(request);
        } else if error.is_body() || error.is_decode() {
            format!(
                "the connection failed while reading the body: {}",
                root_cause(&error)
            )
        } else {
            root_cause(&error)
        };
        RequestError { cause, unreachable }
    }
}

thread_local! {
    /// The URL this thread parsed last, and what it parsed to (`None`: not a URL).
    static LAST_URL: std::cell::RefCell<Option<(String, Option<reqwest::Url>)>> =
        const { std::cell::RefCell::new(None) };
}

/// A request's URL, parsed. A load block, an evaluation or a run of many intents sends the same
/// URL over and over, and parsing it (with the host's IDNA mapping) was 4 % of a load block's
/// CPU; so the last parse on each thread is kept, and a URL equal to it is cloned instead.
fn parse_url(text: &str) -> Option<reqwest::Url> {
    LAST_URL.with_borrow_mut(|last| match last {
        Some((seen, parsed)) if seen == text => parsed.clone(),
        _ => {
            let parsed = reqwest::Url::parse(text).ok();
            *last = Some((text.to_string(), parsed.clone()));
            parsed
        }
    })
}

/// A client with the run's options and one target's settings.
fn client(
    options: &ClientOptions,
    target: &TargetClient,
) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        // Redirects are followed here (redirect.rs), so that each hop's cookies are kept and
        // sent on, as a browser or `curl -L -b` does.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT);
    if options.no_proxy {
        builder = builder.no_proxy();
    }
    let roots: Vec<reqwest::Certificate> =
        options.roots.iter().chain(&target.roots).cloned().collect();
    if !roots.is_empty() {
        builder = builder.tls_certs_merge(roots);
    }
    if let Some(identity) = &target.identity {
        builder = builder.identity(identity.clone());
    }
    if target.http2_prior_knowledge {
        builder = builder.http2_prior_knowledge();
    }
    builder.build()
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// The cause in words: `cannot connect: Connection refused (os error 111)`.
    pub cause: String,
    /// True when no connection could be made at all (refused, DNS, TLS, connect timeout): the
    /// target is unreachable, not just this request unanswered.
    pub unreachable: bool,
}

impl RequestError {
    pub(crate) fn other(cause: String) -> Self {
        Self {
            cause,
            unreachable: false,
        }
    }
}

/// The innermost cause of an error, which names what actually happened (refused, reset…).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

pub fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn the_last_url_parsed_is_reused_only_for_the_same_text() {
        let parse = |text: &str| parse_url(text).map(|url| url.to_string());
        for _ in 0..2 {
            assert_eq!(
                parse("http://Example.com:80/a/../b").as_deref(),
                Some("http://example.com/b")
            );
        }
        assert_eq!(parse("not a url"), None);
        assert_eq!(parse("not a url"), None);
        assert_eq!(
            parse("http://127.0.0.1:8080/x").as_deref(),
            Some("http://127.0.0.1:8080/x")
        );
        assert_eq!(
            parse("http://[::1]:8080/").as_deref(),
            Some("http://[::1]:8080/")
        );
    }
}
