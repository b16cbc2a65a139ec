//! The `kartotek` binary: parse the command line, set up logging, run, and
//! map the outcome to an exit code (0 ok, 1 some failures, 2 usage errors).

use clap::Parser;

/// The binary's allocator (see [`kartotek::Allocator`]).
#[global_allocator]
static ALLOCATOR: kartotek::Allocator = kartotek::ALLOCATOR;

fn main() {
    // A worker process reads sources for a supervisor; see `ingest::worker`.
    // `args_os`: a file name that is no UTF-8 is an argument like any
    // other (`std::env::args` panics on it); the worker's own arguments
    // are ours, and ASCII
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.get(1).map(String::as_str) == Some(kartotek::ingest::worker::WORKER_ARG) {
        std::process::exit(kartotek::ingest::worker::serve(&args[2..]));
    }
    match std::env::current_exe() {
        Ok(me) => kartotek::ingest::supervisor::set_program(me),
        Err(e) => eprintln!(
            "warning: cannot find this program's path ({e}); files are read in-process, without crash isolation"
        ),
    }
    let cli = match kartotek::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KARTOTEK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let code = match kartotek::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.code().exit_code()
        }
    };
    std::process::exit(code);
}
