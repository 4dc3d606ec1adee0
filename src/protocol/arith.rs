//! Checked integer arithmetic that names what overflowed, and the exact
//! multiply-then-divide the contracts do in `uint256`.

use super::Amount;

/// An amount left the `u128` range while computing the named quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic overflow: {0} leaves the u128 range")]
pub struct Overflow(pub &'static str);

/// `a + b`, or an error naming `what`.
pub(crate) fn add(a: Amount, b: Amount, what: &'static str) -> Result<Amount, Overflow> {
    a.checked_add(b).ok_or(Overflow(what))
}

/// `a * b`, or an error naming `what`.
pub(crate) fn mul(a: Amount, b: Amount, what: &'static str) -> Result<Amount, Overflow> {
    a.checked_mul(b).ok_or(Overflow(what))
}

/// The full 256-bit product of two `u128`s, as `(high, low)` halves.
fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // Below 3 * 2^64: cannot overflow.
    let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let low = (p00 & LOW) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// `floor(a * b / d)` with the product exact (as `uint256` computes it):
/// an error naming `what` only when the quotient itself leaves `u128`.
/// `d` must not be 0.
pub(crate) fn mul_div(
    a: Amount,
    b: Amount,
    d: Amount,
    what: &'static str,
) -> Result<Amount, Overflow> {
    debug_assert!(d > 0, "division by zero in {what}");
    if let Some(p) = a.checked_mul(b) {
        return Ok(p / d);
    }
    let (high, low) = widening_mul(a, b);
    if high >= d {
        return Err(Overflow(what));
    }
    // Long division of the 256-bit product, one bit of the low half at a
    // time; `high < d` keeps the quotient within 128 bits.
    let (mut rem, mut quot) = (high, 0u128);
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> i) & 1);
        quot <<= 1;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quot |= 1;
        }
    }
    Ok(quot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_mul_at_the_top() {
        assert_eq!(widening_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(widening_mul(1 << 64, 1 << 64), (1, 0));
        assert_eq!(widening_mul(u128::MAX, 2), (1, u128::MAX - 1));
    }

    #[test]
    fn mul_div_is_exact_past_u128() {
        let m = u128::MAX;
        assert_eq!(mul_div(m, m, m, "x"), Ok(m));
        assert_eq!(mul_div(m, 3, 4, "x"), Ok(m / 4 * 3 + (m % 4) * 3 / 4));
        assert_eq!(mul_div(m, 10_000, 10_000, "x"), Ok(m));
        assert_eq!(mul_div(m, 9_999, 10_000, "x"), Ok(m - m / 10_000 - 1));
        // 2^127 * 2^3 / 2^5 = 2^125.
        assert_eq!(mul_div(1 << 127, 8, 32, "x"), Ok(1 << 125));
        assert_eq!(mul_div(m, 2, 1, "q"), Err(Overflow("q")));
        assert_eq!(mul_div(m, m, m - 1, "q"), Err(Overflow("q")));
        // The fast path agrees with the slow one at the boundary.
        assert_eq!(
            mul_div(1 << 64, (1 << 64) - 1, 7, "x"),
            Ok(((1u128 << 64) - 1) * (1 << 64) / 7)
        );
    }

    #[test]
    fn mul_div_matches_a_reference_on_many_values() {
        // Reference: split a = q*d + r, so a*b/d = q*b + r*b/d, exact when
        // r*b fits.
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = x;
            let b = (x >> 80) as u64 as u128 + 1;
            let d = (x >> 20) as u64 as u128 | 1;
            let (q, r) = (a / d, a % d);
            if let (Some(qb), Some(rb)) = (q.checked_mul(b), r.checked_mul(b))
                && let Some(want) = qb.checked_add(rb / d)
            {
                assert_eq!(mul_div(a, b, d, "x"), Ok(want), "{a} {b} {d}");
            }
        }
    }
}
