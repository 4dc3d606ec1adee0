//! Scenario files: loading with `file:line:column` errors, `base` chains,
//! `--set` overrides, the domain of every numeric key, each group's
//! strategy or policy and the keys it owns (through the registry of
//! `crate::agents`), and the checks that need the whole scenario. The
//! typed scenario itself is `crate::schema`, re-exported here.

pub mod builtin;
mod check;
pub mod domains;
pub mod groups;
pub mod json_schema;
pub mod load;
pub mod paths;
mod problem;
mod versions;

pub use crate::schema::*;
pub use load::{Origin, Problem, ScenarioError, check, load, parse, parse_in};
