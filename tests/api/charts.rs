//! `GET /charts/indicators/{code}.svg|png`: the figures drawn with their unit, legend and
//! sources; gaps in the years left as gaps; caveated figures marked; bars for categories;
//! sizes within bounds; the downloads' validators and coded refusals.

use crate::helpers::{TestApp, backends, spawn_app};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH, LINK};
use resvg::{tiny_skia, usvg};
use serde_json::Value;

/// China's colour in every chart: the first subject by key.
const CHINA: &str = r##"stroke="#0072B2" stroke-width="3""##;

async fn svg(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()[CONTENT_TYPE], "image/svg+xml");
    let body = response.text().await.expect("a body");
    usvg::Tree::from_str(&body, &usvg::Options::default()).expect("an SVG a renderer reads");
    body
}

/// The lines drawn in China's colour, as their numbers of points: the legend's sample and
/// one per run of consecutive years.
fn china_lines(svg: &str) -> Vec<usize> {
    svg.lines()
        .filter(|line| line.starts_with("<polyline") && line.contains(CHINA))
        .map(|line| line.matches(',').count())
        .collect()
}

/// The text elements' contents: plotters writes each on its own line.
fn texts(svg: &str) -> Vec<&str> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[0].starts_with("<text"))
        .map(|pair| pair[1])
        .collect()
}

#[tokio::test]
async fn a_series_is_drawn_with_its_gaps_left_open() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let given = app
            .data(r#"{ indicator(code: "new_unicorns") { downloads { svg png page } } }"#)
            .await;
        let downloads = &given["indicator"]["downloads"];
        for (field, path) in [
            ("svg", "/charts/indicators/new_unicorns.svg"),
            ("png", "/charts/indicators/new_unicorns.png"),
            ("page", "/indicators/new_unicorns"),
        ] {
            let url = downloads[field].as_str().expect("a URL");
            assert!(url.ends_with(path), "{url}");
        }

        // China's figures in the text are 2018, 2020, 2021 and 2024: only 2020 and 2021
        // are neighbours, so one line of two points joins them, beside the legend's.
        let chart = svg(&app, "/charts/indicators/new_unicorns.svg?subjects=CN").await;
        assert_eq!(china_lines(&chart), vec![2, 2], "{backend:?}: {chart}");
        let labels = texts(&chart);
        for expected in [
            "New unicorns",
            "Year",
            "companies",
            "China",
            "112 *",
            "84 *",
        ] {
            assert!(labels.contains(&expected), "{expected}: {labels:?}");
        }
        assert!(
            labels
                .iter()
                .any(|text| text.starts_with("Source: Tencent Research Institute")),
            "the footer names the source: {labels:?}"
        );
        assert!(
            labels
                .iter()
                .any(|text| text.contains("* marks a figure that carries a caveat")),
            "{labels:?}"
        );
        assert!(chart.contains("<title>New unicorns (companies)</title>"));

        // The United States' two figures, 2021 and 2024, are not neighbours: no line.
        let both = svg(&app, "/charts/indicators/new_unicorns.svg").await;
        assert!(texts(&both).contains(&"United States"));
        assert!(texts(&both).contains(&"191 *"));
        let orange = both
            .lines()
            .filter(|line| {
                line.starts_with("<polyline")
                    && line.contains(r##"stroke="#D55E00" stroke-width="3""##)
            })
            .count();
        assert_eq!(orange, 1, "{backend:?}: only the legend's sample");

        // Years chosen: the axis spans them, and figures outside them are not drawn.
        let recent = svg(
            &app,
            "/charts/indicators/new_unicorns.svg?subjects=CN&from=2020&to=2022",
        )
        .await;
        let recent_labels = texts(&recent);
        assert!(recent_labels.contains(&"33 *") && !recent_labels.contains(&"112 *"));
        assert!(recent_labels.contains(&"2022"), "{recent_labels:?}");
    }
}

#[tokio::test]
async fn categories_are_bars_and_a_png_is_the_same_chart() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let chart = svg(&app, "/charts/indicators/unicorn_industry_share.svg").await;
        let labels = texts(&chart);
        for expected in [
            "Unicorn industry share, 2023",
            "percent",
            "consumer retail",
            "enterprise technology",
            "38.8 *",
            "32 *",
        ] {
            assert!(
                labels.contains(&expected),
                "{backend:?}: {expected}: {labels:?}"
            );
        }
        let bars = chart
            .lines()
            .filter(|line| {
                line.starts_with("<rect")
                    && (line.contains(r##"fill="#0072B2""##)
                        || line.contains(r##"fill="#D55E00""##))
            })
            .count();
        // Five figures, and the legend's two swatches.
        assert_eq!(bars, 7, "{chart}");

        let response = app
            .get("/charts/indicators/unicorn_industry_share.png?width=640&height=400")
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "image/png");
        let png = response.bytes().await.expect("a body");
        let image = tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
        assert_eq!((image.width(), image.height()), (640, 400));
        let blue_bar = image
            .pixels()
            .iter()
            .any(|pixel| (pixel.red(), pixel.green(), pixel.blue()) == (0, 114, 178));
        assert!(blue_bar, "{backend:?}: the bars are drawn in the PNG");
    }
}

#[tokio::test]
async fn a_chart_revalidates_and_cites_its_release() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let path = "/charts/indicators/ai_market_size.svg?release=liu-2025";
        let first = app.get(path).await;
        assert_eq!(first.status(), 200);
        let link = first.headers()[LINK].to_str().expect("text").to_owned();
        assert!(
            link.ends_with("/releases/liu-2025>; rel=\"cite-as\""),
            "{link}"
        );
        let tag = first.headers()[ETAG].clone();
        let body = first.text().await.expect("a body");
        assert!(
            texts(&body)
                .iter()
                .any(|text| text.starts_with("City Atlas, release liu-2025: http")),
            "{body}"
        );
        let again = app
            .client
            .get(format!("{}{path}", app.address))
            .header(IF_NONE_MATCH, tag)
            .send()
            .await
            .expect("sent");
        assert_eq!(again.status(), 304, "{backend:?}");
    }
}

#[tokio::test]
async fn bad_chart_parameters_are_refused_with_a_code() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        for (path, status, code) in [
            ("/charts/indicators/no_such_thing.svg", 404, "NOT_FOUND"),
            (
                "/charts/indicators/new_unicorns.svg?subjects=ZZ",
                404,
                "NOT_FOUND",
            ),
            (
                "/charts/indicators/new_unicorns.png?width=100",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/charts/indicators/new_unicorns.svg?height=99999",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/charts/indicators/new_unicorns.svg?width=wide",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/charts/indicators/new_unicorns.svg?from=2024&to=2018",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/charts/indicators/new_unicorns.svg?colour=red",
                400,
                "BAD_USER_INPUT",
            ),
            (
                "/charts/indicators/new_unicorns.svg?release=no-such-release",
                404,
                "NOT_FOUND",
            ),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{backend:?}: {path}");
            let body: Value = response.json().await.expect("a JSON body");
            assert_eq!(body["code"], code, "{path}: {body}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
}
