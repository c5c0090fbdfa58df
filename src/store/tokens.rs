//! The API tokens table: making, listing and revoking tokens, and finding the principal a
//! presented token stands for. Only hashes are stored or compared.

use crate::auth::{self, Principal, Role, Secret};
use crate::entities::api_token;
use crate::error::Error;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// A token as an operator sees it: everything but the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub hint: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    fn from_model(model: api_token::Model) -> Result<Self, Error> {
        Ok(Self {
            role: parse_role(&model.role)?,
            name: model.name,
            hint: model.hint,
            created_at: model.created_at,
            expires_at: model.expires_at,
            revoked_at: model.revoked_at,
        })
    }
}

fn parse_role(stored: &str) -> Result<Role, Error> {
    stored.parse().map_err(|problem| Error::Internal {
        detail: format!("api_tokens holds a bad role: {problem}"),
    })
}

/// Makes a token; the secret is returned once and never stored.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(TokenInfo, Secret), Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::BadUserInput(
            "a token's name must have 1 to 100 characters".to_owned(),
        ));
    }
    let taken = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(Error::BadUserInput(format!(
            "a token named {name:?} already exists; names are never reused, so that the \
             audit log's actors stay unambiguous"
        )));
    }
    let secret = Secret::generate().map_err(|error| Error::Internal {
        detail: format!("no random bytes from the operating system: {error}"),
    })?;
    let model = api_token::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(name.to_owned()),
        role: ActiveValue::Set(role.as_str().to_owned()),
        token_hash: ActiveValue::Set(secret.hash()),
        hint: ActiveValue::Set(secret.hint()),
        created_at: ActiveValue::Set(super::history::now()),
        expires_at: ActiveValue::Set(expires_at),
        revoked_at: ActiveValue::Set(None),
    }
    .insert(db)
    .await?;
    Ok((TokenInfo::from_model(model)?, secret))
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TokenInfo>, Error> {
    api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(TokenInfo::from_model)
        .collect()
}

/// Revokes the named token; `None` if there is none. Revoking twice keeps the first time.
pub async fn revoke(db: &impl ConnectionTrait, name: &str) -> Result<Option<TokenInfo>, Error> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if token.revoked_at.is_some() {
        return TokenInfo::from_model(token).map(Some);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = ActiveValue::Set(Some(super::history::now()));
    TokenInfo::from_model(active.update(db).await?).map(Some)
}

/// The principal behind a presented token, or `None` for a token that is malformed,
/// unknown, revoked or expired: the caller answers all four alike.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Principal>, Error> {
    if !auth::is_well_formed(token) {
        return Ok(None);
    }
    let Some(stored) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(auth::hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if stored.revoked_at.is_some() || stored.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    Ok(Some(Principal {
        token_id: stored.id,
        role: parse_role(&stored.role)?,
        name: stored.name,
    }))
}
