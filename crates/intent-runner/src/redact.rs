//! Redaction: the values of secrets never appear in any output. Values derived from a secret
//! are marked by the checker and shown as `[redacted]`; as a second line of defence every
//! string that leaves the runner has each secret's value replaced.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are when a value is interpolated into a URL; the rest is
/// percent-encoded. Shared with the redactor so it knows the encoded form of each secret.
pub(crate) const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub const REDACTED: &str = "[redacted]";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for these secret values; empty values are ignored (they would match
    /// everywhere).
    pub fn new(secrets: Vec<String>) -> Self {
        let mut redactor = Self::default();
        for secret in secrets {
            redactor.learn(&secret);
        }
        redactor
    }

    /// Adds a value to redact, in every form it can take on the way out: as is, percent-encoded
    /// in a URL, form-encoded, and escaped inside a JSON string.
    pub fn learn(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let percent = utf8_percent_encode(secret, PATH_VALUE).to_string();
        let form = percent.replace("%20", "+");
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or_default()
            .to_string();
        for form in [secret.to_string(), percent, form, json] {
            if !form.is_empty() && !self.secrets.contains(&form) {
                self.secrets.push(form);
            }
        }
        // Longer first, so a secret containing another is replaced whole.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    pub fn redact_opt(&self, text: Option<String>) -> Option<String> {
        text.map(|t| self.redact(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_secret_and_ignores_empty_ones() {
        let r = Redactor::new(vec!["s3cr3t".into(), String::new(), "s3cr3t-long".into()]);
        assert_eq!(
            r.redact("Bearer s3cr3t-long and s3cr3t"),
            "Bearer [redacted] and [redacted]"
        );
        assert_eq!(r.redact("nothing here"), "nothing here");
        let encoded = Redactor::new(vec!["tok/en with \"q\"".into()]);
        assert_eq!(
            encoded.redact("/x/tok%2Fen%20with%20%22q%22"),
            "/x/[redacted]"
        );
        assert_eq!(
            encoded.redact("{\"t\":\"tok/en with \\\"q\\\"\"}"),
            "{\"t\":\"[redacted]\"}"
        );
    }
}
