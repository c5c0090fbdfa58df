//! Token management for admins: making and revoking API tokens over GraphQL, as
//! `cityatlas token create|revoke` does on the command line. A new token's secret is in
//! the payload once; only its hash is kept.

use super::{UserError, UserErrorCode, require};
use crate::auth::Role;
use crate::error::{Error, GraphqlResultExt};
use crate::store::tokens::{self, TokenInfo};
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, TimeDelta, Utc};

/// What a token may do.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "TokenRole")]
pub enum TokenRole {
    /// Reads, with a token's rate-limit budget: integrations.
    Reader,
    /// Also creates, corrects and retracts data.
    Editor,
    /// Also manages tokens and releases.
    Admin,
}

impl From<TokenRole> for Role {
    fn from(role: TokenRole) -> Self {
        match role {
            TokenRole::Reader => Role::Reader,
            TokenRole::Editor => Role::Editor,
            TokenRole::Admin => Role::Admin,
        }
    }
}

impl From<Role> for TokenRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Reader => TokenRole::Reader,
            Role::Editor => TokenRole::Editor,
            Role::Admin => TokenRole::Admin,
        }
    }
}

/// An API token as an admin sees it: never its secret.
pub struct ApiToken(TokenInfo);

/// An API token: who holds it, what it may do and whether it still works. Its secret is
/// shown once, when it is made.
#[Object]
impl ApiToken {
    /// The holder's name, which the audit log names the token's changes by.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the token may do.
    async fn role(&self) -> TokenRole {
        self.0.role.into()
    }

    /// `ca_` and the secret's first four characters, to tell tokens apart.
    async fn hint(&self) -> &str {
        &self.0.hint
    }

    /// When the token was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it stops working by itself; `null` if it works until revoked.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// When it was revoked; `null` while it works.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A token to make.
#[derive(InputObject, Clone, Debug)]
pub struct CreateTokenInput {
    /// Who holds it: a person or an integration. Names are never reused.
    pub name: String,
    /// What it may do.
    pub role: TokenRole,
    /// Days until it stops working by itself; omitted, it works until revoked.
    pub expires_in_days: Option<u32>,
}

/// The result of `createToken`.
#[derive(SimpleObject)]
pub struct CreateTokenPayload {
    /// The new token; `null` when none was made.
    pub token: Option<ApiToken>,
    /// The token's secret, for `Authorization: Bearer …`: shown here once and never again.
    pub secret: Option<String>,
    /// Why none was made; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `revokeToken`.
#[derive(SimpleObject)]
pub struct RevokeTokenPayload {
    /// The token, now revoked; `null` when there is none by that name.
    pub token: Option<ApiToken>,
    /// Why nothing was revoked; empty on success.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Makes an API token and returns its secret, once. Takes an admin's token.
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The holder's name, the role and when it expires.")]
        input: CreateTokenInput,
    ) -> Result<CreateTokenPayload> {
        require(ctx, Role::Admin, String::new())?;
        let expires_at = input
            .expires_in_days
            .map(|days| Utc::now() + TimeDelta::days(i64::from(days)));
        let made = tokens::create(
            super::database(ctx)?,
            &input.name,
            input.role.into(),
            expires_at,
        )
        .await;
        Ok(match made {
            Ok((info, secret)) => CreateTokenPayload {
                token: Some(ApiToken(info)),
                secret: Some(secret.expose().to_owned()),
                user_errors: Vec::new(),
            },
            Err(Error::BadUserInput(message)) => CreateTokenPayload {
                token: None,
                secret: None,
                user_errors: vec![UserError::refused(
                    &["input", "name"],
                    "already exists",
                    message,
                )],
            },
            Err(error) => return Err(error.into()),
        })
    }

    /// Revokes an API token by its name: it stops working at once. Takes an admin's token.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's name.")] name: String,
    ) -> Result<RevokeTokenPayload> {
        require(ctx, Role::Admin, String::new())?;
        let revoked = tokens::revoke(super::database(ctx)?, &name)
            .await
            .into_graphql()?;
        Ok(match revoked {
            Some(info) => RevokeTokenPayload {
                token: Some(ApiToken(info)),
                user_errors: Vec::new(),
            },
            None => RevokeTokenPayload {
                token: None,
                user_errors: vec![UserError::new(
                    &["name"],
                    UserErrorCode::NotFound,
                    format!("no token is named {name:?}"),
                )],
            },
        })
    }
}
