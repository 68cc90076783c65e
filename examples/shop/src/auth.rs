//! Logging in and recognising logged-in callers.
//!
//! Credentials are deliberately trivial (the password for user `u` is
//! `pw-u`) so specs can log in as any number of distinct users without
//! fixtures. Tokens are opaque random strings remembered in memory; there is
//! no expiry because a process lives only as long as a test run.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::body::JsonBody;
use crate::errors::ApiError;
use crate::ids;
use crate::state::AppState;

/// Issued tokens and whom they belong to.
#[derive(Debug, Default)]
pub struct Sessions {
    users_by_token: Mutex<HashMap<String, String>>,
}

impl Sessions {
    /// Issues a new token for `user`. Earlier tokens stay valid, so several
    /// clients can be logged in as the same user at once.
    pub fn issue(&self, user: &str) -> String {
        let token = ids::token();
        self.users_by_token
            .lock()
            // No code panics while holding the lock, so a poisoned map is
            // still consistent.
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token.clone(), user.to_owned());
        token
    }

    /// The user a token was issued to, if it was.
    pub fn user_for(&self, token: &str) -> Option<String> {
        self.users_by_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned()
    }
}

/// Whether `password` is the right one for `user`.
fn credentials_valid(user: &str, password: &str) -> bool {
    !user.is_empty() && password.strip_prefix("pw-") == Some(user)
}

/// Body of `POST /login`.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    user: String,
    password: String,
}

/// Successful `POST /login` answer.
#[derive(Debug, Serialize)]
pub struct LoginResponse {
    token: String,
    user: String,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    if !credentials_valid(&request.user, &request.password) {
        return Err(ApiError::invalid_credentials());
    }
    let token = state.sessions.issue(&request.user);
    Ok(Json(LoginResponse {
        token,
        user: request.user,
    }))
}

/// The authenticated caller of a protected endpoint.
///
/// Taking this as a handler argument is what makes an endpoint protected:
/// extraction fails with `401 unauthorized` (and `WWW-Authenticate: Bearer`)
/// before the handler or its body extractor runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser(pub String);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .ok_or_else(ApiError::unauthorized)?;
        state
            .sessions
            .user_for(token)
            .map(AuthUser)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// The token in an `Authorization: Bearer <token>` value. The scheme name is
/// case-insensitive per RFC 9110.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::{Sessions, bearer_token, credentials_valid};

    #[test]
    fn password_is_pw_dash_user() {
        assert!(credentials_valid("alice", "pw-alice"));
        assert!(!credentials_valid("alice", "pw-bob"));
        assert!(!credentials_valid("alice", "alice"));
        assert!(!credentials_valid("", "pw-"));
    }

    #[test]
    fn parses_bearer_header() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }

    #[test]
    fn tokens_map_to_users() {
        let sessions = Sessions::default();
        let a = sessions.issue("alice");
        let b = sessions.issue("alice");
        assert_ne!(a, b);
        assert_eq!(sessions.user_for(&a).as_deref(), Some("alice"));
        assert_eq!(sessions.user_for(&b).as_deref(), Some("alice"));
        assert_eq!(sessions.user_for("nope"), None);
    }
}
