//! Pricing a cart: validation, line prices, coupons and totals.
//!
//! Orders and quotes must agree to the cent, so both go through
//! [`price_cart`]; `POST /cart/quote` just exposes the result without
//! creating anything.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::auth::AuthUser;
use crate::body::JsonBody;
use crate::catalog::Catalog;
use crate::errors::ApiError;
use crate::money::Money;
use crate::state::AppState;

/// Most lines one cart may hold.
pub const MAX_LINES: usize = 50;
/// Allowed quantity per line.
pub const QTY_RANGE: std::ops::RangeInclusive<i64> = 1..=100;

/// One requested line. `qty` is signed so that `0` and negative numbers
/// reach validation (and get a precise `field`) instead of failing JSON
/// decoding.
#[derive(Debug, Clone, Deserialize)]
pub struct LineRequest {
    /// Which item.
    pub sku: String,
    /// How many.
    pub qty: i64,
}

/// Body of `POST /cart/quote` and `POST /orders`. A missing `items` is
/// treated like an empty list so it is reported as a validation error on
/// `items`.
#[derive(Debug, Clone, Deserialize)]
pub struct CartRequest {
    /// Requested lines.
    #[serde(default)]
    pub items: Vec<LineRequest>,
    /// Optional coupon code; unknown codes are ignored, not rejected.
    #[serde(default)]
    pub coupon: Option<String>,
}

/// A validated line with its unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedLine {
    /// Which item.
    pub sku: String,
    /// How many, within [`QTY_RANGE`].
    pub qty: u32,
    /// Unit price at the time of pricing.
    pub price: Money,
}

/// Known coupons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coupon {
    /// `SAVE10`: 10% off the subtotal.
    Save10,
    /// `HALF`: 50% off the subtotal.
    Half,
}

impl Coupon {
    /// The coupon with exactly this code (codes are case-sensitive).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "SAVE10" => Some(Self::Save10),
            "HALF" => Some(Self::Half),
            _ => None,
        }
    }

    /// The canonical code, as echoed back to clients.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Save10 => "SAVE10",
            Self::Half => "HALF",
        }
    }

    /// The discount this coupon gives on `subtotal`, rounded to the cent.
    #[must_use]
    pub fn discount(self, subtotal: Money) -> Money {
        match self {
            Self::Save10 => subtotal.percent(10),
            Self::Half => subtotal.percent(50),
        }
    }
}

/// A fully priced cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    /// The validated lines, in request order.
    pub lines: Vec<PricedLine>,
    /// Sum of unit price × quantity.
    pub subtotal: Money,
    /// Coupon discount (zero without a recognised coupon).
    pub discount: Money,
    /// `subtotal - discount`.
    pub total: Money,
    /// The recognised coupon, if any.
    pub coupon: Option<Coupon>,
}

/// Validates `request` against `catalog` and prices it.
///
/// Errors are `422 validation` naming the first offending field:
/// `items` (empty or more than [`MAX_LINES`]), `items[i].sku` (unknown) or
/// `items[i].qty` (outside [`QTY_RANGE`]).
pub fn price_cart(catalog: &Catalog, request: &CartRequest) -> Result<Priced, ApiError> {
    if request.items.is_empty() {
        return Err(ApiError::validation(
            "items",
            "the cart must contain at least one item",
        ));
    }
    if request.items.len() > MAX_LINES {
        return Err(ApiError::validation(
            "items",
            format!("the cart may contain at most {MAX_LINES} items"),
        ));
    }
    let lines = request
        .items
        .iter()
        .enumerate()
        .map(|(index, line)| price_line(catalog, index, line))
        .collect::<Result<Vec<_>, _>>()?;
    let subtotal: Money = lines.iter().map(|line| line.price.times(line.qty)).sum();
    let coupon = request.coupon.as_deref().and_then(Coupon::from_code);
    let discount = coupon.map_or(Money::ZERO, |coupon| coupon.discount(subtotal));
    Ok(Priced {
        lines,
        subtotal,
        discount,
        total: subtotal - discount,
        coupon,
    })
}

