//! Space-filling designs on the unit cube: Latin hypercubes and the
//! Saltelli design of Sobol' sensitivity analysis. A sweep maps each unit
//! coordinate onto its key's range.

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::base::random::stream;

/// Dimensions the Sobol' sequence offers (one per key).
pub const SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// `n` points of a Latin hypercube in `k` dimensions: along every
/// dimension each of the `n` equal strata of `[0, 1)` holds exactly one
/// point, at a uniform position inside it; the strata are paired across
/// dimensions by independent seeded permutations.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, "latin-hypercube", k as u64);
    let mut points = vec![vec![0.0; k]; n];
    for d in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        strata.shuffle(&mut rng);
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u: f64 = rng.random();
            point[d] = (stratum as f64 + u) / n as f64;
        }
    }
    points
}

/// Which matrix of a Saltelli design a point belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SaltelliRole {
    /// The first base matrix.
    A,
    /// The second base matrix.
    B,
    /// `A` with column `i` taken from `B`.
    AB(usize),
}

/// The points of a design of `n` base samples in `k` dimensions, in the
/// order the sweep runs them: for each base sample `j`, `A_j`, `B_j`, then
/// `AB_j^(i)` for every `i`; `n * (k + 2)` points in all. `A` and `B` are
/// two independently Owen-scrambled Sobol' sequences in `k` dimensions.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    // Two independent Owen scramblings of the sequence: `A` and `B` must
    // not be correlated, or the estimators see less variance than there is.
    let mixed = crate::base::random::mix(seed);
    let seeds = [mixed as u32, (mixed >> 32) as u32 ^ 0x5bd1_e995];
    let coord = |j: usize, d: usize, half: usize| -> f64 {
        // Quasi-random in f32, kept strictly inside (0, 1).
        let x = sobol_burley::sample(j as u32, d as u32, seeds[half]) as f64;
        x.clamp(1e-7, 1.0 - 1e-7)
    };
    let mut points = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|d| coord(j, d, 0)).collect();
        let b: Vec<f64> = (0..k).map(|d| coord(j, d, 1)).collect();
        points.push(a.clone());
        points.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    points
}

/// The role of point `index` of a Saltelli design in `k` dimensions, and
/// its base sample.
pub fn saltelli_role(index: usize, k: usize) -> (usize, SaltelliRole) {
    let j = index / (k + 2);
    let role = match index % (k + 2) {
        0 => SaltelliRole::A,
        1 => SaltelliRole::B,
        r => SaltelliRole::AB(r - 2),
    };
    (j, role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stratum_holds_one_point() {
        let n = 37;
        let pts = latin_hypercube(n, 4, 9);
        for d in 0..4 {
            let mut seen = vec![false; n];
            for p in &pts {
                let s = (p[d] * n as f64).floor() as usize;
                assert!(!seen[s], "dimension {d}, stratum {s} twice");
                seen[s] = true;
            }
        }
        assert_eq!(pts, latin_hypercube(n, 4, 9));
        assert_ne!(pts, latin_hypercube(n, 4, 10));
    }

    #[test]
    fn saltelli_rows_swap_one_column() {
        let (n, k) = (8, 3);
        let pts = saltelli(n, k, 1);
        assert_eq!(pts.len(), n * (k + 2));
        for j in 0..n {
            let a = &pts[j * (k + 2)];
            let b = &pts[j * (k + 2) + 1];
            for i in 0..k {
                let ab = &pts[j * (k + 2) + 2 + i];
                for d in 0..k {
                    assert_eq!(ab[d], if d == i { b[d] } else { a[d] });
                }
                assert_eq!(
                    saltelli_role(j * (k + 2) + 2 + i, k),
                    (j, SaltelliRole::AB(i))
                );
            }
        }
    }
}
