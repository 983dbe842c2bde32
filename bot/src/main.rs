//! The `loket` binary: a thin wrapper that parses the command line and runs the command.
//! Everything it does lives in the library (`loket::cli`), so tests can run it in-process.

use std::process::ExitCode;

fn main() -> ExitCode {
    loket::cli::main()
}
