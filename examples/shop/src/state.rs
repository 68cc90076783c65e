//! The shared, in-memory state behind one instance of the service.

use std::sync::Arc;

use crate::auth::Sessions;
use crate::catalog::Catalog;
use crate::orders::OrderStore;

/// Everything handlers share. Cheap to clone (all `Arc`s); each call to
/// [`crate::app`] builds a fresh one so tests and specs never see each
/// other's sessions or orders.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    /// The fixed product catalog.
    pub catalog: Arc<Catalog>,
    /// Issued bearer tokens.
    pub sessions: Arc<Sessions>,
    /// Orders placed so far.
    pub orders: Arc<OrderStore>,
}
