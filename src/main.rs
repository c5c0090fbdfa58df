use cityatlas::cli::Cli;
use cityatlas::{commands, telemetry};
use clap::Parser;
use std::process::ExitCode;

// glibc's malloc spent a sixth of a request's CPU consolidating the many small blocks a
// GraphQL response is made of (perf, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = cli.settings();
    // Held until the command returns, so that the spans still queued are exported.
    let _telemetry = telemetry::init(&settings.log);
    commands::run(cli.command.unwrap_or_default(), settings).await
}
