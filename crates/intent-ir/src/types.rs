//! The types of the language, as the checker infers them and the runner checks them.

use crate::Literal;
use serde::{Deserialize, Serialize};

/// A type. Named types stay names (resolved through [`crate::Plan::types`]) so recursive
/// and shared definitions are written once.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    /// Anything; also the type of values checked only at run time.
    Any,
    /// A JSON value whose shape is checked at run time (an untyped `body`).
    Json,
    Null,
    Bool,
    Int,
    Decimal,
    String,
    Uuid,
    Date,
    Datetime,
    Email,
    Url,
    Duration,
    Percent,
    Size,
    Rate,
    Regex,
    /// A built-in detector such as `pii.email`, usable with `contains`.
    Detector,
    /// A response named with `as`.
    Response {
        body: Box<Type>,
    },
    List {
        item: Box<Type>,
    },
    Record {
        fields: Vec<FieldType>,
        /// Exact records forbid fields they do not declare.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        exact: bool,
    },
    Literal {
        value: Literal,
    },
    Union {
        options: Vec<Type>,
    },
    Refined {
        base: Box<Type>,
        refinements: Vec<Refinement>,
    },
    Named {
        name: String,
    },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FieldType {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// A constraint on the values of a type.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refinement {
    /// Both ends included.
    Range {
        min: Literal,
        max: Literal,
    },
    Compare {
        op: CompareOp,
        value: Literal,
    },
    Matching {
        pattern: String,
        flags: String,
    },
    Nonempty,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum CompareOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "!=")]
    Ne,
}

impl Type {
    /// The primitive types by the names users write.
    pub fn primitive(name: &str) -> Option<Type> {
        Some(match name {
            "any" => Type::Any,
            "json" => Type::Json,
            "null" => Type::Null,
            "bool" => Type::Bool,
            "int" => Type::Int,
            "decimal" => Type::Decimal,
            "string" => Type::String,
            "uuid" => Type::Uuid,
            "date" => Type::Date,
            "datetime" => Type::Datetime,
            "email" => Type::Email,
            "url" => Type::Url,
            "duration" => Type::Duration,
            "percent" => Type::Percent,
            "size" => Type::Size,
            "rate" => Type::Rate,
            "regex" => Type::Regex,
            _ => return None,
        })
    }

    pub const PRIMITIVE_NAMES: [&'static str; 17] = [
        "any", "json", "null", "bool", "int", "decimal", "string", "uuid", "date", "datetime",
        "email", "url", "duration", "percent", "size", "rate", "regex",
    ];

    pub fn list(item: Type) -> Type {
        Type::List {
            item: Box::new(item),
        }
    }

    /// How the type reads in a message: `int`, `[Item]`, `"paid" | "pending"`.
    pub fn describe(&self) -> String {
        match self {
            Type::Any => "any".into(),
            Type::Json => "json".into(),
            Type::Null => "null".into(),
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Decimal => "decimal".into(),
            Type::String => "string".into(),
            Type::Uuid => "uuid".into(),
            Type::Date => "date".into(),
            Type::Datetime => "datetime".into(),
            Type::Email => "email".into(),
            Type::Url => "url".into(),
            Type::Duration => "duration".into(),
            Type::Percent => "percent".into(),
            Type::Size => "size".into(),
            Type::Rate => "rate".into(),
            Type::Regex => "regex".into(),
            Type::Detector => "detector".into(),
            Type::Response { .. } => "response".into(),
            Type::List { item } => format!("[{}]", item.describe()),
            Type::Record { fields, exact } => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}: {}",
                            f.name,
                            if f.optional { "?" } else { "" },
                            f.ty.describe()
                        )
                    })
                    .collect();
                format!(
                    "{}{{ {} }}",
                    if *exact { "exact " } else { "" },
                    inner.join(", ")
                )
            }
            Type::Literal { value } => value.describe(),
            Type::Union { options } => options
                .iter()
                .map(Type::describe)
                .collect::<Vec<_>>()
                .join(" | "),
            Type::Refined { base, .. } => base.describe(),
            Type::Named { name } => name.clone(),
        }
    }
}
