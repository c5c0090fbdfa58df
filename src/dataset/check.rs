//! The rules a dataset keeps, checked across its files before anything is written: keys
//! are unique, references resolve, every figure has a source and a place, and an
//! observation reads as printed, in its indicator's unit. Curated writes keep the same
//! rules on one observation ([`observation_breaches`]).

use super::read::{Layout, Problem};
use super::{Dataset, ObservationRecord, period_year, published_number};
use crate::entities::{observation, subject};
use sea_orm::{ActiveEnum, Iterable};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use subject::SubjectKind as Kind;

/// What kind of rule an input breaks; curated writes report it as a user error's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// A code or slug that names nothing.
    UnknownReference,
    /// A row with this natural key exists already.
    Duplicate,
    /// Text that must not be empty is.
    Blank,
    /// A period that is neither `YYYY` nor `YYYY-Qn`.
    InvalidPeriod,
    /// NaN or infinity.
    NotFinite,
    /// The printed text says another number than the value.
    ValueMismatch,
    /// A unit or scale other than the indicator's.
    WrongUnit,
    /// The row changed since the client read it.
    StaleRevision,
    /// Other rows still refer to the row to retract.
    InUse,
    /// A code of the wrong form, e.g. a country code that is not ISO 3166-1 alpha-2.
    InvalidCode,
}

/// One rule an observation breaks, with the dataset column it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub column: &'static str,
    pub kind: ProblemKind,
    pub message: String,
}

/// The unit and scale an observation's indicator is measured in.
pub struct Measured<'a> {
    pub code: &'a str,
    pub unit: &'a str,
    pub scale: &'a str,
}

/// The rules an observation keeps on its own, and against its indicator's unit when the
/// indicator is known; references are the caller's to resolve.
pub fn observation_breaches(
    record: &ObservationRecord,
    indicator: Option<Measured<'_>>,
) -> Vec<Breach> {
    let mut breaches = Vec::new();
    let mut breach = |column, kind, message: String| {
        breaches.push(Breach {
            column,
            kind,
            message,
        })
    };
    if period_year(&record.period).is_none() {
        breach(
            "period",
            ProblemKind::InvalidPeriod,
            format!(
                "the period {:?} is neither a year (2024), a quarter (2024-Q3) nor a half \
                 (2024-H1)",
                record.period
            ),
        );
    }
    if !record.value.is_finite() {
        breach(
            "value",
            ProblemKind::NotFinite,
            "the value must be a finite number".to_owned(),
        );
    }
    for (column, text) in [
        ("value_text", &record.value_text),
        ("cited_in", &record.cited_in),
        ("source", &record.source),
    ] {
        if text.trim().is_empty() {
            breach(
                column,
                ProblemKind::Blank,
                format!(
                    "{column} must not be empty: a figure is kept as printed, with its source \
                     and its place in the paper or in its source"
                ),
            );
        }
    }
    if let Some(printed) = published_number(&record.value_text)
        && printed != record.value
    {
        breach(
            "value_text",
            ProblemKind::ValueMismatch,
            format!(
                "the printed text {:?} reads as {printed}, not as the value {}",
                record.value_text, record.value
            ),
        );
    }
    if let Some(indicator) = indicator
        && (indicator.unit != record.unit || indicator.scale != record.scale)
    {
        breach(
            "unit",
            ProblemKind::WrongUnit,
            format!(
                "{} is measured in {} ({}), not in {} ({})",
                indicator.code, indicator.unit, indicator.scale, record.unit, record.scale
            ),
        );
    }
    if known::<observation::Qualifier>(&record.qualifier).is_none() {
        breach(
            "qualifier",
            ProblemKind::UnknownReference,
            format!(
                "{:?} is not a qualifier: one of {}",
                record.qualifier,
                variants::<observation::Qualifier>()
            ),
        );
    }
    if known::<observation::Status>(&record.status).is_none() {
        breach(
            "status",
            ProblemKind::UnknownReference,
            format!(
                "{:?} is not a status: one of {}",
                record.status,
                variants::<observation::Status>()
            ),
        );
    }
    breaches
}

