//! `cityatlas import`: a folder in the `data/` format, checked whole with every problem at
//! its `file:line:column`, applied in one transaction or not at all, and dry runs that
//! print the diff and write nothing.

use crate::helpers::{Backend, TestApp, backends, first_start, spawn_app};
use cityatlas::dataset::Dataset;
use cityatlas::seed::corrections::corrected;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// The built-in dataset as it stands after the first start's corrections, written as a
/// folder to edit; removed when dropped.
struct Folder {
    path: PathBuf,
}

impl Folder {
    fn of_the_built_in_dataset() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "cityatlas_import_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let paper = Dataset::paper().expect("the paper's dataset");
        corrected(paper)
            .expect("the corrections apply")
            .write_dir(&path)
            .expect("the folder is written");
        Self { path }
    }

    fn read(&self, file: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut reader = csv::Reader::from_path(self.path.join(file)).expect("reads");
        let headers = reader.headers().expect("a header").clone();
        let rows = reader.records().map(|r| r.expect("a record")).collect();
        (headers, rows)
    }

    fn write(&self, file: &str, headers: &csv::StringRecord, rows: &[csv::StringRecord]) {
        let mut writer = csv::Writer::from_path(self.path.join(file)).expect("writes");
        writer.write_record(headers).expect("header");
        for row in rows {
            writer.write_record(row).expect("row");
        }
        writer.flush().expect("flushed");
    }

    /// Sets a field of the `row`-th record (from 0), which stands on line `row + 2`.
    fn set(&self, file: &str, row: usize, column: &str, value: &str) {
        let (headers, mut rows) = self.read(file);
        let index = headers.iter().position(|h| h == column).expect("a column");
        let mut fields: Vec<String> = rows[row].iter().map(str::to_owned).collect();
        fields[index] = value.to_owned();
        rows[row] = csv::StringRecord::from(fields);
        self.write(file, &headers, &rows);
    }

    /// The row of `file` whose `column` is `value`, from 0.
    fn row_where(&self, file: &str, column: &str, value: &str) -> usize {
        let (headers, rows) = self.read(file);
        let index = headers.iter().position(|h| h == column).expect("a column");
        rows.iter()
            .position(|row| &row[index] == value)
            .expect("a row")
    }

    fn remove_row(&self, file: &str, row: usize) {
        let (headers, mut rows) = self.read(file);
        rows.remove(row);
        self.write(file, &headers, &rows);
    }

    fn append_raw(&self, file: &str, line: &str) {
        let mut text = std::fs::read_to_string(self.path.join(file)).expect("reads");
        text.push_str(line);
        text.push('\n');
        std::fs::write(self.path.join(file), text).expect("writes");
    }

    fn replace(&self, file: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path.join(file)).expect("reads");
        assert!(text.contains(from), "{file} holds {from:?}");
        std::fs::write(self.path.join(file), text.replacen(from, to, 1)).expect("writes");
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn import(database_url: &str, folder: &Folder, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args([
            "--database-url",
            database_url,
            "--log-level",
            "warn",
            "import",
        ])
        .arg(&folder.path)
        .args(args)
        .output()
        .expect("run cityatlas import")
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get("", "n").expect("a count")
}

/// Rows of the tables an import writes, and the audit log: what must not move on a refusal.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "observations",
        "observations_revisions",
        "sources",
        "cities",
        "companies",
        "strategic_dimensions",
        "audit_events",
        "releases",
    ] {
        counts.push(count(app, table).await);
    }
    counts
}

