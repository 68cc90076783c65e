//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Close enough means at most a third of the word's length in edits (at least one), so
/// `thne` suggests `then` but `x` suggests nothing. Case differences count as one edit in
/// total, so `get` suggests `GET`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(word) {
                1
            } else {
                strsim::damerau_levenshtein(word, c)
            };
            (distance, c)
        })
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_words_only() {
        let words = ["then", "expect", "given", "when"];
        assert_eq!(did_you_mean("thne", words), Some("then"));
        assert_eq!(did_you_mean("expcet", words), Some("expect"));
        assert_eq!(did_you_mean("x", words), None);
        assert_eq!(did_you_mean("banana", words), None);
        assert_eq!(did_you_mean("get", ["GET", "PUT"]), Some("GET"));
    }
}
