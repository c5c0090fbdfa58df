use cityatlas::cli::{Cli, Command, ReleaseCommand, TokenCommand};
use cityatlas::error::Error;
use cityatlas::store::{releases, tokens};
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
        Command::Token(command) => match database::connect_and_migrate(&settings.database).await {
            Ok(db) => manage_tokens(&db, command).await,
            Err(error) => Err(error),
        },
        Command::Release(ReleaseCommand::Create { tag, title, notes }) => {
            match database::connect_and_migrate(&settings.database).await {
                Ok(db) => releases::cut(
                    &db,
                    releases::NewRelease {
                        tag: &tag,
                        title: &title,
                        notes: &notes,
                        created_by: "operator (command line)",
                    },
                )
                .await
                .map(|release| {
                    eprintln!(
                        "cut release {:?} after change {}",
                        release.tag, release.event_id
                    );
                }),
                Err(error) => Err(error),
            }
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

/// The token commands. A new token is printed alone on standard output, so that a script
/// can capture it; everything else goes to standard error.
async fn manage_tokens(
    db: &sea_orm::DatabaseConnection,
    command: TokenCommand,
) -> Result<(), Error> {
    match command {
        TokenCommand::Create {
            name,
            role,
            expires_in_days,
        } => {
            let expires_at = expires_in_days
                .map(|days| chrono::Utc::now() + chrono::TimeDelta::days(i64::from(days)));
            let (info, secret) = tokens::create(db, &name, role, expires_at).await?;
            eprintln!(
                "made token {:?} ({}, {}); it is shown once, here:",
                info.name, info.role, info.hint
            );
            println!("{}", secret.expose());
            Ok(())
        }
        TokenCommand::List => {
            for token in tokens::list(db).await? {
                let state = match (token.revoked_at, token.expires_at) {
                    (Some(at), _) => format!("revoked {}", at.to_rfc3339()),
                    (None, Some(at)) => format!("expires {}", at.to_rfc3339()),
                    (None, None) => "active".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\tcreated {}\t{state}",
                    token.name,
                    token.role,
                    token.hint,
                    token.created_at.to_rfc3339()
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { name } => match tokens::revoke(db, &name).await? {
            Some(token) => {
                eprintln!("revoked token {:?}", token.name);
                Ok(())
            }
            None => Err(Error::NotFound(format!("token {name:?}"))),
        },
    }
}
