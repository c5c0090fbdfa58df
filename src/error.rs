//! The one error type of City Atlas. Every variant maps to a stable `code`, which GraphQL
//! clients receive as `extensions.code`; internal causes are logged, never sent.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// `Display` is what a client may read: internal variants say only "internal server error",
/// so even an accidental conversion cannot leak SQL. The cause stays reachable through
/// [`std::error::Error::source`] and [`Error::detail`] for logs and the CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadUserInput(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("the database is unavailable")]
    ServiceUnavailable(#[source] DbErr),
    #[error("internal server error")]
    Database(#[source] DbErr),
    #[error("internal server error")]
    Dataset(String),
    #[error("internal server error")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUserInput(_) => "BAD_USER_INPUT",
            Error::NotFound(_) => "NOT_FOUND",
            Error::ServiceUnavailable(_) => "SERVICE_UNAVAILABLE",
            Error::Database(_) | Error::Dataset(_) | Error::Io(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The full cause, for operators only: logs and the command line.
    pub fn detail(&self) -> String {
        match self {
            Error::Dataset(problem) => format!("invalid dataset: {problem}"),
            Error::Database(cause) | Error::ServiceUnavailable(cause) => {
                format!("database error: {cause}")
            }
            Error::Io(cause) => format!("I/O error: {cause}"),
            Error::BadUserInput(_) | Error::NotFound(_) => self.to_string(),
        }
    }

    fn is_server_side(&self) -> bool {
        matches!(
            self,
            Error::ServiceUnavailable(_) | Error::Database(_) | Error::Dataset(_) | Error::Io(_)
        )
    }
}

impl From<DbErr> for Error {
    /// Connection failures mean the database is down, which a client can retry; anything
    /// else is a bug or a broken schema.
    fn from(error: DbErr) -> Self {
        match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => Error::ServiceUnavailable(error),
            other => Error::Database(other),
        }
    }
}

impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        if self.is_server_side() {
            tracing::error!(code = self.code(), detail = %self.detail(), "request failed");
        }
        let code = self.code();
        async_graphql::Error::new(self.to_string()).extend_with(|_, extensions| {
            extensions.set("code", code);
        })
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
