//! Changes of the rules in force: an executed governance payload, and a
//! migration to another version (docs/model.md section 12).

use super::{Protocol, ProtocolError};
use crate::protocol::arith::add;
use crate::protocol::booster::Booster;
use crate::protocol::{Payload, Version};

impl Protocol {
    /// Carries out an executed governance payload in the current slot.
    pub fn apply(&mut self, payload: &Payload) -> Result<(), ProtocolError> {
        if let Some(bps) = payload.sequencer_bps
            && bps > 10_000
        {
            return Err(ProtocolError::SequencerBps(bps));
        }
        let version = self.params.version;
        if let Some(key) = version.refused_key(payload) {
            return Err(ProtocolError::NotGoverned { key, version });
        }
        let booster = payload.booster.map(Booster::new).transpose()?;
        let distributor = match payload.distributor_top_up {
            Some(top_up) => add(self.distributor, top_up, "distributor balance")?,
            None => self.distributor,
        };
        self.distributor = distributor;
        if let Some(x) = payload.checkpoint_reward {
            self.params.checkpoint_reward = x;
        }
        if let Some(x) = payload.sequencer_bps {
            self.params.sequencer_bps = x;
        }
        if let Some(x) = payload.proving_cost_per_mana {
            let slot = self.slot.unwrap_or(0);
            let elapsed = (slot - self.proving_cost_changed.min(slot))
                .saturating_mul(self.params.slot_duration);
            let now = self.params.proving_cost_per_mana;
            self.params.proving_cost_per_mana = version.limited_proving_cost(now, x, elapsed);
            self.proving_cost_changed = slot;
        }
        if let Some(b) = booster {
            self.booster = b;
            self.generation += 1;
        }
        Ok(())
    }

    /// The canonical rollup becomes version `to` in the current slot (a
    /// migration, docs/model.md section 12): from now on its rules, its
    /// split of the reward, its proving price and its booster, whose
    /// records all start empty (the new rollup's storage). The chain, the
    /// reward, the distributor and the open epochs carry over; a proof
    /// accepted from now on is credited by the new rules.
    pub fn migrate(&mut self, to: Version) -> Result<(), ProtocolError> {
        let booster = Booster::new(to.booster())?;
        self.params.version = to;
        self.params.sequencer_bps = to.sequencer_bps();
        self.params.proving_cost_per_mana = to.proving_cost_per_mana();
        self.proving_cost_changed = self.slot.unwrap_or(0);
        self.booster = booster;
        self.generation += 1;
        Ok(())
    }
}
