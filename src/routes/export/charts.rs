//! `/charts/indicators/{code}.svg` and `.png`: an indicator's figures as a chart a newsroom
//! can embed, read as its downloads are (the same filters, budget and validators), with a
//! footer naming the sources and the release, and a mark on every figure with a caveat.

use super::figures::{self, Filters, Read, cite_as, newest, sources};
use super::{Asked, Disposition, Download, refusal, respond, unwritten};
use crate::charts::{self, Chart, Figure, Period, Series, Size};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::Value;

const PARAMETERS: &str = "subjects, from, to, asOf, release, width and height";

/// A chart's parameters: the downloads' filters, and its size in pixels.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChartQuery {
    subjects: Option<String>,
    from: Option<i32>,
    to: Option<i32>,
    as_of: Option<String>,
    release: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Clone, Copy)]
enum Format {
    Svg,
    Png,
}

pub async fn indicator_svg(asked: Asked, code: web::Path<String>) -> HttpResponse {
    chart(&asked, &code, Format::Svg).await
}

pub async fn indicator_png(asked: Asked, code: web::Path<String>) -> HttpResponse {
    chart(&asked, &code, Format::Png).await
}

async fn chart(asked: &Asked, code: &str, format: Format) -> HttpResponse {
    let query: ChartQuery = match figures::parameters(&asked.http, PARAMETERS) {
        Ok(query) => query,
        Err(refused) => return *refused,
    };
    let size = match Size::new(query.width, query.height) {
        Ok(size) => size,
        Err(message) => return refusal(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message),
    };
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return refusal(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            &format!("`from` ({from}) is after `to` ({to})"),
        );
    }
    let years = (query.from, query.to);
    let filters = Filters {
        subjects: query.subjects,
        from: query.from,
        to: query.to,
        as_of: query.as_of,
        release: query.release,
    };
    let read = match figures::read(asked, code, filters).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let permalink = match cite_as(&asked.service, &read).await {
        Ok(permalink) => permalink,
        Err(refused) => return refused,
    };
    let chart = match chart_of(&read, years, permalink.as_deref()) {
        Ok(chart) => chart,
        Err(undrawable) => return undrawable.response(),
    };
    // Drawing and rasterising are CPU work: on the blocking pool, not the async worker.
    let drawn = web::block(move || match format {
        Format::Svg => charts::svg(&chart, size).map(String::into_bytes),
        Format::Png => charts::png(&chart, size),
    })
    .await;
    let Ok(Ok(body)) = drawn else {
        return unwritten();
    };
    let (content_type, extension) = match format {
        Format::Svg => ("image/svg+xml", "svg"),
        Format::Png => ("image/png", "png"),
    };
    respond(
        &asked.http,
        body,
        Download {
            content_type,
            disposition: Disposition::Inline(&format!("{code}.{extension}")),
            last_modified: newest(&read.rows),
            cite_as: permalink.as_deref(),
        },
    )
}

/// Why the figures read make no chart.
pub(super) enum Undrawable {
    /// No figure has a numeric value.
    Nothing,
    /// A figure's period is not one a time axis can place.
    Unreadable,
}

impl Undrawable {
    fn response(self) -> HttpResponse {
        match self {
            Undrawable::Nothing => refusal(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "no figure of this indicator matches these subjects and years",
            ),
            Undrawable::Unreadable => unwritten(),
        }
    }
}

/// The chart of what was read: a series per subject, titled with its period when all share
/// one; or why there is none.
pub(super) fn chart_of(
    read: &Read,
    years: (Option<i32>, Option<i32>),
    permalink: Option<&str>,
) -> Result<Chart, Undrawable> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let drawable: Vec<&Value> = read
        .rows
        .iter()
        .filter(|row| row["value"].is_f64())
        .collect();
    if drawable.is_empty() {
        return Err(Undrawable::Nothing);
    }
    let mut series: Vec<(String, Series)> = Vec::new();
    for row in drawable {
        let Some(period) = Period::parse(row["period"].as_str().unwrap_or_default()) else {
            return Err(Undrawable::Unreadable);
        };
        let figure = Figure {
            period,
            category: row["category"].as_str().map(str::to_owned),
            value: row["value"].as_f64().unwrap_or_default(),
            caveated: row["caveats"]
                .as_array()
                .is_some_and(|caveats| !caveats.is_empty()),
        };
        let key = text(&row["subject"]["key"]);
        match series.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => existing.figures.push(figure),
            None => series.push((
                key,
                Series {
                    name: text(&row["subject"]["name"]),
                    figures: vec![figure],
                },
            )),
        }
    }
    // By subject key, so a subject keeps its colour from chart to chart.
    series.sort_by(|(a, _), (b, _)| a.cmp(b));
    let mut periods: Vec<Period> = series
        .iter()
        .flat_map(|(_, series)| series.figures.iter().map(|figure| figure.period))
        .collect();
    periods.sort();
    periods.dedup();
    let name = text(&read.indicator["name"]);
    let title = match periods.as_slice() {
        [only] => format!("{name}, {only}"),
        _ => name,
    };
    // One axis holds every figure: curation and the importer refuse a figure in another
    // unit or scale than its indicator's.
    let mut chart = Chart {
        title,
        unit: unit_label(
            &text(&read.indicator["unit"]),
            &text(&read.indicator["scale"]),
        ),
        series: series.into_iter().map(|(_, series)| series).collect(),
        years,
        footer: Vec::new(),
    };
    chart.footer = footer(read, &chart, permalink);
    Ok(chart)
}

/// A unit as an axis says it: "USD billion", "companies", "percent".
pub(super) fn unit_label(unit: &str, scale: &str) -> String {
    if scale == "one" || scale.is_empty() {
        unit.to_owned()
    } else {
        format!("{unit} {scale}")
    }
}

/// The sources, the version of the data, and how to read the marks.
fn footer(read: &Read, chart: &Chart, permalink: Option<&str>) -> Vec<String> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let named: Vec<String> = sources(&read.rows)
        .into_iter()
        .map(|source| match source["publisher"].as_str() {
            Some(publisher) => format!("{publisher}, “{}”", text(&source["title"])),
            None => text(&source["title"]),
        })
        .collect();
    let label = if named.len() == 1 {
        "Source"
    } else {
        "Sources"
    };
    let mut footer = vec![format!("{label}: {}.", named.join("; "))];
    footer.push(match (&read.release, permalink) {
        (Some(tag), Some(permalink)) => format!("City Atlas, release {tag}: {permalink}"),
        (Some(tag), None) => format!("City Atlas, release {tag}."),
        (None, _) => {
            "City Atlas, live data; they may change: cite a release for a fixed version.".to_owned()
        }
    });
    let mut reading = vec!["Values as published."];
    if chart.kind() == charts::Kind::Lines {
        reading.push("Lines join consecutive years only; a gap is a year without data.");
    }
    if chart.has_caveats() {
        reading.push("* marks a figure that carries a caveat.");
    }
    footer.push(reading.join(" "));
    footer
}
