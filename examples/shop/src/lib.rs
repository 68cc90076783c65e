//! The example shop: a small, real, in-memory HTTP service that Intent's
//! example specs run against.
//!
//! It covers what specs typically need to exercise: public and
//! authenticated endpoints, pagination, validation errors with field names,
//! money arithmetic, asynchronous state (payment settles after a few polls),
//! and a free-text endpoint. All state lives in memory and is fresh for each
//! [`app`], so runs are independent and deterministic.
//!
//! Answers are compressed when the client asks (`Accept-Encoding`: gzip,
//! deflate, br or zstd), as deployed services usually are behind a proxy,
//! so clients are tested against compressed JSON too. A client that does not
//! ask gets plain bodies. The shop compresses at the fastest level, as nginx
//! does by default (`gzip_comp_level 1`): at zstd's default level, setting up
//! each answer's compression took 44 % of the shop's time on small answers.

pub mod auth;
pub mod body;
pub mod catalog;
pub mod errors;
pub mod ids;
pub mod money;
pub mod orders;
pub mod quote;
pub mod security;
pub mod state;
pub mod support;

use std::future::Future;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde_json::{Value, json};
use tower_http::compression::CompressionLayer;

use crate::state::AppState;

/// The service's router with fresh, empty state (no sessions, no orders).
pub fn app() -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/login", post(auth::login))
        .route("/catalog", get(catalog::list))
        .route("/catalog/{sku}", get(catalog::show))
        .route("/orders", post(orders::create).get(orders::list))
        .route("/orders/{id}", get(orders::show))
        .route("/orders/{id}/pay", post(orders::pay))
        .route("/cart/quote", post(quote::quote))
        .route("/support/answer", post(support::answer))
        // Must come after the routes: it is attached to each one registered
        // so far.
        .method_not_allowed_fallback(errors::method_not_allowed)
        .fallback(errors::route_not_found)
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        // Negotiated by `Accept-Encoding`; bodies under 32 bytes, images and
        // event streams stay plain (tower-http's default predicate).
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(middleware::map_response(security::add_security_headers))
        .with_state(AppState::default())
}

/// Serves [`app`] on `listener` until `shutdown` completes, then finishes
/// in-flight requests and returns.
///
/// Taking a bound listener (rather than an address) lets callers bind port
/// 0 and learn the real port before serving.
///
/// # Errors
///
/// Returns the I/O error that stopped the server, if any.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app())
        .with_graceful_shutdown(shutdown)
        .await
}

/// `GET /health`: liveness probe for whoever starts the service.
async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