/// The variant stored as `value`, if any.
pub fn known<E>(value: &str) -> Option<E>
where
    E: ActiveEnum<Value = String> + Iterable,
{
    E::iter().find(|variant| variant.to_value() == value)
}

fn variants<E>() -> String
where
    E: ActiveEnum<Value = String> + Iterable,
{
    E::iter()
        .map(|variant| variant.to_value())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every problem across a dataset's files; references into a `broken` file (one with
/// problems of its own) are not checked.
pub fn check(data: &Dataset, layout: &Layout, broken: &HashSet<&str>) -> Vec<Problem> {
    let mut checker = Checker {
        layout,
        broken,
        problems: Vec::new(),
    };
    checker.keys(data);
    checker.references(data);
    checker.observations(data);
    checker.problems
}

struct Checker<'a> {
    layout: &'a Layout,
    broken: &'a HashSet<&'a str>,
    problems: Vec<Problem>,
}

/// The keys of a table that other tables refer to; `None` if its file is broken.
type Known<'d> = Option<HashSet<&'d str>>;

/// A column that refers to another file's rows: its name, what it names (for the message),
/// the keys it may name, and its value in a record (`None` where the record leaves it out).
type Reference<'k, 'd, R> = (
    &'static str,
    &'static str,
    &'k Known<'d>,
    fn(&R) -> Option<&str>,
);

