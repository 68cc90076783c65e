//! Unpredictable identifiers: session tokens and order ids.
//!
//! Ids must not be guessable (an order id is effectively a capability, and a
//! token certainly is), but this example does not warrant a crypto crate.
//! std's `RandomState` is seeded from the OS's randomness per process and
//! re-keyed for every instance, so hashing a counter and the clock through a
//! fresh one gives well-mixed, non-repeating 64-bit values. That is ample for
//! an in-memory demo service; a production service would use a CSPRNG.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Makes every draw distinct even if the clock does not move between calls.
static DRAWS: AtomicU64 = AtomicU64::new(0);

/// 64 random-looking bits.
#[must_use]
pub fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(DRAWS.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    hasher.finish()
}

/// An opaque bearer token: 32 lowercase hex digits (128 bits).
#[must_use]
pub fn token() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

/// A random (version 4, RFC 9562) UUID in canonical lowercase
/// `8-4-4-4-12` form.
#[must_use]
pub fn uuid_v4() -> String {
    let high = random_u64();
    let low = random_u64();
    // Version nibble = 4 (bits 48..52 of the high half).
    let high = (high & !0x0000_0000_0000_f000) | 0x0000_0000_0000_4000;
    // Variant = 0b10 (top two bits of the low half).
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0x0000_ffff_ffff_ffff,
    )
}

#[cfg(test)]
mod tests {
    use super::{token, uuid_v4};
    use std::collections::HashSet;

    fn is_uuid_v4(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        lens == [8, 4, 4, 4, 12]
            && s.chars()
                .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
            && parts[2].starts_with('4')
            && parts[3].starts_with(['8', '9', 'a', 'b'])
    }

    #[test]
    fn uuids_are_v4_and_distinct() {
        let ids: HashSet<String> = (0..1000).map(|_| uuid_v4()).collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert!(is_uuid_v4(id), "{id}");
        }
    }

    #[test]
    fn tokens_are_hex_and_distinct() {
        let a = token();
        let b = token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
