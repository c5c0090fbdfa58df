//! `/export/indicators/{code}.csv`: every figure of an indicator as CSV for spreadsheets
//! (RFC 4180, UTF-8, no comment lines), one row each with its value exactly as published,
//! its unit and scale, its caveats, its source's citation and its place in the paper; and
//! `.zip`, the same CSV as a data package, with a Frictionless `datapackage.json`, a
//! `README.md` and a `CITATION.cff`, so the citation travels with the numbers. Both answer
//! the `observations` query any client could send, page after page, so filters, `asOf`
//! and `release` mean what they mean in GraphQL.

use super::figures::{self, Filters, Read, cite_as, newest, permalink, sources};
use super::{Asked, Disposition, Download, about, citation_cff, respond, unwritten};
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

const PARAMETERS: &str = "subjects, from, to, asOf and release";

const COLUMNS: [&str; 16] = [
    "indicator",
    "subject_kind",
    "subject",
    "subject_name",
    "period",
    "category",
    "value",
    "value_text",
    "unit",
    "scale",
    "qualifier",
    "status",
    "caveats",
    "source",
    "source_citation",
    "cited_in",
];

pub async fn indicator_csv(asked: Asked, code: web::Path<String>) -> HttpResponse {
    let read = match read(&asked, &code).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let cite_as = match cite_as(&asked.service, &read).await {
        Ok(permalink) => permalink,
        Err(refused) => return refused,
    };
    match csv(&code, &read.rows) {
        Ok(body) => respond(
            &asked.http,
            body,
            Download {
                content_type: "text/csv; charset=utf-8",
                disposition: Disposition::Attachment(&format!("{code}.csv")),
                last_modified: newest(&read.rows),
                cite_as: cite_as.as_deref(),
            },
        ),
        Err(_) => unwritten(),
    }
}

pub async fn indicator_zip(asked: Asked, code: web::Path<String>) -> HttpResponse {
    let read = match read(&asked, &code).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let about = match about(&asked.service).await {
        Ok(about) => about,
        Err(refused) => return refused,
    };
    let package = csv(&code, &read.rows)
        .map_err(|_| ())
        .and_then(|table| package(&code, &read, &about, table).map_err(|_| ()));
    match package {
        Ok(body) => respond(
            &asked.http,
            body,
            Download {
                content_type: "application/zip",
                disposition: Disposition::Attachment(&format!("{code}.zip")),
                last_modified: newest(&read.rows),
                cite_as: read
                    .release
                    .as_deref()
                    .and_then(|tag| permalink(&about, tag))
                    .as_deref(),
            },
        ),
        Err(()) => unwritten(),
    }
}

/// The figures the parameters ask for, or the refusal.
async fn read(asked: &Asked, code: &str) -> Result<Read, HttpResponse> {
    let filters: Filters =
        figures::parameters(&asked.http, PARAMETERS).map_err(|refused| *refused)?;
    figures::read(asked, code, filters).await
}

