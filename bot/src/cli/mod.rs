//! The command line: one subcommand per thing an operator or developer does with loket.
//!
//! `clap` derive definitions live here together with the dispatch; each command's work is
//! in its own file. Commands print for people by default and JSON lines with `--json`.
//! Errors are reported once, in `main`, with their cause chain and a non-zero exit code.

mod standards;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// loket: answers citizens' questions about public services from the agencies'
/// service standards (Standar Pelayanan) and forwards their complaints to the officers
/// in charge.
#[derive(Debug, Parser)]
#[command(name = "loket", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the decrees are read from.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StandardsDir {
    /// Directory of service-standard decrees (.txt/.md/.html text conversions).
    #[arg(
        long = "dir",
        env = "LOKET_STANDARDS_DIR",
        default_value = "knowledge/standards",
        value_name = "PATH"
    )]
    pub(crate) path: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every service parsed from the decrees (title, duration, fee), or JSON lines.
    Standards {
        #[command(flatten)]
        dir: StandardsDir,
        /// Print one JSON object per service instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Standards { dir, json } => standards::run(&dir.path, json),
    }
}
