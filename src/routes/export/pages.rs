//! `/indicators/{code}` and `/releases/{tag}/indicators/{code}`: an indicator as a page a
//! reporter can link to, server-rendered HTML that needs no JavaScript: its definition and
//! caveats, the chart, every figure with its citation, the downloads and how to cite it.

use super::charts::{Undrawable, chart_of, unit_label};
use super::figures::{self, Filters, Read, newest, permalink, sources};
use super::{Asked, Disposition, Download, about, refusal, respond};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

const PARAMETERS: &str = "subjects, from, to, asOf and release";

/// Nothing but this server's own stylesheet, script and chart; no inline code at all.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src 'self'; \
    style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

const STYLESHEET: &str = include_str!("../../../assets/page/page.css");
const SCRIPT: &str = include_str!("../../../assets/page/page.js");

pub async fn indicator_page(asked: Asked, code: web::Path<String>) -> HttpResponse {
    let filters: Filters = match figures::parameters(&asked.http, PARAMETERS) {
        Ok(filters) => filters,
        Err(refused) => return *refused,
    };
    page(&asked, &code, filters).await
}

pub async fn release_indicator_page(
    asked: Asked,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (tag, code) = path.into_inner();
    let mut filters: Filters = match figures::parameters(&asked.http, PARAMETERS) {
        Ok(filters) => filters,
        Err(refused) => return *refused,
    };
    if filters.release.as_ref().is_some_and(|given| *given != tag) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "this page is of one release already: drop `release`, or open that release's page",
        );
    }
    filters.release = Some(tag);
    page(&asked, &code, filters).await
}

