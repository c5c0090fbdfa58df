use cityatlas::cli::{Cli, Command};
use cityatlas::{database, graphql, seed, startup::Application, synthetic, telemetry};
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
    telemetry::init(&settings.log);

    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match Application::build(settings).await {
            Ok(app) => app.run_until_stopped().await.map_err(Into::into),
            Err(error) => Err(error),
        },
        Command::Migrate => database::connect_and_migrate(&settings.database)
            .await
            .map(|_| ()),
        Command::Seed(args) => match database::connect_and_migrate(&settings.database).await {
            Ok(db) if args.synthetic => match synthetic::Scale::new(args.scale) {
                Ok(scale) => synthetic::seed(&db, scale).await.map(|report| {
                    tracing::info!(%report, "synthetic benchmark data generated");
                }),
                Err(error) => Err(error),
            },
            Ok(db) => seed::seed_paper_dataset(&db).await.map(|report| {
                tracing::info!(%report, "paper dataset seeded");
            }),
            Err(error) => Err(error),
        },
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
    };

    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(code = error.code(), detail = %error.detail(), "cityatlas failed");
            eprintln!("cityatlas: {}", error.detail());
            ExitCode::FAILURE
        }
    }
}
