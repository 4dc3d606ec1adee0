//! The `booster` command: a booster's figures for any constants, and
//! constants for stated targets.

use std::path::PathBuf;

use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use proversim::figures::BoosterFigures;
use proversim::figures::target::{Candidate, parse_targets, search};
use proversim::protocol::{Booster, Rule};
use proversim::scenario::{BoosterSpec, DecayName, RuleName};

use proversim::api::{self, BoosterFailure};

use super::args::Format;
use super::{Failure, Outcome};

/// Booster constants given on the command line (each overrides the
/// scenario's, or the deployed booster's).
#[derive(clap::Args, Debug, Default)]
pub struct Constants {
    /// The rule: flat, quadratic or exponential.
    #[arg(long, value_parser = ["flat", "quadratic", "exponential"])]
    pub rule: Option<String>,
    /// Quadratic: added per bump.
    #[arg(long)]
    pub increment: Option<u64>,
    /// Quadratic: the score's ceiling.
    #[arg(long)]
    pub max_score: Option<u64>,
    /// Quadratic: steepness (over 10^10).
    #[arg(long)]
    pub a: Option<u64>,
    /// Quadratic: the curve's floor.
    #[arg(long)]
    pub minimum: Option<u64>,
    /// Quadratic: shares at full score.
    #[arg(long)]
    pub k: Option<u64>,
    /// Quadratic: score lost per epoch without a bump.
    #[arg(long)]
    pub decay_per_epoch: Option<u64>,
    /// Exponential: the longest streak that counts.
    #[arg(long)]
    pub max_streak: Option<u64>,
    /// Exponential: shares at streak 0.
    #[arg(long)]
    pub base: Option<u64>,
    /// Exponential: growth per streak step, parts per million.
    #[arg(long)]
    pub growth_ppm: Option<u64>,
    /// Exponential: how misses shrink the streak (reset, linear, geometric).
    #[arg(long, value_parser = ["reset", "linear", "geometric"])]
    pub decay: Option<String>,
    /// Exponential, linear decay: streak lost per missed epoch.
    #[arg(long)]
    pub per_missed_epoch: Option<u64>,
    /// Exponential, geometric decay: part of the streak kept per miss, ppm.
    #[arg(long)]
    pub keep_ppm: Option<u64>,
}

impl Constants {
    fn apply(&self, spec: &mut BoosterSpec) {
        if let Some(r) = &self.rule {
            spec.rule = match r.as_str() {
                "flat" => RuleName::Flat,
                "exponential" => RuleName::Exponential,
                _ => RuleName::Quadratic,
            };
        }
        let set = |slot: &mut Option<u64>, v: Option<u64>| {
            if v.is_some() {
                *slot = v;
            }
        };
        set(&mut spec.increment, self.increment);
        set(&mut spec.max_score, self.max_score);
        set(&mut spec.a, self.a);
        set(&mut spec.minimum, self.minimum);
        set(&mut spec.k, self.k);
        set(&mut spec.decay_per_epoch, self.decay_per_epoch);
        set(&mut spec.max_streak, self.max_streak);
        set(&mut spec.base, self.base);
        set(&mut spec.growth_ppm, self.growth_ppm);
        set(&mut spec.per_missed_epoch, self.per_missed_epoch);
        set(&mut spec.keep_ppm, self.keep_ppm);
        if let Some(d) = &self.decay {
            spec.decay = Some(match d.as_str() {
                "reset" => DecayName::Reset,
                "linear" => DecayName::Linear,
                _ => DecayName::Geometric,
            });
        }
    }
}

/// What `booster` is asked.
/// The `booster` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A scenario whose booster to use (default: the deployed one);
    /// constants given as options override it.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    constants: Constants,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also draw the curve, the newcomer's ramp and the miss cascade
    /// (PNG and SVG) into this folder.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Targets on the figures, comma-separated: FIGURE>=VALUE or
    /// FIGURE<=VALUE (figures as named by --format json).
    #[arg(long)]
    target: Option<String>,
    /// With --target: search the decay per epoch too (the deployed
    /// booster fixes it at 100,000).
    #[arg(long)]
    free_decay: bool,
    /// With --target: how many candidates to print (1 to 50).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    candidates: u16,
}

