//! Measuring a real prover: Groth16 over BN254 (arkworks) on synthetic
//! circuits of growing size, timed for setup, proving and verification, and
//! a least-squares line `prove_seconds = overhead + per_constraint × n`.

use std::time::Instant;

use ark_bn254::{Bn254, Fr};
use ark_ff::{Field, One};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError,
};
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

/// A chain of squarings: `x_{i+1} = x_i²` for `n` steps, and the last
/// value equal to the public input. `n + 1` multiplication constraints.
#[derive(Clone, Copy, Debug)]
pub struct SquaringChain {
    /// The secret start of the chain.
    pub x: Fr,
    /// The number of squarings.
    pub steps: usize,
}

impl SquaringChain {
    /// The public output `x^(2^steps)`.
    pub fn output(&self) -> Fr {
        let mut y = self.x;
        for _ in 0..self.steps {
            y.square_in_place();
        }
        y
    }
}

impl ConstraintSynthesizer<Fr> for SquaringChain {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let out = cs.new_input_variable(|| Ok(self.output()))?;
        let mut value = self.x;
        let mut var = cs.new_witness_variable(|| Ok(value))?;
        for _ in 0..self.steps {
            let next_value = value.square();
            let next = cs.new_witness_variable(|| Ok(next_value))?;
            cs.enforce_r1cs_constraint(
                || LinearCombination::new() + var,
                || LinearCombination::new() + var,
                || LinearCombination::new() + next,
            )?;
            value = next_value;
            var = next;
        }
        cs.enforce_r1cs_constraint(
            || LinearCombination::new() + var,
            || LinearCombination::new() + (Fr::one(), ark_relations::gr1cs::Variable::One),
            || LinearCombination::new() + out,
        )?;
        Ok(())
    }
}

/// What one circuit size measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Constraints in the circuit.
    pub constraints: u64,
    /// Seconds for the circuit-specific setup.
    pub setup_seconds: f64,
    /// Median seconds to prove.
    pub prove_seconds: f64,
    /// Fastest proof, seconds.
    pub prove_min_seconds: f64,
    /// Slowest proof, seconds.
    pub prove_max_seconds: f64,
    /// Median seconds to verify.
    pub verify_seconds: f64,
    /// The process's peak resident memory after this size, MiB.
    pub peak_rss_mib: f64,
    /// Proofs timed.
    pub repeats: u32,
}

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// The prover failed.
    #[error("the prover failed at {constraints} constraints: {message}")]
    Prover {
        /// The circuit size.
        constraints: u64,
        /// What arkworks said.
        message: String,
    },
    /// A proof did not verify.
    #[error("a proof of {0} constraints did not verify")]
    Invalid(u64),
}

/// Peak resident memory of this process, MiB (`VmHWM`), if known.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn prover_err(constraints: u64) -> impl Fn(SynthesisError) -> CalibrationError {
    move |e| CalibrationError::Prover {
        constraints,
        message: e.to_string(),
    }
}

/// Measures one circuit of `constraints` constraints (at least 2): setup
/// once, then `repeats` proofs, each verified. The seed fixes the witness
/// and the prover's randomness.
pub fn measure(constraints: u64, repeats: u32, seed: u64) -> Result<Point, CalibrationError> {
    let circuit = SquaringChain {
        x: Fr::from(seed.wrapping_add(3)),
        steps: constraints.saturating_sub(1).max(1) as usize,
    };
    let err = prover_err(constraints);
    let mut rng = StdRng::seed_from_u64(seed);
    let t = Instant::now();
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng).map_err(&err)?;
    let setup_seconds = t.elapsed().as_secs_f64();
    let pvk = Groth16::<Bn254>::process_vk(&vk).map_err(&err)?;
    let public = [circuit.output()];
    let mut prove = Vec::new();
    let mut verify = Vec::new();
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let proof = Groth16::<Bn254>::prove(&pk, circuit, &mut rng).map_err(&err)?;
        prove.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let ok = Groth16::<Bn254>::verify_with_processed_vk(&pvk, &public, &proof).map_err(&err)?;
        verify.push(t.elapsed().as_secs_f64());
        if !ok {
            return Err(CalibrationError::Invalid(constraints));
        }
    }
    let (min, max) = prove.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &x| {
        (lo.min(x), hi.max(x))
    });
    Ok(Point {
        constraints,
        setup_seconds,
        prove_seconds: median(&mut prove),
        prove_min_seconds: min,
        prove_max_seconds: max,
        verify_seconds: median(&mut verify),
        peak_rss_mib: peak_rss_mib(),
        repeats: repeats.max(1),
    })
}

/// Whether a proof of `circuit` verifies against `public` (for tests of
/// tampering).
pub fn prove_and_check(
    circuit: SquaringChain,
    public: Fr,
    seed: u64,
) -> Result<bool, CalibrationError> {
    let err = prover_err(circuit.steps as u64 + 1);
    let mut rng = StdRng::seed_from_u64(seed);
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng).map_err(&err)?;
    let proof = Groth16::<Bn254>::prove(&pk, circuit, &mut rng).map_err(&err)?;
    Groth16::<Bn254>::verify(&vk, &[public], &proof).map_err(&err)
}

/// A least-squares line `y = intercept + slope × x` and its r².
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Seconds of fixed overhead per proof.
    pub overhead_seconds: f64,
    /// Seconds per constraint.
    pub per_constraint_seconds: f64,
    /// Coefficient of determination.
    pub r_squared: f64,
}

/// Fits `prove_seconds` against constraints.
pub fn fit(points: &[Point]) -> Fit {
    let n = points.len() as f64;
    let xs: Vec<f64> = points.iter().map(|p| p.constraints as f64).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.prove_seconds).collect();
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let intercept = my - slope * mx;
    let ss_tot: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    let ss_res: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| (y - intercept - slope * x).powi(2))
        .sum();
    Fit {
        overhead_seconds: intercept,
        per_constraint_seconds: slope,
        r_squared: if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else {
            1.0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_recovers_a_line() {
        let pts: Vec<Point> = [100u64, 200, 400]
            .iter()
            .map(|&c| Point {
                constraints: c,
                setup_seconds: 0.0,
                prove_seconds: 0.5 + 0.01 * c as f64,
                prove_min_seconds: 0.0,
                prove_max_seconds: 0.0,
                verify_seconds: 0.0,
                peak_rss_mib: 0.0,
                repeats: 1,
            })
            .collect();
        let f = fit(&pts);
        assert!((f.overhead_seconds - 0.5).abs() < 1e-9);
        assert!((f.per_constraint_seconds - 0.01).abs() < 1e-12);
        assert!((f.r_squared - 1.0).abs() < 1e-12);
    }
}
