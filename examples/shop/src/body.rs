//! The JSON request-body extractor.
//!
//! axum's own `Json` rejects with plain-text bodies and a mix of 400/415/422
//! statuses. This service promises typed JSON errors with a small set of
//! statuses, so [`JsonBody`] reads the body itself and maps every failure to
//! either `413 payload_too_large` (body over the limit) or
//! `400 bad_request` (anything else that is not the expected JSON).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::errors::ApiError;

/// Largest request body accepted, in bytes (1 MiB). Enforced by the
/// `DefaultBodyLimit` layer in [`crate::app`]; kept here so the error
/// message can state it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A request body deserialised from JSON, with service-shaped rejections.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().map(str::to_owned));

        // Read the body first so an oversized upload is reported as such
        // whatever else is wrong with the request.
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(MAX_BODY_BYTES)
            } else {
                ApiError::bad_request(format!("could not read request body: {rejection}"))
            }
        })?;

        // A missing Content-Type is tolerated (handy with bare curl);
        // a declared non-JSON one is not.
        match declared_type {
            None => {}
            Some(Ok(value)) if is_json(&value) => {}
            Some(_) => {
                return Err(ApiError::bad_request(
                    "request body must be JSON (Content-Type: application/json)",
                ));
            }
        }

        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))
    }
}

/// Whether a Content-Type value denotes JSON (`application/json`, optionally
/// with parameters, or any `application/*+json`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn recognises_json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
