//! The cookies of one case (an intent, or a row of its examples, is one session): kept from
//! every response, redirects included, and sent back only where their domain and path say, as
//! a browser does. `cookie_store` implements the matching rules of RFC 6265.

use cookie_store::{CookieStore, RawCookie};
use reqwest::Url;
use reqwest::header::{HeaderMap, SET_COOKIE};

#[derive(Debug, Default)]
pub struct Cookies {
    store: CookieStore,
}

impl Cookies {
    /// Keeps the cookies `headers` set, for the URL that sent them.
    pub fn keep(&mut self, url: &Url, headers: &HeaderMap) {
        let set = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| RawCookie::parse(value.to_string()).ok());
        self.store.store_response_cookies(set, url);
    }

    /// The `cookie` header for a request to `url`, when any cookie applies.
    pub fn header(&self, url: &Url) -> Option<String> {
        let pairs: Vec<String> = self
            .store
            .get_request_values(url)
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn set(cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for c in cookies {
            headers.append(
                SET_COOKIE,
                HeaderValue::from_str(c).expect("a header value"),
            );
        }
        headers
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn cookies_go_back_to_where_they_came_from() {
        let mut jar = Cookies::default();
        jar.keep(
            &url("http://127.0.0.1:8080/login"),
            &set(&["session=abc; Path=/", "scoped=1; Path=/admin"]),
        );
        assert_eq!(
            jar.header(&url("http://127.0.0.1:8080/orders")).as_deref(),
            Some("session=abc")
        );
        let admin = jar
            .header(&url("http://127.0.0.1:8080/admin/x"))
            .unwrap_or_default();
        assert!(
            admin.contains("scoped=1") && admin.contains("session=abc"),
            "{admin}"
        );
        // Another host never sees them.
        assert_eq!(jar.header(&url("http://localhost:9090/orders")), None);
    }

    #[test]
    fn an_expired_cookie_is_forgotten() {
        let mut jar = Cookies::default();
        let at = url("http://127.0.0.1:8080/");
        jar.keep(&at, &set(&["session=abc"]));
        jar.keep(&at, &set(&["session=; Max-Age=0"]));
        assert_eq!(jar.header(&url("http://127.0.0.1:8080/")), None);
    }
}
