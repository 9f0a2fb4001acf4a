//! `goalpost completions SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish,
//! generated from the command line's definition (clap_complete).

use clap::CommandFactory;

use crate::Exit;
use crate::cli::{Cli, CompletionsArgs};

/// Runs the command: the script goes to stdout.
pub fn run(args: &CompletionsArgs) -> Exit {
    let script = script(args.shell);
    if super::print_stdout(&script) {
        Exit::Clean
    } else {
        Exit::Failed
    }
}

/// The completion script for `shell`, rendered in memory (a closed stdout is not a panic).
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "goalpost", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
