//! Redaction: every text that leaves the runner (results, the verbose log) passes through a
//! [`Redactor`] first, which replaces each secret value in every form it can take on the way
//! out, and masks the personal data the spec's detectors look for. Redaction comes before any
//! preview is cut, so no cut can leave a fragment of a secret.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use intent_ir::Detector;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are when a value is interpolated into a URL; the rest is
/// percent-encoded. Shared with the redactor so it knows the encoded form of each secret.
pub(crate) const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub const REDACTED: &str = "[redacted]";

/// A base64 fragment shorter than this is not redacted on its own: it would match ordinary
/// text. Longer secrets give longer fragments.
const MIN_BASE64_FRAGMENT: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    /// The detectors whose findings are masked in every text.
    pii: Vec<Detector>,
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

    /// Masks what these detectors find, in every text this redactor passes.
    pub fn mask_pii(mut self, detectors: Vec<Detector>) -> Self {
        self.pii = detectors;
        self
    }

    /// Adds a value to redact, in every form it can take on the way out: as is, percent-encoded
    /// in a URL, form-encoded, escaped inside a JSON string, and base64-encoded (standard and
    /// URL-safe, at each of the three alignments it can have inside a longer encoded text, such
    /// as `user:secret` in an `Authorization: Basic` header).
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
        let mut forms = vec![secret.to_string(), percent, form, json];
        forms.extend(base64_fragments(secret.as_bytes()));
        for form in forms {
            if !form.is_empty() && !self.secrets.contains(&form) {
                self.secrets.push(form);
            }
        }
        // Longer first, so a secret containing another is replaced whole.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// `text` with every secret replaced and every finding of the detectors masked.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        if self.pii.is_empty() {
            out
        } else {
            crate::pii::mask_all(&self.pii, &out)
        }
    }

    pub fn redact_opt(&self, text: Option<String>) -> Option<String> {
        text.map(|t| self.redact(&t))
    }

    /// `text` redacted, then cut to at most `max` characters with `…`: the cut can never
    /// leave part of a secret, since the secret is gone before the text is cut.
    pub fn preview(&self, text: &str, max: usize) -> String {
        let redacted = self.redact(text);
        match redacted.char_indices().nth(max) {
            Some((end, _)) => format!("{}…", &redacted[..end]),
            None => redacted,
        }
    }
}

/// The parts of the base64 encoding of `secret` that do not depend on the bytes around it, at
/// each alignment (0, 1 or 2 bytes before it in a group of three), in both alphabets.
fn base64_fragments(secret: &[u8]) -> Vec<String> {
    let mut fragments = Vec::new();
    for align in 0..3usize {
        let mut padded = vec![0u8; align];
        padded.extend_from_slice(secret);
        // Character i of the encoding covers bits 6i..6i+6; keep those inside the secret.
        let start = (8 * align).div_ceil(6);
        let end = (8 * (align + secret.len())) / 6;
        if end <= start || end - start < MIN_BASE64_FRAGMENT {
            continue;
        }
        for engine in [&STANDARD, &URL_SAFE] {
            let encoded = engine.encode(&padded);
            if let Some(fragment) = encoded.get(start..end) {
                fragments.push(fragment.to_string());
            }
        }
    }
    fragments
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

    #[test]
    fn base64_forms_are_redacted_at_every_alignment() {
        let secret = "correct-horse-battery";
        let r = Redactor::new(vec![secret.into()]);
        for prefix in ["", "a", "ab", "user:", "alice:"] {
            let encoded = STANDARD.encode(format!("{prefix}{secret}"));
            let shown = r.redact(&format!("Basic {encoded}"));
            let left = shown.replace(REDACTED, "");
            // What may stay: the prefix's own characters, one character at each edge that
            // mixes a few bits of the secret with its neighbours, and the padding.
            let allowed = "Basic ".len() + prefix.len() * 8 / 6 + 1 + 3;
            assert!(
                shown.contains(REDACTED) && left.len() <= allowed,
                "{prefix:?}: a fragment of the secret is left in {shown:?}"
            );
        }
    }

    #[test]
    fn a_preview_never_cuts_a_secret() {
        let r = Redactor::new(vec!["s3cr3t-value".into()]);
        let text = format!("{}s3cr3t-value", "x".repeat(195));
        let shown = r.preview(&text, 200);
        assert!(!shown.contains("s3cr3"), "{shown}");
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn personal_data_is_masked_when_asked() {
        let r = Redactor::default().mask_pii(vec![Detector::Email]);
        assert_eq!(r.redact("from jane@example.com"), "from j***@example.com");
    }
}
