//! `GET /export/indicators/{code}.csv`: the figures of an indicator as a spreadsheet opens
//! them, each with its citation; filters, `asOf` and `release` as in GraphQL; revalidation
//! by `ETag`; coded JSON refusals.

use crate::helpers::{TestApp, backends, send, spawn_app, token};
use cityatlas::auth::Role;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH, LAST_MODIFIED, LINK};
use serde_json::{Value, json};
use std::collections::HashMap;

async fn download(app: &TestApp, path: &str) -> reqwest::Response {
    app.get(path).await
}

/// The CSV's records as maps from column to field.
fn records(body: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("an RFC 4180 record");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, f)| (h.to_owned(), f.to_owned()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn an_indicator_downloads_as_csv_with_its_citations() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let given = app
            .data(r#"{ indicator(code: "ai_market_size") { downloads { csv } } }"#)
            .await;
        let url = given["indicator"]["downloads"]["csv"]
            .as_str()
            .expect("a URL");
        let path = "/export/indicators/ai_market_size.csv";
        assert!(url.ends_with(path), "{url}");
        let response = download(&app, path).await;
        assert_eq!(response.status(), 200, "{backend:?}");
        assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(response.headers().contains_key(LAST_MODIFIED));
        assert!(
            !response.headers().contains_key(LINK),
            "the live data have no release to cite"
        );
        let tag = response.headers()[ETAG].clone();
        let body = response.text().await.expect("a body");
        assert!(body.starts_with("indicator,subject_kind,subject,subject_name,period"));
        assert!(body.contains("\r\n"), "RFC 4180 ends lines with CRLF");
        let rows = records(&body);
        let live = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"] }) { totalCount } }"#)
            .await;
        assert_eq!(
            rows.len() as i64,
            live["observations"]["totalCount"]
                .as_i64()
                .expect("a count"),
            "{backend:?}: every figure, one row each"
        );
        let china = rows
            .iter()
            .find(|r| r["subject"] == "CN" && r["period"] == "2024")
            .expect("China in 2024");
        assert_eq!(china["value"], "39.32", "{backend:?}: as published");
        assert_eq!(china["value_text"], "39,32");
        assert_eq!(
            (china["unit"].as_str(), china["scale"].as_str()),
            ("USD", "billion")
        );
        assert_eq!(china["subject_kind"], "country");
        assert!(china["source_citation"].contains("Statista"), "{china:?}");
        assert!(!china["cited_in"].is_empty());
        assert!(
            !china["caveats"].is_empty(),
            "the indicator's caveat travels along"
        );

        // Revalidation: the same download is 304; after a correction it is not.
        let again = app
            .client
            .get(format!(
                "{}/export/indicators/ai_market_size.csv",
                app.address
            ))
            .header(IF_NONE_MATCH, tag.clone())
            .send()
            .await
            .expect("sent");
        assert_eq!(again.status(), 304, "{backend:?}");
        let editor = token(&app, "curator", Role::Editor).await;
        let figure = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"], subject: ["CN"], period: ["2024"] }) { nodes { id revision } } }"#)
            .await["observations"]["nodes"][0]
            .clone();
        let (_, body) = send(
            &app,
            Some(&editor),
            r#"mutation($id: ID!, $rev: Int!) { updateObservation(id: $id, expectedRevision: $rev,
                input: { citedIn: "section Introduction (checked)" }, reason: "checked") { userErrors { code } } }"#,
            json!({ "id": figure["id"], "rev": figure["revision"] }),
        )
        .await;
        assert_eq!(body["data"]["updateObservation"]["userErrors"], json!([]));
        let changed = app
            .client
            .get(format!(
                "{}/export/indicators/ai_market_size.csv",
                app.address
            ))
            .header(IF_NONE_MATCH, tag)
            .send()
            .await
            .expect("sent");
        assert_eq!(
            changed.status(),
            200,
            "{backend:?}: a write changes the download"
        );
    }
}

#[tokio::test]
async fn downloads_take_the_filters_and_read_the_past() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let body = download(
            &app,
            "/export/indicators/ai_market_size.csv?subjects=US&from=2024&to=2030",
        )
        .await
        .text()
        .await
        .expect("a body");
        let rows = records(&body);
        assert!(!rows.is_empty(), "{backend:?}");
        for row in &rows {
            assert_eq!(row["subject"], "US");
            let year: i32 = row["period"][..4].parse().expect("a year");
            assert!((2024..=2030).contains(&year), "{row:?}");
        }

        let units = |body: &str| -> Vec<String> {
            records(body).iter().map(|r| r["unit"].clone()).collect()
        };
        let live = download(&app, "/export/indicators/carbon_emissions_reduction.csv")
            .await
            .text()
            .await
            .expect("a body");
        assert_eq!(units(&live), ["tons"], "{backend:?}");
        let printed = download(
            &app,
            "/export/indicators/carbon_emissions_reduction.csv?release=liu-2025",
        )
        .await
        .text()
        .await
        .expect("a body");
        assert_eq!(units(&printed), ["tonnes"], "{backend:?}: as first read");
    }
}

