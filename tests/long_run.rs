//! A long replay keeps the protocol's memory flat: blocks and epoch books of
//! settled epochs are dropped.

use proversim::protocol::Protocol;
use proversim::trace::synthetic::steady_trace;
use proversim::trace::{TraceEventKind, replay};

#[test]
fn held_blocks_stay_bounded_over_thousands_of_epochs() {
    let trace = steady_trace(2_000, 24);
    let mut protocol = Protocol::new(trace.params, trace.booster).unwrap();
    let window = (trace.params.proof_submission_epochs + 2) * trace.params.epoch_duration;
    let mut most = 0;
    let mut slot = None;
    for ev in &trace.events {
        if slot != Some(ev.slot) {
            protocol.begin_slot(ev.slot, &mut ()).unwrap();
            slot = Some(ev.slot);
        }
        match &ev.kind {
            TraceEventKind::Block(b) => {
                protocol.add_block(*b).unwrap();
            }
            TraceEventKind::Proof { prover, end } => {
                protocol.submit_proof(*prover, *end, &mut ()).unwrap();
            }
            TraceEventKind::Set(p) => protocol.apply(p).unwrap(),
            TraceEventKind::Migrate(to) => protocol.migrate(*to).unwrap(),
        }
        most = most.max(protocol.held_blocks());
        assert!(protocol.books().check().is_ok());
    }
    assert!(most as u64 <= window, "held {most} blocks, window {window}");
    assert!(protocol.open_epochs().count() <= 3);
}

#[test]
fn the_steady_trace_settles_every_epoch_and_balances() {
    let trace = steady_trace(300, 24);
    let r = replay(&trace).unwrap();
    assert_eq!(r.settled.len(), 300);
    assert!(r.prunes.is_empty());
    assert!(r.books.check().is_ok());
    assert_eq!(r.books.unsettled, 0);
}
