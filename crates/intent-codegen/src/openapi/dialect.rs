//! What differs between Swagger 2.0 and OpenAPI 3.x, in one place: where the named schemas,
//! the security schemes and the server are, and how an operation's request body and response
//! body are written (2.0: `in: body` and `formData` parameters, `consumes`/`produces` and a
//! response `schema`; 3.x: `requestBody` and `content` by media type). The rest of the importer
//! reads both through these functions.

use super::ImportError;
use super::refs::{DocId, Documents};
use serde_json::Value;

/// The version family of a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Swagger2,
    OpenApi3,
}

/// A request body, as far as a spec can send it.
#[derive(Debug)]
pub(crate) enum Body<'a> {
    None,
    /// A JSON body: its schema, and an example the document gives.
    Json {
        doc: DocId,
        schema: Option<&'a Value>,
        example: Option<&'a Value>,
    },
    /// A form-encoded body: its required fields and their schemas.
    Form {
        doc: DocId,
        fields: Vec<(String, &'a Value)>,
    },
    /// A body of another kind (multipart, XML, bytes): left as a TODO.
    Other(String),
}

/// Whether a media type carries JSON (`application/json`, `application/problem+json`, …).
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "*/*" || essence.ends_with("/json") || essence.ends_with("+json")
}

impl Dialect {
    /// The dialect of a document, and its version as written.
    pub(crate) fn of(document: &Value) -> Result<(Dialect, String), ImportError> {
        if let Some(version) = document.get("swagger") {
            let version = scalar(version);
            return if version.starts_with('2') {
                Ok((Dialect::Swagger2, version))
            } else {
                Err(ImportError::Version(format!("Swagger {version}")))
            };
        }
        match document.get("openapi") {
            Some(version) if scalar(version).starts_with('3') => {
                Ok((Dialect::OpenApi3, scalar(version)))
            }
            Some(version) => Err(ImportError::Version(format!("OpenAPI {}", scalar(version)))),
            None => Err(ImportError::NotADescription),
        }
    }

    /// The name of the family in messages: `OpenAPI 3.1.0`, `Swagger 2.0`.
    pub(crate) fn describe(self, version: &str) -> String {
        match self {
            Dialect::Swagger2 => format!("Swagger {version}"),
            Dialect::OpenApi3 => format!("OpenAPI {version}"),
        }
    }

