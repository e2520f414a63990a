//! A fast keyed hash for maps keyed by ids (span ids, trace ids), with fresh secret keys for
//! every map.
//!
//! Ids come from files: with a fixed hash a crafted file can pick ids that all hash alike and make
//! tree building quadratic (the old multiply-rotate hash had such ids, 16 ASCII bytes each, found
//! by inverting it; tests/hostile_input.rs builds 100,000 of them). SipHash was most of tree
//! building, so each step here is a folded multiply (the two halves of the 128-bit product
//! xor-ed, as foldhash and wyhash do) by a secret key: the key enters every step non-linearly, so
//! ids cannot be chosen to collide without knowing it.
//!
//! The keys: on the host std's `RandomState` draws them from the OS. On wasm32-unknown-unknown it
//! has no randomness (it keys SipHash with addresses that repeat from run to run), so the app
//! passes random bits from the browser to `seed` once at start; each map mixes them with a count
//! of the maps made, so two loads never share keys.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Random bits given by the app (`seed`); 0 until then.
static ENTROPY: AtomicU64 = AtomicU64::new(0);
/// Maps made so far: no two get the same keys.
static MADE: AtomicU64 = AtomicU64::new(0);

/// Adds random bits to the keys of every map made from now on. The browser app calls it at start
/// with bits from `Math.random`; pure code never draws randomness itself.
pub fn seed(bits: u64) {
    // xor-ed in: a later call can only add to what is there
    ENTROPY.fetch_xor(mix(bits), Ordering::Relaxed);
}

/// splitmix64's finalizer: every bit of `x` reaches every bit of the result.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The 128-bit product of `a` and `b`, its halves xor-ed.
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The keys of one map; builds its hashers.
#[derive(Clone, Copy, Debug)]
pub struct IdState {
    start: u64,
    key: u64,
}

impl IdState {
    /// Fresh keys: the app's random bits (`seed`), the host's `RandomState`, and a count.
    pub fn new() -> Self {
        let made = MADE.fetch_add(1, Ordering::Relaxed);
        #[allow(unused_mut)]
        let mut bits = ENTROPY.load(Ordering::Relaxed) ^ made.wrapping_mul(K);
        #[cfg(not(target_arch = "wasm32"))]
        {
            bits ^= std::collections::hash_map::RandomState::new().hash_one(made);
        }
        Self::with_seed(bits)
    }

    /// Keys from `seed` (tests, and anything that must hash the same twice).
    pub fn with_seed(seed: u64) -> Self {
        let start = mix(seed);
        // odd, so no bit of the state is multiplied away
        let key = mix(start ^ K) | 1;
        IdState { start, key }
    }
}

impl Default for IdState {
    fn default() -> Self {
        Self::new()
    }
}

impl BuildHasher for IdState {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher { h: self.start, key: self.key }
    }
}

/// Eight bytes at a time, each folded into the state with the map's key.
#[derive(Clone, Copy)]
pub struct IdHasher {
    h: u64,
    key: u64,
}

impl IdHasher {
    fn step(&mut self, word: u64) {
        self.h = fold(self.h ^ word, self.key);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.step(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.step(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.step(u64::from(b));
    }

    fn write_u32(&mut self, n: u32) {
        self.step(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.step(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.step(n as u64);
    }

    /// MurmurHash3's finalizer: every state bit reaches the low bits (bucket) and the high bits
    /// (hashbrown's tag) alike.
    fn finish(&self) -> u64 {
        let mut h = self.h;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub type IdMap<K, V> = HashMap<K, V, IdState>;

/// A map with keys of its own.
pub fn id_map<K, V>(capacity: usize) -> IdMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, IdState::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(s: &str) -> u64 {
        IdState::with_seed(1).hash_one(s)
    }

    #[test]
    fn ids_that_differ_in_one_byte_anywhere_hash_apart_in_the_low_bits() {
        // hex span ids differ mostly in their last characters; the table indexes by the low bits
        let base = "5b8efff798038103";
        let mut low = std::collections::HashSet::new();
        for at in 0..base.len() {
            for c in ['0', '1', '7', 'f'] {
                let mut id = base.as_bytes().to_vec();
                id[at] = c as u8;
                let id = String::from_utf8(id).unwrap_or_default();
                low.insert((hash(&id) & 0xfff, id));
            }
        }
        let distinct_ids = low.iter().map(|(_, id)| id).collect::<std::collections::HashSet<_>>().len();
        let distinct_low = low.iter().map(|(h, _)| h).collect::<std::collections::HashSet<_>>().len();
        assert!(distinct_low * 10 >= distinct_ids * 9, "{distinct_low} low-bit values for {distinct_ids} ids");
    }

    #[test]
    fn sequential_ids_spread_over_the_table() {
        // 100,000 ids like a generator writes (counting up in hex) fill 2^17 buckets evenly
        let mut buckets = vec![0u32; 1 << 17];
        for i in 0..100_000u32 {
            buckets[(hash(&format!("{:016x}", i + 1)) as usize) & ((1 << 17) - 1)] += 1;
        }
        let worst = buckets.iter().copied().max().unwrap_or(0);
        assert!(worst <= 8, "a bucket got {worst} ids");
    }

    #[test]
    fn a_prefix_and_the_padded_key_differ() {
        assert_ne!(hash("ab"), hash("ab\0"));
        assert_ne!(hash(""), hash("\0"));
        let mut m: IdMap<&str, u32> = id_map(4);
        m.insert("a", 1);
        m.insert("b", 2);
        assert_eq!((m.get("a"), m.get("b"), m.get("c")), (Some(&1), Some(&2), None));
    }

    #[test]
    fn every_map_gets_keys_of_its_own() {
        // the same id hashes differently in two maps, and the same under one seed
        let (a, b) = (IdState::new(), IdState::new());
        assert_ne!(a.hash_one("span-1"), b.hash_one("span-1"));
        assert_eq!(IdState::with_seed(7).hash_one("span-1"), IdState::with_seed(7).hash_one("span-1"));
        assert_ne!(IdState::with_seed(7).hash_one("span-1"), IdState::with_seed(8).hash_one("span-1"));
        // the app's bits go into the keys of the maps made after
        let before = ENTROPY.load(Ordering::Relaxed);
        seed(0x1234_5678);
        assert_ne!(ENTROPY.load(Ordering::Relaxed), before);
    }
}
