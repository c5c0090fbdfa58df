//! A bounded fuzz run over the request path (limits, parse, validate, execute), in process,
//! on a 2 MiB-stack thread like actix's workers. Inputs are 64 KiB to 128 KiB so that deep
//! nesting is reached; the run is seeded, so a failure reproduces.

use crate::helpers::{Backend, TestDatabase};
use cityatlas::configuration::LimitSettings;
use cityatlas::graphql::GraphqlService;
use std::collections::BTreeMap;

const CASES_PER_FAMILY: usize = 60;
const MIN_INPUT: usize = 64 * 1024;
const WORKER_STACK: usize = 2 * 1024 * 1024;
const SEED: u64 = 0x5eed_c17a_71a5;

/// xorshift64*: a few lines, no dependency, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    " ",
    "\n",
    ",",
    "$v",
    "...",
    "...F",
    "@include(if: true)",
    "@skip(if: $v)",
    "query",
    "mutation",
    "subscription",
    "fragment F on Country",
    "on",
    "countries",
    "nodes",
    "edges",
    "node",
    "cursor",
    "code",
    "name",
    "cities",
    "country",
    "observations",
    "value",
    "subject",
    "search",
    "indicator",
    "first: 100",
    "last: -1",
    "first: 99999999999",
    "after: \"x\"",
    "\"str\"",
    "\"\\u0000\"",
    "\"\\uD800\"",
    "#c\n",
    "\"\"\"block \\\"\"\" \"\"\"",
    "1e999",
    "-0",
    "0x10",
    "!",
    "=",
    "|",
    "&",
    "__typename",
    "__schema",
    "__type(name: \"Query\")",
    "ofType",
    "深圳",
    "\u{202e}",
    "\u{0}",
    "'; DROP TABLE x; --",
];

/// Families of hostile documents, each at least `MIN_INPUT` bytes.
fn generate(family: usize, rng: &mut Rng) -> String {
    let mut document = String::new();
    match family {
        // Brackets nested far past any limit, in values and in selections.
        0 => {
            let target = MIN_INPUT + rng.below(MIN_INPUT);
            let (open, close) =
                [("[", "]"), ("{ a: ", " }"), ("{ a ", " }"), ("(", ")")][rng.below(4)];
            let closed = rng.below(2) == 0;
            document.push_str("{ countries(filter: ");
            let mut depth = 0;
            while document.len() + if closed { depth * close.len() } else { 0 } < target {
                document.push_str(open);
                depth += 1;
            }
            if closed {
                document.push_str(&close.repeat(depth));
            }
        }
        // Token soup.
        1 => {
            while document.len() < MIN_INPUT {
                document.push_str(rng.pick(TOKENS));
                document.push(' ');
            }
        }
        // A valid query, then widened with aliases, copies and fragments, then corrupted.
        2 => {
            document.push_str("query Q($v: Boolean = true) { ");
            let mut alias = 0;
            while document.len() < MIN_INPUT {
                match rng.below(4) {
                    0 => {
                        alias += 1;
                        document.push_str(&format!(
                            "a{alias}: countries(first: {}) {{ nodes {{ code }} }} ",
                            rng.below(200)
                        ));
                    }
                    1 => document.push_str("cities { nodes { slug country { code } } } "),
                    2 => document.push_str("...F "),
                    _ => document.push_str("apiVersion @include(if: $v) "),
                }
            }
            document.push_str("} fragment F on Query { apiVersion regions { totalCount } }");
            // Half are left well-formed, to reach validation.
            let corruptions = if rng.below(2) == 0 {
                0
            } else {
                1 + rng.below(8)
            };
            for _ in 0..corruptions {
                let at = rng.below(document.len());
                if document.is_char_boundary(at) {
                    document.insert_str(at, rng.pick(TOKENS));
                }
            }
        }
        // A real example query, padded with comments and whitespace: it must still run.
        3 => {
            let examples = cityatlas::graphql::examples::EXAMPLES;
            let example = examples[rng.below(examples.len())].query;
            while document.len() < MIN_INPUT {
                document.push_str(["# padding 深圳 {[(\n", "\n", "   ", ",,,", "\t"][rng.below(5)]);
            }
            document.push_str(example);
        }
        // Long text and Unicode in arguments that reach SQL.
        _ => {
            let text: String = (0..MIN_INPUT / 3)
                .map(|_| {
                    [
                        '深',
                        'é',
                        '%',
                        '_',
                        '\\',
                        '\'',
                        '"',
                        '\u{0}',
                        'a',
                        '\u{1F600}',
                    ][rng.below(10)]
                })
                .collect();
            let escaped = serde_json::to_string(&text).unwrap_or_default();
            document = format!(
                "{{ search(text: {escaped}) {{ __typename }} cities(filter: {{ text: {escaped} }}) {{ totalCount }} }}"
            );
        }
    }
    document
}

