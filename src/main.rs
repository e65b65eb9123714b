//! The `seen` command line. All the work is in the library.

use clap::{CommandFactory, Parser, Subcommand};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use seen::diagnostic::render_all;
use seen::render::hook::Figures;
use seen::site::cache::FigureCache;
use seen::site::{self, BuildConfig, BuildError};
use seen::text::plural_s;

/// mimalloc, not the system's allocator: a build allocates hundreds of
/// thousands of small strings and vectors on every core, and glibc's malloc
/// and free were an eighth of a cold build's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` and friends that neither panic on a closed pipe nor lose a
/// failed write silently: see [`out`] and [`err`].
macro_rules! outln {
    ($($t:tt)*) => { out(&format!("{}\n", format_args!($($t)*))) };
}
macro_rules! outp {
    ($($t:tt)*) => { out(&format!($($t)*)) };
}
macro_rules! errln {
    ($($t:tt)*) => { err(&format!("{}\n", format_args!($($t)*))) };
}
macro_rules! errp {
    ($($t:tt)*) => { err(&format!($($t)*)) };
}

#[derive(Parser)]
#[command(
    name = "seen",
    version,
    // `seen help` is the handbook (below); `seen help COMMAND` still shows a
    // command's options.
    disable_help_subcommand = true,
    about = "Build explainers of automatic differentiation that readers can watch",
    after_help = "Examples:\n  \
        seen init my-explainer        start a new site\n  \
        seen serve --root my-explainer  preview it at http://127.0.0.1:1111/, rebuilt on every save\n  \
        seen check                    everything a build does, without writing a file\n  \
        seen                          build the site in this folder (content/ into public/)\n  \
        seen trace content/index.md --scenario single\n  \
        seen help language            the scenario language (seen help lists the topics)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Which site to work on.
#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// The site's folder: the one holding seen.toml, content/ and templates/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Where to write the site, relative to the root (overrides `output_dir`
    /// in seen.toml).
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

/// The figure cache switch of `build` and `check`.
#[derive(clap::Args, Clone)]
struct CacheArgs {
    /// Draw every figure afresh, without reading or writing the figure
    /// cache (`.seen-cache/` in the site root); `seen build` then writes
    /// every file of the output folder.
    #[arg(long)]
    no_cache: bool,
}

/// The `--force` switch of `build` and `serve`.
#[derive(clap::Args, Clone)]
struct ForceArgs {
    /// Replace the output folder even if seen did not write it (it holds
    /// no `.seen-output` marker and is not empty): everything in it is
    /// deleted. Without it, such a folder is refused.
    #[arg(long)]
    force: bool,
}

impl CacheArgs {
    /// The site's figure cache, unless `--no-cache`.
    fn open(&self, config: &BuildConfig) -> Option<FigureCache> {
        (!self.no_cache).then(|| FigureCache::open(config, &renderer_version()))
    }
}

/// What identifies this seen for the figure cache: its version, and the
/// size and modification time of its executable, so that a rebuilt seen
/// (a new commit, a new compiler) never reuses another one's figures.
fn renderer_version() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {mtime}", m.len())
        })
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

