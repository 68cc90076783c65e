//! Results built by hand, as the runner would build them, over small spec texts.

#![allow(dead_code)]

use intent_ir::{
    CheckResult, ItemKind, ItemResult, MetaEntry, Metric, RESULTS_FORMAT, RequestRecord, RunResult,
    Source, SpecFile, StableId, Status, Violation,
};
use intent_source::{SourceFile, SourceMap, Span};

pub const ORDERS: &str = r#"spec "Orders" {
  owner "commerce-team"
}

intent "A shopper can place an order" @smoke @checkout {
  when POST shop /orders -> Order
    json { items: [{ sku: "AB-0001", qty: 2 }] }
  then status == 201
  and body.total == 19.98
  and body.tier matches /^(gold|silver)$/
}

intent "Orders need credentials" @private {
  when POST shop /orders
  then status == 401
}

intent "The shop is healthy" @smoke {
  when GET shop /health
  then status == 200
}
"#;

pub const QUOTE: &str = r#"spec "Cart quotes" {
  owner "commerce-team"
}

intent "Coupons change the total" @checkout {
  examples
    | code     | total |
    | "SAVE10" | 17.98 |
    | "HALF"   | 9.99  |
  when POST shop /cart/quote
    json { coupon: code }
  then body.total == total
}

load "Browsing holds 20 requests a second" @load {
  arrive 20 per second for 30s
  when GET shop /products
  expect p95 < 200ms
}
"#;

pub const SUPPORT: &str = r#"evaluate "Support answers are grounded" over questions as q {
  expect accuracy >= 90%
}
"#;

pub const GOVERNANCE: &str = r#"policy "Errors are problems" fail applies to responses {
  expect header "Content-Type" == "application/problem+json"
}
"#;

pub const URL: &str = "http://localhost:8080";

/// The place of the first `needle` in `text` (file `file`).
pub fn at(text: &str, file: u32, needle: &str) -> Source {
    at_nth(text, file, needle, 0)
}

/// The place of the `nth` (from 0) occurrence of `needle`.
pub fn at_nth(text: &str, file: u32, needle: &str, nth: usize) -> Source {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} is in the text"))
        .0;
    let before = &text[..start];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() as u32 + 1;
    Source {
        file,
        line,
        column,
        span: Span::new(start, start + needle.len()),
    }
}

pub fn item(
    stem: &str,
    kind: ItemKind,
    title: &str,
    file: u32,
    source: Source,
    status: Status,
) -> ItemResult {
    ItemResult {
        id: StableId::item(stem, title),
        kind,
        title: title.to_string(),
        file,
        tags: Vec::new(),
        because: None,
        source,
        status,
        reason: None,
        unreachable: None,
        duration_ms: 12.0,
        example: Vec::new(),
        checks: Vec::new(),
        metrics: Vec::new(),
        cases: Vec::new(),
        cases_omitted: 0,
        misclassified_omitted: 0,
        requests: Vec::new(),
    }
}

pub fn check(item: &ItemResult, text: &str, source: Source, status: Status) -> CheckResult {
    CheckResult {
        id: item.id.child(text, 0),
        text: text.to_string(),
        status,
        source,
        expected: None,
        actual: None,
        message: None,
        violations: Vec::new(),
        request: None,
        duration_ms: 0.2,
    }
}

pub fn request(method: &str, path: &str, status: Option<u16>, source: Source) -> RequestRecord {
    RequestRecord {
        id: StableId(format!("specs/orders::request#{method}{path}").into()),
        method: method.to_string(),
        url: format!("{URL}{path}"),
        status,
        duration_ms: 8.0,
        error: None,
        source,
    }
}

fn files() -> Vec<SpecFile> {
    let owner = |team: &str| {
        vec![MetaEntry {
            key: "owner".to_string(),
            value: team.to_string(),
        }]
    };
    vec![
        SpecFile {
            path: "specs/orders.intent".to_string(),
            title: Some("Orders".to_string()),
            metadata: owner("commerce-team"),
        },
        SpecFile {
            path: "specs/quote.intent".to_string(),
            title: Some("Cart quotes".to_string()),
            metadata: owner("commerce-team"),
        },
        SpecFile {
            path: "specs/support.intent".to_string(),
            title: None,
            metadata: Vec::new(),
        },
        SpecFile {
            path: "specs/governance.intent".to_string(),
            title: None,
            metadata: Vec::new(),
        },
    ]
}

