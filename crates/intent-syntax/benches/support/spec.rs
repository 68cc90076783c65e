//! A generator of large, valid Intent specs for benchmarks.
//!
//! Why generated and not committed: a 100,000-line fixture would be megabytes of churn in the
//! repository and would drift from the grammar; generating it in code keeps it small, keeps it
//! in step with the language (a benchmark that no longer parses fails loudly) and lets each
//! benchmark pick its size.
//!
//! Why this shape: a parser's speed depends on what it parses, so the spec is made of "areas",
//! each a copy of a realistic shop spec that uses every construct of the language — metadata,
//! targets with clauses, `let`, `secret`, types with refinements, unions and records, steps,
//! intents (tags, `because`, `given` bindings and prose step calls, every request clause,
//! examples tables, checks with quantifiers and every predicate, interpolation, regexes,
//! units, raw strings, escapes), datasets, evaluations, load blocks, policies of every scope
//! and monitors. Every title and name carries the area number, so each item is unique and the
//! spec stays meaningful for the later stages (names resolve within their area, each step
//! pattern is distinct, every name is used): `intent check` and `intent compile` accept it
//! without a diagnostic, which is what a whole-pipeline benchmark needs from it. It has no
//! `use` item, so it stands alone; area N reads the dataset `data/faq_N.jsonl` (one JSON Lines
//! row such as `{"question":"q","answer":"a","team":"billing"}` fits its columns), which a
//! pipeline benchmark must create next to the spec.
//!
//! The generator depends only on `std`, so another benchmark can include this file with
//! `#[path = "…/intent-syntax/benches/support/spec.rs"] mod spec;`.

/// The first lines of the file: a comment and the one `spec` item.
const HEADER: &str = r#"# A generated spec for benchmarks: many areas of a shop, each using every construct.
spec "Generated benchmark spec" {
  owner "bench-team"
  version "2026.11"
  generated true
  areas @AREAS@
}
"#;

/// One area. `$i` is the area number; `$price`, `$qty`, `$ms` and `$rate` vary from area to
/// area so that the numbers are not all alike.
const AREA: &str = r##"
# ---------------------------------------------------------------------------------------------
# Area $i: constants, the target and the types.

let base_price_$i = $price
let page_sizes_$i = [10, 20, 50]
let limits_$i = { max_items: 100, max_total: 5000.50, currency: "EUR", flags: [true, false, null] }
let greeting_$i = "hello from area {base_price_$i}"
secret api_key_$i = env("SHOP_KEY_$i")
secret admin_password_$i = env("SHOP_ADMIN_$i", "change-me")

target shop_$i = env("SHOP_URL_$i", "http://127.0.0.1:8080") {
  header "Accept" = "application/json"
  header "X-Area" = "area-$i"
  query "lang" = "en"
  auth bearer api_key_$i
  timeout 5s
}

type Sku_$i = string matching /^[A-Z]{2}-\d{4}$/
type Email_$i = string matching /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i
type Status_$i = "pending" | "paid" | "shipped" | "cancelled"
type Qty_$i = int in 1..100
type Delta_$i = int in -50..50
type Price_$i = decimal >= 0 <= 100000
type Name_$i = string nonempty
type Answer_$i = "yes" | "no" | 1 | -1 | true | null
type Item_$i { sku: Sku_$i, qty: Qty_$i, price: Price_$i }

type Line_$i exact {
  sku: Sku_$i
  qty: Qty_$i
  price: Price_$i
  note?: string | null
}

type Order_$i {
  id: uuid
  status: Status_$i
  items: [Line_$i] nonempty
  total: decimal >= 0
  coupon?: string | null
  customer: {
    name: Name_$i
    email: Email_$i
    tier?: "gold" | "silver" | "bronze"
  }
  history: [{ at: string, status: Status_$i }]
}

type Page_$i {
  page: int >= 1
  per_page: int in 1..100
  total: int >= 0
  items: [Item_$i]
}

type Problem_$i exact {
  error: exact {
    code: string
    message: string nonempty
    field?: string
  }
}

# Area $i: reusable steps.

