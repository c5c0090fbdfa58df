//! Typed settings, built once in `main` from the command line and passed down.

use std::fmt;
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub server: ServerSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: DatabaseUrl,
    pub pool_size: u32,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub seed_on_start: bool,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL whose password never reaches `Debug`, `Display` or the logs.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.password().is_some() => {
                // Setting a password only fails for URLs that cannot carry one, which
                // a URL that already has one can.
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            Ok(parsed) if !parsed.cannot_be_a_base() => self.0.clone(),
            // Anything else might embed credentials where the parser did not see them;
            // show only the scheme.
            _ => match self.0.split_once(':') {
                Some((scheme, _)) => format!("{scheme}:***"),
                None => "***".to_owned(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted_in_debug_and_display() {
        let url = DatabaseUrl::new("postgres://atlas:s3cr3t-pw@db.example:5432/atlas");
        let settings = DatabaseSettings {
            url: url.clone(),
            pool_size: 4,
        };
        for shown in [format!("{settings:?}"), url.to_string()] {
            assert!(!shown.contains("s3cr3t-pw"), "password leaked: {shown}");
            assert!(
                shown.contains("atlas:***@db.example"),
                "unexpected: {shown}"
            );
        }
        assert_eq!(
            url.expose(),
            "postgres://atlas:s3cr3t-pw@db.example:5432/atlas"
        );
    }

    #[test]
    fn urls_without_password_are_shown_whole() {
        let url = DatabaseUrl::new("sqlite://cityatlas.db?mode=rwc");
        assert_eq!(url.to_string(), "sqlite://cityatlas.db?mode=rwc");
        assert!(url.is_sqlite());
    }

    #[test]
    fn unparseable_urls_hide_everything_after_the_scheme() {
        let url = DatabaseUrl::new("postgres:user:pw@@ bad url");
        assert_eq!(url.to_string(), "postgres:***");
    }
}
