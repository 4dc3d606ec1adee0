//! A migration within the run (docs/model.md section 12): at the first
//! slot of its epoch the canonical rollup becomes another version, every
//! booster record starts empty, and each active prover decides by its
//! market rule whether to start on it.

use std::collections::BTreeSet;

use crate::metrics::MigrationSummary;
use crate::protocol::Epoch;

use super::{Engine, EngineError, Phase};

impl Engine<'_, '_> {
    /// Migrates if the scenario's migration is due at `epoch`'s start.
    pub(super) fn migrate_if_due(&mut self, epoch: Epoch) -> Result<(), EngineError> {
        let Some(m) = self.sc.migration else {
            return Ok(());
        };
        // At or after the run's end none happens (the engine's last slots
        // only let the last epochs be proven).
        if m.epoch != epoch || epoch >= self.sc.epochs {
            return Ok(());
        }
        let before = self.protocol.params().sequencer_bps;
        self.protocol
            .migrate(m.to)
            .map_err(|e| self.protocol_err(e))?;
        if let Some(trace) = &mut self.trace {
            trace.migrate(self.slot, m.to);
        }
        // Blocks not proven yet are credited by the new split when they
        // are: their epochs' pools follow it.
        let shift = (before as f64 - self.protocol.params().sequencer_bps as f64) / 10_000.0;
        let proven = self.protocol.proven_tip();
        for (e, extra) in self.blocks.resplit(proven, shift) {
            if let Some(info) = self.info_mut(e) {
                info.pool_estimate += extra;
                info.offered += extra;
            }
        }
        self.event(
            "migrate",
            m.to.name(),
            epoch as f64,
            format!(
                "the rollup becomes {} from epoch {epoch}: its rules and constants, every booster record empty",
                m.to.name()
            ),
        );
        // Each active prover that decides by the market weighs starting on
        // it against the others that start: from all of them, the one that
        // expects least leaves while it expects nothing, and the rest weigh
        // again (the most each can count on; no answer depends on the
        // order of the file).
        let view = self.view();
        let active: Vec<u32> = self
            .live
            .iter()
            .copied()
            .filter(|&i| self.provers[i as usize].phase == Phase::Active)
            .collect();
        let mut deciding: Vec<u32> = active
            .iter()
            .copied()
            .filter(|&i| self.provers[i as usize].leaves_on_losses)
            .collect();
        let fixed = (active.len() - deciding.len()) as u32;
        let mut declines = Vec::new();
        while !deciding.is_empty() {
            let rivals = fixed + deciding.len() as u32 - 1;
            let Some((at, worst)) = deciding
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let a = &self.provers[i as usize];
                    (
                        k,
                        self.rules[a.group].value_after_migration(&view, &a.values, rivals),
                    )
                })
                .min_by(|x, y| x.1.total_cmp(&y.1))
            else {
                break;
            };
            if worst > 0.0 {
                break;
            }
            declines.push(deciding.remove(at));
        }
        let owners = |ids: &mut dyn Iterator<Item = u32>| -> BTreeSet<u32> {
            ids.map(|i| self.provers[i as usize].owner).collect()
        };
        let all = owners(&mut active.iter().copied());
        let started = owners(&mut active.iter().copied().filter(|i| !declines.contains(i)));
        self.migration = Some(MigrationSummary {
            epoch,
            to: m.to.name().to_string(),
            provers_active: active.len() as u32,
            provers_started: (active.len() - declines.len()) as u32,
            operators_active: all.len() as u32,
            operators_started: started.len() as u32,
        });
        // The new rollup's public record starts empty: what settled under
        // the old rules is no guide to the new (its epochs still settling
        // are credited by the new rules and join the new record).
        self.market.recent.clear();
        declines.sort_unstable();
        for i in declines {
            let name = self.provers[i as usize].name;
            self.leave(i);
            self.event(
                "decline_migration",
                name,
                0.0,
                format!(
                    "does not start on {}: its horizon's value there is not positive",
                    m.to.name()
                ),
            );
        }
        Ok(())
    }
}
