//! YAML read straight into JSON values. YAML allows what JSON does not, and real descriptions
//! use it: integers beyond 64 bits (`maximum: 18446744073709552000`), which become the nearest
//! double; keys that are numbers or booleans (`200:`), which become their text; keys that are
//! lists or maps, which have no JSON form and are left out. Reading through this visitor
//! instead of YAML's own value type also keeps one copy of a large document in memory, not two.
//! The depth is bounded by the YAML parser (128 levels).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A JSON value read from YAML.
#[derive(Debug)]
pub struct Json(pub Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

/// A map key: its text when it is a scalar, `None` when it is a list or map.
struct Key(Option<String>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = deserializer.deserialize_any(JsonVisitor)?;
        Ok(Key(match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => Some("null".into()),
            Value::Array(_) | Value::Object(_) => None,
        }))
    }
}

struct JsonVisitor;

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        while let Some((Key(key), Json(value))) = map.next_entry()? {
            if let Some(key) = key {
                entries.insert(key, value);
            }
        }
        Ok(Value::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_beyond_json_is_read_as_json_can_say_it() {
        let text = "big: 18446744073709552000\nsmall: -9223372036854776000\n200: ok\ntrue: yes\n[a]: dropped\nlist: [1, 2.5, null]\n";
        let Json(value) = yaml_serde::from_str(text).expect("YAML");
        assert_eq!(value["big"], serde_json::json!(18446744073709552000.0));
        assert_eq!(value["small"], serde_json::json!(-9223372036854776000.0));
        assert_eq!(value["200"], "ok");
        assert_eq!(value["true"], "yes");
        assert_eq!(value["list"], serde_json::json!([1, 2.5, null]));
        assert_eq!(value.as_object().map(Map::len), Some(5));
    }
}
