//! `proversim chart`: redraws a folder's charts from its saved tables (a
//! comparison's folder has the charts `compare` drew).

use std::path::{Path, PathBuf};

use proversim::storage::kind::FolderKind;

use super::{Failure, Outcome};

/// The `chart` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A run folder (epochs.parquet...) or a sweep folder (sweep.parquet);
    /// for a comparison's folder, the charts `compare` drew there.
    dir: PathBuf,
    /// Sweep metrics to chart (default: active_provers_mean, reward_hhi,
    /// liveness). Repeatable.
    #[arg(long)]
    metric: Vec<String>,
}

/// Draws the charts and lists them.
pub fn chart(args: Args) -> Outcome {
    if let Some(charts) = comparison_output(&args.dir, "charts")? {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&charts)
            .map_err(|e| Failure::failed(format!("{}: {e}", charts.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "svg"))
            .collect();
        names.sort();
        for n in names {
            println!("{}", n.display());
        }
        return Ok(());
    }
    let drawn =
        proversim::output::charts::draw_dir(&args.dir, &args.metric).map_err(Failure::failed)?;
    for d in &drawn {
        println!(
            "{}/charts/{}.{{png,svg}}: {}",
            args.dir.display(),
            d.stem,
            d.caption
        );
    }
    Ok(())
}

/// For a comparison's folder, `name` (its report or charts, which
/// `compare` writes from the runs it holds in memory); `None` for any
/// other folder. A comparison's folder without it is an error that says
/// how to make it.
pub(super) fn comparison_output(dir: &Path, name: &str) -> Result<Option<PathBuf>, Failure> {
    if !FolderKind::in_folder(dir).contains(&FolderKind::Compare) {
        return Ok(None);
    }
    let path = dir.join(name);
    if path.exists() {
        eprintln!(
            "{}: a comparison's folder; `proversim compare` wrote its {name}",
            dir.display()
        );
        Ok(Some(path))
    } else {
        Err(Failure::input(format!(
            "{}: a comparison's folder without {name}: `proversim compare` writes it (run it again with --out {})",
            dir.display(),
            dir.display()
        )))
    }
}