#[tokio::test]
async fn a_folder_with_a_dozen_kinds_of_error_is_refused_with_each_at_its_line() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let before = footprint(&app).await;
        let folder = Folder::of_the_built_in_dataset();
        let obs = "observations.csv";
        // A header: an unknown column, so a missing one.
        folder.replace("policy_cities.csv", "policy,city", "policy,town");
        // Fields that do not read.
        folder.set(obs, 0, "value", "abc");
        folder.set("projects.csv", 0, "start_year", "soon");
        // A record of the wrong length.
        folder.append_raw("policy_companies.csv", "belt-and-road-initiative,huawei");
        // A repeated key.
        let (headers, mut sources) = folder.read("sources.csv");
        sources.push(sources[1].clone());
        folder.write("sources.csv", &headers, &sources);
        // References that name nothing.
        folder.set("cities.csv", 0, "country", "XX");
        folder.set(obs, 1, "indicator", "no_such_indicator");
        // An observation's own rules.
        folder.set(obs, 2, "unit", "EUR");
        folder.set(obs, 3, "period", "2024-Q7");
        folder.set(obs, 4, "source", "");
        folder.set(obs, 5, "value_text", "99");
        folder.set(obs, 6, "value", "NaN");
        folder.set(obs, 7, "qualifier", "roughly");
        // A file the format does not have.
        std::fs::write(folder.path.join("observation.csv"), "a,b\n").expect("writes");

        let output = import(&app.database.url, &folder, &[]);
        assert!(
            !output.status.success(),
            "{backend:?}: the import is refused"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let dir = folder.path.display();
        for expected in [
            format!("{dir}/policy_cities.csv:1:8: unknown column \"town\""),
            format!("{dir}/policy_cities.csv:1:1: missing column \"city\""),
            format!("{dir}/{obs}:2:"),
            "value: \"abc\" does not read (invalid float literal)".to_owned(),
            format!("{dir}/projects.csv:2:"),
            "start_year: \"soon\" does not read".to_owned(),
            format!(
                "{dir}/policy_companies.csv:8:1: the record does not read: it has 2 fields where the header has 3"
            ),
            format!("{dir}/sources.csv:{}:1: duplicate key", sources.len() + 1),
            "first on line 3".to_owned(),
            format!("{dir}/cities.csv:2:"),
            "unknown country \"XX\"".to_owned(),
            format!("{dir}/{obs}:3:1: unknown indicator \"no_such_indicator\""),
            format!("{dir}/{obs}:4:"),
            "is measured in".to_owned(),
            format!("{dir}/{obs}:5:"),
            "the period \"2024-Q7\" is neither".to_owned(),
            format!("{dir}/{obs}:6:"),
            "missing source: every figure needs one".to_owned(),
            format!("{dir}/{obs}:7:"),
            "the printed text \"99\" reads as 99".to_owned(),
            format!("{dir}/{obs}:8:"),
            "the value must be a finite number".to_owned(),
            format!("{dir}/{obs}:9:"),
            "\"roughly\" is not a qualifier".to_owned(),
            format!("{dir}/observation.csv:1:1: unknown file"),
            "nothing was written".to_owned(),
        ] {
            assert!(
                stderr.contains(&expected),
                "{backend:?}: expected {expected:?} in\n{stderr}"
            );
        }
        assert_eq!(
            footprint(&app).await,
            before,
            "{backend:?}: nothing changed"
        );
    }
}

/// The column is where the field starts on its line, quotes and all.
#[tokio::test]
async fn a_problem_points_at_the_field_on_its_line() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let folder = Folder::of_the_built_in_dataset();
    let row = folder.row_where("cities.csv", "slug", "hangzhou");
    folder.set("cities.csv", row, "country", "ZZ");
    let output = import(&app.database.url, &folder, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = std::fs::read_to_string(folder.path.join("cities.csv"))
        .expect("reads")
        .lines()
        .nth(row + 1)
        .expect("the line")
        .to_owned();
    let column = line.find(",ZZ,").expect("the field") + 2;
    let expected = format!(
        "{}/cities.csv:{}:{column}: unknown country \"ZZ\"",
        folder.path.display(),
        row + 2
    );
    assert!(stderr.contains(&expected), "{expected:?} in\n{stderr}");
}

const CHINA_2024: &str = r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) {
  nodes { value valueText revision revisions { revision changedBy reason } } } }"#;

