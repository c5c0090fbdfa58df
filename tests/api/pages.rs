//! `GET /indicators/{code}` and `/releases/{tag}/indicators/{code}`: the page a reporter
//! links to, read as HTML without a script: what the indicator is, its chart with alt
//! text, every figure with its citation, the downloads, and how to cite it.

use crate::helpers::{TestApp, backends, spawn_app};
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LINK};
use scraper::{Html, Selector};
use serde_json::Value;

async fn page(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Html) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "text/html; charset=utf-8");
    (
        headers,
        Html::parse_document(&response.text().await.expect("a body")),
    )
}

fn all(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("a selector");
    html.select(&selector)
        .map(|element| element.text().collect::<String>().trim().to_owned())
        .collect()
}

fn attribute(html: &Html, selector: &str, name: &str) -> Option<String> {
    let selector = Selector::parse(selector).expect("a selector");
    html.select(&selector)
        .next()
        .and_then(|element| element.value().attr(name))
        .map(str::to_owned)
}

#[tokio::test]
async fn an_indicator_page_reads_without_a_script() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let (headers, html) = page(&app, "/indicators/new_unicorns").await;
        let policy = headers[CONTENT_SECURITY_POLICY].to_str().expect("text");
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"));
        assert_eq!(all(&html, "h1"), ["New unicorns"]);
        assert_eq!(
            all(&html, "h2"),
            [
                "Caveat",
                "Chart",
                "Figures",
                "Downloads",
                "How to cite this"
            ],
            "{backend:?}"
        );
        assert!(all(&html, "dl.about dd").contains(&"companies".to_owned()));

        let src = attribute(&html, "figure img", "src").expect("a chart");
        assert_eq!(src, "/charts/indicators/new_unicorns.svg");
        let alt = attribute(&html, "figure img", "alt").expect("alt text");
        assert!(alt.contains("China: 2018: 112 *"), "{alt}");
        assert_eq!(app.get(&src).await.status(), 200);

        // Every figure, each row headed by its subject, with the source's citation and
        // where the paper gives it.
        let live = app
            .data(r#"{ observations(filter: { indicator: ["new_unicorns"] }) { totalCount } }"#)
            .await;
        let rows = all(&html, "tbody tr");
        assert_eq!(
            rows.len() as i64,
            live["observations"]["totalCount"]
                .as_i64()
                .expect("a count")
        );
        let columns = Selector::parse("thead th[scope=col]").expect("a selector");
        assert_eq!(html.select(&columns).count(), 9);
        let subjects = all(&html, "tbody th[scope=row]");
        assert!(
            subjects.contains(&"China".to_owned())
                && subjects.contains(&"United States".to_owned())
        );
        let cells = all(&html, "tbody td");
        assert!(
            cells
                .iter()
                .any(|cell| cell.starts_with("Tencent Research Institute. (2024"))
        );
        assert!(cells.iter().any(|cell| cell.contains("Fig. 2")));

        let links = Selector::parse("#downloads + ul a").expect("a selector");
        let hrefs: Vec<String> = html
            .select(&links)
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert_eq!(hrefs.len(), 4, "{hrefs:?}");
        for href in &hrefs {
            assert_eq!(app.get(href).await.status(), 200, "{href}");
        }

        // Live figures point to the release to cite; the button is for scripts to show.
        let citation = all(&html, "blockquote.citation");
        assert!(
            citation[0].contains("(Version liu-2025) [Data set]"),
            "{citation:?}"
        );
        assert_eq!(
            attribute(&html, "button.copy", "hidden").as_deref(),
            Some("")
        );
        assert!(
            !headers.contains_key(LINK),
            "live data have no release to cite"
        );
        for asset in ["/assets/page.css", "/assets/page.js"] {
            assert_eq!(app.get(asset).await.status(), 200, "{asset}");
        }
    }
}

#[tokio::test]
async fn a_release_page_keeps_its_filters_and_cites_itself() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let path = "/releases/liu-2025/indicators/ai_market_size?subjects=CN";
        let (headers, html) = page(&app, path).await;
        let link = headers[LINK].to_str().expect("text");
        assert!(
            link.ends_with("/releases/liu-2025>; rel=\"cite-as\""),
            "{link}"
        );
        assert!(all(&html, "p.version")[0].starts_with("Release liu-2025"));
        assert_eq!(all(&html, "tbody th[scope=row]"), ["China"], "{backend:?}");
        assert_eq!(
            attribute(&html, "figure img", "src").as_deref(),
            Some("/charts/indicators/ai_market_size.svg?subjects=CN&release=liu-2025")
        );
        assert_eq!(all(&html, "td.value"), ["39,32"], "the value as published");
    }
}

#[tokio::test]
async fn a_bad_page_request_is_refused_with_a_code() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        for (path, status, code) in [
            ("/indicators/no_such_thing", 404, "NOT_FOUND"),
            ("/indicators/new_unicorns?colour=red", 400, "BAD_USER_INPUT"),
            (
                "/releases/liu-2025/indicators/new_unicorns?release=other",
                400,
                "BAD_USER_INPUT",
            ),
            ("/assets/secret.txt", 404, "NOT_FOUND"),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{backend:?}: {path}");
            let body: Value = response.json().await.expect("a JSON body");
            assert_eq!(body["code"], code, "{path}: {body}");
        }
    }
}
