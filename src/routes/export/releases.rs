//! `/export/releases/{tag}.zip`: a release's whole dataset, every table in the `data/`
//! format (so that `cityatlas import` of the unpacked folder loads that same dataset),
//! with a `datapackage.json`, a `README.md` and a `CITATION.cff`.

use super::{
    Asked, Disposition, Download, about, charge, citation_cff, client, refusal, respond, too_many,
    unwritten,
};
use crate::dataset::Dataset;
use crate::store;
use crate::store::view::Reader;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub async fn release_zip(
    asked: Asked,
    db: web::Data<DatabaseConnection>,
    tag: web::Path<String>,
) -> HttpResponse {
    let Asked {
        http,
        service,
        limiter,
        metrics,
    } = asked;
    let client = match client(&http, &service, &limiter, &metrics).await {
        Ok(client) => client,
        Err(unserved) => return unserved.response(),
    };
    let unavailable = || {
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the release could not be read; retry shortly",
        )
    };
    let release = match store::releases::by_tag(db.get_ref(), &tag).await {
        Ok(Some(release)) => release,
        Ok(None) => {
            return refusal(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "no release has this tag; `releases` lists them",
            );
        }
        Err(_) => return unavailable(),
    };
    let reader = Reader::as_of(db.get_ref().clone(), release.event_id);
    let Ok(dataset) = store::export::dataset(&reader).await else {
        return unavailable();
    };
    if let Some(client) = client
        && charge(&limiter, &metrics, client, rows(&dataset))
            .await
            .is_err()
    {
        return too_many();
    }
    let about = match about(&service).await {
        Ok(about) => about,
        Err(refused) => return refused,
    };
    let described = about["releases"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["tag"] == tag.as_str()).cloned())
        .unwrap_or_default();
    match package(&tag, &dataset, &described, &about["paper"]) {
        Ok(body) => respond(
            &http,
            body,
            Download {
                content_type: "application/zip",
                disposition: Disposition::Attachment(&format!("city-atlas-{tag}.zip")),
                last_modified: Some(release.created_at),
                cite_as: described["permalink"].as_str(),
            },
        ),
        Err(()) => unwritten(),
    }
}

fn rows(dataset: &Dataset) -> usize {
    dataset.sources.len()
        + dataset.regions.len()
        + dataset.countries.len()
        + dataset.cities.len()
        + dataset.companies.len()
        + dataset.projects.len()
        + dataset.project_companies.len()
        + dataset.policies.len()
        + dataset.policy_cities.len()
        + dataset.policy_companies.len()
        + dataset.company_sanctions.len()
        + dataset.indicators.len()
        + dataset.observations.len()
        + dataset.strategic_comparison.len()
}

fn package(tag: &str, dataset: &Dataset, release: &Value, paper: &Value) -> Result<Vec<u8>, ()> {
    use std::io::Write;
    let tables = dataset.to_files().map_err(|_| ())?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "datapackage.json".to_owned(),
            datapackage(tag, &tables, release),
        ),
        (
            "README.md".to_owned(),
            readme(tag, &tables, release, paper).into_bytes(),
        ),
        (
            "CITATION.cff".to_owned(),
            citation_cff(
                &format!("City Atlas: {}", release["title"].as_str().unwrap_or(tag)),
                tag,
                Some(release),
                paper,
            )
            .into_bytes(),
        ),
    ];
    files.extend(
        tables
            .into_iter()
            .map(|(name, bytes)| (name.to_owned(), bytes)),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(|_| ())?;
        zip.write_all(&bytes).map_err(|_| ())?;
    }
    Ok(zip.finish().map_err(|_| ())?.into_inner())
}

/// A table's columns, from its header line.
fn columns(table: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(table)
        .headers()
        .map(|headers| headers.iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The type of a `data/` column, as Frictionless names it.
fn column_type(column: &str) -> &'static str {
    match column {
        "value" => "number",
        "ordinal" | "year" | "start_year" | "end_year" | "target_year" => "integer",
        "leading_enterprise" => "boolean",
        _ => "string",
    }
}

fn datapackage(tag: &str, tables: &[(&str, Vec<u8>)], release: &Value) -> Vec<u8> {
    let resources: Vec<Value> = tables
        .iter()
        .map(|(name, table)| {
            let fields: Vec<Value> = columns(table)
                .iter()
                .map(|column| json!({ "name": column, "type": column_type(column) }))
                .collect();
            json!({
                "profile": "tabular-data-resource",
                "name": name.trim_end_matches(".csv").replace('_', "-"),
                "path": name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": { "fields": fields },
            })
        })
        .collect();
    let package = json!({
        "profile": "tabular-data-package",
        "name": format!("city-atlas-{tag}"),
        "title": release["title"],
        "version": tag,
        "created": release["createdAt"],
        "homepage": release["permalink"],
        "resources": resources,
    });
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}

fn readme(tag: &str, tables: &[(&str, Vec<u8>)], release: &Value, paper: &Value) -> String {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let mut readme = format!(
        "# City Atlas, release {tag}\n\n{title}\n\nThe whole City Atlas dataset as release \
         `{tag}` froze it ({created}): every table in the format of the repository's \
         `data/` folder. Each figure in `observations.csv` keeps its value exactly as \
         published, its printed text, unit and scale, its source (`sources.csv`) and its \
         place in the paper or in its source (`cited_in`).\n\nLoad it into a City Atlas \
         database with `cityatlas import DIR`, DIR being this folder unpacked.\n\n## Tables\n\n",
        title = text(&release["title"]),
        created = text(&release["createdAt"]),
    );
    for (name, table) in tables {
        let rows = csv::Reader::from_reader(table.as_slice()).records().count();
        readme.push_str(&format!("- `{name}`: {rows} rows\n"));
    }
    readme.push_str(&format!(
        "\n## How to cite\n\nCite each figure's original source (in `sources.csv`), and \
         this release:\n\n> {}\n\nCity Atlas is built from the paper:\n\n> {}\n\nThe \
         figures are quoted from their sources and stay under their terms; City Atlas adds \
         no licence of its own.\n",
        text(&release["apa"]),
        text(&paper["citation"]),
    ));
    readme
}
