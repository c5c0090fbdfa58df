//! `checkFigure`: each verdict against the paper's data, with the figure it rests on.

use crate::helpers::{backends, correct_figure, spawn_app, token};
use cityatlas::auth::Role;
use serde_json::{Value, json};

const CHECK: &str = r#"query($indicator: String!, $subject: String!, $period: String,
    $value: Float!, $unit: String!, $scale: String!) {
  checkFigure(indicator: $indicator, subject: $subject, period: $period,
      value: $value, unit: $unit, scale: $scale) {
    verdict summary difference differencePercent claimedInDataScale qualifier
    unitMismatch scaleMismatch caveats
    observations { value unit scale period source { slug } citedIn } } }"#;

#[tokio::test]
async fn each_verdict_rests_on_the_cited_figure() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let check = |indicator: &str,
                     subject: &str,
                     period: Option<&str>,
                     value: f64,
                     unit: &str,
                     scale: &str| {
            json!({ "indicator": indicator, "subject": subject, "period": period,
                    "value": value, "unit": unit, "scale": scale })
        };
        let cases = [
            // China's AI market in 2024: USD 39.32 billion (Statista).
            (
                check(
                    "ai_market_size",
                    "CN",
                    Some("2024"),
                    39.32,
                    "USD",
                    "billion",
                ),
                "MATCHES",
            ),
            (
                check(
                    "ai_market_size",
                    "CN",
                    Some("2024"),
                    39_320.0,
                    "USD",
                    "million",
                ),
                "MATCHES",
            ),
            (
                check("ai_market_size", "CN", Some("2024"), 39.0, "USD", "billion"),
                "ROUNDS_TO",
            ),
            (
                check("ai_market_size", "CN", Some("2024"), 39.0, "USD", "million"),
                "DIFFERS",
            ),
            (
                check("ai_market_size", "CN", Some("2024"), 45.0, "USD", "billion"),
                "DIFFERS",
            ),
            (
                check(
                    "ai_market_size",
                    "CN",
                    Some("2024"),
                    39.32,
                    "CNY",
                    "billion",
                ),
                "NOT_COMPARABLE",
            ),
            (
                check(
                    "ai_market_size",
                    "CN",
                    Some("1990"),
                    39.32,
                    "USD",
                    "billion",
                ),
                "NO_DATA",
            ),
            (
                check("no_such_indicator", "CN", None, 1.0, "USD", "one"),
                "NO_DATA",
            ),
        ];
        for (variables, verdict) in cases {
            let data = app.data_with(CHECK, variables.clone()).await;
            let result = &data["checkFigure"];
            assert_eq!(
                result["verdict"], verdict,
                "{backend:?}: {variables} → {result}"
            );
            assert!(result["summary"].as_str().is_some_and(|s| !s.is_empty()));
            if verdict == "NO_DATA" {
                assert_eq!(result["observations"], json!([]));
                continue;
            }
            let figure = &result["observations"][0];
            assert_eq!(figure["value"], 39.32, "{result}");
            assert_eq!(figure["source"]["slug"], "statista-china-ai-market-size");
            assert!(!result["caveats"].as_array().expect("caveats").is_empty());
        }

        let data = app
            .data_with(
                CHECK,
                check("ai_market_size", "CN", Some("2024"), 39.0, "USD", "million"),
            )
            .await;
        let wrong_scale = &data["checkFigure"];
        assert!(
            wrong_scale["scaleMismatch"]
                .as_str()
                .is_some_and(|m| m.contains("million") && m.contains("billion")),
            "{wrong_scale}"
        );
        let percent = wrong_scale["differencePercent"]
            .as_f64()
            .expect("a percentage");
        assert!((percent + 99.9).abs() < 0.01, "{percent}");
        assert!(
            wrong_scale["summary"]
                .as_str()
                .expect("a summary")
                .starts_with("Differs")
        );

        let data = app
            .data_with(
                CHECK,
                check(
                    "ai_market_size",
                    "CN",
                    Some("2024"),
                    39.32,
                    "CNY",
                    "billion",
                ),
            )
            .await;
        assert!(
            data["checkFigure"]["unitMismatch"]
                .as_str()
                .is_some_and(|m| m.contains("CNY"))
        );
        assert_eq!(data["checkFigure"]["difference"], serde_json::Value::Null);
    }
}

const PINNED_CHECK: &str = r#"query($asOf: DateTime, $release: String) {
  checkFigure(indicator: "ai_market_size", subject: "CN", period: "2024",
      value: 39.32, unit: "USD", scale: "billion", asOf: $asOf, release: $release) {
    verdict observations { value revision } } }"#;

/// A figure corrected after a release still checks against what the release published, and
/// against what stood at an instant before the correction.
#[tokio::test]
async fn a_check_reads_a_release_or_an_instant_like_every_other_root_field() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let check = |pin: Value| {
            let app = &app;
            async move { app.data_with(PINNED_CHECK, pin).await["checkFigure"].clone() }
        };
        let live = check(json!({})).await;
        assert_eq!(live["verdict"], "MATCHES", "{backend:?}: {live}");
        let before_correction = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) { nodes { id revision updatedAt } } }"#)
            .await["observations"]["nodes"][0]
            .clone();

        let editor = token(&app, "fact-check-editor", Role::Editor).await;
        correct_figure(&app, &editor, &before_correction, 41.0).await;

        let corrected = check(json!({})).await;
        assert_eq!(corrected["verdict"], "DIFFERS", "{backend:?}: {corrected}");
        assert_eq!(corrected["observations"][0]["value"], 41.0);

        let published = check(json!({ "release": "liu-2025" })).await;
        assert_eq!(published["verdict"], "MATCHES", "{backend:?}: {published}");
        assert_eq!(published["observations"][0]["value"], 39.32);

        let then = check(json!({ "asOf": before_correction["updatedAt"] })).await;
        assert_eq!(then["verdict"], "MATCHES", "{backend:?}: {then}");
        assert_eq!(
            then["observations"][0]["revision"],
            before_correction["revision"]
        );

        let (code, _) = app
            .error(r#"{ checkFigure(indicator: "ai_market_size", subject: "CN", value: 1, unit: "USD", scale: "one", release: "no-such-release") { verdict } }"#)
            .await;
        assert_eq!(code, "NOT_FOUND", "{backend:?}");
    }
}
