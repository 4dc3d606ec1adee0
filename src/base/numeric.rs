//! Exact numeric conversions that are cheaper than the language's own on
//! the baseline x86-64 target, where `u128 as f64`, `f64 as u128` and
//! `f64::round` are library calls. Each gives the very bits the language
//! gives (the tests check this), so results do not depend on which is used.

/// `v as f64` (rounded to nearest, ties to even), through the hardware's
/// signed 64-bit conversion, one instruction: the 128-bit one is a slow
/// library call, and amounts are converted many times per slot. From 2^63
/// to 2^104, two exact halves are added (one rounding); beyond, `v` is
/// shifted down to 63 bits with the bits shifted out kept as a
/// sticky lowest bit (63 bits are more than a double's 53 and the rounding
/// bit), which rounds exactly as `v` itself would; scaling back by a power
/// of two is exact.
pub fn to_f64(v: u128) -> f64 {
    if v >> 63 == 0 {
        return v as i64 as f64;
    }
    if v >> 104 == 0 {
        // Token amounts in smallest units (up to 2^104, some 2 * 10^13
        // tokens): both halves of 52 bits convert exactly and the high one
        // scales exactly, so their sum is `v` rounded once, as `v as f64`
        // rounds it.
        let high = (v >> 52) as i64 as f64 * WHOLE;
        let low = (v as u64 & ((1 << 52) - 1)) as i64 as f64;
        return high + low;
    }
    let shift = 65 - v.leading_zeros();
    let sticky = u64::from(v & ((1u128 << shift) - 1) != 0);
    let top = (v >> shift) as u64 | sticky;
    top as i64 as f64 * f64::from_bits((1023 + u64::from(shift)) << 52)
}

/// 2^52: from here on every `f64` is a whole number.
const WHOLE: f64 = 4_503_599_627_370_496.0;

/// `x.round()` (halfway cases away from zero), without the library call:
/// below 2^52 the truncation is the hardware's conversion to `i64`, and
/// the fraction left is exact; from 2^52 on, and for NaN and infinities,
/// `x` is its own rounding. The sign of a zero is kept, as `round` keeps
/// it.
pub fn round(x: f64) -> f64 {
    // NaN fails the comparison too, and is returned as it is.
    if x.abs() >= WHOLE || x.is_nan() {
        return x;
    }
    let t = x as i64 as f64;
    let r = match x - t {
        d if d >= 0.5 => t + 1.0,
        d if d <= -0.5 => t - 1.0,
        _ => t,
    };
    r.copysign(x)
}

/// `x as u128` (truncated, negative and NaN to 0, saturating), through
/// the hardware's 64-bit conversion below 2^64.
pub fn to_u128(x: f64) -> u128 {
    if x < 18_446_744_073_709_551_616.0 {
        x as u64 as u128
    } else {
        x as u128
    }
}

/// A fixed xorshift stream of 128-bit values, for tests' random cases.
#[cfg(test)]
pub(crate) fn xorshift(n: usize) -> impl Iterator<Item = u128> {
    let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    })
}

#[cfg(test)]
mod tests {
    use super::{round, to_f64, to_u128, xorshift};

    #[test]
    fn amounts_convert_exactly_as_the_language_rounds() {
        // Edges: powers of two, halfway cases that round to even either
        // way, a sticky bit far below the halfway bit, and the extremes.
        let mut cases: Vec<u128> = vec![0, 1, u64::MAX as u128, 1 << 64, (1 << 64) + 1, u128::MAX];
        // Both sides of the split path's bounds, 2^63 and 2^104.
        for p in [63u32, 104] {
            let b = 1u128 << p;
            cases.extend([b - 1, b, b + 1, b - (1 << (p - 53)), b + (1 << (p - 52))]);
        }
        for shift in [11u32, 40, 51, 52, 64, 74] {
            let half = 1u128 << (shift - 1);
            for m in [(1u128 << 53) - 1, 1 << 53, (1 << 53) + 1, (1 << 54) - 1] {
                let base = m << shift;
                cases.extend([base, base + half, base + half + 1, base + half - 1]);
            }
        }
        cases.extend(xorshift(100_000).map(|x| x >> (x % 128) as u32));
        for v in cases {
            assert_eq!(to_f64(v).to_bits(), (v as f64).to_bits(), "{v}");
        }
    }

    /// Floats of every magnitude and sign, with the edges of both
    /// conversions: halves, neighbours of whole numbers, 2^52, 2^53, 2^63,
    /// 2^64 and 2^128, zeros of both signs, infinities and NaN.
    fn float_cases() -> Vec<f64> {
        let mut cases = vec![
            0.0,
            -0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            -0.49999999999999994,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::EPSILON,
        ];
        for e in [52, 53, 63, 64, 127, 128] {
            let p = 2f64.powi(e);
            for x in [p, p.next_down(), p.next_up(), p - 0.5, p + 0.5] {
                cases.extend([x, -x]);
            }
        }
        for n in 0..2_000 {
            let x = n as f64 / 4.0;
            cases.extend([x, x.next_up(), x.next_down(), -x, -x.next_up()]);
        }
        cases.extend(xorshift(100_000).map(|x| f64::from_bits(x as u64)));
        cases
    }

    #[test]
    fn rounding_gives_the_bits_round_gives() {
        for x in float_cases() {
            if x.is_nan() {
                assert!(round(x).is_nan());
            } else {
                assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x:e}");
            }
        }
    }

    #[test]
    fn floats_convert_to_amounts_as_the_language_converts() {
        for x in float_cases() {
            assert_eq!(to_u128(x), x as u128, "{x:e}");
        }
    }
}