#[tokio::test]
async fn a_bad_download_is_refused_with_a_code() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        for (path, status, code) in [
            ("/export/indicators/no_such_thing.csv", 404, "NOT_FOUND"),
            (
                "/export/indicators/ai_market_size.csv?from=soon",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/export/indicators/ai_market_size.csv?colour=red",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/export/indicators/ai_market_size.csv?asOf=yesterday",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/export/indicators/ai_market_size.zip?release=no-such-release",
                404,
                "NOT_FOUND",
            ),
        ] {
            let response = download(&app, path).await;
            assert_eq!(response.status(), status, "{backend:?}: {path}");
            let body: Value = response.json().await.expect("a JSON body");
            assert_eq!(body["code"], code, "{path}: {body}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }

        // A download spends its token's budget, so a token that does not check out is
        // refused as GraphQL refuses it.
        let path = format!("{}/export/indicators/ai_market_size.csv", app.address);
        let bad = app
            .client
            .get(&path)
            .bearer_auth("ca_not-a-real-token")
            .send()
            .await
            .expect("sent");
        assert_eq!(bad.status(), 401, "{backend:?}");
        assert!(
            bad.headers()["www-authenticate"]
                .to_str()
                .expect("text")
                .contains("invalid_token")
        );
        let reader = token(&app, "integration", Role::Reader).await;
        let good = app
            .client
            .get(&path)
            .bearer_auth(reader)
            .send()
            .await
            .expect("sent");
        assert_eq!(good.status(), 200, "{backend:?}");
    }
}

#[tokio::test]
async fn an_indicator_downloads_as_a_data_package_with_its_citation() {
    use std::io::Read;
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let path = "/export/indicators/ai_market_size.zip?release=liu-2025";
        let response = download(&app, path).await;
        assert_eq!(response.status(), 200, "{backend:?}");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/zip");
        let cite_as = response.headers()[LINK].to_str().expect("text").to_owned();
        assert!(
            cite_as.ends_with("/releases/liu-2025>; rel=\"cite-as\""),
            "{backend:?}: {cite_as}"
        );
        let bytes = response.bytes().await.expect("a body");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut read = |name: &str| {
            let mut text = String::new();
            archive
                .by_name(name)
                .unwrap_or_else(|_| panic!("{name} in the package"))
                .read_to_string(&mut text)
                .expect("UTF-8");
            text
        };
        let table = read("ai_market_size.csv");
        let package: Value = serde_json::from_str(&read("datapackage.json")).expect("JSON");
        let readme = read("README.md");
        let cff = read("CITATION.cff");

        let alone = download(
            &app,
            "/export/indicators/ai_market_size.csv?release=liu-2025",
        )
        .await
        .text()
        .await
        .expect("a body");
        assert_eq!(table, alone, "{backend:?}: the package holds the same CSV");
        let resource = &package["resources"][0];
        assert_eq!(resource["path"], "ai_market_size.csv");
        let fields = resource["schema"]["fields"].as_array().expect("fields");
        let header: Vec<&str> = table.lines().next().expect("a header").split(',').collect();
        let names: Vec<&str> = fields
            .iter()
            .map(|f| f["name"].as_str().expect("a name"))
            .collect();
        assert_eq!(names, header, "every column described, in order");
        let value = fields.iter().find(|f| f["name"] == "value").expect("value");
        assert_eq!(
            (&value["unit"], &value["scale"]),
            (&json!("USD"), &json!("billion"))
        );
        assert_eq!(package["version"], "liu-2025");
        assert!(
            package["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .any(|s| s["title"].as_str().is_some_and(|t| t.contains("Statista"))),
            "{package}"
        );

        assert!(readme.starts_with("# AI market size"), "{readme}");
        assert!(
            readme.contains("## Caveat"),
            "the indicator's caveat travels along"
        );
        assert!(
            readme.contains("## How to cite") && readme.contains("liu-2025"),
            "{readme}"
        );
        assert!(readme.contains("Smart cities driven by artificial intelligence"));
        assert!(cff.starts_with("cff-version: 1.2.0\n"), "{cff}");
        assert!(cff.contains("version: \"liu-2025\""), "{cff}");
        assert!(cff.contains("/releases/liu-2025\""), "{cff}");
    }
}
