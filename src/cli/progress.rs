//! Progress of long commands (`sweep`, `compare`, `calibrate`, and `run`'s
//! plain lines): a bar on a terminal; elsewhere (Slurm and Kubernetes logs, `2>log`) a plain line at
//! most every 30 seconds (`PROVERSIM_PROGRESS_SECS` changes the interval),
//! and one when the work ends.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of `total` units of work (`runs`, `sizes`).
pub struct Progress {
    bar: ProgressBar,
    /// When the last plain line was written and what it counted; `None` on
    /// a terminal or quiet.
    plain: Option<Mutex<(Instant, u64)>>,
    every: Duration,
    unit: &'static str,
    /// Whether units of work can fail (runs can; epochs cannot).
    failures: bool,
    started: Instant,
}

impl Progress {
    /// Progress of `total` units named `unit`; nothing at all when `quiet`.
    pub fn new(total: u64, unit: &'static str, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(
            Some(total),
            if quiet || !terminal {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} [{{bar:40}}] {{pos}}/{{len}} {unit}, {{msg}}, {{elapsed}} elapsed, ETA {{eta}}"
            ))
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message("0 failed");
        let every = std::env::var("PROVERSIM_PROGRESS_SECS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(Duration::from_secs(30), Duration::from_secs_f64);
        let now = Instant::now();
        Progress {
            bar,
            plain: (!quiet && !terminal).then(|| Mutex::new((now, 0))),
            every,
            unit,
            failures: true,
            started: now,
        }
    }

    /// Plain lines only (for a log; nothing on a terminal or when quiet),
    /// of work whose units do not fail: a run's epochs.
    pub fn plain(total: u64, unit: &'static str, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let mut p = Progress::new(total, unit, quiet || terminal);
        p.failures = false;
        p
    }

    /// `done` of `total` finished, `failed` of them failed.
    pub fn update(&self, done: u64, total: u64, failed: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.set_message(format!("{failed} failed"));
        let Some(last) = &self.plain else {
            return;
        };
        let mut last = last.lock().expect("the progress lock");
        let now = Instant::now();
        // Workers report out of order: never step back, and keep to the
        // interval except for the last line.
        if done <= last.1 || (now.duration_since(last.0) < self.every && done < total) {
            return;
        }
        *last = (now, done);
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = done as f64 / secs.max(1e-9);
        let eta = if done > 0 && done < total {
            format!(", ETA {:.0} s", (total - done) as f64 / rate)
        } else {
            String::new()
        };
        let failed = if self.failures {
            format!(", {failed} failed")
        } else {
            String::new()
        };
        eprintln!(
            "progress: {done}/{total} {} done{failed}, {rate:.2} {}/s, {secs:.0} s elapsed{eta}",
            self.unit, self.unit
        );
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
