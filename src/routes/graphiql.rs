//! `/graphiql`: the GraphiQL IDE with the explorer, docs and headers editor, and the paper's
//! example queries as tabs, served entirely from the binary so it works with no internet.

use crate::graphql::examples::EXAMPLES;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// One file of the IDE, as the build script embedded it.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

/// GraphiQL and the libraries it runs on, from the npm registry as `graphiql/package-lock.json`
/// pins them.
pub struct Bundle {
    /// (package, version), for the page's footer and for operators.
    pub packages: &'static [(&'static str, &'static str)],
    pub assets: &'static [Asset],
}

include!(concat!(env!("OUT_DIR"), "/graphiql_bundle.rs"));

/// Our own start-up script; kept out of the page so the content security policy can forbid
/// inline scripts.
const BOOT_SCRIPT: Asset = Asset {
    name: "boot.js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("graphiql/boot.js"),
};

/// Scripts and styles come only from this server; GraphiQL sets inline styles and embeds its
/// fonts and icons as data URLs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether this binary was built with the IDE's assets.
pub fn is_bundled() -> bool {
    BUNDLE.is_some()
}

pub async fn redirect_to_graphiql() -> HttpResponse {
    HttpResponse::TemporaryRedirect()
        .insert_header((header::LOCATION, "/graphiql"))
        .finish()
}

pub async fn page() -> HttpResponse {
    match BUNDLE {
        Some(bundle) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(render_page(&bundle)),
        None => HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUNDLED_PAGE),
    }
}

pub async fn asset(name: web::Path<String>) -> HttpResponse {
    let bundled = BUNDLE.map(|bundle| bundle.assets).unwrap_or_default();
    match bundled
        .iter()
        .chain([&BOOT_SCRIPT])
        .find(|asset| asset.name == name.as_str())
    {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such GraphiQL asset"),
    }
}

fn render_page(bundle: &Bundle) -> String {
    let config = json!({
        "endpoint": "/graphql",
        "examplesVersion": examples_version(),
        "examples": EXAMPLES
            .iter()
            .map(|example| json!({ "name": example.name, "title": example.title, "query": example.query }))
            .collect::<Vec<_>>(),
    });
    // `<` escaped so that no query text can close the script element.
    let config = config.to_string().replace('<', "\\u003c");
    let versions = bundle
        .packages
        .iter()
        .map(|(package, version)| format!("{package} {version}"))
        .collect::<Vec<_>>()
        .join(", ");
    let scripts = [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "plugin-explorer.umd.js",
        "graphql-ws.min.js",
        "papaparse.min.js",
        "boot.js",
    ]
    .map(|name| format!(r#"<script src="/graphiql/assets/{name}"></script>"#))
    .join("\n");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{versions}">
<title>City Atlas · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<link rel="stylesheet" href="/graphiql/assets/plugin-explorer.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="graphiql-config">{config}</script>
{scripts}
</body>
</html>
"#
    )
}

/// Changes whenever an example query changes, so browsers drop stale saved tabs.
fn examples_version() -> String {
    // FNV-1a: stable across builds and platforms, unlike std's randomly seeded hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in EXAMPLES
        .iter()
        .flat_map(|example| example.query.bytes().chain([0]))
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

const NOT_BUNDLED_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>City Atlas · GraphiQL not bundled</title></head>
<body>
<h1>GraphiQL is not bundled in this build</h1>
<p>The API itself is available at <a href="/graphql">/graphql</a>.</p>
<p>The build installs the IDE's pinned assets from the npm registry itself when it finds
npm: install Node.js and npm, then build again (without <code>CITYATLAS_NO_NPM=1</code>):</p>
<pre>cargo build --release</pre>
<p>Or install the assets yourself first:</p>
<pre>npm ci --ignore-scripts --prefix graphiql
cargo build --release</pre>
</body>
</html>
"#;
