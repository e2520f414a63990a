//! A fast hash for maps keyed by ids (span ids, trace ids): SipHash was most of tree building.
//!
//! Not keyed: on wasm32-unknown-unknown std's `RandomState` has no randomness to draw on and keys
//! SipHash with the address of a stack and a heap byte, which repeat from run to run of a build.
//! So SipHash bought no protection against crafted ids here, only cost.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Eight bytes at a time, multiply-rotate (the FxHash family), mixed at the end.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            h = (h.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(last) ^ (rest.len() as u64) << 59).wrapping_mul(K);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(K);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    /// MurmurHash3's finalizer: every input bit reaches the low bits (bucket) and the high bits
    /// (hashbrown's tag) alike.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

pub fn id_map<K, V>(capacity: usize) -> IdMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(s: &str) -> u64 {
        BuildHasherDefault::<IdHasher>::default().hash_one(s)
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
}
