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

#[derive(clap::Args, Default)]
struct BuildArgs {
    /// The site's folder (holding content/ and templates/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site, relative to the root.
    #[arg(long, default_value = "public")]
    output_dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (what a bare `seen` does).
    #[command(after_help = "Example:\n  seen build --output-dir site")]
    Build(BuildArgs),
    /// Write every frame of every trace of a markdown file as SVG (and PNG),
    /// plus one animated SVG per trace.
    #[command(after_help = "Example:\n  seen frames content/index.md --out frames --png")]
    Frames {
        /// The markdown file.
        file: PathBuf,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Also write a PNG of each frame (2x, text in the bundled DejaVu Sans).
        #[arg(long)]
        png: bool,
    },
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
    match cli.command.unwrap_or(Command::Build(BuildArgs {
        root: ".".into(),
        output_dir: "public".into(),
    })) {
        Command::Build(args) => {
            let mut config = seen::site::BuildConfig::new(&args.root, "Autograd, Seen");
            config.output_dir = args.output_dir;
            match seen::site::build(&config, &seen::render::hook::Figures) {
                Ok(report) => {
                    println!("{report}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Frames { file, out, png } => match seen::export_frames(&file, &out, png) {
            Ok(r) => {
                println!(
                    "Wrote {} SVG frames, {} PNGs and {} animated SVGs to {}",
                    r.svgs,
                    r.pngs,
                    r.animations,
                    out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprint!("{e}");
                ExitCode::FAILURE
            }
        },
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
