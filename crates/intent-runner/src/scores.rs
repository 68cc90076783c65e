//! Text scores for comparing an answer with a reference: similarity (normalised edit
//! distance), ROUGE-L (longest common subsequence of words, F-measure) and BLEU (n-gram
//! precision up to 4-grams with brevity penalty and add-one smoothing). All return 0 to 1.

pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub fn rouge_l(candidate: &str, reference: &str) -> f64 {
    let (c, r) = (words(candidate), words(reference));
    if c.is_empty() || r.is_empty() {
        return if c.is_empty() && r.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    // Longest common subsequence with one row of the table at a time.
    let mut previous = vec![0usize; r.len() + 1];
    for cw in &c {
        let mut current = vec![0usize; r.len() + 1];
        for (j, rw) in r.iter().enumerate() {
            current[j + 1] = if cw == rw {
                previous[j] + 1
            } else {
                current[j].max(previous[j + 1])
            };
        }
        previous = current;
    }
    let lcs = previous[r.len()] as f64;
    let (precision, recall) = (lcs / c.len() as f64, lcs / r.len() as f64);
    if lcs == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

pub fn bleu(candidate: &str, reference: &str) -> f64 {
    let (c, r) = (words(candidate), words(reference));
    if c.is_empty() {
        return 0.0;
    }
    let mut log_sum = 0.0;
    for n in 1..=4usize {
        let grams =
            |ws: &[String]| -> Vec<Vec<String>> { ws.windows(n).map(<[String]>::to_vec).collect() };
        let (cg, mut rg) = (grams(&c), grams(&r));
        let total = cg.len();
        let mut matched = 0;
        for g in cg {
            if let Some(i) = rg.iter().position(|x| *x == g) {
                rg.swap_remove(i);
                matched += 1;
            }
        }
        if n == 1 && matched == 0 {
            // No word in common: nothing to smooth.
            return 0.0;
        }
        log_sum += ((matched as f64 + 1.0) / (total as f64 + 1.0)).ln();
    }
    let brevity = if c.len() >= r.len() {
        1.0
    } else {
        (1.0 - r.len() as f64 / c.len() as f64).exp()
    };
    brevity * (log_sum / 4.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_ones_low() {
        let a = "Orders ship within 2 business days";
        assert!((rouge_l(a, a) - 1.0).abs() < 1e-9);
        assert!((similarity(a, a) - 1.0).abs() < 1e-9);
        assert!(bleu(a, a) > 0.9);
        assert_eq!(
            rouge_l("refunds take five days", "orders ship quickly"),
            0.0
        );
        assert_eq!(bleu("refunds take five days", "orders ship quickly"), 0.0);
        assert!(
            bleu(
                "orders ship in two days",
                "orders ship within two business days"
            ) > 0.2
        );
    }

    #[test]
    fn rouge_l_rewards_shared_word_order() {
        let reference = "you can track your package from your account page";
        let close = rouge_l("track your package from the account page", reference);
        let far = rouge_l("page account your from package track", reference);
        assert!(close > far, "{close} > {far}");
        assert!((0.0..=1.0).contains(&close));
    }
}
