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

/// Runs the real `intent` in-process, as the command line does.
fn intent(args: &[&str]) -> (intent_cli::Status, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("intent")
        .chain(args.iter().copied())
        .map(Into::into);
    let status = intent_cli::run(argv, &mut out, &mut err);
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The errors `intent check` finds in a spec text.
fn check_errors(spec: &str) -> Vec<String> {
    let project = intent_project::Project::new(std::env::temp_dir(), None, false);
    let checked = intent_check::check(
        &project.tree_of_text(std::path::Path::new("imported.intent"), spec.to_string()),
    );
    checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == intent_source::Severity::Error)
        .map(|d| d.message.clone())
        .collect()
}

/// Imports one fixture of `tests/fixtures/openapi/`, requires that it succeeds and checks,
/// snapshots the spec and the summary, and returns the spec.
fn import_fixture(name: &str) -> (String, String) {
    let path = repo_root().join("tests/fixtures/openapi").join(name);
    let (status, spec, err) = intent(&["import", "openapi", path.to_str().expect("path")]);
    assert_eq!(status, intent_cli::Status::Success, "{name}: {err}");
    let errors = check_errors(&spec);
    assert!(errors.is_empty(), "{name} checks: {errors:?}\n{spec}");
    let root = repo_root().display().to_string();
    let err = err.replace(&root, "[root]");
    let spec = spec.replace(&root, "[root]");
    insta::assert_snapshot!(
        format!(
            "openapi__tests__fixtures__openapi__{}",
            name.replace('/', "__")
        ),
        format!("{spec}\n---- standard error ----\n{err}")
    );
    (spec, err)
}

fn contains_all(name: &str, text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{name}: {e:?} in:\n{text}");
    }
}

#[test]
fn openapi_names_are_words_unique_in_their_scope_and_clear_of_the_language() {
    let (spec, _) = import_fixture("names.yaml");
    contains_all(
        "names",
        &spec,
        &[
            // `+1` and `-1` become distinct optional fields, `plus_1` itself is kept.
            "  plus_1_2?: int  # \"+1\" in the document\n",
            "  minus_1?: int  # \"-1\" in the document\n",
            "  plus_1?: string\n",
            // A parameter named like the secret, or a reserved word.
            "secret token = env(\"API_TOKEN\")\n",
            "  given token_2 = \"TODO\"\n  when GET api /tokens/{token_2} -> Reactions\n",
            "  given in_ = 0\n",
            // Titles that differ in case or punctuation only.
            "intent \"Read a token!\" {",
            "intent \"Read a token (GET /tokens/\\{token\\})\" {",
            "intent \"read a TOKEN (GET /tokens/\\{token\\}/uses/\\{in\\})\" {",
            // Schemas whose names clash once cleaned, and one named like a primitive.
            "type PetOwner {",
            "type PetOwner_2 {",
            "type Pet_owner {",
            "type String = string\n",
            // A path whose words would read as an operator is quoted.
            "when GET api \"/owners/linked-in/{id}\" -> [PetOwner_2 | Pet_owner | PetOwner]\n",
            "    query \"page-size\" = 20\n    header \"X-Request-Id\" = \"TODO\"\n",
        ],
    );
}

#[test]
fn swagger_2_descriptions_are_imported() {
    let (spec, err) = import_fixture("swagger2.yaml");
    contains_all(
        "swagger2",
        &spec,
        &[
            "target api = env(\"API_URL\", \"https://pets.example.com/v2\")\n",
            "secret key = env(\"KEY\")\n",
            "type Pet {\n  id?: int >= 1\n  name: string nonempty\n  nickname?: string | null\n",
            "  when POST api /pets -> Pet\n    header \"X-Api-Key\" = key\n    json { name: \"TODO\" }\n  then status == 201\n",
            "  given petId = 42\n  when GET api /pets/{petId} -> Pet\n    auth bearer token\n",
            "    auth basic api_user, api_password\n    form { name: \"TODO\", age: 0 }\n",
            "# the request body (multipart/form-data) is left to you\n",
            // XML only: not typed.
            "  when GET api /pets/{petId}/export\n",
        ],
    );
    assert!(err.contains("imported 5 of 5 operations"), "{err}");
    assert!(err.contains("(Swagger 2.0)"), "{err}");
}

#[test]
fn openapi_3_1_type_arrays_const_and_path_item_references_are_imported() {
    let (spec, _) = import_fixture("openapi31.yaml");
    contains_all(
        "openapi31",
        &spec,
        &[
            "target api = env(\"API_URL\", \"https://eu.shop.example.com/api\")\n",
            "  checks?: [int | string] nonempty\n",
            "  load: decimal > 0 < 1\n",
            "  status: \"ok\"\n",
            "  version: string | null\n",
            "# a tuple (`prefixItems`, or `items` as a list) is `[json]`\n",
            "intent \"The shop is healthy\" {\n  when GET api /health -> Health\n",
            "  given sku = \"AB-0001\"\n  when GET api /items/{sku} -> { sku?: string }\n  then status in 200..299\n",
        ],
    );
    assert!(!spec.contains("orderPaid"), "webhooks are not operations");
}

