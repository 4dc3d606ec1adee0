//! Replays a generated trace of over a million events (blocks and proofs
//! over 16,000 epochs with 40 provers) through the exact rules.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use proversim::trace::{replay, synthetic::steady_trace};

fn settle(c: &mut Criterion) {
    let trace = steady_trace(16_000, 40);
    let events = trace.events.len() as u64;
    assert!(events >= 1_000_000, "{events} events");
    let mut group = c.benchmark_group("settle");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function(format!("replay {events} events"), |b| {
        b.iter(|| replay(&trace).expect("replays"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting needs system fonts.
    config = Criterion::default().without_plots();
    targets = settle
}
criterion_main!(benches);
