#!/usr/bin/env bash
# Soak: a bounded load on loopback with wrk, against the real binary on a fresh SQLite file.
# Fails unless every response is a 200 with data and no errors, and RSS stays flat.
#
#   bash .ci/soak/run.sh BINARY [SECONDS] [CONNECTIONS]
#
# BINARY is a built cityatlas (e.g. target/release/cityatlas); SECONDS defaults to 60 and
# CONNECTIONS to 16. Traffic goes only to 127.0.0.1; wrk stops after SECONDS. Set
# SOAK_DATABASE_URL to soak against PostgreSQL instead of a fresh SQLite file.
set -euo pipefail

binary="${1:?usage: run.sh BINARY [SECONDS] [CONNECTIONS]}"
seconds="${2:-60}"
connections="${3:-16}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
database_url="${SOAK_DATABASE_URL:-sqlite://$work/soak.db?mode=rwc}"
"$binary" serve --database-url "$database_url" --bind "127.0.0.1:$port" \
    --rate-limit-points 0 --response-cache-secs 0 --log-level warn >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 1
done
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }

# A short warm-up, so the start figure includes the pool and caches at working size.
wrk -t 2 -c "$connections" -d 3s -s "$here/queries.lua" "http://127.0.0.1:$port" >/dev/null
rss_start="$(rss)"
wrk -t 2 -c "$connections" -d "${seconds}s" --timeout 10s --latency -s "$here/queries.lua" \
    "http://127.0.0.1:$port" | tee "$work/wrk.txt"
rss_end="$(rss)"

requests="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
rate="$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.txt")"
non_2xx="$(awk '/Non-2xx/ { print $NF }' "$work/wrk.txt")"
socket_errors="$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$work/wrk.txt")"
graphql_failures="$(awk '/^graphql_failures/ { print $2 }' "$work/wrk.txt")"
errors=$(( ${non_2xx:-0} + ${socket_errors:-0} + ${graphql_failures:-0} ))
growth_kib=$(( rss_end - rss_start ))

echo "soak: ${database_url%%:*}, ${seconds}s, ${connections} connections, ${requests} requests, ${rate} req/s, errors ${errors}, RSS ${rss_start} KiB -> ${rss_end} KiB (${growth_kib} KiB)"
if ! kill -0 "$pid" 2>/dev/null; then
    echo "soak: the server died" >&2
    exit 1
fi
if [ "$errors" -ne 0 ]; then
    echo "soak: $errors failed requests" >&2
    exit 1
fi
# Flat: growth under a quarter of the start figure plus 16 MiB of allocator slack.
if [ "$growth_kib" -gt $(( rss_start / 4 + 16384 )) ]; then
    echo "soak: RSS grew by $growth_kib KiB" >&2
    exit 1
fi
