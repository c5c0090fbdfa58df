#!/usr/bin/env bash
# Property-based fuzzing of the City Atlas GraphQL API with Schemathesis (PyPI), pinned with
# hashes by requirements.txt in this folder.
#
#   bash .ci/schemathesis/run.sh BASE_URL [EXTRA SCHEMATHESIS RUN OPTIONS...]
#
# BASE_URL  e.g. http://127.0.0.1:8080 (the server must already be running). Schemathesis
#           introspects BASE_URL/graphql, detects GraphQL from the introspection result (the
#           4.x CLI needs no flag for it) and sends every test request there, nowhere else.
#
# The run is bounded and reproducible: fixed seed, at most MAX_EXAMPLES test cases per
# operation and phase, one worker, no example database, shrinking on, a wall-clock limit.
# Extra options are passed to `schemathesis run` after ours, so e.g. `--max-examples 200`
# overrides the default.
#
# Checks: `--checks all` minus `positive_data_acceptance`. For GraphQL, 4.32.5 then runs
# not_a_server_error, negative_data_rejection, response_schema_conformance and
# max_response_time (the rest of "all" is OpenAPI-only). positive_data_acceptance fails
# every schema-valid query that the server refuses with extensions.code BAD_USER_INPUT
# (`first` and `last` together, `first` over 100, an unknown cursor or node ID...): those are
# the API's documented rules, not bugs, and since a failure ends the fuzzing of that
# operation it would also stop not_a_server_error from running on most of them.
#
# Environment:
#   CITYATLAS_SCHEMATHESIS_VENV   virtualenv to install into (default /var/tmp/cityatlas-schemathesis-venv)
#   SCHEMATHESIS_REPORT_DIR       keep the JUnit/JSON/NDJSON reports there (default: a temp dir, removed)
#   SCHEMATHESIS_MAX_EXAMPLES     test cases per operation (default 100)
#   SCHEMATHESIS_SEED             seed (default 20261128)
#   SCHEMATHESIS_TIMEOUT          wall-clock limit in seconds for the schemathesis run (default 300)
#
# Ends with a line `schemathesis: N test cases, N failures, N errors`. Exit 0 only when
# Schemathesis exits 0 and at least one test case ran.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if [ "$#" -lt 1 ] || ! [[ "$1" =~ ^https?:// ]]; then
    echo "usage: bash .ci/schemathesis/run.sh http://127.0.0.1:PORT [SCHEMATHESIS RUN OPTIONS...]" >&2
    exit 2
fi
base="${1%/}"
shift
url="$base/graphql"

max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
seed="${SCHEMATHESIS_SEED:-20261128}"
limit="${SCHEMATHESIS_TIMEOUT:-300}"

venv="${CITYATLAS_SCHEMATHESIS_VENV:-/var/tmp/cityatlas-schemathesis-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$here/requirements.txt"

# Schemathesis and Hypothesis write .hypothesis/ and .schemathesis/ into the working
# directory and would read a schemathesis.toml from it: run in a scratch directory.
work="$(mktemp -d)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
report_dir="${SCHEMATHESIS_REPORT_DIR:-$work/report}"
mkdir -p "$report_dir"
report_dir="$(cd "$report_dir" && pwd)"
json_report="$report_dir/schemathesis.json"
rm -f "$json_report"

"$venv/bin/schemathesis" --version

set +e
(
    cd "$work"
    # No proxy: every request goes straight to the loopback server.
    env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u http_proxy -u https_proxy -u all_proxy \
        timeout --kill-after=10 "$limit" \
        "$venv/bin/schemathesis" --no-color run "$url" \
        --wait-for-schema 30 \
        --checks all \
        --exclude-checks positive_data_acceptance \
        --mode all \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --workers 1 \
        --generation-database none \
        --request-timeout 10 \
        --request-retries 2 \
        --max-redirects 0 \
        --report junit,json,ndjson \
        --report-dir "$report_dir" \
        --report-json-path "$json_report" \
        --report-junit-path "$report_dir/schemathesis-junit.xml" \
        --report-ndjson-path "$report_dir/schemathesis.ndjson" \
        "$@"
)
status=$?
set -e

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "schemathesis: did not finish within ${limit} s" >&2
fi
if [ ! -s "$json_report" ]; then
    echo "schemathesis: no JSON report at $json_report (exit $status)" >&2
    [ "$status" -ne 0 ] || status=1
    exit "$status"
fi

# The JSON report's test_cases block holds the numbers printed under "Test cases:"; the
# NDJSON event stream records which checks ran on how many responses.
summary_status=0
python3 - "$json_report" "$report_dir/schemathesis.ndjson" <<'PY' || summary_status=$?
import collections, json, sys

report = json.load(open(sys.argv[1]))
cases = report.get("test_cases", {})
generated = cases.get("generated", 0)
failures = cases.get("unique_failures", 0)
errors = cases.get("errored", 0) + len(report.get("errors") or [])

ran = collections.Counter()
failed = collections.Counter()
try:
    with open(sys.argv[2]) as events:
        for line in events:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            for results in (finished.get("recorder") or {}).get("checks", {}).values():
                for check in results:
                    ran[check["name"]] += 1
                    if check["status"] != "success":
                        failed[check["name"]] += 1
except OSError:
    pass
if ran:
    print("checks run: " + ", ".join(f"{name} ({ran[name]}, {failed[name]} failed)" for name in sorted(ran)))
for failure in report.get("failures") or []:
    ops = ", ".join(op if isinstance(op, str) else json.dumps(op) for op in failure.get("operations") or [])
    print(f"failure: {failure.get('code')} {failure.get('title')} x{failure.get('count')}: {ops}")
print(f"schemathesis: {generated} test cases, {failures} failures, {errors} errors")
sys.exit(1 if generated == 0 else 0)
PY

if [ "$summary_status" -ne 0 ]; then
    echo "schemathesis: no test case ran" >&2
    [ "$status" -ne 0 ] || status=1
fi
exit "$status"
