//! The product catalog: 500 generated items and the endpoints to browse it.
//!
//! The catalog is fixed and deterministic so specs can hard-code skus and
//! prices: `AB-0001` … `AB-0500`, named `Item 1` … `Item 500`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::Serialize;

use crate::errors::ApiError;
use crate::money::Money;
use crate::state::AppState;

/// Number of items in the catalog.
pub const CATALOG_SIZE: usize = 500;
/// Page size when `per_page` is not given.
pub const DEFAULT_PER_PAGE: u64 = 10;
/// Largest page a client may ask for, so one request cannot dump everything.
pub const MAX_PER_PAGE: u64 = 100;

/// One product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stock-keeping unit, `^[A-Z]{2}-\d{4}$`.
    pub sku: String,
    /// Display name.
    pub name: String,
    /// Unit price.
    pub price: Money,
}

/// All items, in sku order, with an index for lookups by sku.
#[derive(Debug)]
pub struct Catalog {
    items: Vec<Item>,
    by_sku: HashMap<String, usize>,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::generate()
    }
}

impl Catalog {
    /// Builds the fixed 500-item catalog.
    #[must_use]
    pub fn generate() -> Self {
        let items: Vec<Item> = (1..=CATALOG_SIZE)
            .map(|index| Item {
                sku: format!("AB-{index:04}"),
                name: format!("Item {index}"),
                price: price_for(index),
            })
            .collect();
        let by_sku = items
            .iter()
            .enumerate()
            .map(|(position, item)| (item.sku.clone(), position))
            .collect();
        Self { items, by_sku }
    }

    /// The item with this exact sku.
    #[must_use]
    pub fn get(&self, sku: &str) -> Option<&Item> {
        self.by_sku.get(sku).and_then(|&at| self.items.get(at))
    }

    /// Number of items.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the catalog is empty (it never is; here for API symmetry).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Page `page` (1-based) of `per_page` items; empty past the end.
    #[must_use]
    pub fn page(&self, page: u64, per_page: u64) -> &[Item] {
        let start = page.saturating_sub(1).saturating_mul(per_page);
        let Ok(start) = usize::try_from(start) else {
            return &[];
        };
        let end = usize::try_from(per_page)
            .map_or(usize::MAX, |n| start.saturating_add(n))
            .min(self.items.len());
        self.items.get(start..end).unwrap_or_default()
    }
}

/// Unit price of the item with 1-based `index`.
///
/// `AB-0001` is pinned at 9.99 because the documented examples use it; the
/// rest cycle through 50 price points from 1.99 to 50.99.
fn price_for(index: usize) -> Money {
    if index == 1 {
        return Money::from_cents(999);
    }
    let step = i64::try_from(index % 50).unwrap_or_default();
    Money::from_cents((step + 1) * 100 + 99)
}

/// Body of `GET /catalog`.
#[derive(Debug, Serialize)]
pub struct CatalogPage {
    page: u64,
    per_page: u64,
    total: usize,
    items: Vec<Item>,
}

/// `GET /catalog?page=N&per_page=M`.
///
/// Parameters are parsed by hand (rather than into a typed struct) so each
/// bad one can be reported with its own `field`.
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<CatalogPage>, ApiError> {
    let Query(params) =
        query.map_err(|err| ApiError::bad_request(format!("invalid query string: {err}")))?;
    let page = positive_param(&params, "page", 1, None)?;
    let per_page = positive_param(&params, "per_page", DEFAULT_PER_PAGE, Some(MAX_PER_PAGE))?;
    Ok(Json(CatalogPage {
        page,
        per_page,
        total: state.catalog.len(),
        items: state.catalog.page(page, per_page).to_vec(),
    }))
}

/// Reads an optional integer query parameter that must be `>= 1` and, if
/// `max` is given, `<= max`.
fn positive_param(
    params: &HashMap<String, String>,
    name: &str,
    default: u64,
    max: Option<u64>,
) -> Result<u64, ApiError> {
    let Some(raw) = params.get(name) else {
        return Ok(default);
    };
    let invalid = |detail: String| ApiError::bad_request(detail).with_field(name);
    let value: u64 = raw
        .parse()
        .ok()
        .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| invalid(format!("{name} must be a positive integer, got {raw:?}")))?;
    if value == 0 {
        return Err(invalid(format!("{name} must be at least 1")));
    }
    if let Some(max) = max
        && value > max
    {
        return Err(invalid(format!("{name} must be at most {max}")));
    }
    Ok(value)
}

/// `GET /catalog/{sku}`.
pub async fn show(
    State(state): State<AppState>,
    sku: Result<Path<String>, PathRejection>,
) -> Result<Json<Item>, ApiError> {
    let Path(sku) = sku.map_err(|err| ApiError::bad_request(err.body_text()))?;
    state
        .catalog
        .get(&sku)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no item with sku {sku:?}")).with_field("sku"))
}

#[cfg(test)]
mod tests {
    use super::{Catalog, MAX_PER_PAGE};
    use crate::money::Money;

    #[test]
    fn has_500_well_formed_items() {
        let catalog = Catalog::generate();
        assert_eq!(catalog.len(), 500);
        let first = catalog.get("AB-0001").expect("first item");
        assert_eq!(first.name, "Item 1");
        assert_eq!(first.price, Money::from_cents(999));
        assert!(catalog.get("AB-0500").is_some());
        assert!(catalog.get("AB-0501").is_none());
        assert!(catalog.get("ab-0001").is_none());
    }

    #[test]
    fn pages() {
        let catalog = Catalog::generate();
        let page = catalog.page(2, 10);
        assert_eq!(page.len(), 10);
        assert_eq!(page[0].sku, "AB-0011");
        assert_eq!(catalog.page(5, MAX_PER_PAGE).len(), 100);
        assert_eq!(catalog.page(6, MAX_PER_PAGE).len(), 0);
        assert_eq!(catalog.page(u64::MAX, 100).len(), 0);
        assert_eq!(catalog.page(3, 200).len(), 100);
    }
}