fn table(rows: &[(&str, String)]) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["figure", "value"]);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v.clone()]);
    }
    if let Some(c) = t.column_mut(1) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// Runs the command.
/// Prints the figures (or searches constants for targets) and draws the
/// charts when asked.
pub fn booster(args: Args) -> Outcome {
    let booster = api::booster(args.scenario.as_deref(), |spec| args.constants.apply(spec))
        .map_err(|e| match e {
            BoosterFailure::Scenario(e) => Failure::problems([&e]),
            BoosterFailure::Key { key, message } => {
                Failure::input(format!("--{}: {message}", key.replace('_', "-")))
            }
        })?;
    if let Some(text) = &args.target {
        return targets(&booster, text, &args);
    }
    let figures = BoosterFigures::of(&booster);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string(&figures).expect("figures serialize")
        ),
        Format::Table => {
            println!("booster: {}", describe(&booster));
            println!("{}", table(&figures.rows()));
        }
    }
    if let Some(dir) = &args.chart {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::input(format!("{}: cannot create the folder: {e}", dir.display()))
        })?;
        for (stem, caption, chart) in proversim::output::booster_charts::booster_charts(&booster)
            .into_iter()
            .chain(proversim::output::booster_charts::miss_cascade(&booster))
        {
            match proversim::output::plot::draw(&chart, &dir.join(stem)) {
                Ok(files) => {
                    for f in files {
                        eprintln!("chart: {} ({caption})", f.display());
                    }
                }
                Err(e) => return Err(Failure::input(e)),
            }
        }
    }
    Ok(())
}

fn describe(b: &Booster) -> String {
    match b.config().rule {
        Rule::Flat => "flat".into(),
        Rule::Quadratic(q) => format!(
            "quadratic: increment {}, max_score {}, a {}, minimum {}, k {}, decay_per_epoch {}",
            q.increment, q.max_score, q.a, q.minimum, q.k, q.decay_per_epoch
        ),
        Rule::Exponential(x) => format!(
            "exponential: max_streak {}, base {}, growth_ppm {}, decay {}",
            x.max_streak,
            x.base,
            x.growth_ppm,
            x.decay.name()
        ),
    }
}

fn targets(booster: &Booster, text: &str, args: &Args) -> Outcome {
    let targets = match parse_targets(text) {
        Ok(t) => t,
        Err(e) => return Err(Failure::input(format!("--target: {e}"))),
    };
    let Rule::Quadratic(base) = booster.config().rule else {
        return Err(Failure::input(
            "--target searches quadratic constants; use --rule quadratic",
        ));
    };
    let found: Vec<Candidate> = search(
        base,
        &targets,
        args.free_decay,
        usize::from(args.candidates),
    );
    let meets = found.first().is_some_and(|c| c.meets);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"targets": targets, "meets": meets, "candidates": found})
        ),
        Format::Table => {
            if meets {
                println!("constants that meet {text} (best first):");
            } else {
                println!("no constants within the contracts' bounds meet {text}; the closest:");
            }
            for (i, c) in found.iter().enumerate() {
                println!(
                    "\n{}. increment {}, max_score {}, a {}, minimum {}, k {}, decay_per_epoch {}{}",
                    i + 1,
                    c.increment,
                    c.max_score,
                    c.a,
                    c.minimum,
                    c.k,
                    c.decay_per_epoch,
                    if c.meets { "" } else { " (misses)" }
                );
                println!("{}", table(&c.figures.rows()));
            }
        }
    }
    if meets {
        Ok(())
    } else {
        Err(Failure::reported(1))
    }
}
