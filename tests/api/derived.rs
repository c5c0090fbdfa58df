//! Derived values and citations, against hand-computed answers.

use crate::helpers::{backends, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn the_us_share_of_ai_enterprises_is_10840_over_31206() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{ indicator(code: "ai_enterprises") {
                    share(subject: "US") { kind value unit formatted formula comparable warnings
                        inputs { value period subject { key } } }
                    china: share(subject: "CN", total: "WORLD", period: "2024-Q3") { formatted }
                } }"#,
            )
            .await;
        let share = &data["indicator"]["share"];
        let expected = 10840.0 / 31206.0 * 100.0;
        assert!((share["value"].as_f64().expect("value") - expected).abs() < 1e-9);
        assert_eq!(share["formatted"], "34.7%", "{backend:?}");
        assert_eq!(share["kind"], "SHARE");
        assert_eq!(share["unit"], "percent");
        assert_eq!(share["formula"], "10840 ÷ 31206 × 100");
        assert_eq!(share["comparable"], true);
        assert_eq!(share["warnings"], Value::Array(vec![]));
        assert_eq!(share["inputs"][0]["subject"]["key"], "US");
        assert_eq!(share["inputs"][1]["subject"]["key"], "WORLD");
        assert_eq!(share["inputs"][1]["period"], "2024-Q3");
        assert_eq!(data["indicator"]["china"]["formatted"], "15%");
    }
}

#[tokio::test]
async fn cagr_of_chinas_smart_city_industry_from_2020_to_2024() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{ indicator(code: "smart_city_industry_size") { series(subjects: ["CN"]) {
                    points { year value }
                    cagr(from: 2020, to: 2024) { kind value formatted formula warnings inputs { year value status } }
                    yearOverYear { value formula warnings }
                } } }"#,
            )
            .await;
        let series = &data["indicator"]["series"][0];
        let cagr = &series["cagr"];
        let expected = ((33.0_f64 / 14.9).powf(0.25) - 1.0) * 100.0;
        assert!(
            (cagr["value"].as_f64().expect("value") - expected).abs() < 1e-9,
            "{backend:?}"
        );
        assert_eq!(cagr["formatted"], "22%");
        assert_eq!(cagr["formula"], "((33 ÷ 14.9)^(1/4) − 1) × 100");
        assert_eq!(cagr["inputs"][1]["status"], "ESTIMATE");
        assert!(
            cagr["warnings"][0]
                .as_str()
                .expect("warning")
                .contains("estimate")
        );
        let yoy = &series["yearOverYear"];
        assert_eq!(yoy[1]["formula"], "(33 ÷ 28.6 − 1) × 100");
        assert!(
            (yoy[1]["value"].as_f64().expect("value") - (33.0 / 28.6 - 1.0) * 100.0).abs() < 1e-9
        );
        assert!(
            yoy[0]["warnings"][0]
                .as_str()
                .expect("gap warning")
                .contains("3 years earlier")
        );
        let (code, _) = app
            .error(r#"{ indicator(code: "smart_city_industry_size") { series { cagr(from: 2024, to: 2020) { value } } } }"#)
            .await;
        assert_eq!(code, "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn figures_in_different_units_are_not_divided_silently() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{ ratio(
                    numerator: {indicator: "smart_city_industry_size", subject: "CN", period: "2024"}
                    denominator: {indicator: "smart_city_market_revenue", subject: "US", period: "2024"}
                ) { value comparable warnings formula inputs { formatted } }
                sameUnit: ratio(
                    numerator: {indicator: "ai_market_size", subject: "US"}
                    denominator: {indicator: "ai_market_size", subject: "CN"}
                ) { value formatted comparable warnings } }"#,
            )
            .await;
        let ratio = &data["ratio"];
        assert_eq!(ratio["value"], Value::Null, "{backend:?}");
        assert_eq!(ratio["comparable"], false);
        assert!(
            ratio["warnings"][0]
                .as_str()
                .expect("warning")
                .starts_with("Units differ (CNY vs USD)")
        );
        assert_eq!(ratio["inputs"][0]["formatted"], "CNY 33 trillion");
        let same = &data["sameUnit"];
        assert!((same["value"].as_f64().expect("value") - 50.16 / 39.32).abs() < 1e-12);
        assert_eq!(same["formatted"], "1.28×");
        let warnings = same["warnings"].as_array().expect("warnings");
        assert!(
            warnings.iter().any(|w| w
                .as_str()
                .is_some_and(|w| w.contains("two different Statista series"))),
            "the indicator's caveat travels with the ratio: {warnings:?}"
        );
    }
}

