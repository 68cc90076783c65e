//! One operation → one intent: a title unique among the spec's, the operation's tags, its
//! description as `because`, its path parameters as `given` names, its required query and
//! header parameters as clauses, its security as `auth`/header/query clauses, its body, and a
//! check of its success status, typed with `->` where the response has a JSON schema.

use super::dialect::{Body, Dialect, place};
use super::refs::{DocId, Documents};
use super::schema::{Types, write_notes};
use super::security::Security;
use crate::names::{Scope, Titles, snake, tag};
use crate::values::{expression, line, placeholder, quote, scalar_placeholder};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What every intent of one import shares.
#[derive(Debug)]
pub(crate) struct Writer<'d> {
    pub dialect: Dialect,
    pub docs: &'d Documents,
    pub target: String,
    /// The global names (target, secrets) that a local may not hide.
    pub globals: Vec<String>,
    pub security: Security,
    pub titles: Titles,
    pub types: Types<'d>,
}

/// One operation of the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    /// The document the path item is in (a path item may be a reference to another file).
    pub doc: DocId,
    pub item: &'a Value,
    pub operation: &'a Value,
}

/// Headers the request clauses or the runner set themselves.
const MANAGED_HEADERS: [&str; 4] = ["accept", "content-type", "authorization", "cookie"];

impl<'d> Writer<'d> {
    /// The intent for one operation.
    pub(crate) fn intent(&mut self, op: Operation<'d>) -> String {
        let method = op.method.to_ascii_uppercase();
        let place_text = format!("{method} {}", op.path);
        let wanted = [op.operation.get("summary"), op.operation.get("operationId")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(line)
            .find(|t| !t.is_empty())
            .unwrap_or_else(|| place_text.clone());
        let title = self.titles.claim(&wanted, &place_text);
        let mut tags: Vec<String> = Vec::new();
        for name in op
            .operation
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(tag) = tag(name).filter(|t| !tags.contains(t)) {
                tags.push(tag);
            }
        }
        let mut notes: Vec<String> = Vec::new();
        let mut body = String::new();
        if let Some(reason) = op
            .operation
            .get("description")
            .and_then(Value::as_str)
            .map(line)
            .filter(|l| !l.is_empty())
        {
            let _ = writeln!(body, "  because {}", quote(&reason));
        }

        let parameters = self.parameters(op, &mut notes);
        let mut locals = Scope::with(self.globals.iter().cloned());
        let mut path_names: BTreeMap<&str, String> = BTreeMap::new();
        let mut queries = Vec::new();
        let mut headers = Vec::new();
        for (_, parameter) in &parameters {
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            let required = parameter.get("required") == Some(&Value::Bool(true));
            let value = || parameter_value(parameter);
            match place(parameter) {
                "path" => {
                    if path_names.contains_key(name) {
                        continue;
                    }
                    let local = locals.claim(&snake(name, "param"));
                    let _ = writeln!(body, "  given {local} = {}", value());
                    path_names.insert(name, local);
                }
                "query" if required => {
                    queries.push(format!("    query {} = {}", quote(name), value()));
                }
                "header"
                    if required
                        && !MANAGED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) =>
                {
                    headers.push(format!("    header {} = {}", quote(name), value()));
                }
                "cookie" if required => {
                    notes.push(format!("the cookie parameter `{}` is not sent", line(name)));
                }
                _ => {}
            }
        }
        // A parameter written in the path but not declared still needs a value.
        for name in template_names(op.path) {
            if !path_names.contains_key(name) {
                let local = locals.claim(&snake(name, "param"));
                let _ = writeln!(body, "  given {local} = \"TODO\"");
                path_names.insert(name, local);
            }
        }

