//! The `loket` binary: a thin wrapper that parses the command line and runs the command.
//! Everything it does lives in the library (`loket::cli`), so tests can run it in-process.
//!
//! The binary allocates with mimalloc: answering a question builds many small strings and
//! sets, and mimalloc's per-thread free lists make an answer about a tenth faster and an
//! engine build over a large corpus a quarter faster than the system allocator (see
//! `BENCHMARKS.md`), with the same peak memory.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    loket::cli::main()
}
