//! The app's one sort. std's `sort_by` compiles a full driftsort (3-5 KB of wasm) for every element
//! type and comparator; these wrappers sort small slices by insertion and larger ones through a
//! single sort of indices, so all call sites share one copy. Stable, like `sort_by`.

use std::cmp::Ordering;

/// Up to this length insertion sort is as fast as anything and its code is tiny.
const SMALL: usize = 16;

/// The stable order of `0..n` under `cmp`: the one place std's sort is instantiated.
fn sorted_positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..n).collect();
    positions.sort_by(|&a, &b| cmp(a, b));
    positions
}

/// Sorts `v` stably by `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    if v.windows(2).all(|w| cmp(&w[0], &w[1]) != Ordering::Greater) {
        return;
    }
    if n <= SMALL {
        for i in 1..n {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let order = {
        let v: &[T] = v;
        sorted_positions(n, &mut |a, b| cmp(&v[a], &v[b]))
    };
    // dest[i]: where the element now at i belongs; each swap puts one element in its place
    let mut dest = vec![0usize; n];
    for (to, &from) in order.iter().enumerate() {
        dest[from] = to;
    }
    for i in 0..n {
        while dest[i] != i {
            let d = dest[i];
            v.swap(i, d);
            dest.swap(i, d);
        }
    }
}

/// Sorts `v` stably by a key, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn matches_std_stable_sort_on_every_length_and_many_duplicates() {
        let mut seed = 7;
        for n in (0..40).chain([100, 257, 1000, 5000]) {
            for range in [2, 10, 1_000_000] {
                // (key, original position) shows whether equal keys kept their order
                let v: Vec<(u64, usize)> = (0..n).map(|i| (lcg(&mut seed) % range, i)).collect();
                let mut want = v.clone();
                want.sort_by_key(|p| p.0);
                let mut got = v.clone();
                sort_by_key(&mut got, |p| p.0);
                assert_eq!(got, want, "n={n} range={range}");
            }
        }
    }

    #[test]
    fn sorted_reversed_and_owned_elements() {
        let mut v: Vec<String> = (0..300).rev().map(|i| format!("{i:04}")).collect();
        sort(&mut v);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
        let before = v.clone();
        sort(&mut v);
        assert_eq!(v, before);
        sort_by(&mut v, |a, b| b.cmp(a));
        assert_eq!(v.first().map(String::as_str), Some("0299"));
    }
}
