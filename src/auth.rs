//! Who is asking: API tokens (their format, how they are made and hashed), roles, and the
//! principal a request runs as. Pure functions; the tokens table is `store::tokens`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Every token starts with this, so that a leaked one is recognisable (and findable by a
/// secret scanner) as a City Atlas token.
pub const TOKEN_PREFIX: &str = "ca_";
const RANDOM_BYTES: usize = 32;
/// The characters of a token kept in clear as its hint: the prefix and four more.
const HINT_CHARS: usize = TOKEN_PREFIX.len() + 4;

/// What a token may do. Each role may do everything the one before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads, with a rate-limit budget of its own: integrations.
    Reader,
    /// Also changes data.
    Editor,
    /// Also manages tokens and releases.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "reader" => Ok(Role::Reader),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "{other:?} is not a role; use reader, editor or admin"
            )),
        }
    }
}

/// The client a request runs as, once its token checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub token_id: i32,
    /// The token's name: what the audit log records as the actor.
    pub name: String,
    pub role: Role,
}

/// A token's text, held only between its making and its printing. Its `Debug` shows the
/// hint, never the secret.
pub struct Secret(String);

impl Secret {
    /// `ca_` and 32 random bytes from the operating system, base64url: 46 characters.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; RANDOM_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(format!(
            "{TOKEN_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(bytes)
        )))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash(&self.0)
    }

    pub fn hint(&self) -> String {
        format!("{}…", &self.0[..HINT_CHARS])
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.hint())
    }
}

/// The SHA-256 of a token, hex: what the tokens table stores and is searched by. A token
/// carries 256 random bits, so a fast hash is enough; a password hash would slow every
/// request for nothing.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether text could be a token at all; anything else is refused without a lookup.
pub fn is_well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|random| {
        URL_SAFE_NO_PAD
            .decode(random)
            .is_ok_and(|bytes| bytes.len() == RANDOM_BYTES)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let first = Secret::generate().expect("random bytes");
        let second = Secret::generate().expect("random bytes");
        assert!(first.expose().starts_with("ca_"));
        assert_eq!(first.expose().len(), 46);
        assert!(is_well_formed(first.expose()));
        assert_ne!(first.expose(), second.expose());
        assert_eq!(first.hash(), hash(first.expose()));
        assert_eq!(first.hash().len(), 64);
        assert!(!format!("{first:?}").contains(&first.expose()[8..]));
        assert!(
            first
                .expose()
                .starts_with(first.hint().trim_end_matches('…'))
        );
    }

    #[test]
    fn text_that_is_not_a_token_is_recognised() {
        for bad in [
            "",
            "ca_",
            "ca_short",
            "gh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Reader < Role::Editor && Role::Editor < Role::Admin);
        for role in [Role::Reader, Role::Editor, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
