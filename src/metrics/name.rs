//! Shared names for the rows of a run's tables.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Mutex;

/// A name that many rows carry (a prover's id, its group), interned: a row
/// copies it without allocating or touching a reference count (which the
/// simulation and the threads writing its tables would otherwise contend
/// for), and it is written as a string column.
///
/// Each distinct text is kept once for the life of the process, so the
/// memory names take is bounded by how many distinct names the runs use,
/// however many runs there are.
#[derive(Copy, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(&'static str);

/// Every distinct name made so far.
static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

impl Name {
    /// The name of `text`, the same for equal texts.
    pub fn new(text: &str) -> Name {
        let mut set = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&s) = set.get(text) {
            return Name(s);
        }
        let s: &'static str = Box::leak(text.into());
        set.insert(s);
        Name(s)
    }

    /// The name as text.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0.to_string()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_name() {
        let a = Name::new("honest-3");
        let b = Name::from(String::from("honest-3"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_ne!(Name::new("honest-4"), a);
        assert_eq!(Name::default().as_str(), "");
        assert_eq!(a, "honest-3");
    }
}
