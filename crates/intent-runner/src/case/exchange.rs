//! The verbose dump of an exchange (`--verbose`): the request and the response or the error,
//! redacted, bodies cut, credentials and cookies always hidden, control characters escaped.

use super::Case;
use crate::http::{Prepared, PreparedBody, Response};
use crate::redact::REDACTED;

/// The most characters of a body the verbose log shows.
const SHOWN_BODY: usize = 2048;

impl Case<'_> {
    pub(super) fn exchange(
        &self,
        request: &Prepared,
        response: Option<&Response>,
        error: Option<&str>,
    ) {
        let Some(sink) = &self.shared.exchanges else {
            return;
        };
        let r = &self.redactor;
        let mut text = format!("→ {} {}\n", request.method, r.redact(&request.url));
        for (name, value) in &request.headers {
            let value = if name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("cookie")
            {
                REDACTED.to_string()
            } else {
                r.redact(value)
            };
            text.push_str(&format!("  {name}: {value}\n"));
        }
        if let Some(body) = &request.body {
            let shown = match body {
                PreparedBody::Json(v) => v.to_string(),
                PreparedBody::Form(f) => format!("{f:?}"),
                PreparedBody::Multipart(parts) => multipart_summary(parts),
                PreparedBody::Text(t) => t.clone(),
            };
            text.push_str(&format!("  {}\n", r.preview(&shown, SHOWN_BODY)));
        }
        match (response, error) {
            (Some(resp), _) => {
                let decoded = resp
                    .decoded
                    .as_ref()
                    .map_or_else(String::new, |d| format!(", {d}"));
                text.push_str(&format!(
                    "← {} ({:.0} ms, {} bytes{decoded})\n",
                    resp.status, resp.duration_ms, resp.size
                ));
                for (name, value) in resp.headers() {
                    text.push_str(&format!("  {name}: {}\n", r.redact(&value)));
                }
                if !resp.text.is_empty() {
                    text.push_str(&format!("  {}\n", r.preview(&resp.text, SHOWN_BODY)));
                }
            }
            (None, Some(e)) => text.push_str(&format!("← no response: {e}\n")),
            (None, None) => {}
        }
        sink(printable(&text));
    }
}

/// Text from the system under test as a terminal may show it: control characters escaped.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A multipart body as the dump shows it: each text field, and each file by its name, type and
/// size (its bytes may be anything).
fn multipart_summary(parts: &[crate::http::PreparedPart]) -> String {
    use crate::http::PreparedPartValue;
    let shown: Vec<String> = parts
        .iter()
        .map(|part| match &part.value {
            PreparedPartValue::Text(text) => format!("{}: {text:?}", part.name),
            PreparedPartValue::File {
                file_name,
                content_type,
                bytes,
            } => format!(
                "{}: file {file_name:?} ({content_type}, {} bytes)",
                part.name,
                bytes.len()
            ),
        })
        .collect();
    format!("multipart {{ {} }}", shown.join(", "))
}
