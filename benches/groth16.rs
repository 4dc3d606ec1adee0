//! Groth16 proving (arkworks, BN254) of the calibration circuit at 2^12 and
//! 2^14 constraints. `cargo bench --bench groth16`

use ark_bn254::{Bn254, Fr};
use ark_groth16::Groth16;
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use proversim::cost::calibrate::SquaringChain;

fn prove(c: &mut Criterion) {
    let mut group = c.benchmark_group("groth16_prove");
    group.sample_size(10);
    for log in [12u32, 14] {
        let n = 1usize << log;
        let circuit = SquaringChain {
            x: Fr::from(5u64),
            steps: n - 1,
        };
        let mut rng = StdRng::seed_from_u64(1);
        let (pk, _) = Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng).expect("setup");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("2^{log}")),
            &n,
            |b, _| b.iter(|| Groth16::<Bn254>::prove(&pk, circuit, &mut rng).expect("prove")),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting needs system fonts.
    config = Criterion::default().without_plots();
    targets = prove
}
criterion_main!(benches);
