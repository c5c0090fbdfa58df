//! The one error type of City Atlas. Every variant maps to a stable `code`, which GraphQL
//! clients receive as `extensions.code`; internal causes are logged, never sent.

use async_graphql::ErrorExtensions;
use sea_orm::sqlx::Error as SqlxError;
use sea_orm::{DbErr, RuntimeErr};
use std::fmt;

/// `Display` is what a client may read: server-side variants say only a generic text, so
/// even an accidental conversion cannot leak SQL. The cause is kept in `detail` for logs
/// and the command line. The type is `Clone` so that DataLoaders can share one error
/// among all the fields that waited on a batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadUserInput(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A write without a token (HTTP refuses these before they run; this is the field's own
    /// check, for documents that reach it another way).
    #[error("{0}")]
    Unauthenticated(String),
    /// A token whose role is too small for what it asked.
    #[error("{0}")]
    Forbidden(String),
    /// More at once than one client may hold (subscriptions; the HTTP rate limit answers
    /// its own refusals).
    #[error("{0}")]
    RateLimited(String),
    #[error("the database is unavailable")]
    ServiceUnavailable { detail: String },
    #[error("internal server error")]
    Internal { detail: String },
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUserInput(_) => "BAD_USER_INPUT",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::RateLimited(_) => "RATE_LIMITED",
            Error::ServiceUnavailable { .. } => "SERVICE_UNAVAILABLE",
            Error::Internal { .. } => "INTERNAL_SERVER_ERROR",
        }
    }

    /// An inconsistency in the built-in dataset: a bug in `data/`, never the client's.
    pub fn dataset(problem: impl fmt::Display) -> Self {
        Error::Internal {
            detail: format!("invalid dataset: {problem}"),
        }
    }

    /// The full cause, for operators only: logs and the command line.
    pub fn detail(&self) -> String {
        match self {
            Error::ServiceUnavailable { detail } | Error::Internal { detail } => detail.clone(),
            Error::BadUserInput(_)
            | Error::NotFound(_)
            | Error::Unauthenticated(_)
            | Error::Forbidden(_)
            | Error::RateLimited(_) => self.to_string(),
        }
    }

    /// Whether the cause is the server's: masked for clients, logged for operators.
    pub fn is_server_side(&self) -> bool {
        matches!(
            self,
            Error::ServiceUnavailable { .. } | Error::Internal { .. }
        )
    }
}

impl From<DbErr> for Error {
    /// A database that is down or dropped the connection is one a client can retry;
    /// anything else is a bug or a broken schema.
    fn from(error: DbErr) -> Self {
        let detail = format!("database error: {error}");
        if is_unavailable(&error) {
            Error::ServiceUnavailable { detail }
        } else {
            Error::Internal { detail }
        }
    }
}

fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(error)) | DbErr::Exec(RuntimeErr::SqlxError(error)) => {
            match error.as_ref() {
                SqlxError::Io(_)
                | SqlxError::Tls(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed => true,
                // SQLSTATE classes 08 (connection exception) and 57 (operator intervention:
                // shutdown, terminated backend, statement timeout), and 40001, with which a
                // read replica cancels a query that conflicts with the replay of the
                // primary's changes: all gone on a second try.
                SqlxError::Database(database) => database.code().is_some_and(|code| {
                    code.starts_with("08") || code.starts_with("57") || code == "40001"
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::Internal {
            detail: format!("I/O error: {error}"),
        }
    }
}

/// The client sees the code and the safe message; the error itself rides along as the
/// source, so that the HTTP layer can log a server-side cause once, under the request's ID.
impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        let code = self.code();
        async_graphql::Error::new_with_source(self.clone()).extend_with(|_, extensions| {
            extensions.set("code", code);
        })
    }
}

/// Lets resolvers use `?` on this type; the client gets the code and the safe message only.
impl From<Error> for async_graphql::Error {
    fn from(error: Error) -> Self {
        error.extend()
    }
}

/// Turns storage results into GraphQL results that carry a code and no internals.
/// Resolvers use this instead of `?` on a [`DbErr`], whose message holds SQL.
pub trait GraphqlResultExt<T> {
    fn into_graphql(self) -> async_graphql::Result<T>;
}

impl<T> GraphqlResultExt<T> for Result<T, DbErr> {
    fn into_graphql(self) -> async_graphql::Result<T> {
        self.map_err(|error| Error::from(error).extend())
    }
}

impl<T> GraphqlResultExt<T> for Result<T, Error> {
    fn into_graphql(self) -> async_graphql::Result<T> {
        self.map_err(|error| error.extend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_are_masked_for_clients() {
        let error = Error::from(DbErr::Custom(
            "relation \"observations\" does not exist: SELECT * FROM observations".into(),
        ));
        assert_eq!(error.code(), "INTERNAL_SERVER_ERROR");
        assert!(
            error.detail().contains("SELECT"),
            "operators still see the cause"
        );
        let client_error = error.extend();
        assert_eq!(client_error.message, "internal server error");
        let extensions = client_error.extensions.expect("extensions are set");
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("INTERNAL_SERVER_ERROR"))
        );
    }

    #[test]
    fn user_errors_keep_their_message_and_code() {
        let client_error = Error::BadUserInput("bad cursor".into()).extend();
        assert_eq!(client_error.message, "bad cursor");
        let extensions = client_error.extensions.expect("extensions are set");
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
    }
}