/// The texts of the spec files, except governance (empty: it must still render).
pub fn sources() -> SourceMap {
    let mut map = SourceMap::new();
    map.add(SourceFile::new("specs/orders.intent", ORDERS));
    map.add(SourceFile::new("specs/quote.intent", QUOTE));
    map.add(SourceFile::new("specs/support.intent", SUPPORT));
    map.add(SourceFile::new("specs/governance.intent", ""));
    map
}

/// A passing intent, a failing one (expected/actual with a request, violations, a pipe in a
/// regex), an errored one (transport error), example rows (one failing), a load block with
/// metrics, an evaluation not run, a skipped intent, and a failing policy whose file text is
/// missing.
pub fn sample() -> RunResult {
    // A shopper can place an order: fails.
    let mut place = item(
        "specs/orders",
        ItemKind::Intent,
        "A shopper can place an order",
        0,
        at(ORDERS, 0, r#"intent "A shopper can place an order""#),
        Status::Failed,
    );
    place.tags = vec!["smoke".to_string(), "checkout".to_string()];
    place.duration_ms = 23.4;
    place.requests.push(request(
        "POST",
        "/orders",
        Some(500),
        at(ORDERS, 0, "POST shop /orders -> Order"),
    ));
    let mut conforms = check(
        &place,
        "-> Order",
        at(ORDERS, 0, "-> Order"),
        Status::Failed,
    );
    conforms.expected = Some("Order".to_string());
    conforms.actual = Some("a body that does not conform".to_string());
    conforms.request = Some(0);
    conforms.violations = vec![
        Violation {
            path: "$.id".to_string(),
            message: "missing required field".to_string(),
        },
        Violation {
            path: "$.items[0].qty".to_string(),
            message: "expected int, found \"2\"".to_string(),
        },
    ];
    let mut status = check(
        &place,
        "status == 201",
        at_nth(ORDERS, 0, "status == 201", 0),
        Status::Failed,
    );
    status.expected = Some("201".to_string());
    status.actual = Some("500".to_string());
    status.request = Some(0);
    let total = check(
        &place,
        "body.total == 19.98",
        at(ORDERS, 0, "body.total == 19.98"),
        Status::Passed,
    );
    let mut tier = check(
        &place,
        "body.tier matches /^(gold|silver)$/",
        at(ORDERS, 0, "body.tier matches /^(gold|silver)$/"),
        Status::Failed,
    );
    tier.expected = Some("/^(gold|silver)$/".to_string());
    tier.actual = Some("\"bronze|tin\"".to_string());
    tier.message = Some("the tier was\nnot one of two".to_string());
    tier.request = Some(0);
    place.checks = vec![conforms, status, total, tier];

    // Orders need credentials: errored, the connection was refused.
    let mut credentials = item(
        "specs/orders",
        ItemKind::Intent,
        "Orders need credentials",
        0,
        at(ORDERS, 0, r#"intent "Orders need credentials""#),
        Status::Errored,
    );
    credentials.tags = vec!["private".to_string()];
    credentials.duration_ms = 3.0;
    credentials.reason = Some("connection refused".to_string());
    let mut refused = request(
        "POST",
        "/orders",
        None,
        at_nth(ORDERS, 0, "POST shop /orders", 1),
    );
    refused.error = Some("connection refused".to_string());
    credentials.requests.push(refused);
    credentials.checks.push(check(
        &credentials,
        "status == 401",
        at(ORDERS, 0, "status == 401"),
        Status::NotRun,
    ));

    // The shop is healthy: passes.
    let mut healthy = item(
        "specs/orders",
        ItemKind::Intent,
        "The shop is healthy",
        0,
        at(ORDERS, 0, r#"intent "The shop is healthy""#),
        Status::Passed,
    );
    healthy.tags = vec!["smoke".to_string()];
    healthy.requests.push(request(
        "GET",
        "/health",
        Some(200),
        at(ORDERS, 0, "GET shop /health"),
    ));
    let mut ok = check(
        &healthy,
        "status == 200",
        at(ORDERS, 0, "status == 200"),
        Status::Passed,
    );
    ok.request = Some(0);
    healthy.checks.push(ok);

    // Coupons change the total: two example rows, the second fails.
    let coupons = item(
        "specs/quote",
        ItemKind::Intent,
        "Coupons change the total",
        1,
        at(QUOTE, 1, r#"intent "Coupons change the total""#),
        Status::Passed,
    );
    let row = |n: usize, code: &str, value: &str, status: Status| {
        let row_source = at(QUOTE, 1, &format!("| \"{code}\""));
        let mut row = coupons.clone();
        row.id = coupons.id.child(&format!("row {n}"), 0);
        row.source = row_source;
        row.status = status;
        row.tags = vec!["checkout".to_string()];
        row.example = vec![
            ("code".to_string(), format!("\"{code}\"")),
            ("total".to_string(), value.to_string()),
        ];
        row.requests.push(request(
            "POST",
            "/cart/quote",
            Some(200),
            at(QUOTE, 1, "POST shop /cart/quote"),
        ));
        let mut total = check(
            &row,
            "body.total == total",
            at(QUOTE, 1, "body.total == total"),
            status,
        );
        total.request = Some(0);
        if status == Status::Failed {
            total.expected = Some(value.to_string());
            total.actual = Some("19.98".to_string());
        }
        row.checks.push(total);
        row
    };
    let save10 = row(1, "SAVE10", "17.98", Status::Passed);
    let half = row(2, "HALF", "9.99", Status::Failed);

    // A load block that passed, with metrics.
    let mut browsing = item(
        "specs/quote",
        ItemKind::Load,
        "Browsing holds 20 requests a second",
        1,
        at(QUOTE, 1, r#"load "Browsing holds 20 requests a second""#),
        Status::Passed,
    );
    browsing.tags = vec!["load".to_string()];
    browsing.duration_ms = 30_012.0;
    browsing.checks.push(check(
        &browsing,
        "p95 < 200ms",
        at(QUOTE, 1, "p95 < 200ms"),
        Status::Passed,
    ));
    browsing.metrics = vec![
        Metric {
            name: "p95".to_string(),
            value: 41.5,
            unit: "ms".to_string(),
        },
        Metric {
            name: "error rate".to_string(),
            value: 0.0,
            unit: "%".to_string(),
        },
    ];

    // An evaluation this runner does not run.
    let mut grounded = item(
        "specs/support",
        ItemKind::Evaluation,
        "Support answers are grounded",
        2,
        at(SUPPORT, 2, r#"evaluate "Support answers are grounded""#),
        Status::NotRun,
    );
    grounded.duration_ms = 0.0;
    grounded.reason = Some("evaluations are not run by this runner yet".to_string());

    // A policy that failed; its file's text is empty in the source map.
    let mut problems = item(
        "specs/governance",
        ItemKind::Policy,
        "Errors are problems",
        3,
        at(GOVERNANCE, 3, r#"policy "Errors are problems""#),
        Status::Failed,
    );
    problems.requests.push(request(
        "POST",
        "/orders",
        Some(500),
        at(ORDERS, 0, "POST shop /orders -> Order"),
    ));
    let mut content_type = check(
        &problems,
        r#"header "Content-Type" == "application/problem+json""#,
        at(
            GOVERNANCE,
            3,
            r#"header "Content-Type" == "application/problem+json""#,
        ),
        Status::Failed,
    );
    content_type.expected = Some("\"application/problem+json\"".to_string());
    content_type.actual = Some("\"text/html\"".to_string());
    content_type.request = Some(0);
    problems.checks.push(content_type);

    // Skipped because the shop failed its smoke intents.
    let mut skipped = item(
        "specs/orders",
        ItemKind::Intent,
        "An order can be paid",
        0,
        at(ORDERS, 0, r#"intent "A shopper can place an order""#),
        Status::Skipped,
    );
    skipped.duration_ms = 0.0;
    skipped.reason = Some("\"A shopper can place an order\" failed".to_string());

    RunResult {
        format: RESULTS_FORMAT.to_string(),
        files: files(),
        started_at: "2025-01-02T03:04:05Z".to_string(),
        duration_ms: 30_101.7,
        interrupted: false,
        items: vec![
            place,
            credentials,
            healthy,
            save10,
            half,
            browsing,
            grounded,
            problems,
            skipped,
        ],
        unreachable: Vec::new(),
    }
}

/// A run where everything passed.
pub fn all_passed() -> RunResult {
    let mut result = sample();
    result.items.retain(|i| i.status == Status::Passed);
    result.duration_ms = 412.0;
    result
}
