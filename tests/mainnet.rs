//! `scenarios/mainnet-v5.toml` against the mainnet observations of
//! docs/model.md section 13: the means over 10 replicates fall in the
//! bands the observations allow.

mod common;

#[test]
fn the_mainnet_world_reproduces_the_observations_over_ten_replicates() {
    let (mut proofs, mut identities, mut gas, mut eth) = (0.0, 0.0, 0.0, 0.0);
    let n = 10;
    for seed in 1..=n {
        let s = common::scenario("mainnet-v5", &[&format!("seed={seed}")]);
        assert_eq!(s.protocol, proversim::protocol::Version::V5);
        let (_, r) = common::simulate(&s);
        let net = &r.summary.network;
        proofs += net.proofs_per_epoch.mean;
        identities += net.provers_per_day;
        gas += net.l1_gas_per_proof;
        eth += net.prover_l1_eth_per_day;
        assert_eq!(r.summary.liveness, 1.0);
    }
    let n = n as f64;
    let (proofs, identities, gas, eth) = (proofs / n, identities / n, gas / n, eth / n);
    assert!((40.0..=60.0).contains(&proofs), "proofs per epoch {proofs}");
    assert!(
        (40.0..=65.0).contains(&identities),
        "identities a day {identities}"
    );
    assert!((1.4e6..=1.9e6).contains(&gas), "gas per proof {gas}");
    assert!((0.3..=0.9).contains(&eth), "ETH a day {eth}");
}