impl Checker<'_> {
    fn problem(&mut self, file: &str, row: usize, column: &str, message: String) {
        self.problems
            .push(self.layout.problem(file, row, column, message));
    }

    /// Collects a table's keys, reporting blank and repeated ones.
    fn unique<K: Eq + Hash + Clone>(
        &mut self,
        file: &str,
        column: &str,
        keys: impl Iterator<Item = K>,
        shown: impl Fn(&K) -> String,
    ) {
        let mut seen: HashMap<K, usize> = HashMap::new();
        for (row, key) in keys.enumerate() {
            if shown(&key).trim().is_empty() {
                self.problem(file, row, column, format!("{column} must not be empty"));
                continue;
            }
            if let Some(first) = seen.get(&key) {
                let line = self.layout.spot(file, *first, column).line;
                self.problem(
                    file,
                    row,
                    column,
                    format!("duplicate key {}: first on line {line}", shown(&key)),
                );
            } else {
                seen.insert(key, row);
            }
        }
    }

    /// A table keyed by one text column.
    fn named<R>(&mut self, file: &str, column: &str, records: &[R], key: fn(&R) -> &String) {
        let keys = records.iter().map(|record| key(record).as_str());
        self.unique(file, column, keys, |key| format!("{key:?}"));
    }

    /// A link table, keyed by the two rows it links; a repeat is reported at the second.
    fn linked<R>(
        &mut self,
        file: &str,
        column: &str,
        records: &[R],
        key: fn(&R) -> (&String, &String),
    ) {
        let keys = records.iter().map(|record| {
            let (first, second) = key(record);
            (first.as_str(), second.as_str())
        });
        self.unique(file, column, keys, |key| {
            format!("{:?} / {:?}", key.0, key.1)
        });
    }

    fn keys(&mut self, data: &Dataset) {
        self.named("sources.csv", "slug", &data.sources, |s| &s.slug);
        self.named("regions.csv", "code", &data.regions, |r| &r.code);
        self.named("countries.csv", "code", &data.countries, |c| &c.code);
        self.named("cities.csv", "slug", &data.cities, |c| &c.slug);
        self.named("companies.csv", "slug", &data.companies, |c| &c.slug);
        self.named("projects.csv", "slug", &data.projects, |p| &p.slug);
        self.linked(
            "project_companies.csv",
            "company",
            &data.project_companies,
            |pc| (&pc.project, &pc.company),
        );
        self.named("policies.csv", "slug", &data.policies, |p| &p.slug);
        self.linked("policy_cities.csv", "city", &data.policy_cities, |pc| {
            (&pc.policy, &pc.city)
        });
        self.linked(
            "policy_companies.csv",
            "company",
            &data.policy_companies,
            |pc| (&pc.policy, &pc.company),
        );
        self.named(
            "company_sanctions.csv",
            "slug",
            &data.company_sanctions,
            |s| &s.slug,
        );
        self.named("indicators.csv", "code", &data.indicators, |i| &i.code);
        self.named(
            "strategic_comparison.csv",
            "slug",
            &data.strategic_comparison,
            |d| &d.slug,
        );
        self.unique(
            "observations.csv",
            "period",
            data.observations.iter().map(|o| {
                (
                    o.indicator.as_str(),
                    o.subject_kind.as_str(),
                    o.subject.as_str(),
                    o.period.as_str(),
                    o.category.as_deref().unwrap_or_default(),
                    o.source.as_str(),
                )
            }),
            |key| {
                format!(
                    "{} of {} {} in {}{} from {}",
                    key.0,
                    key.1,
                    key.2,
                    key.3,
                    if key.4.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", key.4)
                    },
                    key.5
                )
            },
        );
    }

    /// Reports a reference that names no row of `what`.
    fn refers(
        &mut self,
        known: &Known<'_>,
        what: &str,
        (file, row, column): (&str, usize, &str),
        key: Option<&str>,
    ) {
        let (Some(known), Some(key)) = (known, key) else {
            return;
        };
        if key.trim().is_empty() {
            self.problem(
                file,
                row,
                column,
                format!("missing {what}: {column} must name one"),
            );
        } else if !known.contains(key) {
            self.problem(file, row, column, format!("unknown {what} {key:?}"));
        }
    }

    fn known<'d, R: 'd>(
        &self,
        file: &str,
        rows: &'d [R],
        key: impl Fn(&'d R) -> &'d str,
    ) -> Known<'d> {
        (!self.broken.contains(file)).then(|| rows.iter().map(key).collect())
    }

    fn references(&mut self, data: &Dataset) {
        let sources = self.known("sources.csv", &data.sources, |s| &s.slug);
        let regions = self.known("regions.csv", &data.regions, |r| &r.code);
        let countries = self.known("countries.csv", &data.countries, |c| &c.code);
        let cities = self.known("cities.csv", &data.cities, |c| &c.slug);
        let companies = self.known("companies.csv", &data.companies, |c| &c.slug);
        let projects = self.known("projects.csv", &data.projects, |p| &p.slug);
        let policies = self.known("policies.csv", &data.policies, |p| &p.slug);
        self.each_refers(
            "countries.csv",
            &data.countries,
            &[("region", "region", &regions, |c| c.region.as_deref())],
        );
        self.each_refers(
            "cities.csv",
            &data.cities,
            &[("country", "country", &countries, |c| {
                Some(c.country.as_str())
            })],
        );
        self.each_refers(
            "companies.csv",
            &data.companies,
            &[
                ("country", "country", &countries, |c| {
                    Some(c.country.as_str())
                }),
                ("hq_city", "city", &cities, |c| c.hq_city.as_deref()),
                ("parent", "company", &companies, |c| c.parent.as_deref()),
            ],
        );
        self.each_refers(
            "projects.csv",
            &data.projects,
            &[
                ("city", "city", &cities, |p| p.city.as_deref()),
                ("country", "country", &countries, |p| {
                    Some(p.country.as_str())
                }),
                ("source", "source", &sources, |p| Some(p.source.as_str())),
            ],
        );
        self.each_refers(
            "project_companies.csv",
            &data.project_companies,
            &[
                ("project", "project", &projects, |pc| {
                    Some(pc.project.as_str())
                }),
                ("company", "company", &companies, |pc| {
                    Some(pc.company.as_str())
                }),
            ],
        );
        self.each_refers(
            "policies.csv",
            &data.policies,
            &[
                ("country", "country", &countries, |p| {
                    Some(p.country.as_str())
                }),
                ("source", "source", &sources, |p| Some(p.source.as_str())),
            ],
        );
        self.each_refers(
            "policy_cities.csv",
            &data.policy_cities,
            &[
                ("policy", "policy", &policies, |pc| Some(pc.policy.as_str())),
                ("city", "city", &cities, |pc| Some(pc.city.as_str())),
            ],
        );
        self.each_refers(
            "policy_companies.csv",
            &data.policy_companies,
            &[
                ("policy", "policy", &policies, |pc| Some(pc.policy.as_str())),
                ("company", "company", &companies, |pc| {
                    Some(pc.company.as_str())
                }),
            ],
        );
        self.each_refers(
            "company_sanctions.csv",
            &data.company_sanctions,
            &[
                ("company", "company", &companies, |s| {
                    Some(s.company.as_str())
                }),
                ("source", "source", &sources, |s| Some(s.source.as_str())),
            ],
        );
        for (row, d) in data.strategic_comparison.iter().enumerate() {
            let file = "strategic_comparison.csv";
            self.refers(&sources, "source", (file, row, "source"), Some(&d.source));
            // Table 1 has a column per country, which must be one of the dataset's.
            for code in ["CN", "US"] {
                self.refers(&countries, "country", (file, row, code), Some(code));
            }
        }
    }

    /// Checks the references of every record of a file, row after row, column after column.
    fn each_refers<R>(&mut self, file: &str, records: &[R], references: &[Reference<'_, '_, R>]) {
        for (row, record) in records.iter().enumerate() {
            for (column, what, known, key) in references {
                self.refers(known, what, (file, row, column), key(record));
            }
        }
    }

    fn observations(&mut self, data: &Dataset) {
        let indicators: Option<HashMap<&str, _>> =
            (!self.broken.contains("indicators.csv")).then(|| {
                data.indicators
                    .iter()
                    .map(|i| (i.code.as_str(), i))
                    .collect()
            });
        let sources = self.known("sources.csv", &data.sources, |s| &s.slug);
        // A subject is known by kind; a kind whose file is broken is not checked.
        let subjects: HashMap<subject::SubjectKind, Known<'_>> = HashMap::from([
            (
                Kind::Region,
                self.known("regions.csv", &data.regions, |r| &r.code),
            ),
            (
                Kind::Country,
                self.known("countries.csv", &data.countries, |c| &c.code),
            ),
            (
                Kind::City,
                self.known("cities.csv", &data.cities, |c| &c.slug),
            ),
            (
                Kind::Company,
                self.known("companies.csv", &data.companies, |c| &c.slug),
            ),
            (
                Kind::Project,
                self.known("projects.csv", &data.projects, |p| &p.slug),
            ),
        ]);
        let file = "observations.csv";
        for (row, o) in data.observations.iter().enumerate() {
            let indicator = indicators
                .as_ref()
                .and_then(|known| known.get(o.indicator.as_str()));
            if indicators.is_some() && indicator.is_none() {
                let message = format!("unknown indicator {:?}", o.indicator);
                self.problem(file, row, "indicator", message);
            }
            match known::<subject::SubjectKind>(&o.subject_kind) {
                Some(kind) => {
                    if let Some(known) = subjects.get(&kind) {
                        let at = (file, row, "subject");
                        self.refers(known, &o.subject_kind, at, Some(&o.subject));
                    }
                }
                None => {
                    let message = format!(
                        "{:?} is not a subject kind: one of {}",
                        o.subject_kind,
                        variants::<subject::SubjectKind>()
                    );
                    self.problem(file, row, "subject_kind", message);
                }
            }
            if !o.source.trim().is_empty()
                && sources
                    .as_ref()
                    .is_some_and(|known| !known.contains(o.source.as_str()))
            {
                let message = format!("unknown source {:?}", o.source);
                self.problem(file, row, "source", message);
            }
            let measured = indicator.map(|i| Measured {
                code: &i.code,
                unit: &i.unit,
                scale: &i.scale,
            });
            for breach in observation_breaches(o, measured) {
                let message = match breach.kind {
                    ProblemKind::Blank if breach.column == "source" => {
                        "missing source: every figure needs one".to_owned()
                    }
                    _ => breach.message,
                };
                self.problem(file, row, breach.column, message);
            }
        }
    }
}
