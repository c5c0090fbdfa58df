//! Embeds the GraphiQL assets into the binary, from the npm registry as pinned (with
//! integrity hashes) by `graphiql/package-lock.json`: those `npm ci --prefix graphiql` put
//! in `graphiql/node_modules`, or else those this script installs itself with npm, into
//! its own output folder (`--ignore-scripts`: no package runs code here).
//!
//! Without npm (or with `CITYATLAS_NO_NPM=1`) the build still succeeds, because `cargo
//! build` must need nothing but the Rust toolchain: it warns once, and `/graphiql` then
//! explains how to bundle the IDE. Set `CITYATLAS_REQUIRE_GRAPHIQL=1` (CI and the
//! Dockerfile do) to make a build without the IDE an error.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (served name, content type, package, path inside the package)
const ASSETS: &[(&str, &str, &str, &str)] = &[
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        "react",
        "umd/react.production.min.js",
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        "react-dom",
        "umd/react-dom.production.min.js",
    ),
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        "graphiql",
        "graphiql.min.js",
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        "graphiql",
        "graphiql.min.css",
    ),
    (
        "plugin-explorer.umd.js",
        "text/javascript; charset=utf-8",
        "@graphiql/plugin-explorer",
        "dist/index.umd.js",
    ),
    (
        "graphql-ws.min.js",
        "text/javascript; charset=utf-8",
        "graphql-ws",
        "umd/graphql-ws.min.js",
    ),
    (
        "papaparse.min.js",
        "text/javascript; charset=utf-8",
        "papaparse",
        "papaparse.min.js",
    ),
    (
        "plugin-explorer.css",
        "text/css; charset=utf-8",
        "@graphiql/plugin-explorer",
        "dist/style.css",
    ),
];

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets the manifest dir"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-env-changed=CITYATLAS_REQUIRE_GRAPHIQL");
    println!("cargo::rerun-if-env-changed=CITYATLAS_NO_NPM");
    println!("cargo::rerun-if-changed=graphiql/package-lock.json");
    let checkout = root.join("graphiql").join("node_modules");
    // npm rewrites this file on every install; before the first one, watching the folder
    // notices node_modules appear.
    if checkout.join(".package-lock.json").exists() {
        println!("cargo::rerun-if-changed=graphiql/node_modules/.package-lock.json");
    } else {
        println!("cargo::rerun-if-changed=graphiql");
    }

    let installed = out_dir.join("graphiql");
    let node_modules = if missing(&checkout).is_empty() {
        Ok(checkout)
    } else if missing(&installed.join("node_modules")).is_empty() {
        Ok(installed.join("node_modules"))
    } else if env::var("CITYATLAS_NO_NPM").is_ok_and(|value| value == "1") {
        Err("CITYATLAS_NO_NPM=1".to_owned())
    } else {
        install(&root.join("graphiql"), &installed).map(|()| installed.join("node_modules"))
    };
    let required = env::var("CITYATLAS_REQUIRE_GRAPHIQL").is_ok_and(|value| value == "1");
    let node_modules = match node_modules {
        Ok(node_modules) => Some(node_modules),
        Err(why) if required => panic!(
            "CITYATLAS_REQUIRE_GRAPHIQL=1 but GraphiQL's assets could not be installed ({why}); \
             run `npm ci --ignore-scripts --prefix graphiql` first"
        ),
        Err(why) => {
            println!(
                "cargo::warning=GraphiQL is not bundled ({why}); the API works without it, and \
                 /graphiql says how to add it (install Node and npm, then build again)"
            );
            None
        }
    };
    fs::write(
        out_dir.join("graphiql_bundle.rs"),
        bundle(node_modules.as_deref()),
    )
    .expect("OUT_DIR is writable");
}

/// The assets not installed under `node_modules`.
fn missing(node_modules: &Path) -> Vec<PathBuf> {
    ASSETS
        .iter()
        .map(|(_, _, package, file)| node_modules.join(package).join(file))
        .filter(|path| !path.is_file())
        .collect()
}

/// Installs the pinned packages into `target` with `npm ci`, which checks every package
/// against the lockfile's integrity hash and installs nothing else.
fn install(pins: &Path, target: &Path) -> Result<(), String> {
    fs::create_dir_all(target).map_err(|error| format!("cannot create {target:?}: {error}"))?;
    for file in ["package.json", "package-lock.json"] {
        fs::copy(pins.join(file), target.join(file))
            .map_err(|error| format!("cannot copy {file}: {error}"))?;
    }
    let output = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(target)
        .output()
        .map_err(|_| "npm was not found".to_owned())?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|line| !line.trim().is_empty());
        return Err(format!("npm ci failed: {}", last.unwrap_or("no message")));
    }
    if !missing(&target.join("node_modules")).is_empty() {
        return Err("npm ci did not install every asset".to_owned());
    }
    println!(
        "cargo::warning=GraphiQL: installed its pinned assets with npm ci \
         (graphiql/package-lock.json); set CITYATLAS_NO_NPM=1 to build without them"
    );
    Ok(())
}

/// The generated module: the assets, or `None` without them.
fn bundle(node_modules: Option<&Path>) -> String {
    let mut generated = String::from("// Generated by build.rs.\n");
    if let Some(node_modules) = node_modules {
        generated.push_str("pub const BUNDLE: Option<Bundle> = Some(Bundle {\n    packages: &[\n");
        let mut packages: Vec<&str> = ASSETS.iter().map(|(_, _, package, _)| *package).collect();
        packages.dedup();
        for package in packages {
            let version = package_version(&node_modules.join(package));
            writeln!(generated, "        ({package:?}, {version:?}),").expect("writes to a String");
        }
        generated.push_str("    ],\n    assets: &[\n");
        for (name, content_type, package, file) in ASSETS {
            let path = node_modules.join(package).join(file);
            writeln!(
                generated,
                "        Asset {{ name: {name:?}, content_type: {content_type:?}, bytes: include_bytes!({:?}) }},",
                path.display().to_string()
            )
            .expect("writes to a String");
        }
        generated.push_str("    ],\n});\n");
    } else {
        generated.push_str("pub const BUNDLE: Option<Bundle> = None;\n");
    }
    generated
}

/// The installed version, read from the package's own manifest.
fn package_version(package_dir: &Path) -> String {
    let manifest = fs::read_to_string(package_dir.join("package.json")).unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|manifest| manifest["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}
