//! HTTP: one shared client (connection pool, no proxies, limited redirects), requests with
//! per-request timeouts, and bodies read under a size cap so a huge or endless answer cannot
//! exhaust memory.

use std::time::{Duration, Instant};

/// A response as the checks see it.
#[derive(Debug)]
pub struct Response {
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body parsed as JSON; `Err` holds why it is not JSON. An empty body is `null`.
    pub json: Result<serde_json::Value, String>,
    pub duration_ms: f64,
    pub size: usize,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request ready to send: every expression already evaluated.
#[derive(Debug, Clone)]
pub struct Prepared {
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
    Text(String),
}

/// The largest number of redirects followed; more is reported as a loop.
pub const MAX_REDIRECTS: usize = 10;

/// The client every request of a run goes through.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    body_limit: usize,
}

impl Http {
    pub fn new(body_limit: usize) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            // Specs talk to the target they name; a proxy from the environment must not
            // silently reroute that traffic.
            .no_proxy()
            .user_agent(concat!("intent/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
        Ok(Self { client, body_limit })
    }

    /// Sends a request and reads its whole body. A failure is the cause in words (refused,
    /// reset, timed out, too large); the caller names the request.
    /// `cookie` is the case's session, sent as the `cookie` header.
    pub async fn send(&self, request: &Prepared, cookie: Option<&str>) -> Result<Response, String> {
        let started = Instant::now();
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| format!("invalid method {}", request.method))?;
        let mut builder = self
            .client
            .request(method, &request.url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        if let Some((user, password)) = &request.basic {
            builder = builder.basic_auth(user, Some(password));
        }
        builder = match &request.body {
            Some(PreparedBody::Json(v)) => builder.json(v),
            Some(PreparedBody::Form(fields)) => builder.form(fields),
            Some(PreparedBody::Text(t)) => {
                let has_type = request
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
                let b = builder.body(t.clone());
                if has_type {
                    b
                } else {
                    b.header("content-type", "text/plain; charset=utf-8")
                }
            }
            None => builder,
        };
        let describe = |e: reqwest::Error| self.describe(request, e);
        let mut response = builder.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if let Some(length) = response.content_length()
            && length as usize > self.body_limit
        {
            return Err(self.too_large(request, length as usize));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > self.body_limit {
                return Err(self.too_large(request, body.len() + chunk.len()));
            }
            body.extend_from_slice(&chunk);
        }
        let size = body.len();
        let text = String::from_utf8_lossy(&body).into_owned();
        let json = if text.trim().is_empty() {
            Ok(serde_json::Value::Null)
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        Ok(Response {
            method: request.method.clone(),
            url,
            status,
            headers,
            text,
            json,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
            size,
        })
    }

    fn too_large(&self, _request: &Prepared, size: usize) -> String {
        format!(
            "the response body is larger than the limit of {} bytes (at least {size} bytes)",
            self.body_limit
        )
    }

    fn describe(&self, request: &Prepared, error: reqwest::Error) -> String {
        if error.is_timeout() {
            format!(
                "no complete response within the timeout of {}",
                human(request.timeout)
            )
        } else if error.is_redirect() {
            format!("more than {MAX_REDIRECTS} redirects (a redirect loop?)")
        } else if error.is_connect() {
            format!("cannot connect: {}", root_cause(&error))
        } else if error.is_body() || error.is_decode() {
            format!(
                "the connection failed while reading the body: {}",
                root_cause(&error)
            )
        } else {
            root_cause(&error)
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
