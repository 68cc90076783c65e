//! Building a request from the plan: the target's URL or a followed link, path values and
//! query parameters percent-encoded, the target's default clauses under the request's own,
//! auth, body and timeout. Every value sent is evaluated here, and refused when absent.

use super::Case;
use crate::errors::EvalError;
use crate::http::{Prepared, PreparedBody, PreparedPart, PreparedPartValue};
use crate::redact::PATH_VALUE;
use crate::value::Value;
use intent_ir::{Auth, Body, Part, PartValue, Request, RequestOptions, TemplatePart};
use percent_encoding::utf8_percent_encode;
use std::sync::Arc;
use std::time::Duration;

impl Case<'_> {
    /// Evaluates everything a request needs: URL, headers, auth, body and timeout, with the
    /// target's defaults under the request's own clauses.
    pub(super) fn prepare(&mut self, request: &Request) -> Result<Prepared, EvalError> {
        let base = self
            .shared
            .targets
            .get(&request.target)
            .cloned()
            .ok_or_else(|| EvalError::TargetWithoutUrl(request.target.clone()))?;
        let mut url = match &request.link {
            Some(link) => {
                let value = self.sendable(link)?.to_text();
                follow(&request.target, &base, &value)?
            }
            None => {
                let mut url = base;
                for part in &request.path {
                    match part {
                        TemplatePart::Text(t) => url.push_str(t),
                        TemplatePart::Expr(e) => {
                            let value = self.sendable(e)?.to_text();
                            url.extend(
                                utf8_percent_encode(&value, PATH_VALUE).map(|s| s.to_string()),
                            );
                        }
                    }
                }
                url
            }
        };
        let plan = Arc::clone(&self.shared.plan);
        let defaults = plan.target(&request.target).map(|t| &t.defaults);
        let empty = RequestOptions::default();
        let layers = [defaults.unwrap_or(&empty), &request.options];
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut query: Vec<(String, String)> = Vec::new();
        let mut basic = None;
        let mut timeout = self.shared.default_timeout;
        for options in layers {
            for h in &options.headers {
                let value = self.sendable(&h.value)?.to_text();
                headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&h.name));
                headers.push((h.name.clone(), value));
            }
            for q in &options.query {
                query.push((q.name.clone(), self.sendable(&q.value)?.to_text()));
            }
            match &options.auth {
                Some(Auth::Bearer { token }) => {
                    let token = self.sendable(token)?.to_text();
                    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
                    headers.push(("authorization".into(), format!("Bearer {token}")));
                    basic = None;
                }
                Some(Auth::Basic { user, password }) => {
                    let (user_value, password_value) = (
                        self.sendable(user)?.to_text(),
                        self.sendable(password)?.to_text(),
                    );
                    // A secret in basic auth travels as base64 of `user:password`, which a
                    // server may echo back; that whole form is redacted too.
                    if user.secret || password.secret {
                        self.redactor
                            .learn(&format!("{user_value}:{password_value}"));
                    }
                    basic = Some((user_value, password_value));
                }
                None => {}
            }
            if let Some(t) = &options.timeout
                && let Some(ms) = self.env.eval(t)?.as_f64()
            {
                timeout = Duration::from_secs_f64(ms.max(1.0) / 1000.0);
            }
        }
        if !query.is_empty() {
            let encoded: Vec<String> = query
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        utf8_percent_encode(k, PATH_VALUE),
                        utf8_percent_encode(v, PATH_VALUE)
                    )
                })
                .collect();
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&encoded.join("&"));
        }
        let body = match &request.body {
            None => None,
            Some(Body::Json { value }) => Some(PreparedBody::Json(self.sendable(value)?.to_json())),
            Some(Body::Text { value }) => Some(PreparedBody::Text(self.sendable(value)?.to_text())),
            Some(Body::Form { value }) => {
                let fields = match self.sendable(value)?.to_json() {
                    serde_json::Value::Object(map) => map
                        .into_iter()
                        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                        .collect(),
                    other => {
                        return Err(EvalError::FormNotObject {
                            found: other.to_string(),
                        });
                    }
                };
                Some(PreparedBody::Form(fields))
            }
            Some(Body::Multipart { parts }) => Some(PreparedBody::Multipart(self.parts(parts)?)),
        };
        Ok(Prepared {
            target: request.target.clone(),
            method: request.method.clone(),
            url,
            headers,
            body,
            basic,
            timeout,
        })
    }

    /// The parts of a multipart body: text fields evaluated (a string as it is, anything else
    /// as JSON, as a form's fields are), files read through the project layer.
    fn parts(&mut self, parts: &[Part]) -> Result<Vec<PreparedPart>, EvalError> {
        let mut prepared = Vec::with_capacity(parts.len());
        for part in parts {
            let value = match &part.value {
                PartValue::Text { value } => {
                    let json = self.sendable(value)?.to_json();
                    PreparedPartValue::Text(
                        json.as_str()
                            .map_or_else(|| json.to_string(), str::to_string),
                    )
                }
                PartValue::File {
                    path,
                    file_name,
                    content_type,
                } => {
                    let bytes = self.shared.datasets.attachment(path).map_err(|why| {
                        EvalError::Attachment {
                            path: path.clone(),
                            why,
                        }
                    })?;
                    PreparedPartValue::File {
                        file_name: file_name.clone(),
                        content_type: content_type.clone(),
                        bytes: bytes.into(),
                    }
                }
            };
            prepared.push(PreparedPart {
                name: part.name.clone(),
                value,
            });
        }
        Ok(prepared)
    }

    /// Evaluates a value to send. An absent value (a missing field or header) is never sent
    /// as text; a value derived from a secret is remembered, so it is redacted like one.
    pub(super) fn sendable(&mut self, expr: &intent_ir::Expr) -> Result<Value, EvalError> {
        let value = self.env.eval(expr)?;
        if matches!(value, Value::Absent) {
            return Err(EvalError::AbsentToSend);
        }
        if expr.secret {
            self.redactor.learn(&value.to_text());
        }
        Ok(value)
    }
}

/// The URL a link leads to: `value` (a path or URL computed at run time) resolved against the
/// target's URL `base` as a browser resolves a `Location` header (RFC 3986), so `/orders/1`
/// replaces the target's path and `orders/1` is appended to it. An absolute URL must stay on
/// the target's origin (scheme, host and port): the spec names the target it talks to.
fn follow(target: &str, base: &str, value: &str) -> Result<String, EvalError> {
    let invalid = |why: String| EvalError::BadLink {
        link: value.to_string(),
        why,
    };
    let base_url = reqwest::Url::parse(&format!("{base}/"))
        .map_err(|e| invalid(format!("the target `{target}` has no valid URL ({e})")))?;
    let url = base_url
        .join(value.trim())
        .map_err(|e| invalid(e.to_string()))?;
    if url.origin() != base_url.origin() {
        return Err(EvalError::OtherOrigin {
            link: value.to_string(),
            origin: url.origin().ascii_serialization(),
            target: target.to_string(),
            base: base.to_string(),
        });
    }
    Ok(url.to_string())
}

/// A request as written in the spec, `GET shop /orders/{…}`, for reports.
pub(super) fn request_text(request: &Request) -> String {
    let path: String = match &request.link {
        Some(_) => "(…)".to_string(),
        None => request
            .path
            .iter()
            .map(|p| match p {
                TemplatePart::Text(t) => t.as_str(),
                TemplatePart::Expr(_) => "{…}",
            })
            .collect(),
    };
    format!("{} {} {path}", request.method, request.target)
}
