//! The `insight` binary: parse the command line, run, map the outcome to an
//! exit code. Everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = insight::cli::Cli::parse();
    match insight::cli::run(cli) {
        Ok(code) => std::process::ExitCode::from(code as u8),
        Err(insight::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            insight::term::error(&e);
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// mimalloc (without transparent huge pages, which would cost every short
/// command a 2 MB page clear): indexing allocates a great deal.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
