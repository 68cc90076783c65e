//! The statistics of thresholds: percentiles of a series and the Wilson score interval of a
//! proportion, so a rate checked `at 95% confidence` does not pass on a lucky small sample.

/// Which end of a confidence interval a threshold compares: the end that makes passing
/// harder, the lower one for `>=` and the upper one for `<=`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bound {
    Lower,
    Upper,
}

/// A two-sided confidence interval at a level such as 95%.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Interval {
    /// The level, in percent points (95 for 95%).
    pub level: f64,
    pub bound: Bound,
}

impl Interval {
    /// The standard normal quantile of the level: 1.96 at 95%.
    fn z(self) -> f64 {
        normal_quantile(1.0 - (1.0 - self.level / 100.0) / 2.0)
    }

    /// The chosen end of the Wilson score interval of `successes` out of `trials`.
    pub fn wilson(self, successes: f64, trials: f64) -> f64 {
        if trials <= 0.0 {
            return f64::NAN;
        }
        let z = self.z();
        let p = successes / trials;
        let z2n = z * z / trials;
        let centre = (p + z2n / 2.0) / (1.0 + z2n);
        let margin = z * (p * (1.0 - p) / trials + z2n / (4.0 * trials)).sqrt() / (1.0 + z2n);
        match self.bound {
            Bound::Lower => (centre - margin).max(0.0),
            Bound::Upper => (centre + margin).min(1.0),
        }
    }
}

/// The nearest-rank percentile (1 to 100) of `values`: the smallest value with at least
/// `p`% of the values at or below it. `None` when there are no values.
pub fn percentile(values: &[f64], p: u8) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (f64::from(p) / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The inverse of the standard normal distribution function, by Acklam's rational
/// approximation (relative error below 1.2e-9), which is ample for choosing a `z`. A crate
/// such as statrs would bring a linear-algebra library for this one function.
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn normal_quantiles_match_the_tables() {
        assert!(close(normal_quantile(0.975), 1.959_964));
        assert!(close(normal_quantile(0.5), 0.0));
        assert!(close(normal_quantile(0.995), 2.575_829));
        assert!(close(normal_quantile(0.01), -2.326_348));
        assert!(close(normal_quantile(0.999), 3.090_232));
    }

    #[test]
    fn wilson_bounds_match_a_worked_example() {
        // 81 of 263 at 95%: the interval is [0.2553, 0.3662] (Wilson 1927, as in Wikipedia).
        let lower = Interval {
            level: 95.0,
            bound: Bound::Lower,
        };
        let upper = Interval {
            bound: Bound::Upper,
            ..lower
        };
        assert!(
            close(lower.wilson(81.0, 263.0), 0.2553),
            "{}",
            lower.wilson(81.0, 263.0)
        );
        assert!(
            close(upper.wilson(81.0, 263.0), 0.3662),
            "{}",
            upper.wilson(81.0, 263.0)
        );
        // 10 of 10 is not proof of 100%: the lower bound is about 72%.
        assert!(
            close(lower.wilson(10.0, 10.0), 0.7225),
            "{}",
            lower.wilson(10.0, 10.0)
        );
        assert_eq!(upper.wilson(10.0, 10.0), 1.0);
        assert!(lower.wilson(1.0, 0.0).is_nan());
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values = [15.0, 20.0, 35.0, 40.0, 50.0];
        assert_eq!(percentile(&values, 5), Some(15.0));
        assert_eq!(percentile(&values, 30), Some(20.0));
        assert_eq!(percentile(&values, 40), Some(20.0));
        assert_eq!(percentile(&values, 50), Some(35.0));
        assert_eq!(percentile(&values, 100), Some(50.0));
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 99), Some(3.0));
        assert_eq!(percentile(&[], 50), None);
    }
}
