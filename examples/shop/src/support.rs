//! A deterministic "support assistant" that routes questions to a team.
//!
//! It stands in for an AI-backed endpoint in the example specs: the answer
//! is free text a spec can make fuzzy assertions about, yet it is produced
//! by fixed keyword rules, so runs are reproducible.

use axum::Json;
use serde::{Deserialize, Serialize};

use crate::body::JsonBody;
use crate::errors::ApiError;

/// The team a question is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Team {
    /// Refunds, invoices, charges, prices.
    Billing,
    /// Shipping, delivery, tracking.
    Shipping,
    /// Returns, exchanges, damaged goods.
    Returns,
}

/// Keyword rules, in priority order for keywords found at the same position.
const RULES: &[(Team, &[&str])] = &[
    (
        Team::Billing,
        &[
            "refund", "invoice", "charge", "charged", "payment", "bill", "price",
        ],
    ),
    (
        Team::Shipping,
        &[
            "ship", "shipping", "deliver", "delivery", "track", "tracking", "package", "courier",
        ],
    ),
    (
        Team::Returns,
        &["return", "exchange", "damaged", "broken", "wrong size"],
    ),
];

/// What is said when no keyword matches; billing owns the general inbox.
const FALLBACK_ANSWER: &str = "Thanks for getting in touch. Our billing team reads every \
     general question and will reply within one business day.";

impl Team {
    /// The fixed answer for questions routed to this team.
    #[must_use]
    pub fn answer(self) -> &'static str {
        match self {
            Self::Billing => {
                "Refunds go back to your original payment method within 5 business days, \
                 and every charge has an invoice on your account's billing page."
            }
            Self::Shipping => {
                "Orders ship within 2 business days and you can track your package \
                 from your account page."
            }
            Self::Returns => {
                "You can return or exchange any item within 30 days; damaged or broken \
                 items are replaced at no cost."
            }
        }
    }
}

/// The team whose keyword occurs earliest in `question`, if any.
///
/// Matching is case-insensitive and anchored at word starts, so "shipped"
/// matches `ship` but "relationship" does not.
#[must_use]
pub fn route(question: &str) -> Option<Team> {
    let question = question.to_lowercase();
    RULES
        .iter()
        .flat_map(|&(team, keywords)| keywords.iter().map(move |&keyword| (team, keyword)))
        .filter_map(|(team, keyword)| first_word_start(&question, keyword).map(|at| (at, team)))
        // min_by_key keeps the first of equal positions, i.e. rule order.
        .min_by_key(|&(at, _)| at)
        .map(|(_, team)| team)
}

/// Byte offset of the first occurrence of `keyword` that starts a word.
fn first_word_start(haystack: &str, keyword: &str) -> Option<usize> {
    haystack
        .match_indices(keyword)
        .map(|(at, _)| at)
        .find(|&at| {
            haystack
                .get(..at)
                .and_then(|before| before.chars().next_back())
                .is_none_or(|c| !c.is_alphanumeric())
        })
}

/// Body of `POST /support/answer`.
#[derive(Debug, Deserialize)]
pub struct Question {
    question: String,
}

/// A routed answer.
#[derive(Debug, Serialize)]
pub struct Answer {
    answer: &'static str,
    team: Team,
}

/// `POST /support/answer` (no auth).
pub async fn answer(JsonBody(request): JsonBody<Question>) -> Result<Json<Answer>, ApiError> {
    if request.question.trim().is_empty() {
        return Err(ApiError::bad_request("question must not be empty").with_field("question"));
    }
    let reply = match route(&request.question) {
        Some(team) => Answer {
            answer: team.answer(),
            team,
        },
        None => Answer {
            answer: FALLBACK_ANSWER,
            team: Team::Billing,
        },
    };
    Ok(Json(reply))
}

#[cfg(test)]
mod tests {
    use super::{Team, route};

    #[test]
    fn routes_by_keyword() {
        assert_eq!(route("Where is my REFUND?"), Some(Team::Billing));
        assert_eq!(route("When will it ship?"), Some(Team::Shipping));
        assert_eq!(route("can I track my order"), Some(Team::Shipping));
        assert_eq!(route("The mug arrived broken"), Some(Team::Returns));
        assert_eq!(route("I got the wrong size"), Some(Team::Returns));
        assert_eq!(route("hello there"), None);
    }

    #[test]
    fn earliest_keyword_wins() {
        assert_eq!(
            route("I want to return it, when is my refund?"),
            Some(Team::Returns)
        );
        assert_eq!(
            route("refund for the package I want to return"),
            Some(Team::Billing)
        );
        assert_eq!(
            route("the delivery was damaged, I need a refund"),
            Some(Team::Shipping)
        );
    }

    #[test]
    fn keywords_match_at_word_starts_only() {
        assert_eq!(route("our relationship is fine"), None);
        assert_eq!(route("it shipped yesterday"), Some(Team::Shipping));
        assert_eq!(route("returned goods"), Some(Team::Returns));
    }

    #[test]
    fn answers_mention_their_topic() {
        assert!(
            Team::Billing.answer().contains("refund") || Team::Billing.answer().contains("Refund")
        );
        assert!(Team::Shipping.answer().contains("track your package"));
        assert!(Team::Returns.answer().contains("return"));
    }
}
