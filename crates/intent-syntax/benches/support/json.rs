//! A generator of a large JSON document, the reference input for the parser benchmark.
//!
//! Why: "fast" needs a yardstick. `serde_json` parsing into a `Value` is a mature, tuned parser
//! of a simple, regular syntax that also builds a tree; parsing Intent at a similar number of
//! bytes per second means the Intent parser is close to what a text parser building a tree can
//! do. The document is shaped like real API data (orders with nested customers, addresses,
//! line items, tags and history; strings, escapes, integers, decimals, booleans and nulls) and
//! pretty-printed like a fixture, so that neither side is favoured by an unusual input.

use serde_json::{Value, json};

/// Returns a pretty-printed JSON array of orders of about `bytes` bytes (it stops after the
/// order that reaches the size). The same `bytes` always gives the same text.
pub fn generate_json(bytes: usize) -> String {
    let mut orders = Vec::new();
    let mut size = 4;
    let mut random = Lcg(0x5E4D_E150);
    while size < bytes {
        let order = order(orders.len() + 1, &mut random);
        // Nested one level deeper in the array: two more spaces on each line, and a comma.
        let text = serde_json::to_string_pretty(&order).expect("a Value always serialises");
        size += text.len() + 2 * text.matches('\n').count() + 4;
        orders.push(order);
    }
    serde_json::to_string_pretty(&Value::Array(orders)).expect("a Value always serialises")
}

fn order(n: usize, random: &mut Lcg) -> Value {
    const STATUSES: [&str; 4] = ["pending", "paid", "shipped", "cancelled"];
    const CITIES: [&str; 5] = ["Lyon", "Zürich", "Porto", "Gdańsk", "Utrecht"];
    const NAMES: [&str; 6] = ["Alice", "Bob", "Carol", "Dave", "Zoë", "Łukasz"];
    let name = NAMES[random.below(6) as usize];
    let lines: Vec<Value> = (0..1 + random.below(5))
        .map(|k| {
            json!({
                "sku": format!("AB-{:04}", random.below(10_000)),
                "name": format!("Item {k} of order {n}, \"boxed\""),
                "qty": 1 + random.below(10),
                "price": (random.below(100_000) as f64) / 100.0,
                "tags": ["catalog", if k % 2 == 0 { "sale" } else { "new" }],
                "gift": random.below(4) == 0,
            })
        })
        .collect();
    let total: f64 = lines
        .iter()
        .map(|l| l["price"].as_f64().unwrap_or(0.0) * l["qty"].as_f64().unwrap_or(0.0))
        .sum();
    json!({
        "id": format!("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            random.below(1 << 32), random.below(1 << 16), random.below(1 << 12),
            random.below(1 << 12), random.below(1 << 48)),
        "number": n,
        "status": STATUSES[random.below(4) as usize],
        "customer": {
            "name": name,
            "email": format!("{}.{n}@example.com", name.to_lowercase()),
            "tier": if random.below(3) == 0 { Value::Null } else { json!("gold") },
            "address": {
                "street": format!("{} Rue de la Paix", 1 + random.below(200)),
                "city": CITIES[random.below(5) as usize],
                "zip": format!("{:05}", random.below(100_000)),
                "country": "FR",
            },
        },
        "items": lines,
        "total": (total * 100.0).round() / 100.0,
        "coupon": if random.below(2) == 0 { Value::Null } else { json!("SAVE10") },
        "note": "Leave at the door.\nRing twice \u{2014} \"urgent\"\t\\",
        "history": [
            { "at": "2026-11-02T09:14:00Z", "status": "pending" },
            { "at": "2026-11-02T09:15:30Z", "status": "paid" },
        ],
    })
}

/// The same kind of deterministic pseudo-random source as the spec generator's.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 16) % n
    }
}
