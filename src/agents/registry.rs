//! Every prover strategy and voting policy, by name: the one list a new
//! one is added to. The scenario loader reads a group's strategy or policy
//! and its own keys through it, and the engine makes agents through it.

use super::voting::{self, PolicyKind, VotingPolicy};
use super::{ProverStrategy, StrategyKind, bridger, cartel, copier, honest, kickback, partial};
use super::{kind, node, snipe};
use crate::schema::{ProverGroup, SequencerGroup};

/// Every prover strategy, in the order messages list them.
pub const STRATEGIES: &[StrategyKind] = &[
    honest::KIND,
    partial::KIND,
    snipe::SUPERSEDE,
    snipe::LATE,
    copier::KIND,
    cartel::SYBIL,
    cartel::STRIKE,
    bridger::KIND,
    kickback::KIND,
    node::KIND,
];

/// Every voting policy, in the order messages list them.
pub const POLICIES: &[PolicyKind] = &[
    voting::STATIC,
    voting::liveness::KIND,
    voting::profit::KIND,
    voting::cartel::KIND,
    voting::open_market::KIND,
];

/// The strategy named `name`.
pub fn strategy(name: &str) -> Option<&'static StrategyKind> {
    kind::named(STRATEGIES, name)
}

/// The voting policy named `name`.
pub fn policy(name: &str) -> Option<&'static PolicyKind> {
    kind::named(POLICIES, name)
}

/// A prover of the group's strategy, with the group's own keys. The loader
/// has refused a group whose strategy is unknown, so the fallback (honest)
/// never stands in for one.
pub fn strategy_for(g: &ProverGroup) -> Box<dyn ProverStrategy> {
    let kind = strategy(g.strategy.name()).unwrap_or(&honest::KIND);
    (kind.make)(&g.own)
}

/// A voting policy of the group's, with the group's own keys (static for
/// an unknown name, which the loader has refused).
pub fn policy_for(g: &SequencerGroup) -> Box<dyn VotingPolicy> {
    let kind = policy(g.policy.name()).unwrap_or(&voting::STATIC);
    (kind.make)(&g.own)
}
