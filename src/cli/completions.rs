//! `proversim completions`: a shell's completion script, from the same
//! command definitions the parser uses (so it cannot drift).

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Outcome};

/// The `completions` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell: bash, zsh, fish, powershell or elvish.
    shell: Shell,
}

/// Prints the completion script to standard output.
pub fn completions(args: Args) -> Outcome {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "proversim",
        &mut std::io::stdout(),
    );
    Ok(())
}