/// Runs every case through the service; returns the codes seen, counted.
async fn run(limits: LimitSettings) -> BTreeMap<String, usize> {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    cityatlas::database::migrate(&db).await.expect("migrates");
    cityatlas::seed::seed_paper_dataset(&db)
        .await
        .expect("seeds");
    let service = GraphqlService::new(db, limits);
    let mut rng = Rng(SEED);
    let mut outcomes = BTreeMap::new();
    for family in 0..5 {
        for case in 0..CASES_PER_FAMILY {
            let document = generate(family, &mut rng);
            assert!(
                document.len() >= MIN_INPUT,
                "family {family} made {} bytes",
                document.len()
            );
            let request = async_graphql::Request::new(document);
            let response = match service.prepare(request) {
                Ok(prepared) => service.execute(prepared, None, None, None).await,
                Err(refusal) => *refusal,
            };
            let body = serde_json::to_string(&response).expect("serializes");
            for leak in ["panicked", ".rs:", "sqlx", "SELECT"] {
                assert!(
                    !body.contains(leak),
                    "family {family} case {case} leaked {leak:?}"
                );
            }
            for error in &response.errors {
                let code = error
                    .extensions
                    .as_ref()
                    .and_then(|extensions| extensions.get("code"))
                    .map(|code| code.to_string().trim_matches('"').to_owned());
                let code = code.unwrap_or_else(|| {
                    panic!(
                        "family {family} case {case}: an error without a code: {}",
                        error.message
                    )
                });
                *outcomes.entry(code).or_insert(0) += 1;
            }
            if response.errors.is_empty() {
                *outcomes.entry("ok".to_owned()).or_insert(0) += 1;
            }
        }
    }
    database.drop_now().await;
    outcomes
}

fn on_worker_stack(limits: LimitSettings) -> BTreeMap<String, usize> {
    std::thread::Builder::new()
        .name("fuzz-worker".into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(run(limits))
        })
        .expect("spawns")
        .join()
        .expect("the worker thread survives every input")
}

#[test]
fn hostile_documents_never_crash_the_worker_and_always_get_a_code() {
    let outcomes = on_worker_stack(LimitSettings::default());
    eprintln!("default limits: {outcomes:?}");
    assert!(outcomes.contains_key("QUERY_TOO_LARGE"), "{outcomes:?}");
}

/// With the size limit lifted, the same inputs reach the parser, validation and execution;
/// bracket nesting stays capped, as it must for the parser's recursion.
#[test]
fn large_documents_reach_parse_validate_and_execute_safely() {
    let limits = LimitSettings {
        max_query_chars: 1024 * 1024,
        ..LimitSettings::default()
    };
    let outcomes = on_worker_stack(limits);
    eprintln!("size limit lifted: {outcomes:?}");
    for reached in [
        "QUERY_TOO_DEEP",
        "GRAPHQL_PARSE_FAILED",
        "TOO_MANY_ALIASES",
        "ok",
    ] {
        assert!(
            outcomes.contains_key(reached),
            "never reached {reached}: {outcomes:?}"
        );
    }
    assert!(
        outcomes.keys().any(|code| matches!(
            code.as_str(),
            "BAD_USER_INPUT"
                | "GRAPHQL_VALIDATION_FAILED"
                | "QUERY_TOO_COMPLEX"
                | "TOO_MANY_ALIASES"
                | "TOO_MANY_ROOT_FIELDS"
        )),
        "nothing got past parsing: {outcomes:?}"
    );
}