step "a shopper {name: string} of area a$i is logged in" -> string {
  when POST shop_$i /login
    json { user: name, password: "pw-{name}" }
  then status == 200
  and body.token exists
  yield body.token
}

step "area a$i has {count: int} units of {sku: Sku_$i} in stock" {
  when PUT shop_$i /stock/{sku}
    json { count: count }
    timeout 2s
  then status in [200, 204]
}

# Area $i: behaviour.

intent "Shoppers of area $i can place an order" @smoke @checkout @area-$i {
  because "revenue in area $i depends on a checkout that never blocks a paying customer"
  given token = a shopper "alice" of area a$i is logged in
  given area a$i has $qty units of "AB-0001" in stock
  given started = now()
  when POST shop_$i /orders -> Order_$i as created
    header "Idempotency-Key" = "order-{uuid()}"
    header "X-Started" = "{started}"
    query page = 1
    auth bearer token
    json {
      items: [{ sku: "AB-0001", qty: 2 }, { sku: "AB-0002", qty: 1 }]
      coupon: null
      gift: false
    }
    timeout 3s
  then status == 201
  and created.body.total == 19.98 + 3.99
  and body.status == "pending"
  and body.status is Status_$i
  and every line in body.items has line.qty >= 1 and line.price >= 0
  and some line in body.items has line.sku starts with "AB-"
  and header "Location" matches /^\/orders\/[0-9a-f-]{36}$/
  and header "Content-Type" contains "json"
  and duration < $msms
  and size <= 10KB
  and body.coupon is absent or body.coupon == null
  and not (status >= 500)
  and body.customer.email ends with ".example"
  and len(body.items) in 1..10
  and len(body.items) <= limits_$i.max_items
  and 10 in page_sizes_$i
  and body.items[0].sku not in ["XX-0000", "YY-0000"]
  and body.id != ""
  and (body.total * 100) / 100 == body.total - 0
  expect body.history[0].status is not "cancelled"
  expect body.customer.name not matches /^\s*$/
  expect body.customer.name not contains "<script>"
  expect -body.total < 0
  expect headers exists
}

intent "Coupons of area $i change the total" @checkout @area-$i {
  examples
    | code     | total | applied |
    | "SAVE10" | 17.98 | true    |
    | "HALF"   | 9.99  | true    |
    | "NONE"   | 19.98 | false   |
    | "EXPIRED" | 19.98 | false  |
  given token = a shopper "bob" of area a$i is logged in
  when POST shop_$i /cart/quote
    auth bearer token
    json { items: [{ sku: "AB-0001", qty: 2 }], coupon: code }
  then status == 200
  and body.total == total
  and body.applied == applied
  and body.message == "coupon {code} gives {total}"
}

intent "An order of area $i is eventually paid" @checkout @slow {
  given token = a shopper "carol" of area a$i is logged in
  when POST shop_$i /orders -> Order_$i as created
    auth bearer token
    json { items: [{ sku: "AB-0003", qty: 1 }] }
  then status == 201
  when POST shop_$i /orders/{created.body.id}/pay
    auth bearer token
    form { method: "card", amount: created.body.total }
  then status == 202
  when GET shop_$i /orders/{created.body.id} -> Order_$i
    auth bearer token
    retry 5 times every 50ms until body.status == "paid"
  then body.status == "paid"
  and body.id == created.body.id
}

intent "Area $i rejects an admin import without quantities" @admin @private {
  when POST shop_$i "/admin/import" -> Problem_$i
    auth basic "admin", admin_password_$i
    header "Content-Type" = "text/csv"
    body """
sku,qty
AB-0001,x
"""
  then status == 422
  and body.error.code == "validation"
  and body.error.message contains "qty"
}

intent "Area $i greets shoppers by name" @i18n @wip {
  given area a$i has 3 units of "AB-0002" in stock
  when a shopper "zoë" of area a$i is logged in
  when GET shop_$i /greeting?name=zo%C3%AB&area=$i
  then status == 200
  and body.text == "Bonjour, zo\u{eb} \{not interpolated\} \"quoted\"\n"
  and body.cart is Page_$i
  and body.count + 1 > 1 or body.count == 0
  and status is not 500
  and body.greeting == greeting_$i
}

