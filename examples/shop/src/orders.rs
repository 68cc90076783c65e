//! Placing, listing, reading and paying for orders.
//!
//! Payment is asynchronous in real shops, and specs need something to poll.
//! So paying only *starts* settlement: the order stays `pending` and turns
//! `paid` on the [`SETTLE_AFTER_READS`]th `GET /orders/{id}` after the pay
//! call. That is deterministic (no timers), which keeps specs like
//! `retry 5 times every 10ms until body.status == "paid"` reliable.

use std::sync::{Mutex, PoisonError};

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderName, StatusCode, header};
use serde::Serialize;

use crate::auth::AuthUser;
use crate::body::JsonBody;
use crate::errors::ApiError;
use crate::ids;
use crate::money::Money;
use crate::quote::{CartRequest, Coupon, Priced, PricedLine, price_cart};
use crate::state::AppState;

/// How many reads of a paid-for order it takes for payment to settle.
pub const SETTLE_AFTER_READS: u32 = 3;

/// Where an order is in its payment lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payment {
    /// Not paid for yet.
    Unpaid,
    /// Pay was called; `reads` counts the `GET /orders/{id}` since then.
    Settling { reads: u32 },
    /// Settled.
    Paid,
}

impl Payment {
    fn status(self) -> Status {
        match self {
            Self::Unpaid | Self::Settling { .. } => Status::Pending,
            Self::Paid => Status::Paid,
        }
    }

    /// The state after one more read of the order.
    fn after_read(self) -> Self {
        match self {
            Self::Settling { reads } if reads + 1 >= SETTLE_AFTER_READS => Self::Paid,
            Self::Settling { reads } => Self::Settling { reads: reads + 1 },
            other => other,
        }
    }
}

/// The externally visible order status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Placed, not (yet) settled.
    Pending,
    /// Payment settled.
    Paid,
}

#[derive(Debug, Clone)]
struct Order {
    id: String,
    owner: String,
    lines: Vec<PricedLine>,
    total: Money,
    coupon: Option<Coupon>,
    payment: Payment,
}

impl Order {
    fn view(&self) -> OrderView {
        OrderView {
            id: self.id.clone(),
            status: self.payment.status(),
            items: self.lines.clone(),
            total: self.total,
            coupon: self.coupon.map(Coupon::code),
        }
    }
}

/// An order as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderView {
    /// Random UUID v4.
    pub id: String,
    /// `pending` or `paid`.
    pub status: Status,
    /// Lines with unit prices.
    pub items: Vec<PricedLine>,
    /// Amount due after any coupon.
    pub total: Money,
    /// Applied coupon code, or `null`.
    pub coupon: Option<&'static str>,
}

/// Why a pay call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayError {
    /// No such order for this user.
    NotFound,
    /// Pay was already called for this order.
    AlreadyPaid,
}

/// All orders, in creation order.
#[derive(Debug, Default)]
pub struct OrderStore {
    orders: Mutex<Vec<Order>>,
}

impl OrderStore {
    fn with_orders<R>(&self, f: impl FnOnce(&mut Vec<Order>) -> R) -> R {
        // Nothing panics while holding the lock, so a poisoned list is
        // still consistent.
        let mut orders = self.orders.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut orders)
    }

    /// Records a new pending order for `owner`.
    pub fn create(&self, owner: &str, priced: Priced) -> OrderView {
        let order = Order {
            id: ids::uuid_v4(),
            owner: owner.to_owned(),
            lines: priced.lines,
            total: priced.total,
            coupon: priced.coupon,
            payment: Payment::Unpaid,
        };
        let view = order.view();
        self.with_orders(|orders| orders.push(order));
        view
    }

    /// `owner`'s orders, oldest first. Listing does not advance settlement;
    /// only reading a single order does.
    pub fn list(&self, owner: &str) -> Vec<OrderView> {
        self.with_orders(|orders| {
            orders
                .iter()
                .filter(|order| order.owner == owner)
                .map(Order::view)
                .collect()
        })
    }

    /// Reads one of `owner`'s orders, counting the read towards settlement.
    pub fn read(&self, owner: &str, id: &str) -> Option<OrderView> {
        self.with_orders(|orders| {
            let order = find(orders, owner, id)?;
            order.payment = order.payment.after_read();
            Some(order.view())
        })
    }

    /// Starts payment of one of `owner`'s orders.
    pub fn pay(&self, owner: &str, id: &str) -> Result<OrderView, PayError> {
        self.with_orders(|orders| {
            let order = find(orders, owner, id).ok_or(PayError::NotFound)?;
            if order.payment != Payment::Unpaid {
                return Err(PayError::AlreadyPaid);
            }
            order.payment = Payment::Settling { reads: 0 };
            Ok(order.view())
        })
    }
}

