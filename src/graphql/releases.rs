//! Releases: citable, immutable versions of the dataset, and how to cite them.

use super::loaders::SourceBySlug;
use super::sources::CitationStyle;
use super::{loaders, required};
use crate::citation::{self, ReleaseCitation};
use crate::entities::release;
use crate::error::Error;
use crate::store::releases;
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

/// The address the API is published at, for permalinks.
#[derive(Clone, Debug)]
pub struct PublicUrl(pub String);

impl PublicUrl {
    pub fn release(&self, tag: &str) -> String {
        format!("{}/releases/{tag}", self.0.trim_end_matches('/'))
    }

    pub fn release_download(&self, tag: &str) -> String {
        format!("{}/export/releases/{tag}.zip", self.0.trim_end_matches('/'))
    }

    /// An indicator's download as `extension` (`csv`, `zip`).
    pub fn indicator_download(&self, code: &str, extension: &str) -> String {
        self.at(&format!("/export/indicators/{code}.{extension}"))
    }

    /// An indicator's chart as `extension` (`svg`, `png`).
    pub fn indicator_chart(&self, code: &str, extension: &str) -> String {
        self.at(&format!("/charts/indicators/{code}.{extension}"))
    }

    /// An indicator's page, for people.
    pub fn indicator_page(&self, code: &str) -> String {
        self.at(&format!("/indicators/{code}"))
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0.trim_end_matches('/'))
    }
}

/// The paper every release is built from, as `sources` lists it.
const PAPER_SOURCE: &str = "liu-2025";

/// The downloads of a release.
#[derive(async_graphql::SimpleObject)]
pub struct ReleaseDownloads {
    /// Every table of the release in the `data/` format (`cityatlas import` of the
    /// unpacked folder loads the same dataset), with a `datapackage.json`, a `README.md`
    /// saying how to cite it, and a `CITATION.cff`.
    pub zip: String,
}

pub struct Release {
    pub row: release::Model,
    /// Changes since the release before.
    pub changes: u64,
}

/// A named, dated, immutable state of the whole dataset. Pass its `tag` as `release` to
/// read any list, lookup or series as the release froze it.
#[Object]
impl Release {
    /// The version tag, e.g. `liu-2025`.
    async fn tag(&self) -> &str {
        &self.row.tag
    }

    /// The release's title.
    async fn title(&self) -> &str {
        &self.row.title
    }

    /// What changed in this release, in the curators' words.
    async fn notes(&self) -> &str {
        &self.row.notes
    }

    /// When the release was cut.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// Who cut it: a token's name, or `importer`.
    async fn created_by(&self) -> &str {
        &self.row.created_by
    }

    /// The last change the release includes, as `sequence` in `changes` and `auditEvents`.
    async fn sequence(&self) -> i32 {
        self.row.event_id
    }

    /// How many changes the release holds since the release before (all of them for the
    /// first).
    async fn change_count(&self) -> i32 {
        i32::try_from(self.changes).unwrap_or(i32::MAX)
    }

    /// Where the release can be read for good.
    async fn permalink(&self, ctx: &Context<'_>) -> Result<String, Error> {
        Ok(public_url(ctx)?.release(&self.row.tag))
    }

    /// Where the release's whole dataset can be downloaded.
    async fn downloads(&self, ctx: &Context<'_>) -> Result<ReleaseDownloads, Error> {
        Ok(ReleaseDownloads {
            zip: public_url(ctx)?.release_download(&self.row.tag),
        })
    }

    /// The release as a ready-to-paste citation: the dataset, its version, date and
    /// permalink, and the paper it is built from.
    async fn citation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The citation style.")] style: CitationStyle,
    ) -> Result<String, Error> {
        cite(ctx, &self.row, style).await
    }
}

/// The permalink of the release tagged `tag`.
pub fn permalink(ctx: &Context<'_>, tag: &str) -> Result<String, Error> {
    Ok(public_url(ctx)?.release(tag))
}

pub(super) fn public_url<'a>(ctx: &Context<'a>) -> Result<&'a PublicUrl, Error> {
    ctx.data::<PublicUrl>().map_err(|_| Error::Internal {
        detail: "the request was executed without the public URL".to_owned(),
    })
}

/// A release cited in `style`.
pub async fn cite(
    ctx: &Context<'_>,
    release: &release::Model,
    style: CitationStyle,
) -> Result<String, Error> {
    let paper = required(
        loaders(ctx)?
            .load_one(SourceBySlug(PAPER_SOURCE.to_owned()))
            .await?,
        "the paper's source",
    )?;
    let permalink = public_url(ctx)?.release(&release.tag);
    let date = release.created_at.format("%Y-%m-%d").to_string();
    Ok(citation::cite_release(
        &ReleaseCitation {
            tag: &release.tag,
            date: &date,
            permalink: &permalink,
        },
        &paper,
        style.into(),
    ))
}

/// The root fields of releases.
#[derive(Default)]
pub struct Releases;

#[Object]
impl Releases {
    /// Every release of the dataset, oldest first, with its change count.
    async fn releases(&self, ctx: &Context<'_>) -> Result<Vec<Release>, Error> {
        let found = releases::all_with_changes(super::writer(ctx)?).await?;
        Ok(found
            .into_iter()
            .map(|(row, changes)| Release { row, changes })
            .collect())
    }

    /// A release by its tag, e.g. `liu-2025`; `null` if there is none.
    async fn release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The release's tag.")] tag: String,
    ) -> Result<Option<Release>, Error> {
        let found = releases::all_with_changes(super::writer(ctx)?).await?;
        Ok(found
            .into_iter()
            .find(|(row, _)| row.tag == tag)
            .map(|(row, changes)| Release { row, changes }))
    }
}
