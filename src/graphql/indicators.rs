//! Indicators: what the figures measure, with their series and the values derived from them.

use super::database;
use super::derived_values::{DerivedValue, input};
use super::ids::{self, NodeType};
use super::objects::curated_object;
use super::paging::connection;
use super::series::{self, Series};
use crate::derived;
use crate::entities::indicator;
use crate::error::Error;
use crate::store::series::{self as store, SeriesQuery};
use async_graphql::{Context, ID, Result};

#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

curated_object! {
    /// A measured quantity, such as the AI market size, with its unit, scale and caveats.
    Indicator;
    revision;
    created_at;
    updated_at;
    revisions RevisionsOfIndicator(id);
    {
        /// The global, opaque ID of this indicator.
        pub async fn id(&self) -> ID {
            ids::encode(NodeType::Indicator, &self.0.code)
        }

        /// The stable code, part of the public contract, e.g. `ai_market_size`.
        async fn code(&self) -> &str {
            &self.0.code
        }

        /// The indicator's name.
        pub async fn name(&self) -> &str {
            &self.0.name
        }

        /// What the indicator measures and according to whom.
        async fn description(&self) -> &str {
            &self.0.description
        }

        /// The unit of its values, e.g. `USD`, `CNY`, `percent` or `enterprises`.
        async fn unit(&self) -> &str {
            &self.0.unit
        }

        /// The scale of its values, e.g. `billion`, `trillion` or `one`.
        async fn scale(&self) -> &str {
            &self.0.scale
        }

        /// What kind of quantity it is, e.g. `market size` or `enterprise count`. Derived values
        /// warn when they combine different measures.
        async fn measure(&self) -> &str {
            &self.0.measure
        }

        /// The topic it belongs to, e.g. `ai_market`.
        async fn topic(&self) -> &str {
            &self.0.topic
        }

        /// A comparability warning that applies to all of its values, if any.
        async fn caveat(&self) -> Option<&str> {
            self.0.caveat.as_deref()
        }

        /// Where its figures can be downloaded, each with its source's citation: the URLs to
        /// use rather than build.
        async fn downloads(&self, ctx: &Context<'_>) -> Result<IndicatorDownloads, Error> {
            let public = super::releases::public_url(ctx)?;
            Ok(IndicatorDownloads {
                csv: public.indicator_download(&self.0.code, "csv"),
                zip: public.indicator_download(&self.0.code, "zip"),
                svg: public.indicator_chart(&self.0.code, "svg"),
                png: public.indicator_chart(&self.0.code, "png"),
                page: public.indicator_page(&self.0.code),
            })
        }
    }
    /// The indicator's observations.
    observations of Indicator(id);
    {
        /// One series per subject (and per category, for broken-down indicators), aligned on
        /// the same periods: a period one subject lacks is a point with a `null` value, never an
        /// interpolated one.
        async fn series(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The subjects, by key (e.g. `[\"CN\", \"US\"]`); all by default.")]
            subjects: Option<Vec<String>>,
            #[graphql(desc = "The first year to include.")] from: Option<i32>,
            #[graphql(desc = "The last year to include.")] to: Option<i32>,
            #[graphql(desc = "Only these categories, e.g. `[\"healthcare\"]`.")] category: Option<
                Vec<String>,
            >,
        ) -> Result<Vec<Series>> {
            let query = SeriesQuery {
                subjects,
                from,
                to,
                category,
            };
            Ok(series::of_indicator(ctx, &self.0, &query).await?)
        }

        /// A subject's share of a total, in percent, e.g. US AI enterprises as a share of
        /// `WORLD`'s: 10,840 ÷ 31,206 × 100 = 34.7 %. `null` when the two have no common period.
        async fn share(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The part's subject key, e.g. `US`.")] subject: String,
            #[graphql(desc = "The total's subject key.", default = "WORLD")] total: String,
            #[graphql(desc = "The period; the latest one both have by default.")] period: Option<
                String,
            >,
            #[graphql(desc = "The category, for broken-down indicators.")] category: Option<String>,
        ) -> Result<Option<DerivedValue>> {
            let figures = FiguresOf {
                subjects: (&subject, &total),
                period: period.as_deref(),
                category: category.as_deref(),
            };
            Ok(self.derive(ctx, figures, derived::share).await?)
        }

        /// The ratio of two subjects' values for the same period, e.g. the US AI market over
        /// China's. `null` when the two have no common period.
        async fn ratio(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The numerator's subject key, e.g. `US`.")] numerator: String,
            #[graphql(desc = "The denominator's subject key, e.g. `CN`.")] denominator: String,
            #[graphql(desc = "The period; the latest one both have by default.")] period: Option<
                String,
            >,
            #[graphql(desc = "The category, for broken-down indicators.")] category: Option<String>,
        ) -> Result<Option<DerivedValue>> {
            let figures = FiguresOf {
                subjects: (&numerator, &denominator),
                period: period.as_deref(),
                category: category.as_deref(),
            };
            Ok(self.derive(ctx, figures, derived::ratio).await?)
        }
    }
}

/// Two subjects' figures of one indicator, in one period and category.
struct FiguresOf<'a> {
    subjects: (&'a str, &'a str),
    period: Option<&'a str>,
    category: Option<&'a str>,
}

/// The downloads of an indicator's figures.
#[derive(async_graphql::SimpleObject)]
pub struct IndicatorDownloads {
    /// Every figure as CSV (RFC 4180, UTF-8), one row each with its value as published,
    /// unit, scale, caveats, source citation and place in the paper. Takes `subjects`
    /// (comma-separated keys), `from` and `to` (years), `asOf` or `release` as query
    /// parameters.
    pub csv: String,
    /// The same CSV as a data package: with a Frictionless `datapackage.json` (its fields,
    /// unit and scale, sources), a `README.md` saying what the data is and how to cite it,
    /// and a `CITATION.cff`. Takes the same parameters.
    pub zip: String,
    /// The figures as an SVG chart to embed: lines over the years (joining consecutive
    /// years only) or bars by category, with the unit, a legend, a mark on figures with a
    /// caveat, and a footer naming the sources and the release. Takes the same parameters,
    /// and `width` (320 to 2400) and `height` (240 to 1600) in pixels.
    pub svg: String,
    /// The same chart as a PNG image. Takes the same parameters as `svg`.
    pub png: String,
    /// A page for people that works without JavaScript: the definition, unit, caveats,
    /// the chart, a table of every figure with its citation and place in the paper, the
    /// downloads, and how to cite it. Takes `subjects`, `from`, `to` and `asOf`; a
    /// release's page is under `/releases/{tag}/indicators/{code}`.
    pub page: String,
}

impl Indicator {
    /// `compute` over the two subjects' figures for the same period; `None` when they have
    /// no common period.
    async fn derive(
        &self,
        ctx: &Context<'_>,
        figures: FiguresOf<'_>,
        compute: fn(&derived::Input, &derived::Input) -> derived::Derived,
    ) -> Result<Option<DerivedValue>, Error> {
        let pair = store::pair(
            database(ctx)?,
            self.0.id,
            figures.subjects,
            figures.period,
            figures.category,
        )
        .await?;
        let Some((first, second)) = pair else {
            return Ok(None);
        };
        let derived = compute(
            &input(ctx, &self.0, &first).await?,
            &input(ctx, &self.0, &second).await?,
        );
        Ok(Some(DerivedValue::new(derived, vec![first, second])))
    }
}

connection!(
    IndicatorConnection,
    IndicatorEdge,
    Indicator,
    "indicators",
    "A page of indicators, with the cursors to page on and the total count."
);