    /// Where the named schemas are in the root document.
    pub(crate) fn schemas(self) -> &'static str {
        match self {
            Dialect::Swagger2 => "/definitions",
            Dialect::OpenApi3 => "/components/schemas",
        }
    }

    /// The security schemes of the root document.
    pub(crate) fn security_schemes(self, document: &Value) -> Option<&Value> {
        match self {
            Dialect::Swagger2 => document.get("securityDefinitions"),
            Dialect::OpenApi3 => document.pointer("/components/securitySchemes"),
        }
    }

    /// The base URL of the first server, with its variables at their defaults; a relative
    /// or missing one is on `http://127.0.0.1:8080`.
    pub(crate) fn base_url(self, document: &Value) -> String {
        const LOCAL: &str = "http://127.0.0.1:8080";
        let url = match self {
            Dialect::Swagger2 => {
                let scheme = document
                    .get("schemes")
                    .and_then(Value::as_array)
                    .and_then(|s| {
                        s.iter()
                            .filter_map(Value::as_str)
                            .find(|s| *s == "https")
                            .or_else(|| s.iter().filter_map(Value::as_str).next())
                    })
                    .filter(|s| matches!(*s, "http" | "https"))
                    .unwrap_or("https");
                let base = document
                    .get("basePath")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                match document.get("host").and_then(Value::as_str) {
                    Some(host) if !host.is_empty() => format!("{scheme}://{host}{base}"),
                    _ => format!("{LOCAL}{base}"),
                }
            }
            Dialect::OpenApi3 => {
                let server = document.pointer("/servers/0");
                let mut url = server
                    .and_then(|s| s.get("url"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let variables = server
                    .and_then(|s| s.get("variables"))
                    .and_then(Value::as_object);
                for (name, variable) in variables.into_iter().flatten() {
                    if let Some(default) = variable.get("default").and_then(Value::as_str) {
                        url = url.replace(&format!("{{{name}}}"), default);
                    }
                }
                if url.starts_with("http://") || url.starts_with("https://") {
                    url
                } else if url.starts_with('/') {
                    format!("{LOCAL}{url}")
                } else {
                    LOCAL.to_string()
                }
            }
        };
        let url = url.trim_end_matches('/');
        let clean = !url.contains(['{', '}', ' ', '"', '\\']);
        if clean {
            url.to_string()
        } else {
            LOCAL.to_string()
        }
    }

    /// The body an operation sends. `parameters` are its parameters (path item's and its own,
    /// references followed), each with the document it is in.
    pub(crate) fn body<'a>(
        self,
        docs: &'a Documents,
        doc: DocId,
        operation: &'a Value,
        parameters: &[(DocId, &'a Value)],
    ) -> Body<'a> {
        match self {
            Dialect::Swagger2 => {
                let consumes: Vec<&str> = operation
                    .get("consumes")
                    .or_else(|| docs.root().get("consumes"))
                    .and_then(Value::as_array)
                    .map(|media| media.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let sends_json = consumes.is_empty() || consumes.iter().any(|m| is_json(m));
                if let Some((doc, body)) = parameters.iter().find(|(_, p)| place(p) == "body") {
                    if !sends_json {
                        return Body::Other(consumes[0].to_string());
                    }
                    let schema = body.get("schema");
                    let example = schema
                        .and_then(|s| docs.follow(*doc, s).ok())
                        .and_then(|(_, s, _)| s.get("example"));
                    return Body::Json {
                        doc: *doc,
                        schema,
                        example,
                    };
                }
                let form: Vec<&(DocId, &Value)> = parameters
                    .iter()
                    .filter(|(_, p)| place(p) == "formData")
                    .collect();
                if form.is_empty() {
                    return Body::None;
                }
                let multipart = consumes.iter().any(|m| m.starts_with("multipart/"));
                if multipart
                    || form
                        .iter()
                        .any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"))
                {
                    return Body::Other("multipart/form-data".into());
                }
                Body::Form {
                    doc: form[0].0,
                    fields: form
                        .iter()
                        .filter(|(_, p)| p.get("required") == Some(&Value::Bool(true)))
                        .filter_map(|(_, p)| Some((p.get("name")?.as_str()?.to_string(), *p)))
                        .collect(),
                }
            }
            Dialect::OpenApi3 => {
                let Some(body) = operation.get("requestBody") else {
                    return Body::None;
                };
                let Ok((doc, body, _)) = docs.follow(doc, body) else {
                    return Body::Other("a request body that cannot be resolved".into());
                };
                let Some(content) = body.get("content").and_then(Value::as_object) else {
                    return Body::None;
                };
                if let Some((_, media)) = content.iter().find(|(m, _)| is_json(m)) {
                    let example = media.get("example").or_else(|| {
                        media
                            .get("examples")
                            .and_then(Value::as_object)
                            .and_then(|e| e.values().next())
                            .and_then(|e| docs.follow(doc, e).ok())
                            .and_then(|(_, e, _)| e.get("value"))
                    });
                    return Body::Json {
                        doc,
                        schema: media.get("schema"),
                        example,
                    };
                }
                if let Some(media) = content.get("application/x-www-form-urlencoded") {
                    let resolved = media.get("schema").and_then(|s| docs.follow(doc, s).ok());
                    let (doc, schema) = match resolved {
                        Some((doc, schema, _)) => (doc, schema),
                        None => (doc, &Value::Null),
                    };
                    let required: Vec<&str> = schema
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let fields = required
                        .iter()
                        .map(|name| {
                            let property = schema
                                .get("properties")
                                .and_then(|p| p.get(*name))
                                .unwrap_or(&Value::Null);
                            (name.to_string(), property)
                        })
                        .collect();
                    return Body::Form { doc, fields };
                }
                match content.keys().next() {
                    Some(media) => Body::Other(media.clone()),
                    None => Body::None,
                }
            }
        }
    }

    /// The JSON schema of a response, if it has one (`produces`: the media types the
    /// operation or document says it produces, for 2.0).
    pub(crate) fn response_schema<'a>(
        self,
        response: &'a Value,
        produces: Option<&'a Value>,
    ) -> Option<&'a Value> {
        match self {
            Dialect::Swagger2 => {
                let json = produces
                    .and_then(Value::as_array)
                    .is_none_or(|media| media.iter().filter_map(Value::as_str).any(is_json));
                json.then(|| response.get("schema")).flatten()
            }
            Dialect::OpenApi3 => response
                .get("content")
                .and_then(Value::as_object)?
                .iter()
                .find(|(media, _)| is_json(media))
                .and_then(|(_, media)| media.get("schema")),
        }
    }

    /// What 2.0 says an operation produces: its own `produces`, else the document's.
    pub(crate) fn produces<'a>(
        self,
        operation: &'a Value,
        document: &'a Value,
    ) -> Option<&'a Value> {
        match self {
            Dialect::Swagger2 => operation
                .get("produces")
                .or_else(|| document.get("produces")),
            Dialect::OpenApi3 => None,
        }
    }
}

/// Where a parameter goes (`in`).
pub(crate) fn place(parameter: &Value) -> &str {
    parameter
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A version written as a string or, in YAML, as a number (`swagger: 2.0`).
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
