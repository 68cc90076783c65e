//! Redaction: the values of secrets never appear in any output. Values derived from a secret
//! are marked by the checker and shown as `[redacted]`; as a second line of defence every
//! string that leaves the runner has each secret's value replaced.

pub const REDACTED: &str = "[redacted]";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for these secret values; empty values are ignored (they would match
    /// everywhere).
    pub fn new(mut secrets: Vec<String>) -> Self {
        secrets.retain(|s| !s.is_empty());
        // Longer first, so a secret containing another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
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
    }
}
