//! Personal data: the built-in detectors (`pii.email`, `pii.card_number`, `pii.phone`), where
//! they find something in a response, and how it is masked. What a policy finds is shown only
//! masked (`j***@example.com`, `**** **** **** 1111`), in every output, because the policy
//! exists to keep such data out of places like CI logs.

use intent_ir::Detector;
use regex::Regex;
use serde_json::Value as Json;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("valid regex")
});
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:\d[ -]?){12,18}\d\b").expect("valid regex"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}").expect("valid regex")
});

/// The byte ranges of `text` that hold personal data of the detector's kind.
pub fn find(detector: Detector, text: &str) -> Vec<std::ops::Range<usize>> {
    match detector {
        Detector::Email => EMAIL.find_iter(text).map(|m| m.range()).collect(),
        Detector::Phone => PHONE.find_iter(text).map(|m| m.range()).collect(),
        Detector::CardNumber => CARD
            .find_iter(text)
            .filter(|m| luhn(m.as_str()))
            .map(|m| m.range())
            .collect(),
    }
}

/// Whether `text` holds personal data of the detector's kind.
pub fn detect(detector: Detector, text: &str) -> bool {
    !find(detector, text).is_empty()
}

/// `found`, masked: an e-mail keeps the first letter of its name and its domain
/// (`j***@example.com`); a card number and a phone number keep their last digits (four and
/// two) and their separators.
pub fn mask(detector: Detector, found: &str) -> String {
    match detector {
        Detector::Email => match found.split_once('@') {
            Some((name, domain)) => {
                let first: String = name.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        Detector::CardNumber => keep_last_digits(found, 4),
        Detector::Phone => keep_last_digits(found, 2),
    }
}

/// Masks every finding of each detector in `text`.
pub fn mask_all(detectors: &[Detector], text: &str) -> String {
    let mut out = text.to_string();
    for &detector in detectors {
        let ranges = find(detector, &out);
        if ranges.is_empty() {
            continue;
        }
        let mut masked = String::with_capacity(out.len());
        let mut last = 0;
        for range in ranges {
            masked.push_str(&out[last..range.start]);
            masked.push_str(&mask(detector, &out[range.clone()]));
            last = range.end;
        }
        masked.push_str(&out[last..]);
        out = masked;
    }
    out
}

fn keep_last_digits(found: &str, keep: usize) -> String {
    let digits = found.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    found
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen > digits.saturating_sub(keep) {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}

/// The first place in `value` where the detector finds something: its JSON path (`$` for a
/// value that is itself text) and the finding, masked.
pub fn locate(detector: Detector, value: &Json) -> Option<(String, String)> {
    fn walk(detector: Detector, value: &Json, path: &mut String) -> Option<(String, String)> {
        match value {
            Json::String(text) => {
                let range = find(detector, text).into_iter().next()?;
                Some((path.clone(), mask(detector, &text[range])))
            }
            Json::Number(n) => {
                let text = n.to_string();
                let range = find(detector, &text).into_iter().next()?;
                Some((path.clone(), mask(detector, &text[range])))
            }
            Json::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(detector, item, path);
                path.truncate(len);
                found
            }),
            Json::Object(map) => map.iter().find_map(|(key, item)| {
                let len = path.len();
                if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    path.push('.');
                    path.push_str(key);
                } else {
                    path.push_str(&format!("[{key:?}]"));
                }
                let found = walk(detector, item, path);
                path.truncate(len);
                found
            }),
            Json::Null | Json::Bool(_) => None,
        }
    }
    walk(detector, value, &mut "$".to_string())
}

/// The detectors a plan's checks and policies use: what they find is masked in every output.
pub fn detectors_in(plan: &intent_ir::Plan) -> Vec<Detector> {
    let mut found = Vec::new();
    let mut note = |expr: &intent_ir::Expr| {
        expr.any(&mut |e| {
            if let intent_ir::ExprKind::Detector { detector } = &e.kind
                && !found.contains(detector)
            {
                found.push(*detector);
            }
            false
        });
    };
    for policy in &plan.policies {
        for check in policy.checks.iter().chain(&policy.without_auth) {
            note(&check.expr);
        }
    }
    for actions in plan
        .intents
        .iter()
        .map(|i| &i.actions)
        .chain(plan.steps.iter().map(|s| &s.actions))
        .chain(plan.evaluations.iter().map(|e| &e.actions))
        .chain(plan.loads.iter().map(|l| &l.actions))
    {
        for action in actions {
            if let intent_ir::Action::Check(check) = action {
                note(&check.expr);
            }
        }
    }
    found
}

/// What a detector looks for, in words.
pub fn noun(detector: Detector) -> &'static str {
    match detector {
        Detector::Email => "e-mail address",
        Detector::CardNumber => "card number",
        Detector::Phone => "phone number",
    }
}

fn luhn(candidate: &str) -> bool {
    let digits: Vec<u32> = candidate.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn card_numbers_need_the_luhn_check() {
        assert!(detect(
            Detector::CardNumber,
            "paid with 4111 1111 1111 1111 today"
        ));
        assert!(!detect(Detector::CardNumber, "order 4111 1111 1111 1112"));
        assert!(detect(Detector::Email, "mail bob@example.com now"));
        assert!(!detect(Detector::Email, "no address here"));
    }

    #[test]
    fn findings_are_masked() {
        assert_eq!(
            mask(Detector::Email, "jane.doe@example.com"),
            "j***@example.com"
        );
        assert_eq!(
            mask(Detector::CardNumber, "4111 1111 1111 1111"),
            "**** **** **** 1111"
        );
        assert_eq!(
            mask(Detector::Phone, "+33 6 12 34 56 78"),
            "+** * ** ** ** 78"
        );
        assert_eq!(
            mask_all(
                &[Detector::Email, Detector::CardNumber],
                "to jane@example.com, card 4111111111111111."
            ),
            "to j***@example.com, card ************1111."
        );
    }

    #[test]
    fn a_finding_is_located_by_its_json_path() {
        let body = json!({"order": {"lines": [{"note": "call +44 20 7946 0958"}]}, "a": 1});
        assert_eq!(
            locate(Detector::Phone, &body),
            Some((
                "$.order.lines[0].note".to_string(),
                "+** ** **** **58".to_string()
            ))
        );
        assert_eq!(locate(Detector::Email, &body), None);
        assert_eq!(
            locate(Detector::Email, &json!({"e-mail": "bob@example.org"})),
            Some(("$[\"e-mail\"]".to_string(), "b***@example.org".to_string()))
        );
    }
}