#[tokio::test]
async fn a_dry_run_prints_the_diff_and_the_import_then_applies_it_with_a_release() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let started = first_start(&app).await;
        let before = footprint(&app).await;
        let folder = Folder::of_the_built_in_dataset();
        let row = folder.row_where("observations.csv", "value_text", "39,32");
        folder.set("observations.csv", row, "value", "39.5");
        folder.set("observations.csv", row, "value_text", "39,5");
        let dimension = folder.row_where("strategic_comparison.csv", "slug", "drive-model");
        folder.remove_row("strategic_comparison.csv", dimension);
        folder.append_raw(
            "sources.csv",
            "caict-2026,report,CAICT,,A newer white paper,,2026,,,,none,Added by the import test.",
        );

        let dry = import(&app.database.url, &folder, &["--dry-run"]);
        assert!(
            dry.status.success(),
            "{backend:?}: {}",
            String::from_utf8_lossy(&dry.stderr)
        );
        let diff = String::from_utf8_lossy(&dry.stdout);
        for expected in [
            "sources: 1 added, 0 changed, 0 retracted",
            "  + caict-2026",
            "observations: 0 added, 1 changed, 0 retracted",
            "  ~ ai_market_size of country CN in 2024 from statista-china-ai-market-size: value 39.32 → 39.5, value_text \"39,32\" → \"39,5\"",
            "strategic_dimensions: 0 added, 0 changed, 1 retracted",
            "  - drive-model",
            "  - drive-model / CN",
        ] {
            assert!(
                diff.contains(expected),
                "{backend:?}: {expected:?} in\n{diff}"
            );
        }
        assert!(
            !diff.contains("cities:"),
            "{backend:?}: unchanged tables are not listed"
        );
        assert_eq!(
            footprint(&app).await,
            before,
            "{backend:?}: a dry run writes nothing"
        );

        let applied = import(
            &app.database.url,
            &folder,
            &[
                "--release",
                "2027-01",
                "--reason",
                "Statista revised the 2024 figure",
            ],
        );
        assert!(
            applied.status.success(),
            "{backend:?}: {}",
            String::from_utf8_lossy(&applied.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&applied.stdout),
            diff,
            "{backend:?}"
        );
        let china = app.data(CHINA_2024).await["observations"]["nodes"][0].clone();
        assert_eq!(china["value"], 39.5, "{backend:?}");
        // liu-2025, the correction that named Fig. 1's section, and this import.
        assert_eq!(china["revision"], 3, "{backend:?}");
        let last = &china["revisions"][2];
        assert_eq!(last["changedBy"], "importer", "{backend:?}");
        assert_eq!(
            last["reason"], "Statista revised the 2024 figure",
            "{backend:?}"
        );
        let data = app
            .data(r#"{ strategicComparison { slug } release(tag: "2027-01") { tag changeCount } }"#)
            .await;
        let old = app
            .data(r#"{ strategicComparison(release: "liu-2025") { slug } }"#)
            .await;
        let slugs = |rows: &Value| -> Vec<String> {
            rows.as_array()
                .expect("rows")
                .iter()
                .map(|row| row["slug"].as_str().expect("a slug").to_owned())
                .collect()
        };
        assert!(!slugs(&data["strategicComparison"]).contains(&"drive-model".to_owned()));
        assert!(slugs(&old["strategicComparison"]).contains(&"drive-model".to_owned()));
        assert_eq!(data["release"]["tag"], "2027-01", "{backend:?}");
        assert_eq!(
            data["release"]["changeCount"],
            started.corrections + 3 + 1,
            "{backend:?}: since liu-2025, the corrections, then the import's three rows (a \
             source added, a figure changed, a Table 1 row retracted) and its own event"
        );

        let again = import(&app.database.url, &folder, &["--dry-run"]);
        assert_eq!(String::from_utf8_lossy(&again.stdout), "no changes\n");
    }
}