/// The rows as CSV: a header, then one record per figure, lines ended by CRLF as RFC 4180
/// has them.
fn csv(code: &str, rows: &[Value]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    for row in rows {
        let value = row["value"]
            .as_f64()
            .map(|value| value.to_string())
            .unwrap_or_default();
        let caveats: Vec<String> = row["caveats"]
            .as_array()
            .map(|caveats| caveats.iter().map(text).collect())
            .unwrap_or_default();
        writer.write_record([
            code.to_owned(),
            text(&row["subject"]["__typename"]).to_lowercase(),
            text(&row["subject"]["key"]),
            text(&row["subject"]["name"]),
            text(&row["period"]),
            text(&row["category"]),
            value,
            text(&row["valueText"]),
            text(&row["unit"]),
            text(&row["scale"]),
            text(&row["qualifier"]).to_lowercase(),
            text(&row["status"]).to_lowercase(),
            caveats.join(" | "),
            text(&row["source"]["slug"]),
            text(&row["source"]["citation"]),
            text(&row["citedIn"]),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

/// The data package: the CSV, `datapackage.json`, `README.md` and `CITATION.cff`.
fn package(
    code: &str,
    read: &Read,
    about: &Value,
    table: Vec<u8>,
) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let releases = about["releases"].as_array().cloned().unwrap_or_default();
    let release = match &read.release {
        Some(tag) => releases.iter().find(|r| r["tag"] == tag.as_str()).cloned(),
        None => releases.last().cloned(),
    }
    .unwrap_or_default();
    let files = [
        (format!("{code}.csv"), table),
        (
            "datapackage.json".to_owned(),
            datapackage(code, read, &release),
        ),
        (
            "README.md".to_owned(),
            readme(code, read, &release, &about["paper"]).into_bytes(),
        ),
        (
            "CITATION.cff".to_owned(),
            citation_cff(
                &format!(
                    "City Atlas: {}",
                    read.indicator["name"].as_str().unwrap_or_default()
                ),
                &version(read),
                read.release.as_ref().map(|_| &release),
                &about["paper"],
            )
            .into_bytes(),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Whether the download is a release's, or the live data as it stood when read.
fn version(read: &Read) -> String {
    read.release.clone().unwrap_or_else(|| "live".to_owned())
}

/// A Frictionless tabular data package describing the CSV: its fields and types, the
/// unit and scale of `value`, and the sources.
fn datapackage(code: &str, read: &Read, release: &Value) -> Vec<u8> {
    let indicator = &read.indicator;
    let field = |name: &str, kind: &str, description: &str| json!({ "name": name, "type": kind, "description": description });
    let mut value = field("value", "number", "The figure exactly as published.");
    value["unit"] = indicator["unit"].clone();
    value["scale"] = indicator["scale"].clone();
    let fields = vec![
        field("indicator", "string", "The indicator's code."),
        field(
            "subject_kind",
            "string",
            "What the figure is about: country, region, city, company or project.",
        ),
        field("subject", "string", "The subject's code or slug."),
        field("subject_name", "string", "The subject's name."),
        field("period", "string", "The year (YYYY) or quarter (YYYY-Qn)."),
        field(
            "category",
            "string",
            "The breakdown the figure belongs to, if any.",
        ),
        value,
        field(
            "value_text",
            "string",
            "The figure as printed, e.g. \"39,32\".",
        ),
        field("unit", "string", "The unit of value."),
        field("scale", "string", "The scale of the unit, e.g. billion."),
        field(
            "qualifier",
            "string",
            "exact, approximately, more_than or at_least.",
        ),
        field("status", "string", "reported, estimate or forecast."),
        field(
            "caveats",
            "string",
            "Warnings on the figure, joined by \" | \".",
        ),
        field("source", "string", "The slug of the original source."),
        field(
            "source_citation",
            "string",
            "The original source, cited in APA style.",
        ),
        field(
            "cited_in",
            "string",
            "Where the figure stands in the paper or its source.",
        ),
    ];
    let sources: Vec<Value> = sources(&read.rows)
        .into_iter()
        .map(|s| json!({ "title": s["citation"], "path": s["url"] }))
        .collect();
    let package = json!({
        "profile": "tabular-data-package",
        "name": format!("city-atlas-{}", code.replace('_', "-")),
        "title": indicator["name"],
        "description": indicator["description"],
        "version": version(read),
        "homepage": release["permalink"],
        "sources": sources,
        "resources": [{
            "profile": "tabular-data-resource",
            "name": code.replace('_', "-"),
            "path": format!("{code}.csv"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "header": true },
            "schema": { "fields": fields },
        }],
    });
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}

fn readme(code: &str, read: &Read, release: &Value, paper: &Value) -> String {
    let indicator = &read.indicator;
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let mut readme = format!(
        "# {name}\n\n{description}\n\n- Indicator: `{code}`\n- Unit: {unit}, scale: {scale}\n\
         - Figures: {count}, in `{code}.csv`, values exactly as published (`value_text` as \
         printed)\n- Read from: {version}\n",
        name = text(&indicator["name"]),
        description = text(&indicator["description"]),
        unit = text(&indicator["unit"]),
        scale = text(&indicator["scale"]),
        count = read.rows.len(),
        version = match &read.release {
            Some(tag) => format!("release `{tag}` of City Atlas"),
            None => "the live City Atlas data, as it stood when downloaded".to_owned(),
        },
    );
    if let Some(caveat) = indicator["caveat"].as_str() {
        readme.push_str(&format!("\n## Caveat\n\n{caveat}\n"));
    }
    readme.push_str("\n## How to cite\n\nCite each figure's original source (the `source_citation` column), and the dataset:\n\n");
    if let Some(citation) = release["apa"].as_str() {
        readme.push_str(&format!("> {citation}\n\n"));
    }
    if read.release.is_none() {
        readme.push_str(&format!(
            "These are the live data, which may have changed since that release, `{}`, the \
             newest; to cite a version that never changes, download it with \
             `?release=TAG`.\n\n",
            text(&release["tag"])
        ));
    }
    readme.push_str(&format!(
        "City Atlas is built from the paper:\n\n> {}\n\n## Sources\n\n",
        text(&paper["citation"])
    ));
    for source in sources(&read.rows) {
        readme.push_str(&format!("- {}\n", text(&source["citation"])));
    }
    readme.push_str(
        "\nThe figures are quoted from these sources and stay under their terms; City Atlas \
         adds no licence of its own.\n",
    );
    readme
}
