//! Sorting through one shared body of code.
//!
//! Each use of the standard library's sorts with its own element type and
//! comparison compiles to a copy of the whole sort: 3 to 9 KB of Wasm each,
//! about a sixth of the module's code when every sort had its own. Here one
//! stable sort of `u32` positions, with the comparison called through a
//! reference, serves every element type, and the elements are then moved into
//! that order. The result is the standard stable sort's (equal elements keep
//! their order); it costs one dynamic call per comparison and a `u32` per
//! element, which the sorts below the engine's hot loops can afford. Sorts of
//! plain `u32` (the lexical pass, the word alignment) keep the standard one.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably.
pub fn by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    positions(&mut order, &mut |a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, &mut order);
}

/// Sorts `v` by the key `key` gives each element, stably.
pub fn by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order.
pub fn ascending<T: Ord>(v: &mut [T]) {
    by(v, T::cmp);
}

/// The one instance of the standard sort: positions by a comparison of the
/// elements at them.
fn positions(order: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Moves the elements of `v` so that position `k` holds the element that was
/// at `order[k]`, following each cycle of the permutation with swaps.
/// `order` is left as the identity.
fn permute<T>(v: &mut [T], order: &mut [u32]) {
    for i in 0..order.len() {
        let mut k = i;
        while order[k] as usize != i {
            let j = order[k] as usize;
            v.swap(k, j);
            order[k] = k as u32;
            k = j;
        }
        order[k] = k as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_standard_stable_sort() {
        // A fixed pseudo-random sequence with many equal keys.
        let mut x: u32 = 12345;
        let items: Vec<(u32, usize)> = (0..2000)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((x >> 16) % 37, i)
            })
            .collect();
        let mut ours = items.clone();
        by_key(&mut ours, |p| p.0);
        let mut std = items.clone();
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
        let mut ours = items.clone();
        by(&mut ours, |a, b| b.0.cmp(&a.0));
        let mut std = items.clone();
        std.sort_by_key(|p| std::cmp::Reverse(p.0));
        assert_eq!(ours, std);
        let mut ours = items;
        ascending(&mut ours);
        assert!(ours.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn short_and_empty_slices() {
        let mut empty: Vec<String> = Vec::new();
        ascending(&mut empty);
        assert!(empty.is_empty());
        let mut one = vec!["b".to_string()];
        ascending(&mut one);
        assert_eq!(one, ["b"]);
        let mut two = vec!["b".to_string(), "a".to_string()];
        ascending(&mut two);
        assert_eq!(two, ["a", "b"]);
    }
}
