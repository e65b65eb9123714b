//! 128-bit content hashes, for the figure cache ([`super::cache`]) and the
//! record of what the last build wrote ([`super::stage`]).
//!
//! SipHash-1-3 with fixed keys (the `siphasher` crate): the same bytes give
//! the same digest in every process and on every machine, which on-disk
//! records need, and 128 bits make an accidental collision out of reach.
//! Not a defence against someone crafting collisions: the cache and the
//! output belong to the author who builds them.

use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;

/// A 128-bit hash of some bytes.
pub type Digest = u128;

/// The digest of `bytes`.
pub fn digest(bytes: &[u8]) -> Digest {
    SipHasher13::new().hash(bytes).as_u128()
}

/// A digest of several fields. Each is written with its length first, so
/// that `("ab", "c")` and `("a", "bc")` differ.
#[derive(Debug, Clone, Default)]
pub struct Fields(SipHasher13);

impl Fields {
    pub fn new() -> Fields {
        Fields(SipHasher13::new())
    }

    /// Adds one field.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Fields {
        self.0.write(&(bytes.len() as u64).to_le_bytes());
        self.0.write(bytes);
        self
    }

    /// Adds a text field.
    pub fn str(&mut self, s: &str) -> &mut Fields {
        self.bytes(s.as_bytes())
    }

    /// Adds a number.
    pub fn u64(&mut self, n: u64) -> &mut Fields {
        self.bytes(&n.to_le_bytes())
    }

    pub fn finish(&self) -> Digest {
        self.0.finish128().as_u128()
    }
}

/// A digest as 32 lowercase hex digits.
pub fn hex(d: Digest) -> String {
    format!("{d:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited_and_stable() {
        let ab_c = Fields::new().str("ab").str("c").finish();
        let a_bc = Fields::new().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, Fields::new().str("ab").str("c").finish());
        assert_ne!(digest(b""), digest(b"\0"));
        // The algorithm is fixed: an on-disk record stays valid across
        // processes and builds of seen.
        assert_eq!(hex(digest(b"seen")).len(), 32);
        assert_eq!(digest(b"seen"), digest(b"seen"));
    }
}
