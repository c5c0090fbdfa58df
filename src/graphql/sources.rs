//! Sources: the publications the paper cites, with citations in the common styles.

use super::ids::{self, NodeType};
use super::inputs::{ObservationFilter, ObservationOrder};
use super::observations::{self, ObservationConnection};
use super::paging::{PageArgs, connection};
use crate::citation;
use crate::entities::source;
use crate::store::observations::Scope;
use async_graphql::{Context, Enum, ID, Object, Result};

/// A citation style.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "citation::Style")]
pub enum CitationStyle {
    /// APA, 7th edition.
    Apa,
    /// MLA, 9th edition.
    Mla,
    /// Chicago, notes and bibliography.
    Chicago,
    /// A BibTeX entry, keyed by the source's slug.
    Bibtex,
}

#[derive(Clone)]
pub struct Source(pub source::Model);

/// A publication that figures and facts come from, as the paper cites it.
#[Object]
impl Source {
    /// How many states this row has had: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// When this row was first recorded here.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// When this row last changed here.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }

    /// Every state this row has had, oldest first, each with who changed it, when and why.
    async fn revisions(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<Vec<super::revisions::Revision>> {
        let revisions = super::loaders(ctx)?
            .load_one(super::loaders::RevisionsOfSource(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(super::revisions::Revision::all_of(super::writer(ctx)?, revisions).await?)
    }

    /// The global, opaque ID of this source.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Source, &self.0.slug)
    }

    /// The source's stable slug, e.g. `statista-us-ai-market-size`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// What sort of publication it is, e.g. `journal_article`, `statistic` or `forecast`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The publisher, or for a journal article the journal.
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }

    /// The authors as the paper lists them, e.g. "Kubina M., Šulyová D., Vodák J.".
    async fn authors(&self) -> Option<&str> {
        self.0.authors.as_deref()
    }

    /// The journal or book it appeared in, with volume, issue and pages.
    async fn container(&self) -> Option<&str> {
        self.0.container.as_deref()
    }

    /// When it was published: `YYYY` or `YYYY-MM-DD`.
    async fn published_on(&self) -> Option<&str> {
        self.0.published_on.as_deref()
    }

    /// When the paper's author accessed it online: `YYYY-MM-DD`.
    async fn accessed_on(&self) -> Option<&str> {
        self.0.accessed_on.as_deref()
    }

    /// Where to read it.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Its DOI, without the resolver prefix.
    async fn doi(&self) -> Option<&str> {
        self.0.doi.as_deref()
    }

    /// Where the paper cites it, e.g. "footnote 2" or "reference [10]".
    async fn paper_reference(&self) -> &str {
        &self.0.paper_reference
    }

    /// A caveat about the citation itself, e.g. a misprinted URL in the paper.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The source as a ready-to-paste citation in the given style.
    async fn citation(
        &self,
        #[graphql(desc = "The citation style.")] style: CitationStyle,
    ) -> String {
        citation::cite(&self.0, style.into())
    }

    /// The figures taken from this source.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Returns the observations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n observations (1 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the observations before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(observations::list(ctx, Scope::Source(self.0.id), filter, order_by, page).await?)
    }
}

connection!(
    SourceConnection,
    SourceEdge,
    Source,
    "sources",
    "A page of sources, with the cursors to page on and the total count."
);