# Area $i: evaluation, load, governance and monitoring.

dataset faq_$i = "data/faq_$i.jsonl" {
  question: string nonempty
  answer: string
  team: "billing" | "shipping" | "returns"
  confidence?: decimal in 0..1
}

evaluate "The support bot of area $i routes questions to the right team" @ai @area-$i over faq_$i as case {
  because "a misrouted question costs the shopper a day"
  when POST shop_$i /support/answer
    json { question: case.question, locale: "en" }
  then status == 200
  classify body.team against case.team
  score overlap = rouge_l(body.answer, case.answer)
  score close = similarity(lower(body.answer), lower(case.answer))
  score same = exact(body.team, case.team)
  expect accuracy >= 90% at 95% confidence
  expect recall("billing") >= 85%
  expect precision("shipping") >= 80%
  expect f1("returns") >= 80%
  expect p10(overlap) >= 0.35
  expect mean(close) > 0.5
  expect p95(duration) < 2s
  expect mean(same) >= 0.7
  expect rate(same == 1) >= 75% at 90% confidence
}

load "The catalog of area $i holds peak traffic" @slo {
  because "the sale starts at nine"
  arrive $rate/s for 30s
  when GET shop_$i /catalog?page={random.int(1, 50)}&per_page=20
  expect p99(duration) < 250ms
  expect error_rate < 0.1%
  expect throughput >= 190/s
}

load "The cart of area $i holds fifty users" @slo {
  users 50 for 1m
  given token = a shopper "dave" of area a$i is logged in
  when GET shop_$i /cart -> Page_$i
    auth bearer token
  expect p50(duration) <= 100ms
  expect max(duration) < 1s
}

policy "Area $i leaks no personal data" level fail applies to every response {
  because "personal data never leaves the service"
  expect body not contains pii.email
  expect body not contains pii.card_number
}

policy "Area $i sends security headers" level warn applies to every response from shop_$i {
  expect header "X-Content-Type-Options" == "nosniff"
  expect header "Strict-Transport-Security" exists
}

policy "Private endpoints of area $i need credentials" applies to intents tagged @private and not (@slow or @wip) {
  without auth expect status in [401, 403]
}

policy "Admin endpoints of area $i are checked later" level off applies to intents tagged @admin {
  without auth then status == 401
}

monitor "Production smoke of area $i" @ops every 5m {
  because "on-call wants to know before the shoppers do"
  run intents tagged @smoke and @area-$i
  alert webhook env("ALERT_WEBHOOK_$i", "http://127.0.0.1:9/alerts") after 2 failures
}

monitor "Nightly run of area $i" every 24h {
  run all
  alert webhook "https://hooks.example.com/nightly/area-$i"
}

monitor "Checkout watch of area $i" every 1h {
  run "Shoppers of area $i can place an order"
  alert webhook "https://hooks.example.com/checkout#area-$i" after 1 failure
}
"##;

/// Returns a valid spec of at least `lines` lines (it ends after the area that reaches the
/// count, so it overshoots by less than one area, about 300 lines). The same `lines` always
/// gives the same text.
pub fn generate_spec(lines: usize) -> String {
    let area_lines = AREA.matches('\n').count();
    let header_lines = HEADER.matches('\n').count();
    let areas = lines
        .saturating_sub(header_lines)
        .div_ceil(area_lines)
        .max(1);
    let mut out = String::with_capacity(HEADER.len() + areas * (AREA.len() + 256));
    out.push_str(&HEADER.replace("@AREAS@", &areas.to_string()));
    let mut random = Lcg(0x001D_7E17);
    for i in 1..=areas {
        let area = AREA
            .replace(
                "$price",
                &format!("{}.{:02}", 1 + random.below(200), random.below(100)),
            )
            .replace("$qty", &(1 + random.below(99)).to_string())
            .replace("$ms", &(100 + 50 * random.below(10)).to_string())
            .replace("$rate", &(50 + 10 * random.below(30)).to_string())
            .replace("$i", &i.to_string());
        out.push_str(&area);
    }
    out
}

/// A tiny deterministic pseudo-random source (a 64-bit linear congruential generator), so the
/// spec is the same on every run and every machine without a dependency.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}
