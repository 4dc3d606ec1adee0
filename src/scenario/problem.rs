//! What goes wrong in a scenario, and where: a problem names its origin
//! (file, line and column, or a `--set` override), the key path and what
//! was expected; a scenario error holds every problem found at once.

use std::fmt;

/// Where a problem comes from: a file (with its line and column when
/// known), or a `--set` override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file as named by the user, or the override (`--set KEY=VALUE`).
    pub source: String,
    /// The 1-based line and column in the file, when known.
    pub place: Option<(usize, usize)>,
}

impl Origin {
    /// A place in a file.
    pub fn at(file: &str, line: usize, column: usize) -> Origin {
        Origin {
            source: file.to_string(),
            place: Some((line, column)),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Some((line, column)) => write!(f, "{}:{line}:{column}", self.source),
            None => write!(f, "{}", self.source),
        }
    }
}

impl From<String> for Origin {
    fn from(source: String) -> Origin {
        Origin {
            source,
            place: None,
        }
    }
}

impl From<&str> for Origin {
    fn from(source: &str) -> Origin {
        Origin::from(source.to_string())
    }
}

impl From<&String> for Origin {
    fn from(source: &String) -> Origin {
        Origin::from(source.clone())
    }
}

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it comes from.
    pub origin: Origin,
    /// The key path, e.g. `provers[0].count` (empty for the whole file).
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A key or value echoed back is clipped: a 10 MB key in a file
        // makes a message of a line, not of 20 MB.
        let message = crate::text::clip(&self.message, 2_000);
        if self.key.is_empty() {
            write!(f, "{}: {message}", self.origin)
        } else {
            let key = crate::text::clip(&self.key, 200);
            write!(f, "{}: key '{key}': {message}", self.origin)
        }
    }
}

/// A scenario that cannot be used, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The problems, in file order where that is known.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl ScenarioError {
    /// An error of one problem.
    pub(crate) fn one(
        origin: impl Into<Origin>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ScenarioError {
            problems: vec![Problem {
                origin: origin.into(),
                key: key.into(),
                message: message.into(),
            }],
        }
    }
}