impl SiteArgs {
    /// seen.toml, then the command-line overrides.
    fn config(&self, force: bool) -> Result<BuildConfig, BuildError> {
        let mut config = site::config::load(&self.root)?;
        if let Some(dir) = &self.output_dir {
            config.output_dir = dir.clone();
            config.origins.output = site::Origin::Flag("--output-dir");
        }
        config.force = force;
        Ok(config)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (what a bare `seen` does). A failed build leaves the
    /// output folder as it was.
    #[command(after_help = "Examples:\n  \
        seen build                         the site in this folder\n  \
        seen build --root my-explainer     the site in my-explainer/\n  \
        seen build --output-dir site       write site/ instead of public/\n  \
        seen build --no-cache              draw every figure, write every file\n  \
        seen build --force                 replace an output folder seen did not write")]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        cache: CacheArgs,
        #[command(flatten)]
        force: ForceArgs,
    },
    /// Run the whole build (every page, every figure, the gradient checks
    /// against finite differences) without writing anything, and report
    /// every error at once. Exits non-zero if there is any.
    #[command(after_help = "Examples:\n  \
        seen check\n  \
        seen check --root my-explainer")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Build the site, serve it on 127.0.0.1 and rebuild it whenever the
    /// content, the templates or seen.toml change. A failed rebuild is shown
    /// in the terminal and on the served pages; the last good site stays up,
    /// and open pages reload by themselves after each rebuild.
    #[command(after_help = "Examples:\n  \
        seen serve                       http://127.0.0.1:1111/\n  \
        seen serve --port 8000 --root my-explainer\n  \
        seen serve --port 0              any free port (printed)")]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Keep the loopback default unless you
        /// mean to show the preview to other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Look for changes by polling file times every 300 ms instead of
        /// asking the system for file events (for file systems that send
        /// none, such as some network mounts).
        #[arg(long)]
        poll: bool,
        #[command(flatten)]
        cache: CacheArgs,
        #[command(flatten)]
        force: ForceArgs,
    },
    /// Create a new site: seen.toml, content/index.md with one worked block
    /// per figure kind, and templates/ to edit. Refuses a non-empty folder.
    #[command(after_help = "Examples:\n  \
        seen init my-explainer && seen serve --root my-explainer\n  \
        seen init . --force     write the scaffold into this folder anyway")]
    Init {
        /// The folder to create the site in (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write into a folder that is not empty (files with the scaffold's
        /// names are overwritten; other files are kept).
        #[arg(long)]
        force: bool,
    },
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
    /// The handbook, built in: the scenario language, the `seen trace` JSON,
    /// sites and commands, the code's layout. `seen help` lists the topics.
    #[command(after_help = "Examples:\n  \
        seen help                    the topics\n  \
        seen help language           the whole language reference\n  \
        seen help language keys      one section (a `##` heading, or its first word)\n  \
        seen help build              a command's options, like `seen build --help`")]
    Help {
        /// A topic (`seen help` lists them) or a command.
        topic: Option<String>,
        /// One section of the topic: a `##` heading, or its first word.
        section: Option<String>,
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
    let code = run();
    // A replaced site may still be being deleted in the background.
    site::output::wait_for_cleanup();
    code
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Build {
        site: SiteArgs {
            root: ".".into(),
            output_dir: None,
        },
        cache: CacheArgs { no_cache: false },
        force: ForceArgs { force: false },
    });
    match command {
        Command::Build {
            site: args,
            cache,
            force,
        } => build(&args, &cache, force.force),
        Command::Check { site: args, cache } => check(&args, &cache),
        Command::Serve {
            site: args,
            port,
            bind,
            poll,
            cache,
            force,
        } => {
            let options = site::serve::ServeOptions {
                bind,
                port,
                poll,
                cache_version: (!cache.no_cache).then(renderer_version),
            };
            let load = || args.config(force.force);
            // A folder that is not seen's is neither replaced nor served.
            if let Ok(c) = load()
                && let Err(e) = site::output::claim(&c)
            {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            match site::serve::serve(&args.root, &load, &Figures, &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    errln!("error: cannot serve on {bind}:{port}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir, force } => init(&dir, force),
        Command::Frames { file, out, png } => match seen::export_frames(&file, &out, png) {
            Ok(r) => {
                outln!(
                    "Wrote {} SVG frames, {} PNGs and {} animated SVGs to {}",
                    r.svgs,
                    r.pngs,
                    r.animations,
                    out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                errp!("{e}");
                ExitCode::FAILURE
            }
        },
        Command::Help { topic, section } => help(topic.as_deref(), section.as_deref()),
        Command::Trace { file, scenario } => match seen::trace(&file, scenario.as_deref()) {
            Ok((json, warnings)) => {
                errp!("{warnings}");
                status(outln!("{json}"))
            }
            Err(e) => {
                errp!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn build(args: &SiteArgs, cache: &CacheArgs, force: bool) -> ExitCode {
    let built = args.config(force).and_then(|c| {
        let cache = cache.open(&c);
        site::build_with(&c, &Figures, cache.as_ref()).map(|r| (r, cache))
    });
    match built {
        Ok((report, cache)) => {
            errp!("{}", render_all(&report.warnings));
            outln!(
                "{report}; wrote {} file{} ({:.1} MB){}",
                report.files_written,
                plural_s(report.files_written),
                report.bytes_written as f64 / 1e6,
                cache_note(cache.as_ref())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// How many pages were reused whole, and how many runs of figure blocks
/// came from the cache.
fn cache_note(cache: Option<&FigureCache>) -> String {
    let Some(c) = cache else {
        return String::new();
    };
    let mut note = String::new();
    let reused = c.pages_reused();
    if reused > 0 {
        note += &format!("; {reused} unchanged page{} not rendered", plural_s(reused));
    }
    let runs = c.hits() + c.misses();
    if runs > 0 {
        note += &format!("; figures from the cache: {} of {runs}", c.hits());
    }
    note
}

fn check(args: &SiteArgs, cache: &CacheArgs) -> ExitCode {
    let checked = args.config(false).and_then(|c| {
        let cache = cache.open(&c);
        site::check_with(&c, &Figures, cache.as_ref()).map(|r| (r, cache))
    });
    match checked {
        Ok((r, cache)) => {
            errp!("{}", render_all(&r.warnings));
            let warnings = match r.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warning{}", plural_s(n)),
            };
            outln!(
                "Checked {} page{}, {} figure{}, {} frame{} in {} ms: no errors{warnings}{}",
                r.pages,
                plural_s(r.pages),
                r.figures,
                plural_s(r.figures),
                r.frames,
                plural_s(r.frames),
                r.elapsed.as_millis(),
                cache_note(cache.as_ref())
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Diagnostics(diags)) => {
            errp!("{}", render_all(&diags));
            let files: std::collections::BTreeSet<&Path> =
                diags.iter().map(|d| d.file.as_path()).collect();
            errln!(
                "seen check: {} error{} in {} file{}",
                diags.len(),
                plural_s(diags.len()),
                files.len(),
                plural_s(files.len())
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            errln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init(dir: &Path, force: bool) -> ExitCode {
    match site::init::init(dir, force) {
        Ok(files) => {
            outln!("Created a new seen site in {}:", dir.display());
            for f in files {
                outln!("  {}", f.strip_prefix(dir).unwrap_or(&f).display());
            }
            let root = if dir == Path::new(".") {
                String::new()
            } else {
                format!(" --root {}", dir.display())
            };
            outln!(
                "\nNext:\n  seen serve{root}   preview at http://127.0.0.1:1111/, rebuilt on every save\n  \
                 seen build{root}   write the site into public/"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `seen help [TOPIC [SECTION]]`: a page of the handbook, or a command's
/// options when TOPIC names a command and no page.
fn help(topic: Option<&str>, section: Option<&str>) -> ExitCode {
    let mut cli = Cli::command();
    if let Some(name) = topic
        && seen::help::topic(name).is_none()
    {
        if section.is_none()
            && let Some(sub) = cli.find_subcommand_mut(name)
        {
            let bin = format!("seen {}", sub.get_name());
            let _ = sub.clone().bin_name(bin).print_help();
            return ExitCode::SUCCESS;
        }
        let commands: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
        errln!("error: {}", seen::help::unknown_topic(name, &commands));
        return ExitCode::FAILURE;
    }
    match seen::help::render(topic, section) {
        Ok(text) => status(outp!("{text}")),
        Err(e) => {
            errln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `text` to standard output. A reader that stopped reading (`seen
/// trace FILE | head`) is not an error: the rest is dropped quietly, as
/// `cat` does, instead of panicking as `println!` does on a broken pipe.
/// Any other failure (a full disk) is reported.
fn out(text: &str) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            err(&format!("error: cannot write the output: {e}\n"));
            false
        }
    }
}

/// Writes `text` to standard error, ignoring a closed one (there is
/// nowhere left to say anything).
fn err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// [`out`] as the command's status.
fn status(written: bool) -> ExitCode {
    if written {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