#[test]
fn recursive_schemas_are_recursive_named_types() {
    let (spec, _) = import_fixture("recursive.yaml");
    contains_all(
        "recursive",
        &spec,
        &[
            "type Node {\n  children?: [Node]\n  name: string\n  parent?: Node | null\n}\n",
            "type File {\n  folder?: Folder\n}\n",
            "type Folder {\n  files?: [File]\n}\n",
            "refers to itself through other references; the type is `json`\ntype Ping = json\n",
        ],
    );
}

#[test]
fn all_of_one_of_and_any_of_map_as_far_as_the_types_allow() {
    let (spec, _) = import_fixture("composition.yaml");
    contains_all(
        "composition",
        &spec,
        &[
            "type Pet {\n  created: datetime\n  kind: \"cat\" | \"dog\"\n  name: string\n}\n",
            "type Alias = Pet\n",
            "# an `allOf` of a record and something else is `json`\ntype Mixed = json\n",
            "type Shape = { radius?: decimal >= 0 } | { side?: decimal }\n",
            "type Id = int | uuid | null\n",
            "# `not` is not checked\ntype NotEmpty = string\n",
        ],
    );
}

#[test]
fn what_cannot_be_mapped_is_skipped_with_a_comment_and_counted() {
    let (spec, err) = import_fixture("skipped.yaml");
    contains_all(
        "skipped",
        &spec,
        &[
            "# Skipped TRACE /echo: Intent sends no TRACE requests.\n",
            "# Skipped GET relative/path: a path starts with `/`.\n",
            "# Skipped /broken (every method): its path item cannot be read: `#/components/pathItems/Nothing` points to nothing.\n",
            "# the cookie parameter `session` is not sent\n",
            "`/etc/passwd` is outside the project root `[root]`; the value is `json`\n",
            "remote references are not followed; the value is `json`\n",
            "is not a regex Intent accepts, so it is not checked\n",
            "# the document declares no success response; any 2xx passes\n",
            "when GET api /echo -> { gone?: json, outside?: json, remote?: json, word?: string }\n",
        ],
    );
    contains_all(
        "skipped",
        &err,
        &[
            "imported 2 of 5 operations from skipped.yaml (OpenAPI 3.0.3)",
            "skipped 3 (a comment in the spec marks each):\n",
            "  1 × Intent sends no TRACE requests\n",
        ],
    );
}

#[test]
fn hostile_references_and_nesting_are_bounded() {
    let (spec, _) = import_fixture("hostile.json");
    contains_all(
        "hostile",
        &spec,
        &[
            "type A = json\n",
            "type Self = json\n",
            "# a schema nested more than 10 levels deep is `json`\n",
            "when GET api \"/a\\\"b{c}\" -> A\n",
            "json { x: \"TODO\" }\n",
        ],
    );
}

#[test]
fn descriptions_split_over_files_are_read_within_the_project_root() {
    let (spec, err) = import_fixture("multi/openapi.yaml");
    contains_all(
        "multi",
        &spec,
        &[
            "type Pet {\n  id: int\n  name: string\n  owner?: Owner\n}\n",
            "type Owner {\n  name?: string\n  pets?: [Pet]\n}\n",
            "intent \"Read a pet\" {\n  given id = 1\n  when GET api /pets/{id} -> Pet\n",
            "`../names.yaml#/components/schemas/Reactions` could not be read: `../names.yaml` is outside the project root `[root]/tests/fixtures/openapi/multi`",
        ],
    );
    assert!(err.contains("and 4 files it refers to"), "{err}");
}

