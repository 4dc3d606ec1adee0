//! Argument groups and values that several commands share.

use clap::ValueEnum;

/// How `settle` and `booster` print their results.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Table,
    /// One JSON object: settle's as docs/model.md section 11 states it;
    /// booster's with every figure of section 4 by the name --target
    /// uses.
    Json,
}

/// `--quiet`.
#[derive(clap::Args, Debug)]
pub struct Quiet {
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--threads`.
#[derive(clap::Args, Debug)]
pub struct Threads {
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Parses `I/N` with `I < N`.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (e.g. 0/4), found {s:?}"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("bad shard index {i:?}"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("bad shard count {n:?}"))?;
    if n == 0 || i >= n {
        return Err(format!("expected 0 <= I < N, found {i}/{n}"));
    }
    Ok((i, n))
}
