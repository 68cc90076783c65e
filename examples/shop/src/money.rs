//! Money as whole cents.
//!
//! Prices are kept as integer cents so that sums, quantities and discounts
//! never accumulate floating-point error; the conversion to a JSON number
//! happens only at the serialisation boundary, where `1998` cents becomes
//! `19.98`.

use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Serialize, Serializer};

/// An amount of money in cents. Never negative in this service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// Zero cents, the neutral element for sums and "no discount".
    pub const ZERO: Self = Self(0);

    /// Builds an amount from whole cents.
    #[must_use]
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    /// The amount in whole cents.
    #[must_use]
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// The line amount for `qty` units at this unit price.
    #[must_use]
    pub fn times(self, qty: u32) -> Self {
        Self(self.0 * i64::from(qty))
    }

    /// `percent`% of this amount, rounded half-up to the nearest cent.
    ///
    /// Rounding lives here rather than at each call site so every coupon
    /// rounds the same way (10% of 19.98 is 1.998, which becomes 2.00).
    #[must_use]
    pub fn percent(self, percent: i64) -> Self {
        Self((self.0 * percent + 50).div_euclid(100))
    }
}

impl Add for Money {
    type Output = Self;

    fn add(self, rhs: Self) -> Self {
        Self(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Self;

    fn sub(self, rhs: Self) -> Self {
        Self(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl Serialize for Money {
    /// Emits the amount as a plain JSON number of currency units (`19.98`),
    /// which is what clients and specs compare against. The shortest
    /// round-trip float formatting serde_json uses prints cent values exactly.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(clippy::cast_precision_loss)] // amounts are far below 2^53 cents
        let units = self.0 as f64 / 100.0;
        serializer.serialize_f64(units)
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn serialises_as_currency_units() {
        let json = serde_json::to_string(&Money::from_cents(1998)).expect("serialise");
        assert_eq!(json, "19.98");
        let json = serde_json::to_string(&Money::from_cents(999)).expect("serialise");
        assert_eq!(json, "9.99");
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(Money::from_cents(1998).percent(10), Money::from_cents(200));
        assert_eq!(Money::from_cents(1999).percent(50), Money::from_cents(1000));
        assert_eq!(Money::from_cents(1994).percent(10), Money::from_cents(199));
        assert_eq!(Money::ZERO.percent(50), Money::ZERO);
    }

    #[test]
    fn arithmetic() {
        let total: Money = [Money::from_cents(999).times(2), Money::from_cents(1)]
            .into_iter()
            .sum();
        assert_eq!(total.cents(), 1999);
        assert_eq!((total - Money::from_cents(999)).cents(), 1000);
    }
}
