//! Checked integer arithmetic that names what overflowed.

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