/// Another user's order is indistinguishable from a missing one.
fn find<'a>(orders: &'a mut [Order], owner: &str, id: &str) -> Option<&'a mut Order> {
    orders
        .iter_mut()
        .find(|order| order.id == id && order.owner == owner)
}

fn order_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|err| ApiError::bad_request(err.body_text()))
}

fn order_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("no order with id {id:?}"))
}

/// `POST /orders` (auth): 201 with `Location: /orders/{id}`.
pub async fn create(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CartRequest>,
) -> Result<(StatusCode, [(HeaderName, String); 1], Json<OrderView>), ApiError> {
    let priced = price_cart(&state.catalog, &request)?;
    let view = state.orders.create(&user, priced);
    let location = format!("/orders/{}", view.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// Body of `GET /orders`.
#[derive(Debug, Serialize)]
pub struct OrderList {
    items: Vec<OrderView>,
}

/// `GET /orders` (auth): the caller's orders in creation order.
pub async fn list(AuthUser(user): AuthUser, State(state): State<AppState>) -> Json<OrderList> {
    Json(OrderList {
        items: state.orders.list(&user),
    })
}

/// `GET /orders/{id}` (auth).
pub async fn show(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<OrderView>, ApiError> {
    let id = order_id(id)?;
    state
        .orders
        .read(&user, &id)
        .map(Json)
        .ok_or_else(|| order_not_found(&id))
}

/// Body of a `POST /orders/{id}/pay` answer.
#[derive(Debug, Serialize)]
pub struct PayAccepted {
    id: String,
    status: Status,
}

/// `POST /orders/{id}/pay` (auth): 202, settlement continues in the
/// background (see the module docs).
pub async fn pay(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<(StatusCode, Json<PayAccepted>), ApiError> {
    let id = order_id(id)?;
    match state.orders.pay(&user, &id) {
        Ok(view) => Ok((
            StatusCode::ACCEPTED,
            Json(PayAccepted {
                id: view.id,
                status: view.status,
            }),
        )),
        Err(PayError::NotFound) => Err(order_not_found(&id)),
        Err(PayError::AlreadyPaid) => Err(ApiError::conflict(format!(
            "order {id} has already been paid"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::{OrderStore, PayError, Status};
    use crate::catalog::Catalog;
    use crate::quote::{CartRequest, LineRequest, price_cart};

    fn one_item_order(store: &OrderStore, owner: &str) -> String {
        let request = CartRequest {
            items: vec![LineRequest {
                sku: "AB-0001".to_owned(),
                qty: 1,
            }],
            coupon: None,
        };
        let priced = price_cart(&Catalog::generate(), &request).expect("valid cart");
        store.create(owner, priced).id
    }

    #[test]
    fn settles_on_third_read_after_pay() {
        let store = OrderStore::default();
        let id = one_item_order(&store, "alice");
        // Reads before paying do not count.
        for _ in 0..5 {
            assert_eq!(
                store.read("alice", &id).map(|o| o.status),
                Some(Status::Pending)
            );
        }
        assert_eq!(
            store.pay("alice", &id).map(|o| o.status),
            Ok(Status::Pending)
        );
        let statuses: Vec<_> = (0..4)
            .filter_map(|_| store.read("alice", &id).map(|o| o.status))
            .collect();
        assert_eq!(
            statuses,
            [Status::Pending, Status::Pending, Status::Paid, Status::Paid]
        );
        assert_eq!(store.pay("alice", &id), Err(PayError::AlreadyPaid));
    }

    #[test]
    fn orders_are_private() {
        let store = OrderStore::default();
        let id = one_item_order(&store, "alice");
        assert!(store.read("bob", &id).is_none());
        assert_eq!(store.pay("bob", &id), Err(PayError::NotFound));
        assert!(store.list("bob").is_empty());
        assert_eq!(store.list("alice").len(), 1);
    }
}
