//! Following redirects as browsers and curl do (RFC 9110, 15.4): the next request of a `3xx`
//! with a `Location`, resolved against the URL that answered. `303` turns any request but
//! `HEAD` into a `GET` without a body, and so do `301` and `302` for a `POST`; `307` and `308`
//! repeat the request as it was. Credentials written for one origin are not sent to another.

use crate::http::Prepared;

/// The request a response redirects to: `None` when it is not a redirect, `Some(Err)` when its
/// `Location` cannot be followed.
/// `status`, `headers` and `from` are the answer to `sent` and the URL that gave it.
pub fn next(
    sent: &Prepared,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    from: &reqwest::Url,
) -> Option<Result<Prepared, String>> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(reqwest::header::LOCATION)?;
    let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
    let to = match from.join(location.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Ok(url) => {
            return Some(Err(format!(
                "a redirect to {url}, which is not an HTTP URL, is not followed"
            )));
        }
        Err(e) => {
            return Some(Err(format!(
                "the redirect's Location {location:?} is not a URL ({e})"
            )));
        }
    };
    let mut next = sent.clone();
    let becomes_get = match status {
        303 => sent.method != "HEAD",
        301 | 302 => sent.method == "POST",
        _ => false,
    };
    if becomes_get {
        next.method = "GET".into();
        next.body = None;
        next.headers.retain(|(name, _)| {
            !name.eq_ignore_ascii_case("content-type")
                && !name.eq_ignore_ascii_case("content-length")
        });
    }
    if to.origin() != from.origin() {
        next.strip_credentials();
    }
    next.url = to.to_string();
    Some(Ok(next))
}
