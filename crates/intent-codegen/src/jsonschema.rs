//! JSON Schema (draft 2020-12) for every named type of a plan, so the contracts written in
//! Intent can be used by other tools: validators, API documentation, code generators.
//!
//! The schema accepts what `intent_conform::conform` accepts, with two exceptions it says in a
//! `description`: a `matching` regex with flags (JSON Schema patterns have none) and units,
//! which are plain numbers in JSON.

use intent_ir::{CompareOp, Literal, Plan, Refinement, Type, literal_number};
use serde_json::{Map, Value, json};

/// The dialect every generated document declares.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One document with every named type of the plan under `$defs` (by name). A type
/// refers to another as `{"$ref": "#/$defs/Name"}`.
pub fn json_schema(plan: &Plan) -> Value {
    let mut defs = Map::new();
    for named in &plan.types {
        defs.insert(named.name.clone(), schema(&named.ty));
    }
    json!({
        "$schema": DIALECT,
        "$defs": defs,
    })
}

/// The schema of one type.
pub fn schema(ty: &Type) -> Value {
    match ty {
        Type::Any | Type::Json => json!({}),
        Type::Null => json!({"type": "null"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::Int => json!({"type": "integer"}),
        Type::Decimal => json!({"type": "number"}),
        Type::Duration => unit("a duration in milliseconds"),
        Type::Percent => unit("a percentage, in percent points"),
        Type::Size => unit("a size in bytes"),
        Type::Rate => unit("a rate per second"),
        Type::String => json!({"type": "string"}),
        Type::Uuid => json!({
            "type": "string",
            "format": "uuid",
            "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        }),
        Type::Date => json!({"type": "string", "format": "date"}),
        Type::Datetime => json!({"type": "string", "format": "date-time"}),
        Type::Email => json!({"type": "string", "format": "email"}),
        Type::Url => json!({"type": "string", "format": "uri", "pattern": "^https?://"}),
        Type::Regex | Type::Detector | Type::Response { .. } => json!({
            "not": {},
            "description": format!("{} is not a JSON type", ty.describe()),
        }),
        Type::List { item } => json!({"type": "array", "items": schema(item)}),
        Type::Record { fields, exact } => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in fields {
                properties.insert(field.name.clone(), schema(&field.ty));
                if !field.optional {
                    required.push(Value::String(field.name.clone()));
                }
            }
            let mut object = json!({
                "type": "object",
                "properties": properties,
                "required": required,
            });
            if *exact {
                object["additionalProperties"] = json!(false);
            }
            object
        }
        Type::Literal { value } => json!({"const": literal(value)}),
        Type::Union { options } => {
            let literals: Option<Vec<Value>> = options
                .iter()
                .map(|o| match o {
                    Type::Literal { value } => Some(literal(value)),
                    Type::Null => Some(Value::Null),
                    _ => None,
                })
                .collect();
            match literals {
                Some(values) => json!({"enum": values}),
                None => {
                    json!({"anyOf": options.iter().map(schema).collect::<Vec<_>>()})
                }
            }
        }
        Type::Refined { base, refinements } => {
            let mut constraints = Map::new();
            for refinement in refinements {
                refine(&mut constraints, refinement);
            }
            let mut base = schema(base);
            match base.as_object_mut() {
                // A `$ref` is completed by its sibling keywords in 2020-12, like any schema.
                Some(object) => object.extend(constraints),
                None => base = Value::Object(constraints),
            }
            base
        }
        Type::Named { name } => json!({"$ref": format!("#/$defs/{name}")}),
    }
}

/// A quantity: a plain number in JSON, with its unit said.
fn unit(description: &str) -> Value {
    json!({"type": "number", "description": description})
}

fn literal(value: &Literal) -> Value {
    match value {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => json!(i),
        Literal::String(s) => Value::String(s.clone()),
        other => literal_number(other).map_or(Value::Null, |n| json!(n)),
    }
}

/// Adds the keywords of one refinement. Each keyword applies only to the JSON type it is made
/// for, so `nonempty` says all three and lets the type pick.
fn refine(keywords: &mut Map<String, Value>, refinement: &Refinement) {
    let mut set = |key: &str, value: Value| {
        keywords.insert(key.to_string(), value);
    };
    match refinement {
        Refinement::Range { min, max } => {
            set("minimum", literal(min));
            set("maximum", literal(max));
        }
        Refinement::Compare { op, value } => {
            let bound = literal(value);
            match op {
                CompareOp::Lt => set("exclusiveMaximum", bound),
                CompareOp::Le => set("maximum", bound),
                CompareOp::Gt => set("exclusiveMinimum", bound),
                CompareOp::Ge => set("minimum", bound),
                CompareOp::Ne => set("not", json!({"const": bound})),
            }
        }
        Refinement::Matching { pattern, flags } if flags.is_empty() => {
            set("pattern", Value::String(pattern.clone()));
        }
        Refinement::Matching { pattern, flags } => set(
            "description",
            Value::String(format!(
                "must match /{pattern}/{flags}; JSON Schema patterns have no flags, so this is not checked here"
            )),
        ),
        Refinement::Nonempty => {
            set("minLength", json!(1));
            set("minItems", json!(1));
            set("minProperties", json!(1));
        }
    }
}