#[tokio::test]
async fn sources_cite_themselves_in_four_styles() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{ source(slug: "kubina-2021") {
                    apa: citation(style: APA) mla: citation(style: MLA)
                    chicago: citation(style: CHICAGO) bibtex: citation(style: BIBTEX) }
                  statista: source(slug: "statista-us-ai-market-size") { apa: citation(style: APA) } }"#,
            )
            .await;
        let source = &data["source"];
        assert_eq!(
            source["apa"],
            "Kubina M., Šulyová D., & Vodák J. (2021). Managing global smart cities in an era of \
             21st century challenges. Sustainability, 13(5), 2610. https://doi.org/10.3390/su13052610",
            "{backend:?}"
        );
        assert_eq!(
            source["mla"],
            "Kubina M., et al. \u{201c}Managing global smart cities in an era of 21st century \
             challenges.\u{201d} Sustainability, 13(5), 2610, 2021, doi.org/10.3390/su13052610."
        );
        assert!(
            source["chicago"]
                .as_str()
                .expect("chicago")
                .starts_with("Kubina M., Šulyová D., and Vodák J. \u{201c}")
        );
        assert!(source["bibtex"].as_str().expect("bibtex").starts_with(
            "@article{kubina-2021,\n  author = {Kubina, M. and Šulyová, D. and Vodák, J.},"
        ));
        assert_eq!(
            data["statista"]["apa"],
            "Statista. (2025, June 6). Market size of AI in the United States from 2021 to 2031 \
             (in billion U.S. dollars). Retrieved August 28, 2025, from \
             https://www.statista.com/forecasts/1451309/market-size-of-ai-us"
        );
    }
}

#[tokio::test]
async fn growth_over_one_published_year_is_a_null_value_with_a_warning() {
    let warning = "Only one year, 2024, has a published figure: a growth rate needs two years.";
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{ indicator(code: "ai_market_size") { series(subjects: ["US"]) {
                    byDefault: cagr { kind value formatted formula warnings inputs { year } }
                    fromGiven: cagr(from: 2024) { value warnings }
                    yearOverYear { kind value warnings inputs { year } }
                } } }"#,
            )
            .await;
        let series = &data["indicator"]["series"][0];
        let cagr = &series["byDefault"];
        assert_eq!(cagr["kind"], "CAGR", "{backend:?}");
        assert_eq!(cagr["value"], Value::Null);
        assert_eq!(cagr["formatted"], Value::Null);
        assert_eq!(cagr["formula"], "((end ÷ start)^(1/years) − 1) × 100");
        assert_eq!(cagr["warnings"], serde_json::json!([warning]));
        assert_eq!(cagr["inputs"], serde_json::json!([{ "year": 2024 }]));
        assert_eq!(series["fromGiven"]["value"], Value::Null);
        assert_eq!(
            series["fromGiven"]["warnings"],
            serde_json::json!([warning])
        );
        assert_eq!(
            series["yearOverYear"],
            serde_json::json!([{ "kind": "YEAR_OVER_YEAR", "value": null,
                "warnings": [warning], "inputs": [{ "year": 2024 }] }])
        );

        // Both years given with `to` not after `from` is the client's mistake, even where neither
        // year has a figure.
        let body = app
            .graphql(r#"{ indicator(code: "ai_market_size") { series(subjects: ["US"]) { cagr(from: 2030, to: 2030) { value } } } }"#)
            .await;
        assert_eq!(
            body["data"],
            serde_json::json!({ "indicator": { "series": [{ "cagr": null }] } })
        );
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(
            body["errors"][0]["path"],
            serde_json::json!(["indicator", "series", 0, "cagr"])
        );
    }
}