/// The page's stylesheet and script, which the content security policy allows.
pub async fn page_asset(name: web::Path<String>) -> HttpResponse {
    let (content_type, body) = match name.as_str() {
        "page.css" => ("text/css; charset=utf-8", STYLESHEET),
        "page.js" => ("text/javascript; charset=utf-8", SCRIPT),
        _ => {
            return refusal(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "no such asset; the pages use page.css and page.js",
            );
        }
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

async fn page(asked: &Asked, code: &str, filters: Filters) -> HttpResponse {
    let links = Links::new(code, &filters);
    let years = (filters.from, filters.to);
    let read = match figures::read(asked, code, filters).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let about = match about(&asked.service).await {
        Ok(about) => about,
        Err(refused) => return refused,
    };
    let permalink = read
        .release
        .as_deref()
        .and_then(|tag| permalink(&about, tag));
    let body = render(&read, &about, &links, years, permalink.as_deref()).into_string();
    let mut response = respond(
        &asked.http,
        body.into_bytes(),
        Download {
            content_type: "text/html; charset=utf-8",
            disposition: Disposition::Page,
            last_modified: newest(&read.rows),
            cite_as: permalink.as_deref(),
        },
    );
    if let Ok(policy) = header::HeaderValue::from_str(CONTENT_SECURITY_POLICY) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The page's links to the chart and the downloads of the same figures, relative to this
/// server so that they work wherever it is published.
struct Links {
    code: String,
    query: String,
}

impl Links {
    fn new(code: &str, filters: &Filters) -> Links {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let from = filters.from.map(|year| year.to_string());
        let to = filters.to.map(|year| year.to_string());
        for (name, value) in [
            ("subjects", filters.subjects.as_deref()),
            ("from", from.as_deref()),
            ("to", to.as_deref()),
            ("asOf", filters.as_of.as_deref()),
            ("release", filters.release.as_deref()),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        let query = query.finish();
        Links {
            code: code.to_owned(),
            query: if query.is_empty() {
                query
            } else {
                format!("?{query}")
            },
        }
    }

    fn chart(&self, extension: &str) -> String {
        format!("/charts/indicators/{}.{extension}{}", self.code, self.query)
    }

    fn download(&self, extension: &str) -> String {
        format!("/export/indicators/{}.{extension}{}", self.code, self.query)
    }
}

fn render(
    read: &Read,
    about: &Value,
    links: &Links,
    years: (Option<i32>, Option<i32>),
    permalink: Option<&str>,
) -> Markup {
    let indicator = &read.indicator;
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let name = text(&indicator["name"]);
    let version = match &read.release {
        Some(tag) => format!("Release {tag}: these figures do not change."),
        None => "Live data: these figures may change as curators correct them.".to_owned(),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (name) " · City Atlas" }
                meta name="description" content=(text(&indicator["description"]));
                link rel="stylesheet" href="/assets/page.css";
                link rel="alternate" type="text/csv" href=(links.download("csv"));
                @if let Some(permalink) = permalink {
                    link rel="cite-as" href=(permalink);
                }
                script src="/assets/page.js" defer {}
            }
            body {
                header {
                    a href="/graphiql" { "City Atlas" }
                    " · AI-driven smart cities, China and the USA compared"
                }
                main {
                    h1 { (name) }
                    p.version { (version) }
                    p { (text(&indicator["description"])) }
                    dl.about {
                        dt { "Code" } dd { code { (text(&indicator["code"])) } }
                        dt { "Unit" } dd { (unit_label(&text(&indicator["unit"]), &text(&indicator["scale"]))) }
                        dt { "Measure" } dd { (text(&indicator["measure"])) }
                        dt { "Topic" } dd { (text(&indicator["topic"])) }
                    }
                    @if let Some(caveat) = indicator["caveat"].as_str() {
                        aside.caveat role="note" aria-labelledby="caveat" {
                            h2 #caveat { "Caveat" }
                            p { (caveat) }
                        }
                    }
                    (chart(read, links, years, permalink))
                    (table(read, &name))
                    (downloads(links))
                    (citation(read, about, &name))
                }
                footer {
                    "Values exactly as published, each with its original source. The same data: "
                    a href="/graphiql" { "GraphiQL" } ", " a href="/graphql" { "/graphql" } "."
                }
            }
        }
    }
}

fn chart(
    read: &Read,
    links: &Links,
    years: (Option<i32>, Option<i32>),
    permalink: Option<&str>,
) -> Markup {
    html! {
        section aria-labelledby="chart" {
            h2 #chart { "Chart" }
            @match chart_of(read, years, permalink) {
                Ok(chart) => figure {
                    img src=(links.chart("svg")) alt=(chart.description()) width="800" height="500";
                    figcaption {
                        "The chart's footer names its sources; they are cited in full below. As "
                        a href=(links.chart("png")) { "PNG" } " or " a href=(links.chart("svg")) { "SVG" } "."
                    }
                },
                Err(Undrawable::Nothing) => p { "No figure here has a numeric value to draw." },
                Err(Undrawable::Unreadable) => p { "These figures could not be drawn." },
            }
        }
    }
}

fn table(read: &Read, name: &str) -> Markup {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    html! {
        section aria-labelledby="figures" {
            h2 #figures { "Figures" }
            div.table {
                table {
                    caption {
                        "Every figure of " (name) " (" (read.rows.len()) "), as published, with its source"
                        @if read.indicator["caveat"].is_string() { "; the caveat above applies to each" }
                        "."
                    }
                    thead {
                        tr {
                            th scope="col" { "Subject" }
                            th scope="col" { "Period" }
                            th scope="col" { "Category" }
                            th scope="col" { "Value" }
                            th scope="col" { "Unit" }
                            th scope="col" { "Status" }
                            th scope="col" { "Caveats" }
                            th scope="col" { "Source" }
                            th scope="col" { "In the paper" }
                        }
                    }
                    tbody {
                        @for row in &read.rows {
                            tr {
                                th scope="row" { (text(&row["subject"]["name"])) }
                                td { (text(&row["period"])) }
                                td { (row["category"].as_str().unwrap_or("—")) }
                                td.value { (qualified(row)) }
                                td { (unit_label(&text(&row["unit"]), &text(&row["scale"]))) }
                                td { (text(&row["status"]).to_lowercase()) }
                                td.caveats {
                                    @let own = own_caveats(row, &read.indicator);
                                    @if !own.is_empty() {
                                        ul { @for caveat in own { li { (caveat) } } }
                                    }
                                }
                                td.source { (text(&row["source"]["citation"])) }
                                td { (text(&row["citedIn"])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A figure's caveats but the indicator's own, which the page gives once above the table.
fn own_caveats<'a>(row: &'a Value, indicator: &Value) -> Vec<&'a str> {
    row["caveats"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|caveat| Some(*caveat) != indicator["caveat"].as_str())
        .collect()
}

/// The value as the source wrote it, with its qualifier in words: "more than 100".
fn qualified(row: &Value) -> String {
    let published = row["valueText"].as_str().unwrap_or_default();
    let qualifier = match row["qualifier"].as_str() {
        Some("APPROXIMATELY") => "about ",
        Some("MORE_THAN") => "more than ",
        Some("AT_LEAST") => "at least ",
        _ => "",
    };
    format!("{qualifier}{published}")
}

fn downloads(links: &Links) -> Markup {
    html! {
        section aria-labelledby="downloads" {
            h2 #downloads { "Downloads" }
            ul {
                li { a href=(links.download("csv")) { "CSV" } ": every figure above, one row each, with its citation." }
                li { a href=(links.download("zip")) { "Data package (ZIP)" } ": the CSV with datapackage.json, a README on how to cite it, and CITATION.cff." }
                li { a href=(links.chart("svg")) { "Chart (SVG)" } " and " a href=(links.chart("png")) { "(PNG)" } ", to embed." }
            }
        }
    }
}

/// How to cite the figures: the release they are read from (or, for live data, the newest
/// release), and the original sources.
fn citation(read: &Read, about: &Value, name: &str) -> Markup {
    let releases = about["releases"].as_array().cloned().unwrap_or_default();
    let cited = match &read.release {
        Some(tag) => releases.iter().find(|release| release["tag"] == *tag),
        None => releases
            .iter()
            .max_by_key(|release| release["createdAt"].as_str().unwrap_or_default()),
    };
    let code = read.indicator["code"].as_str().unwrap_or_default();
    html! {
        section aria-labelledby="cite" {
            h2 #cite { "How to cite this" }
            @match cited {
                Some(release) => {
                    @if read.release.is_none() {
                        p {
                            "These are live figures. Cite the newest release, "
                            a href=(format!("/releases/{}/indicators/{code}", release["tag"].as_str().unwrap_or_default())) {
                                (release["tag"].as_str().unwrap_or_default())
                            }
                            ", whose figures for " (name) " do not change:"
                        }
                    }
                    blockquote.citation #citation { (release["apa"].as_str().unwrap_or_default()) }
                    button.copy type="button" data-copies="citation" data-status="copy-status" hidden { "Copy citation" }
                    span #copy-status role="status" {}
                },
                None => p { "No release has been cut yet: cite the original sources below." },
            }
            h3 { "Original sources" }
            ul {
                @for source in sources(&read.rows) {
                    li { (source["citation"].as_str().unwrap_or_default()) }
                }
            }
        }
    }
}
