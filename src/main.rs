//! The `bedrock-harness` command line: thin over the library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: the fake allocates per call (bodies, JSON trees, headers), and
/// glibc's malloc was the largest single cost in `serve`'s profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        // A bad value (a date, a number) is one line, as other bad input is.
        Err(e) if e.kind() == clap::error::ErrorKind::ValueValidation => {
            let text = e.to_string();
            eprintln!("{}", text.lines().next().unwrap_or_default());
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    cli::init_tracing(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                // Bad input on the command line or in the files it names.
                bedrock_harness::Error::Fixture { .. }
                | bedrock_harness::Error::InvalidDate { .. }
                | bedrock_harness::Error::InvalidModelId { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
