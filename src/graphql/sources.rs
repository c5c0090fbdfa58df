//! Sources: the publications the paper cites, with citations in the common styles.

use super::ids::{self, NodeType};
use super::objects::curated_object;
use super::paging::connection;
use crate::citation;
use crate::entities::source;
use async_graphql::{Enum, ID};

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

curated_object! {
    /// A publication that figures and facts come from, as the paper cites it.
    Source;
    revision;
    created_at;
    updated_at;
    revisions RevisionsOfSource(id);
    {
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
    }
    /// The figures taken from this source.
    observations of Source(id);
}

connection!(
    SourceConnection,
    SourceEdge,
    Source,
    "sources",
    "A page of sources, with the cursors to page on and the total count."
);
