//! Security headers added to every response.
//!
//! Applied as the outermost layer so fallbacks and error responses get them
//! too; specs check them on every endpoint.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// HSTS for two years, including subdomains.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds `X-Content-Type-Options: nosniff` (clients must trust our
/// `Content-Type`) and `Strict-Transport-Security`.
pub async fn add_security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
    response
}
