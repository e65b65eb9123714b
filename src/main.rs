//! The `seen` command line. All the work is in the library.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "seen",
    version,
    about = "Build explainers of automatic differentiation that readers can watch",
    after_help = "Examples:\n  seen                 build content/ into public/\n  seen trace content/index.md --scenario single"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (what a bare `seen` does).
    #[command(after_help = "Example:\n  seen build")]
    Build,
    /// Run every autograd block of a markdown file and print the run as JSON.
    #[command(after_help = "Example:\n  seen trace content/index.md --scenario single")]
    Trace {
        /// The markdown file.
        file: PathBuf,
        /// Only the block with this id.
        #[arg(long)]
        scenario: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Build) {
        Command::Build => {
            println!("seen: the site build is not there yet");
            ExitCode::SUCCESS
        }
        Command::Trace { file, scenario } => match seen::trace_file(&file, scenario.as_deref()) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprint!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}
