//! The `proversim` command line: parses arguments, carries out the command
//! (`cli`) and turns a failure into its message and exit code.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    // Output piped into `head` or a closed pager ends the process quietly,
    // as for any Unix tool, instead of failing on the broken pipe.
    #[cfg(unix)]
    // SAFETY: called first, before any thread starts; restores the default
    // disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    remove_partials_on_signals();
    match cli::Cli::parse().execute() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            for message in &failure.messages {
                for line in message.lines() {
                    eprintln!("error: {line}");
                }
            }
            ExitCode::from(failure.code)
        }
    }
}

/// On Ctrl-C or a termination signal, removes the temporary files being
/// written before the process ends, so that no `.partial` file is left;
/// finished outputs and a sweep's journal (which resumes) are kept.
fn remove_partials_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            proversim::storage::tables::remove_partials();
            std::process::exit(128 + signal);
        }
    });
}
