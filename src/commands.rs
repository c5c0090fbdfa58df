//! What each subcommand does, once `main` has read the settings: serve, or migrate and
//! run one operator's task against the database.

use crate::cli::{Command, ImportArgs, ReleaseCommand, TokenCommand};
use crate::configuration::Settings;
use crate::dataset::Dataset;
use crate::error::Error;
use crate::seed::{self, Import};
use crate::store::{releases, tokens};
use crate::{database, graphql, startup::Application, synthetic};
use sea_orm::DatabaseConnection;
use std::process::ExitCode;

/// Who the audit log and releases name for what an operator does on the command line.
const OPERATOR: &str = "operator (command line)";

pub async fn run(command: Command, settings: Settings) -> ExitCode {
    let outcome = match command {
        Command::Serve => match Application::build(settings).await {
            Ok(app) => app.run_until_stopped().await.map_err(Into::into),
            Err(error) => Err(error),
        },
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        // A folder that does not read is refused before the database is touched.
        Command::Import(args) => match Dataset::read_dir(&args.dir) {
            Ok(dataset) => match database::connect_and_migrate(&settings.database).await {
                Ok(db) => import(&db, &dataset, &args).await,
                Err(error) => Err(error),
            },
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                Err(Error::BadUserInput(format!(
                    "refused {}: {} problem(s), and nothing was written",
                    args.dir.display(),
                    problems.len()
                )))
            }
        },
        command => match database::connect_and_migrate(&settings.database).await {
            Ok(db) => with_database(&db, command).await,
            Err(error) => Err(error),
        },
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

async fn with_database(db: &DatabaseConnection, command: Command) -> Result<(), Error> {
    match command {
        Command::Migrate => Ok(()),
        Command::Seed(args) if args.synthetic => {
            let report = synthetic::seed(db, synthetic::Scale::new(args.scale)?).await?;
            tracing::info!(%report, "synthetic benchmark data generated");
            Ok(())
        }
        Command::Seed(_) => {
            let report = seed::seed_paper_dataset(db).await?;
            tracing::info!(%report, "paper dataset seeded");
            Ok(())
        }
        Command::Token(command) => manage_tokens(db, command).await,
        Command::Release(ReleaseCommand::Create { tag, title, notes }) => {
            let new = releases::NewRelease {
                tag: &tag,
                title: &title,
                notes: &notes,
                created_by: OPERATOR,
            };
            let release = releases::cut(db, new).await?;
            eprintln!(
                "cut release {:?} after change {}",
                release.tag, release.event_id
            );
            Ok(())
        }
        Command::Serve | Command::ExportSchema | Command::Import(_) => Ok(()),
    }
}

/// Applies a checked folder, or with `--dry-run` prints what that would change. The diff
/// goes to standard output, so that a script or a reviewer can keep it.
async fn import(
    db: &DatabaseConnection,
    dataset: &Dataset,
    args: &ImportArgs,
) -> Result<(), Error> {
    let name = args.dir.display().to_string();
    let reason = args
        .reason
        .clone()
        .unwrap_or_else(|| format!("imported from {name}"));
    let title = args
        .release_title
        .clone()
        .unwrap_or_else(|| format!("The dataset imported from {name}"));
    let release = args.release.as_deref().map(|tag| releases::NewRelease {
        tag,
        title: &title,
        notes: &reason,
        created_by: OPERATOR,
    });
    if let Some(release) = &release {
        releases::check_tag(release.tag)?;
    }
    let import = Import {
        name: &name,
        reason: &reason,
        release,
        dry_run: args.dry_run,
    };
    let report = seed::import(db, dataset, import).await?;
    print!("{}", report.diff());
    if args.dry_run {
        eprintln!("dry run: nothing was written");
    } else {
        eprintln!("imported {name}: {report}");
    }
    Ok(())
}

/// The token commands. A new token is printed alone on standard output, so that a script
/// can capture it; everything else goes to standard error.
async fn manage_tokens(db: &DatabaseConnection, command: TokenCommand) -> Result<(), Error> {
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