fn price_line(catalog: &Catalog, index: usize, line: &LineRequest) -> Result<PricedLine, ApiError> {
    let item = catalog.get(&line.sku).ok_or_else(|| {
        ApiError::validation(
            format!("items[{index}].sku"),
            format!("unknown sku {:?}", line.sku),
        )
    })?;
    let qty = u32::try_from(line.qty)
        .ok()
        .filter(|_| QTY_RANGE.contains(&line.qty))
        .ok_or_else(|| {
            ApiError::validation(
                format!("items[{index}].qty"),
                format!(
                    "qty must be between {} and {}, got {}",
                    QTY_RANGE.start(),
                    QTY_RANGE.end(),
                    line.qty
                ),
            )
        })?;
    Ok(PricedLine {
        sku: item.sku.clone(),
        qty,
        price: item.price,
    })
}

/// Body of a `POST /cart/quote` answer.
#[derive(Debug, Serialize)]
pub struct QuoteResponse {
    subtotal: Money,
    discount: Money,
    total: Money,
    coupon: Option<&'static str>,
}

/// `POST /cart/quote` (auth): what the cart would cost, without ordering.
pub async fn quote(
    _user: AuthUser,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CartRequest>,
) -> Result<Json<QuoteResponse>, ApiError> {
    let priced = price_cart(&state.catalog, &request)?;
    Ok(Json(QuoteResponse {
        subtotal: priced.subtotal,
        discount: priced.discount,
        total: priced.total,
        coupon: priced.coupon.map(Coupon::code),
    }))
}

#[cfg(test)]
mod tests {
    use super::{CartRequest, Coupon, LineRequest, price_cart};
    use crate::catalog::Catalog;
    use crate::money::Money;

    fn cart(items: &[(&str, i64)], coupon: Option<&str>) -> CartRequest {
        CartRequest {
            items: items
                .iter()
                .map(|&(sku, qty)| LineRequest {
                    sku: sku.to_owned(),
                    qty,
                })
                .collect(),
            coupon: coupon.map(str::to_owned),
        }
    }

    #[test]
    fn save10_on_two_of_the_first_item() {
        let priced = price_cart(
            &Catalog::generate(),
            &cart(&[("AB-0001", 2)], Some("SAVE10")),
        )
        .expect("ok");
        assert_eq!(priced.subtotal, Money::from_cents(1998));
        assert_eq!(priced.discount, Money::from_cents(200));
        assert_eq!(priced.total, Money::from_cents(1798));
        assert_eq!(priced.coupon, Some(Coupon::Save10));
    }

    #[test]
    fn unknown_coupon_is_ignored() {
        let priced = price_cart(
            &Catalog::generate(),
            &cart(&[("AB-0001", 1)], Some("save10")),
        )
        .expect("ok");
        assert_eq!(priced.discount, Money::ZERO);
        assert_eq!(priced.coupon, None);
    }

    #[test]
    fn validation_names_the_field() {
        let catalog = Catalog::generate();
        let field = |request: &CartRequest| {
            price_cart(&catalog, request)
                .expect_err("invalid")
                .field()
                .map(str::to_owned)
        };
        assert_eq!(field(&cart(&[], None)).as_deref(), Some("items"));
        assert_eq!(
            field(&cart(&[("AB-0001", 1), ("AB-0001", 0)], None)).as_deref(),
            Some("items[1].qty")
        );
        assert_eq!(
            field(&cart(&[("AB-0001", 101)], None)).as_deref(),
            Some("items[0].qty")
        );
        assert_eq!(
            field(&cart(&[("AB-0001", -3)], None)).as_deref(),
            Some("items[0].qty")
        );
        assert_eq!(
            field(&cart(&[("ZZ-9999", 1)], None)).as_deref(),
            Some("items[0].sku")
        );
        let many: Vec<(&str, i64)> = vec![("AB-0001", 1); 51];
        assert_eq!(field(&cart(&many, None)).as_deref(), Some("items"));
        let fifty: Vec<(&str, i64)> = vec![("AB-0001", 1); 50];
        assert!(price_cart(&catalog, &cart(&fifty, None)).is_ok());
    }
}
