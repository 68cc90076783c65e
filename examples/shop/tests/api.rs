//! End-to-end tests of the shop's HTTP contract, over real sockets.
//!
//! Each test starts its own server on `127.0.0.1:0` via the library's
//! `serve`, so tests are isolated (fresh state) and can run in parallel.

use intent_example_shop::serve;
use reqwest::{Client, Method, Response, StatusCode, header};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server plus a client pointed at it.
struct Shop {
    base: String,
    http: Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Shop {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, async {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            http: Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send(Method::POST, path, token, Some(body)).await
    }

    async fn login(&self, user: &str) -> String {
        let response = self
            .post(
                "/login",
                None,
                json!({"user": user, "password": format!("pw-{user}")}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = body(response).await;
        body["token"].as_str().expect("token").to_owned()
    }

    /// Places `AB-0001 × qty` and returns the order body.
    async fn order(&self, token: &str, qty: i64) -> Value {
        let response = self
            .post(
                "/orders",
                Some(token),
                json!({"items": [{"sku": "AB-0001", "qty": qty}]}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        body(response).await
    }

    async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Asserts the headers every response carries, then parses the JSON body.
async fn body(response: Response) -> Value {
    let headers = response.headers();
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .map(|v| v.as_bytes()),
        Some(&b"nosniff"[..]),
        "X-Content-Type-Options on {}",
        response.url()
    );
    assert_eq!(
        headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.as_bytes()),
        Some(&b"max-age=63072000; includeSubDomains"[..]),
        "HSTS on {}",
        response.url()
    );
    assert_eq!(
        headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"application/json"[..]),
        "Content-Type on {}",
        response.url()
    );
    response.json().await.expect("JSON body")
}

/// Asserts a typed error response and returns its `error` object.
async fn expect_error(
    response: Response,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) -> Value {
    assert_eq!(response.status(), status, "status of {}", response.url());
    let body = body(response).await;
    let error = &body["error"];
    assert_eq!(error["code"], json!(code), "{body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    match field {
        Some(field) => assert_eq!(error["field"], json!(field), "{body}"),
        None => assert!(error.get("field").is_none(), "{body}"),
    }
    error.clone()
}

fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

fn is_sku(sku: &str) -> bool {
    let bytes = sku.as_bytes();
    bytes.len() == 7
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2] == b'-'
        && bytes[3..].iter().all(u8::is_ascii_digit)
}

#[tokio::test]
async fn health_is_ok_with_security_headers() {
    let shop = Shop::start().await;
    let response = shop.get("/health", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, json!({"status": "ok"}));
    shop.shutdown().await;
}

#[tokio::test]
async fn login_issues_distinct_tokens_for_valid_credentials() {
    let shop = Shop::start().await;
    let response = shop
        .post(
            "/login",
            None,
            json!({"user": "alice", "password": "pw-alice"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let first = body(response).await;
    assert_eq!(first["user"], json!("alice"));
    let token = first["token"].as_str().expect("token");
    assert!(!token.is_empty());

    let second = shop.login("alice").await;
    assert_ne!(token, second, "each login gets its own token");
}

#[tokio::test]
async fn login_rejects_bad_credentials_and_bodies() {
    let shop = Shop::start().await;
    for credentials in [
        json!({"user": "alice", "password": "pw-bob"}),
        json!({"user": "alice", "password": "alice"}),
        json!({"user": "", "password": "pw-"}),
    ] {
        let response = shop.post("/login", None, credentials).await;
        assert_eq!(
            response
                .headers()
                .get(header::WWW_AUTHENTICATE)
                .map(|v| v.as_bytes()),
            Some(&b"Bearer"[..])
        );
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            None,
        )
        .await;
    }

    // Missing field.
    let response = shop.post("/login", None, json!({"user": "alice"})).await;
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;

    // Not JSON at all.
    let response = shop
        .http
        .post(shop.url("/login"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;

    // No body.
    let response = shop
        .http
        .post(shop.url("/login"))
        .send()
        .await
        .expect("request");
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;

    // Declared as something other than JSON.
    let response = shop
        .http
        .post(shop.url("/login"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(r#"{"user":"alice","password":"pw-alice"}"#)
        .send()
        .await
        .expect("request");
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;
}

#[tokio::test]
async fn catalog_defaults_to_first_page_of_ten() {
    let shop = Shop::start().await;
    let response = shop.get("/catalog", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert_eq!(page["page"], json!(1));
    assert_eq!(page["per_page"], json!(10));
    assert_eq!(page["total"], json!(500));
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 10);
    assert_eq!(
        items[0],
        json!({"sku": "AB-0001", "name": "Item 1", "price": 9.99})
    );
    assert_eq!(items[9]["sku"], json!("AB-0010"));
    for item in items {
        assert!(is_sku(item["sku"].as_str().expect("sku")), "{item}");
        assert!(item["price"].as_f64().is_some_and(|p| p > 0.0), "{item}");
    }
}

#[tokio::test]
async fn catalog_pages_through_all_500_items() {
    let shop = Shop::start().await;
    let mut skus = Vec::new();
    for page in 1..=5 {
        let response = shop
            .get(&format!("/catalog?page={page}&per_page=100"), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = body(response).await;
        assert_eq!(body["page"], json!(page));
        assert_eq!(body["per_page"], json!(100));
        for item in body["items"].as_array().expect("items") {
            skus.push(item["sku"].as_str().expect("sku").to_owned());
        }
    }
    let expected: Vec<String> = (1..=500).map(|i| format!("AB-{i:04}")).collect();
    assert_eq!(skus, expected);

    let last = body(shop.get("/catalog?page=50", None).await).await;
    let items = last["items"].as_array().expect("items");
    assert_eq!(items.len(), 10);
    assert_eq!(items[9]["sku"], json!("AB-0500"));
    assert_eq!(items[9]["name"], json!("Item 500"));

    let beyond = shop.get("/catalog?page=51", None).await;
    assert_eq!(beyond.status(), StatusCode::OK);
    let beyond = body(beyond).await;
    assert_eq!(beyond["items"], json!([]));
    assert_eq!(beyond["total"], json!(500));
}

#[tokio::test]
async fn catalog_rejects_bad_paging_parameters() {
    let shop = Shop::start().await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=2&per_page=1000", "per_page"),
    ] {
        let response = shop.get(&format!("/catalog?{query}"), None).await;
        expect_error(
            response,
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some(field),
        )
        .await;
    }
}

#[tokio::test]
async fn catalog_item_by_sku() {
    let shop = Shop::start().await;
    let response = shop.get("/catalog/AB-0001", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        body(response).await,
        json!({"sku": "AB-0001", "name": "Item 1", "price": 9.99})
    );

    let second = body(shop.get("/catalog/AB-0002", None).await).await;
    assert_eq!(second["price"], json!(3.99));

    for missing in ["/catalog/AB-0501", "/catalog/ZZ-0001", "/catalog/ab-0001"] {
        let response = shop.get(missing, None).await;
        expect_error(response, StatusCode::NOT_FOUND, "not_found", Some("sku")).await;
    }
}

#[tokio::test]
async fn protected_endpoints_require_a_valid_bearer_token() {
    let shop = Shop::start().await;
    let alice = shop.login("alice").await;
    let order = shop.order(&alice, 1).await;
    let id = order["id"].as_str().expect("id");
    let cart = json!({"items": [{"sku": "AB-0001", "qty": 1}]});
    let endpoints = [
        (Method::POST, "/orders".to_owned(), Some(cart.clone())),
        (Method::GET, "/orders".to_owned(), None),
        (Method::GET, format!("/orders/{id}"), None),
        (Method::POST, format!("/orders/{id}/pay"), None),
        (Method::POST, "/cart/quote".to_owned(), Some(cart.clone())),
    ];
    for (method, path, payload) in endpoints {
        for token in [None, Some("not-a-token")] {
            let response = shop
                .send(method.clone(), &path, token, payload.clone())
                .await;
            assert_eq!(
                response
                    .headers()
                    .get(header::WWW_AUTHENTICATE)
                    .map(|v| v.as_bytes()),
                Some(&b"Bearer"[..]),
                "{method} {path}"
            );
            expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        }
        // A non-Bearer scheme is not accepted either.
        let response = shop
            .http
            .request(method.clone(), shop.url(&path))
            .header(header::AUTHORIZATION, format!("Basic {alice}"))
            .send()
            .await
            .expect("request");
        expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    }

    // The rejected pay attempt above must not have started payment.
    let response = shop
        .send(
            Method::POST,
            &format!("/orders/{id}/pay"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn placing_an_order() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let response = shop
        .post(
            "/orders",
            Some(&token),
            json!({"items": [{"sku": "AB-0001", "qty": 2}, {"sku": "AB-0002", "qty": 1}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("Location header");
    let order = body(response).await;
    let id = order["id"].as_str().expect("id");
    assert!(is_uuid_v4(id), "{id}");
    assert_eq!(location, format!("/orders/{id}"));
    assert_eq!(order["status"], json!("pending"));
    assert_eq!(
        order["items"],
        json!([
            {"sku": "AB-0001", "qty": 2, "price": 9.99},
            {"sku": "AB-0002", "qty": 1, "price": 3.99},
        ])
    );
    assert_eq!(order["total"], json!(23.97));
    assert_eq!(order["coupon"], Value::Null);

    // Location is fetchable and returns the same order.
    let fetched = shop.get(&location, Some(&token)).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(body(fetched).await, order);

    // A second order gets a fresh id.
    let other = shop.order(&token, 1).await;
    assert_ne!(other["id"], order["id"]);
}

#[tokio::test]
async fn orders_apply_coupons() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let cases = [
        ("SAVE10", json!(17.98), json!("SAVE10")),
        ("HALF", json!(9.99), json!("HALF")),
        ("BOGUS", json!(19.98), Value::Null),
    ];
    for (coupon, total, echoed) in cases {
        let response = shop
            .post(
                "/orders",
                Some(&token),
                json!({"items": [{"sku": "AB-0001", "qty": 2}], "coupon": coupon}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let order = body(response).await;
        assert_eq!(order["total"], total, "{coupon}");
        assert_eq!(order["coupon"], echoed, "{coupon}");
    }
}

#[tokio::test]
async fn order_and_quote_validation_name_the_field() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let line = json!({"sku": "AB-0001", "qty": 1});
    let cases = [
        (json!({"items": []}), "items"),
        (json!({}), "items"),
        (json!({"items": vec![line.clone(); 51]}), "items"),
        (
            json!({"items": [{"sku": "AB-0001", "qty": 0}]}),
            "items[0].qty",
        ),
        (
            json!({"items": [line.clone(), {"sku": "AB-0001", "qty": 101}]}),
            "items[1].qty",
        ),
        (
            json!({"items": [{"sku": "AB-0001", "qty": -1}]}),
            "items[0].qty",
        ),
        (
            json!({"items": [line.clone(), line.clone(), {"sku": "XX-0001", "qty": 1}]}),
            "items[2].sku",
        ),
        (
            json!({"items": [{"sku": "AB-9999", "qty": 1}]}),
            "items[0].sku",
        ),
    ];
    for path in ["/orders", "/cart/quote"] {
        for (cart, field) in &cases {
            let response = shop.post(path, Some(&token), cart.clone()).await;
            expect_error(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                Some(field),
            )
            .await;
        }
        // Boundaries are accepted.
        let ok = shop
            .post(
                path,
                Some(&token),
                json!({"items": vec![json!({"sku": "AB-0500", "qty": 100}); 50]}),
            )
            .await;
        assert!(ok.status().is_success(), "{path}: {}", ok.status());

        // Wrong types are malformed requests, not validation failures.
        let response = shop
            .post(
                path,
                Some(&token),
                json!({"items": [{"sku": "AB-0001", "qty": "two"}]}),
            )
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;
    }
    // Nothing invalid was stored: the only order is the boundary case
    // accepted by /orders (quotes never create orders).
    let list = body(shop.get("/orders", Some(&token)).await).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn listing_orders_is_per_user_in_creation_order() {
    let shop = Shop::start().await;
    let alice = shop.login("alice").await;
    let bob = shop.login("bob").await;

    let empty = shop.get("/orders", Some(&alice)).await;
    assert_eq!(empty.status(), StatusCode::OK);
    assert_eq!(body(empty).await, json!({"items": []}));

    let first = shop.order(&alice, 1).await;
    let bobs = shop.order(&bob, 3).await;
    let second = shop.order(&alice, 2).await;

    let list = body(shop.get("/orders", Some(&alice)).await).await;
    assert_eq!(list, json!({"items": [first, second]}));
    let list = body(shop.get("/orders", Some(&bob)).await).await;
    assert_eq!(list, json!({"items": [bobs]}));

    // Another token for the same user sees the same orders.
    let alice_again = shop.login("alice").await;
    let list = body(shop.get("/orders", Some(&alice_again)).await).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn orders_are_invisible_to_other_users() {
    let shop = Shop::start().await;
    let alice = shop.login("alice").await;
    let bob = shop.login("bob").await;
    let order = shop.order(&alice, 1).await;
    let id = order["id"].as_str().expect("id");

    let response = shop.get(&format!("/orders/{id}"), Some(&bob)).await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found", None).await;
    let response = shop
        .send(Method::POST, &format!("/orders/{id}/pay"), Some(&bob), None)
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found", None).await;

    let unknown = "00000000-0000-4000-8000-000000000000";
    let response = shop.get(&format!("/orders/{unknown}"), Some(&alice)).await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found", None).await;
    let response = shop
        .send(
            Method::POST,
            &format!("/orders/{unknown}/pay"),
            Some(&alice),
            None,
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found", None).await;

    // Bob's attempts did not change Alice's order.
    let own = shop.get(&format!("/orders/{id}"), Some(&alice)).await;
    assert_eq!(body(own).await, order);
}

#[tokio::test]
async fn payment_settles_on_the_third_read_after_paying() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let order = shop.order(&token, 2).await;
    let id = order["id"].as_str().expect("id");
    let path = format!("/orders/{id}");

    // Reads before paying do not count towards settlement.
    for _ in 0..3 {
        let current = body(shop.get(&path, Some(&token)).await).await;
        assert_eq!(current["status"], json!("pending"));
    }

    let response = shop
        .send(Method::POST, &format!("{path}/pay"), Some(&token), None)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(body(response).await, json!({"id": id, "status": "pending"}));

    // Listing does not advance settlement either.
    let list = body(shop.get("/orders", Some(&token)).await).await;
    assert_eq!(list["items"][0]["status"], json!("pending"));

    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = shop.get(&path, Some(&token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        statuses.push(body(response).await["status"].clone());
    }
    assert_eq!(
        statuses,
        [
            json!("pending"),
            json!("pending"),
            json!("paid"),
            json!("paid")
        ]
    );

    let paid = body(shop.get(&path, Some(&token)).await).await;
    assert_eq!(paid["total"], order["total"]);
    assert_eq!(paid["items"], order["items"]);
    let list = body(shop.get("/orders", Some(&token)).await).await;
    assert_eq!(list["items"][0]["status"], json!("paid"));

    let again = shop
        .send(Method::POST, &format!("{path}/pay"), Some(&token), None)
        .await;
    expect_error(again, StatusCode::CONFLICT, "conflict", None).await;
}

#[tokio::test]
async fn paying_twice_conflicts_even_before_settlement() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let order = shop.order(&token, 1).await;
    let pay = format!("/orders/{}/pay", order["id"].as_str().expect("id"));
    let first = shop.send(Method::POST, &pay, Some(&token), None).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let second = shop.send(Method::POST, &pay, Some(&token), None).await;
    expect_error(second, StatusCode::CONFLICT, "conflict", None).await;
}

#[tokio::test]
async fn polling_until_paid_as_a_spec_would() {
    let shop = Shop::start().await;
    let token = shop.login("carol").await;
    let order = shop.order(&token, 1).await;
    let path = format!("/orders/{}", order["id"].as_str().expect("id"));
    let pay = shop
        .send(Method::POST, &format!("{path}/pay"), Some(&token), None)
        .await;
    assert_eq!(pay.status(), StatusCode::ACCEPTED);

    // retry 5 times until body.status == "paid"
    let mut attempts = 0;
    let paid = loop {
        attempts += 1;
        let current = body(shop.get(&path, Some(&token)).await).await;
        if current["status"] == json!("paid") || attempts == 5 {
            break current;
        }
    };
    assert_eq!(paid["status"], json!("paid"));
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn quoting_a_cart() {
    let shop = Shop::start().await;
    let token = shop.login("alice").await;
    let two_of_first = json!([{"sku": "AB-0001", "qty": 2}]);
    let cases = [
        (
            json!({"items": two_of_first, "coupon": "SAVE10"}),
            json!({"subtotal": 19.98, "discount": 2.0, "total": 17.98, "coupon": "SAVE10"}),
        ),
        (
            json!({"items": two_of_first, "coupon": "HALF"}),
            json!({"subtotal": 19.98, "discount": 9.99, "total": 9.99, "coupon": "HALF"}),
        ),
        (
            json!({"items": two_of_first, "coupon": "save10"}),
            json!({"subtotal": 19.98, "discount": 0.0, "total": 19.98, "coupon": null}),
        ),
        (
            json!({"items": two_of_first}),
            json!({"subtotal": 19.98, "discount": 0.0, "total": 19.98, "coupon": null}),
        ),
        (
            json!({"items": two_of_first, "coupon": null}),
            json!({"subtotal": 19.98, "discount": 0.0, "total": 19.98, "coupon": null}),
        ),
        (
            // 9.99 + 3 × 3.99 = 21.96; 10% = 2.196 → 2.20.
            json!({"items": [{"sku": "AB-0001", "qty": 1}, {"sku": "AB-0002", "qty": 3}],
                   "coupon": "SAVE10"}),
            json!({"subtotal": 21.96, "discount": 2.2, "total": 19.76, "coupon": "SAVE10"}),
        ),
        (
            // 3 × 9.99 = 29.97; half = 14.985 → 14.99 (half-up).
            json!({"items": [{"sku": "AB-0001", "qty": 3}], "coupon": "HALF"}),
            json!({"subtotal": 29.97, "discount": 14.99, "total": 14.98, "coupon": "HALF"}),
        ),
    ];
    for (cart, expected) in cases {
        let response = shop.post("/cart/quote", Some(&token), cart.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{cart}");
        assert_eq!(body(response).await, expected, "{cart}");
    }
    // Quoting does not create orders.
    let list = body(shop.get("/orders", Some(&token)).await).await;
    assert_eq!(list, json!({"items": []}));
}

#[tokio::test]
async fn support_routes_questions_to_teams() {
    let shop = Shop::start().await;
    let cases = [
        ("Where is my refund?", "billing", "Refund"),
        ("Why was I charged twice?", "billing", "charge"),
        ("I need a copy of my INVOICE", "billing", "invoice"),
        ("When will my order ship?", "shipping", "track your package"),
        ("Can I track my delivery?", "shipping", "ship"),
        ("The courier lost it", "shipping", "package"),
        ("How do I return a mug?", "returns", "return"),
        ("The item arrived damaged", "returns", "damaged"),
        ("I ordered the wrong size", "returns", "exchange"),
        // The earliest keyword wins.
        (
            "I want to return this, and when is my refund?",
            "returns",
            "return",
        ),
        (
            "Refund for the package I want to return",
            "billing",
            "Refund",
        ),
        // Nothing matches: billing with a generic answer.
        ("Hello, are you open on Sundays?", "billing", "billing team"),
    ];
    for (question, team, mention) in cases {
        let response = shop
            .post("/support/answer", None, json!({"question": question}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{question}");
        let answer = body(response).await;
        assert_eq!(answer["team"], json!(team), "{question}");
        let text = answer["answer"].as_str().expect("answer");
        assert!(text.contains(mention), "{question}: {text}");
    }

    // Deterministic: the same question gets the same answer.
    let ask = || shop.post("/support/answer", None, json!({"question": "ship it"}));
    assert_eq!(body(ask().await).await, body(ask().await).await);
    let shipping = body(ask().await).await;
    assert_eq!(
        shipping["answer"],
        json!(
            "Orders ship within 2 business days and you can track your package from your account page."
        )
    );
}

#[tokio::test]
async fn support_rejects_empty_questions() {
    let shop = Shop::start().await;
    for question in ["", "   "] {
        let response = shop
            .post("/support/answer", None, json!({"question": question}))
            .await;
        expect_error(
            response,
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("question"),
        )
        .await;
    }
    let response = shop.post("/support/answer", None, json!({})).await;
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request", None).await;
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let shop = Shop::start().await;
    for path in ["/nope", "/catalog/AB-0001/extra", "/orders/x/y/z", "/"] {
        let response = shop.get(path, None).await;
        expect_error(response, StatusCode::NOT_FOUND, "not_found", None).await;
    }

    for (method, path, allow) in [
        (Method::DELETE, "/health", "GET,HEAD"),
        (Method::GET, "/login", "POST"),
        (Method::PUT, "/orders", "POST,GET,HEAD"),
        (Method::GET, "/support/answer", "POST"),
    ] {
        let response = shop.send(method.clone(), path, None, None).await;
        let allowed = response
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mut methods: Vec<String> = v.split(',').map(|m| m.trim().to_owned()).collect();
                methods.sort();
                methods
            });
        let mut expected: Vec<String> = allow.split(',').map(str::to_owned).collect();
        expected.sort();
        assert_eq!(allowed, Some(expected), "{method} {path}");
        expect_error(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            None,
        )
        .await;
    }
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_rejected() {
    const LIMIT: usize = 1024 * 1024;
    let shop = Shop::start().await;

    // Exactly at the limit: accepted.
    let prefix = r#"{"question":"ship "#;
    let suffix = r#""}"#;
    let padding = "a".repeat(LIMIT - prefix.len() - suffix.len());
    let at_limit = format!("{prefix}{padding}{suffix}");
    assert_eq!(at_limit.len(), LIMIT);
    let response = shop
        .http
        .post(shop.url("/support/answer"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(at_limit)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await["team"], json!("shipping"));

    // One byte over: 413, on authenticated endpoints too.
    let token = shop.login("alice").await;
    let over = format!("{prefix}{padding}a{suffix}");
    for (path, token) in [
        ("/support/answer", None),
        ("/login", None),
        ("/cart/quote", Some(token.as_str())),
    ] {
        let mut request = shop
            .http
            .post(shop.url(path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(over.clone());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        expect_error(
            response,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            None,
        )
        .await;
    }
}

#[tokio::test]
async fn state_is_fresh_per_server_and_shutdown_is_graceful() {
    let first = Shop::start().await;
    let token = first.login("alice").await;
    assert_eq!(
        first.get("/orders", Some(&token)).await.status(),
        StatusCode::OK
    );

    let second = Shop::start().await;
    let response = second.get("/orders", Some(&token)).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized", None).await;

    let base = first.base.clone();
    first.shutdown().await;
    assert!(
        Client::new()
            .get(format!("{base}/health"))
            .send()
            .await
            .is_err(),
        "server still answering after shutdown"
    );
    second.shutdown().await;
}