        let (status, returns) = self.success(op, &mut notes);
        let _ = writeln!(
            body,
            "  when {method} {} {}{returns}",
            self.target,
            request_path(op.path, &path_names)
        );
        for clause in queries.into_iter().chain(headers) {
            let _ = writeln!(body, "{clause}");
        }
        let requirements = op
            .operation
            .get("security")
            .or_else(|| self.docs.root().get("security"));
        for clause in self.security.clauses(requirements, &mut notes) {
            let _ = writeln!(body, "    {clause}");
        }
        if let Some(clause) = self.body_clause(op, &parameters, &mut notes) {
            let _ = writeln!(body, "    {clause}");
        }
        let _ = writeln!(body, "  then {status}");

        let mut out = String::new();
        write_notes(&mut out, "", &notes);
        let tags: String = tags.iter().map(|t| format!(" @{t}")).collect();
        let _ = writeln!(out, "intent {}{tags} {{", quote(&title));
        out.push_str(&body);
        out.push_str("}\n");
        out
    }

    /// The parameters of the path item and of the operation (the operation's win), each
    /// followed through its reference, with the document it is in.
    fn parameters(&self, op: Operation<'d>, notes: &mut Vec<String>) -> Vec<(DocId, &'d Value)> {
        let mut found: Vec<(DocId, &'d Value)> = Vec::new();
        let lists = [op.item.get("parameters"), op.operation.get("parameters")];
        for list in lists.into_iter().flatten().filter_map(Value::as_array) {
            for parameter in list {
                match self.docs.follow(op.doc, parameter) {
                    Ok((doc, parameter, _)) => {
                        let key = |p: &Value| (p.get("name").cloned(), place(p).to_string());
                        found.retain(|(_, known)| key(known) != key(parameter));
                        found.push((doc, parameter));
                    }
                    Err(e) => notes.push(format!("a parameter is left out: {e}")),
                }
            }
        }
        found
    }

    /// The check of the success status and the `-> Type` of its response body.
    fn success(&mut self, op: Operation<'d>, notes: &mut Vec<String>) -> (String, String) {
        let responses = op.operation.get("responses").and_then(Value::as_object);
        let mut codes: Vec<(&String, &'d Value)> = responses
            .into_iter()
            .flatten()
            .filter(|(code, _)| {
                code.len() == 3 && code.starts_with('2') && code.chars().all(|c| c.is_ascii_digit())
            })
            .collect();
        codes.sort_by(|a, b| a.0.cmp(b.0));
        let (status, response) = match codes.first() {
            Some((code, response)) => (format!("status == {code}"), Some(*response)),
            None => {
                let range = responses
                    .into_iter()
                    .flatten()
                    .find(|(code, _)| code.eq_ignore_ascii_case("2XX"));
                if range.is_none() {
                    notes.push("the document declares no success response; any 2xx passes".into());
                }
                ("status in 200..299".to_string(), range.map(|(_, r)| r))
            }
        };
        let produces = self.dialect.produces(op.operation, self.docs.root());
        let typed = response
            .and_then(|r| self.docs.follow(op.doc, r).ok())
            .and_then(|(doc, r, _)| Some((doc, self.dialect.response_schema(r, produces)?)));
        let returns = match typed {
            Some((doc, schema)) => {
                let ty = self.types.expr(doc, schema, notes);
                if ty == "json" {
                    String::new()
                } else {
                    format!(" -> {ty}")
                }
            }
            None => String::new(),
        };
        (status, returns)
    }

    /// The body clause (`json …`, `form …`), or `None` with a note when the body is of a kind
    /// the importer does not write.
    fn body_clause(
        &self,
        op: Operation<'d>,
        parameters: &[(DocId, &'d Value)],
        notes: &mut Vec<String>,
    ) -> Option<String> {
        match self
            .dialect
            .body(self.docs, op.doc, op.operation, parameters)
        {
            Body::None => None,
            Body::Json {
                doc,
                schema,
                example,
            } => {
                let value = example
                    .and_then(expression)
                    .or_else(|| schema.map(|s| self.skeleton(doc, s)));
                Some(format!("json {}", value.unwrap_or_else(|| "{}".into())))
            }
            Body::Form { doc, fields } => {
                let entries: Vec<String> = fields
                    .iter()
                    .map(|(name, schema)| {
                        let schema = self.docs.follow(doc, schema).map_or(*schema, |(_, s, _)| s);
                        format!("{}: {}", key(name), scalar_placeholder(schema))
                    })
                    .collect();
                if entries.is_empty() {
                    Some("form {}".into())
                } else {
                    Some(format!("form {{ {} }}", entries.join(", ")))
                }
            }
            Body::Other(media) => {
                notes.push(format!(
                    "the request body ({}) is left to you",
                    line(&media)
                ));
                None
            }
        }
    }

    /// A JSON body from a schema: its example, else an object with a TODO per required
    /// property.
    fn skeleton(&self, doc: DocId, schema: &'d Value) -> String {
        let Ok((_, schema, _)) = self.docs.follow(doc, schema) else {
            return "{}".into();
        };
        if let Some(example) = schema.get("example").and_then(expression) {
            return example;
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if required.is_empty() {
            return if placeholder(schema) == "[]" {
                "[]"
            } else {
                "{}"
            }
            .into();
        }
        let entries: Vec<String> = required
            .iter()
            .map(|name| {
                let property = schema
                    .pointer(&format!(
                        "/properties/{}",
                        name.replace('~', "~0").replace('/', "~1")
                    ))
                    .and_then(|p| self.docs.follow(doc, p).ok())
                    .map_or(&Value::Null, |(_, p, _)| p);
                format!("{}: {}", key(name), placeholder(property))
            })
            .collect();
        format!("{{ {} }}", entries.join(", "))
    }
}

/// An object key: the name if it is a word, else a string.
fn key(name: &str) -> String {
    if crate::names::is_word(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A parameter's example as a single value, else a placeholder of its type.
fn parameter_value(parameter: &Value) -> String {
    let schema = parameter.get("schema").unwrap_or(parameter);
    let example = parameter
        .get("example")
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("default"))
        .or_else(|| parameter.get("x-example"))
        .filter(|e| !e.is_array() && !e.is_object());
    example
        .and_then(expression)
        .unwrap_or_else(|| scalar_placeholder(schema).to_string())
}

/// The `{name}` parameters written in a path template.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The path of the request, with each `{parameter}` replaced by its local name: bare when
/// every other character may stand in a bare path, else a string.
fn request_path(path: &str, names: &BTreeMap<&str, String>) -> String {
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        parts.push((false, rest[..open].to_string()));
        match names.get(name) {
            Some(local) => parts.push((true, local.clone())),
            None => parts.push((false, rest[open..=close].to_string())),
        }
        rest = &rest[close + 1..];
    }
    parts.push((false, rest.to_string()));
    // A reserved word between other characters (`/a-in/b`) would start an expression in a
    // bare path, so such a path is quoted too.
    let bare = parts.iter().filter(|(param, _)| !param).all(|(_, text)| {
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/:@!$&'*+,;=%?".contains(c))
            && !text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(crate::names::is_reserved)
    });
    let mut out = String::new();
    for (param, text) in &parts {
        if *param {
            let _ = write!(out, "{{{text}}}");
        } else if bare {
            out.push_str(text);
        } else {
            let quoted = quote(text);
            out.push_str(&quoted[1..quoted.len() - 1]);
        }
    }
    if bare { out } else { format!("\"{out}\"") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_bare_when_they_can_be() {
        let names = BTreeMap::from([("id", "id".to_string()), ("+q", "plus_q".to_string())]);
        assert_eq!(request_path("/pets/{id}", &names), "/pets/{id}");
        assert_eq!(request_path("/a/{+q}:do", &names), "/a/{plus_q}:do");
        assert_eq!(request_path("/a b/{id}", &names), "\"/a b/{id}\"");
        assert_eq!(request_path("/a(1)/{x}", &names), "\"/a(1)/\\{x\\}\"");
        assert_eq!(request_path("/a/{", &names), "\"/a/\\{\"");
        assert_eq!(request_path("/a-in/{id}", &names), "\"/a-in/{id}\"");
        assert_eq!(template_names("/a/{b}/{c}"), vec!["b", "c"]);
    }
}