#[test]
fn gherkin_features_become_specs_bound_to_the_projects_steps() {
    let fixtures = repo_root().join("tests/fixtures/gherkin");
    // Inside the repository, so the `use` paths of the written specs are the same everywhere.
    let scratch = repo_root().join("target");
    std::fs::create_dir_all(&scratch).expect("target folder");
    let dir = tempfile::tempdir_in(&scratch).expect("temp dir");
    let feature = |name: &str| fixtures.join(name).display().to_string();
    let steps = fixtures.join("steps.intent").display().to_string();
    let out = dir.path().join("imported");
    let (status, _, err) = intent(&[
        "import",
        "gherkin",
        &feature("shop.feature"),
        &feature("i18n.feature"),
        "-o",
        out.to_str().expect("path"),
        "--steps",
        &steps,
    ]);
    assert_eq!(status, intent_cli::Status::Success, "{err}");
    let (status, _, check_err) = intent(&["check", out.to_str().expect("path")]);
    assert_eq!(
        status,
        intent_cli::Status::Success,
        "the imported specs check: {check_err}"
    );
    let err = err.replace(&out.display().to_string(), "[out]");
    let shop = std::fs::read_to_string(out.join("shop.intent")).expect("shop.intent");
    let i18n = std::fs::read_to_string(out.join("i18n.intent")).expect("i18n.intent");
    contains_all(
        "shop.feature",
        &shop,
        &[
            // Feature → spec with title and description; the steps' files are used.
            "spec \"Ordering from the shop\" {\n  description \"Shoppers log in, fill an order and pay.\\nWritten by the product team.\"\n}\n",
            "use \"../../../examples/shop/specs/common.intent\"\n",
            "use \"../../../tests/fixtures/gherkin/steps.intent\"\n",
            // Scenario → intent with the feature's and its own tags; Background → given.
            "intent \"A shopper places an order\" @checkout @team:shop {\n  because \"The most common path through the shop.\"\n  given a shopper \"alice\" is logged in\n  when the shopper \"token-1\" orders 2 of \"AB-0001\"\n",
            // Unbound lines stay in place with the nearest patterns.
            "  # Then the order is pending\n  #   no step matches; the nearest are `",
            // Data tables and doc strings → values passed as the last argument.
            "  given table = [{ sku: \"AB-0001\", name: \"Mug\" }, { sku: \"AB-0002\", name: \"Poster\" }]\n  given the catalog holds the items (table)\n",
            "  given doc = \"\"\"Where is my parcel? It was sent \"yesterday\" {today}.\"\"\"\n  when the support bot is asked (doc)\n",
            // An outline with two Examples blocks → two intents with the blocks' tags and typed columns.
            "intent \"Orders of any size (Small orders)\" @checkout @team:shop @small {\n  examples\n    | token     | qty | sku       |\n    | \"token-1\" | 1   | \"AB-0001\" |\n",
            "intent \"Orders of any size (Large orders)\" @checkout @team:shop @large @slow {\n",
            "  when the shopper (token) orders (qty) of (sku)\n",
            // Rule → a comment and a tag; titles stay unique.
            "# Rule: Orders need a logged-in shopper\n",
            "@rule:orders-need-a-logged-in-shopper {",
            "intent \"a shopper places an order (Orders need a logged-in shopper, line 48)\"",
            // A line the checker refuses once bound is a comment with its message.
            "  # when the shopper \"nobody\" orders \"two\" of \"AB-0001\"\n  #   the step parameter `qty` is int",
            "  # But the shopper #5 is blocked\n  #   not a step call: `#` would start a comment\n",
            // A column used as `"<name>"` is text, whatever its cells look like.
            "    | name   |\n    | \"1001\" |\n",
            "  given a shopper (name) is logged in\n",
        ],
    );
    contains_all(
        "i18n.feature",
        &i18n,
        &[
            "spec \"La boutique répond\" {",
            "intent \"La boutique est en ligne\" @santé {\n  given a shopper \"chloé\" is logged in\n  when la boutique répond 200\n",
            "  examples\n    | statut | nom    |\n    | 200    | \"Zoé\"  |\n",
            "  when la boutique répond (statut)\n  # Et un client <nom> attend\n",
        ],
    );
    contains_all(
        "summary",
        &err,
        &[
            "binding steps against 5 step(s) of 2 file(s)\n",
            "wrote [out]/shop.intent: 6 scenario(s) as 7 intent(s); 14 of 22 step line(s) bound\n",
            "  shop.feature:12: Then the order is pending — no step matches",
            "wrote [out]/i18n.intent: 2 scenario(s) as 2 intent(s); 4 of 6 step line(s) bound\n",
        ],
    );
    insta::assert_snapshot!("gherkin__tests__fixtures__gherkin__shop.feature", shop);
    insta::assert_snapshot!("gherkin__tests__fixtures__gherkin__i18n.feature", i18n);
    insta::assert_snapshot!("gherkin__tests__fixtures__gherkin__steps.intent", err);
}

#[test]
fn gherkin_files_that_are_not_features_are_reported_and_the_rest_written() {
    let scratch = repo_root().join("target");
    std::fs::create_dir_all(&scratch).expect("target folder");
    let dir = tempfile::tempdir_in(&scratch).expect("temp dir");
    let broken = dir.path().join("broken.feature");
    std::fs::write(&broken, "Scenario without a feature\n  Given nothing\n").expect("write");
    let good = dir.path().join("good.feature");
    std::fs::write(
        &good,
        "Feature: Good\n  Scenario: One\n    Given a shopper \"ann\" is logged in\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let specs = repo_root().join("examples/shop/specs");
    let (status, _, err) = intent(&[
        "import",
        "gherkin",
        broken.to_str().expect("path"),
        good.to_str().expect("path"),
        dir.path().to_str().expect("path"),
        "-o",
        out.to_str().expect("path"),
        "--steps",
        specs.to_str().expect("path"),
    ]);
    assert_eq!(status, intent_cli::Status::Invalid, "{err}");
    assert!(err.contains("is not a Gherkin feature"), "{err}");
    assert!(
        err.contains("cannot read") && err.contains("not a regular file"),
        "{err}"
    );
    let written =
        std::fs::read_to_string(out.join("good.intent")).expect("the good one is written");
    assert!(
        written.contains("  given a shopper \"ann\" is logged in\n"),
        "{written}"
    );
    assert!(err.contains("1 of 1 step line(s) bound"), "{err}");
}
