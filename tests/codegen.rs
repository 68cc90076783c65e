//! `intent compile --emit jsonschema` and `--emit rust`: the JSON Schema of the example types
//! agrees with Intent's own conformance check under an independent validator, and the test
//! scaffolds are valid Rust with one test per item.

use intent_conform::conform;
use intent_ir::{Plan, Type};
use intent_tests::repo_root;
use serde_json::{Value, json};

fn examples_plan() -> Plan {
    let checked = intent_tests::check_in(&repo_root(), &[repo_root().join("examples/shop/specs")]);
    assert!(checked.diagnostics.is_empty(), "the examples check cleanly");
    checked.plan
}

/// Values of the example types, each with whether it is one.
fn samples() -> Vec<(&'static str, Value, bool)> {
    let line = json!({"sku": "AB-0001", "qty": 2, "price": 9.99});
    let order = json!({
        "id": "6f1c2a9e-3b4d-4c5e-8f70-123456789abc",
        "status": "pending",
        "items": [line],
        "total": 19.98,
        "coupon": null
    });
    let with = |mut value: Value, key: &str, field: Value| {
        value[key] = field;
        value
    };
    let without = |mut value: Value, key: &str| {
        value.as_object_mut().map(|o| o.remove(key));
        value
    };
    vec![
        ("Sku", json!("AB-0001"), true),
        ("Sku", json!("ab-0001"), false),
        ("Sku", json!(17), false),
        ("Line", line.clone(), true),
        ("Line", with(line.clone(), "qty", json!(0)), false),
        ("Line", with(line.clone(), "qty", json!(100)), true),
        ("Line", with(line.clone(), "qty", json!(2.5)), false),
        ("Line", with(line.clone(), "price", json!(-1)), false),
        ("Line", with(line.clone(), "extra", json!(true)), true),
        ("Line", without(line.clone(), "sku"), false),
        ("Order", order.clone(), true),
        ("Order", with(order.clone(), "status", json!("lost")), false),
        (
            "Order",
            with(order.clone(), "coupon", json!("SAVE10")),
            true,
        ),
        ("Order", with(order.clone(), "coupon", json!(10)), false),
        ("Order", with(order.clone(), "items", json!([])), false),
        (
            "Order",
            with(order.clone(), "id", json!("not-a-uuid")),
            false,
        ),
        (
            "CatalogItem",
            json!({"sku": "AB-0002", "name": "Mug", "price": 3.99}),
            true,
        ),
        (
            "CatalogItem",
            json!({"sku": "AB-0002", "name": "", "price": 3.99}),
            false,
        ),
        (
            "Page",
            json!({"page": 1, "per_page": 20, "total": 0, "items": []}),
            true,
        ),
        (
            "Page",
            json!({"page": 0, "per_page": 20, "total": 0, "items": []}),
            false,
        ),
        (
            "Problem",
            json!({"error": {"code": "bad", "message": "no"}}),
            true,
        ),
        (
            "Problem",
            json!({"error": {"code": "bad", "message": "no", "field": "page"}}),
            true,
        ),
        (
            "Problem",
            json!({"error": {"code": "bad", "message": "no"}, "trace": 1}),
            false,
        ),
        ("Problem", json!({"error": {"code": "bad"}}), false),
    ]
}

#[test]
fn the_json_schema_accepts_what_the_conformance_check_accepts() {
    let plan = examples_plan();
    let document = intent_codegen::json_schema(&plan);
    assert_eq!(document["$schema"], intent_codegen::DIALECT);
    for (name, value, valid) in samples() {
        let mut schema = document.clone();
        schema["$ref"] = json!(format!("#/$defs/{name}"));
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the schema of {name} is valid JSON Schema: {e}"));
        let named = Type::Named {
            name: name.to_string(),
        };
        let violations = conform(&value, &named, &plan);
        assert_eq!(
            violations.is_empty(),
            valid,
            "{name} {value}: Intent says {violations:?}"
        );
        assert_eq!(
            validator.is_valid(&value),
            valid,
            "{name} {value}: JSON Schema disagrees"
        );
    }
    insta::assert_json_snapshot!("jsonschema__examples__shop__specs", document);
}

#[test]
fn the_test_scaffolds_are_rust_with_one_test_per_item() {
    let plan = examples_plan();
    let code = intent_codegen::rust_tests(&plan);
    let file = syn::parse_file(&code).unwrap_or_else(|e| panic!("valid Rust: {e}\n{code}"));
    let tests: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) if f.attrs.iter().any(|a| a.path().is_ident("test")) => {
                Some(f.sig.ident.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        tests.len(),
        plan.intents.len() + plan.evaluations.len() + plan.loads.len(),
        "{tests:?}"
    );
    assert!(
        tests.contains(&"a_shopper_can_place_an_order".to_string()),
        "{tests:?}"
    );
    for intent in &plan.intents {
        assert!(
            code.contains(&format!("run_intent({:?});", intent.id.as_str())),
            "{}",
            intent.id.as_str()
        );
    }
    insta::assert_snapshot!("rust__examples__shop__specs", code);
}