/// The importer's connection is killed by PostgreSQL in the middle of a large import: the
/// transaction dies with it, and not one of its rows or events remains.
#[tokio::test]
async fn a_connection_killed_mid_import_leaves_nothing_half_written() {
    if !backends().await.contains(&Backend::Postgres) {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let before = footprint(&app).await;
    let folder = Folder::of_the_built_in_dataset();
    let mut rows = String::new();
    for n in 1..=20000 {
        rows.push_str(&format!(
            "ai_market_size,country,CN,2024,bulk-{n},{n},{n},USD,billion,exact,reported,statista-china-ai-market-size,import test,\n"
        ));
    }
    folder.append_raw("observations.csv", rows.trim_end());

    let mut child = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args([
            "--database-url",
            &app.database.url,
            "--log-level",
            "warn",
            "import",
        ])
        .arg(&folder.path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the import");
    // Caught between two of its observation inserts: the transaction is well under way,
    // and far from its commit.
    let importing = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                     AND pid <> pg_backend_pid() AND query LIKE 'INSERT INTO \"observations\"%'";
    let mut pid: Option<i32> = None;
    for _ in 0..5000 {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                importing,
            ))
            .await
            .expect("pg_stat_activity reads");
        if let Some(row) = row {
            pid = Some(row.try_get("", "pid").expect("a pid"));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let pid = pid.expect("the import reached the observations");
    app.db
        .execute_raw(Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("SELECT pg_terminate_backend({pid})"),
        ))
        .await
        .expect("terminate the importer's connection");
    let status = child.wait().expect("the import ends");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr reads");
    assert!(!status.success(), "the killed import fails: {stderr}");
    assert_eq!(footprint(&app).await, before, "nothing of it remains");
    assert_eq!(
        app.data(r#"{ observations(filter: { category: ["bulk-1"] }) { totalCount } }"#)
            .await["observations"]["totalCount"],
        0
    );
}

/// Each table's rows, as a set of lines: a link table lists its rows in the database's
/// order, which carries no meaning.
fn tables(dataset: &Dataset) -> Vec<(&'static str, std::collections::BTreeSet<String>)> {
    dataset
        .to_files()
        .expect("the dataset's files")
        .into_iter()
        .map(|(name, bytes)| {
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let rows = reader
                .records()
                .map(|record| {
                    let record = record.expect("a record");
                    record.iter().collect::<Vec<_>>().join("\u{1f}")
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The rows one dataset has and the other lacks, table by table, as `+`/`-` lines.
fn differences(left: &Dataset, right: &Dataset) -> Vec<String> {
    let mut differences = Vec::new();
    for ((name, ours), (_, theirs)) in tables(left).into_iter().zip(tables(right)) {
        differences.extend(
            ours.difference(&theirs)
                .map(|row| format!("{name} + {row}")),
        );
        differences.extend(
            theirs
                .difference(&ours)
                .map(|row| format!("{name} - {row}")),
        );
    }
    differences
}

/// Unpacks a release's package over the folder; the dataset it holds.
async fn unpack(app: &TestApp, tag: &str, folder: &Folder) -> Dataset {
    use std::io::Read;
    let response = app.get(&format!("/export/releases/{tag}.zip")).await;
    assert_eq!(response.status(), 200, "{tag}");
    let cite_as = response.headers()[reqwest::header::LINK]
        .to_str()
        .expect("text");
    assert!(cite_as.contains(&format!("/releases/{tag}>")), "{cite_as}");
    let bytes = response.bytes().await.expect("a body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    for name in ["README.md", "datapackage.json", "CITATION.cff"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    for name in names {
        let mut bytes = Vec::new();
        archive
            .by_name(&name)
            .expect("an entry")
            .read_to_end(&mut bytes)
            .expect("read");
        std::fs::write(folder.path.join(&name), bytes).expect("written");
    }
    Dataset::read_dir(&folder.path).expect("the package is a valid dataset folder")
}

#[tokio::test]
async fn an_exported_release_imports_back_as_the_same_dataset() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        // liu-2025 is the paper as first read; the live data hold the corrections since.
        let folder = Folder::of_the_built_in_dataset();
        let exported = unpack(&app, "liu-2025", &folder).await;
        let paper = Dataset::paper().expect("the paper's dataset");
        assert_eq!(
            differences(&exported, &paper),
            Vec::<String>::new(),
            "{backend:?}: liu-2025 exports as the paper was first read"
        );

        // Imported over the corrected data, it gives back liu-2025; a release cut with the
        // import exports the same dataset again.
        let applied = import(
            &app.database.url,
            &folder,
            &[
                "--release",
                "2027-03",
                "--reason",
                "back to liu-2025 for the test",
            ],
        );
        assert!(
            applied.status.success(),
            "{backend:?}: {}",
            String::from_utf8_lossy(&applied.stderr)
        );
        let again = Folder::of_the_built_in_dataset();
        let reexported = unpack(&app, "2027-03", &again).await;
        assert_eq!(
            differences(&reexported, &paper),
            Vec::<String>::new(),
            "{backend:?}: the round trip changes nothing"
        );

        let given = app
            .data(r#"{ release(tag: "2027-03") { downloads { zip } } }"#)
            .await;
        let url = given["release"]["downloads"]["zip"]
            .as_str()
            .expect("a URL");
        assert!(url.ends_with("/export/releases/2027-03.zip"), "{url}");

        let missing = app.get("/export/releases/no-such-tag.zip").await;
        assert_eq!(missing.status(), 404);
        let body: Value = missing.json().await.expect("a JSON body");
        assert_eq!(body["code"], "NOT_FOUND");
    }
}
