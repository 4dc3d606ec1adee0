//! Scenario files: the typed schema (serde, unknown keys refused, mainnet
//! defaults), loading with `file:line:column` errors, `--set` overrides, and
//! the checks that need the whole scenario.

mod booster_spec;
pub mod builtin;
mod check;
pub mod dist;
pub mod domains;
pub mod load;
pub mod paths;
mod prices;
mod schema;
pub mod strategy;

pub use load::{Origin, Problem, ScenarioError, check, load, parse, parse_in};
pub use schema::*;
pub use strategy::{PolicyParams, StrategyParams};
