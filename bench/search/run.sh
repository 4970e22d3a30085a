#!/usr/bin/env bash
# Search benchmark: index 100,000 synthetic products, then load the search API with wrk.
#
#   bench/search/run.sh
#
# 1. Builds Release (once): the Search service and the indexer (bench/search/Agora.Search.Bench).
# 2. The indexer fills a fresh data directory through the service's own code: PRODUCTS products through
#    ProductIndex.RebuildAsync (the path of POST /api/v1/admin/search/rebuild: a new generation, one commit, an atomic
#    swap) -> products/s; then EVENTS of them again as ProductUpdated events through ProductIndex.ApplyAsync (what the
#    Catalog event handler calls) -> events/s. It also writes 500 request paths: one or two English words (a fifth of
#    them with a typo), Korean words, SKUs; a fifth filtered by category, a fifth by price range, a tenth in stock only,
#    a tenth sorted by price. Every response is paged (per_page 20), faceted and highlighted.
# 3. Starts Search from its Release output folder on that directory (embedded mode; the index is a local Lucene
#    directory in both modes, so the query path is the same in the distributed mode), waits for /health/ready, checks
#    one query, warms up WARMUP seconds, then runs wrk RUNS times and prints the medians as a markdown table row.
#
# Targets (issue): >= 1,000 queries/s with p99 < 20 ms; indexing >= 5,000 products/s.
#
# Knobs (environment)
#   PRODUCTS=100000 EVENTS=20000 THREADS=2 CONNECTIONS=16 DURATION=20 (s) WARMUP=20 (s) RUNS=3
#   HTTP_PORT=15107 MSG_PORT=16107   NO_BUILD=1 (skip the Release builds)   OUT=<dir> (keep raw output there)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PRODUCTS="${PRODUCTS:-100000}"
EVENTS="${EVENTS:-20000}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-20}"
RUNS="${RUNS:-3}"
HTTP_PORT="${HTTP_PORT:-15107}"
MSG_PORT="${MSG_PORT:-16107}"
BASE="http://127.0.0.1:$HTTP_PORT"
SEARCH_DIR="$REPO/src/Services/Search/bin/Release/net10.0"
BENCH_DLL="$HERE/bin/Release/net10.0/Agora.Search.Bench.dll"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk curl dotnet awk; do command -v "$tool" >/dev/null || die "$tool is required"; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-bench-search.XXXXXX")"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR"
SEARCH_PID=""

cleanup() {
    if [ -n "$SEARCH_PID" ] && kill -0 "$SEARCH_PID" 2>/dev/null; then
        kill -TERM "$SEARCH_PID" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$SEARCH_PID" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$SEARCH_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK/data"
    [ -n "${OUT:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release"
    dotnet build -c Release "$REPO/src/Services/Search/Agora.Search.csproj" -v q -nologo >/dev/null
    dotnet build -c Release "$HERE/Agora.Search.Bench.csproj" -v q -nologo >/dev/null
fi

log "indexing $PRODUCTS products (+ $EVENTS update events)"
index_line="$(dotnet "$BENCH_DLL" "$WORK/data" "$PRODUCTS" "$WORK/queries.txt" "$EVENTS" | grep '^RESULT')" || die "indexer failed"
printf '%s\n' "$index_line" | tee "$OUT_DIR/index.txt" >&2
field() { printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

log "starting Search on $BASE"
(
    cd "$SEARCH_DIR"
    exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_gcServer=1 \
        Kestrel__Endpoints__Http__Url="$BASE" \
        Agora__DataDirectory="$WORK/data" Agora__Messaging__ListenPort="$MSG_PORT" \
        Search__BuildOnStart=false Logging__LogLevel__Default=Warning \
        dotnet Agora.Search.dll >"$OUT_DIR/search.log" 2>&1
) &
SEARCH_PID=$!
for _ in $(seq 120); do
    curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SEARCH_PID" 2>/dev/null || die "Search exited; see $OUT_DIR/search.log"
    sleep 0.5
done
curl -fsS "$BASE/health/ready" >/dev/null || die "Search not ready"
sample="$(curl -fsS "$BASE/api/v1/search/products?q=wireless%20headphones&per_page=1")"
total="$(printf '%s' "$sample" | grep -o '"total":[0-9]*' | cut -d: -f2)"
[ "${total:-0}" -gt 0 ] || die "a sample query found nothing: $sample"
log "sample query 'wireless headphones': $total matches"

proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
run_wrk() { # run_wrk SECONDS -> RESULT line + Search's CPU per query (µs) and the whole machine's busy CPU (% of one core)
    local t0 b0 out t1 b1 hz
    hz="$(getconf CLK_TCK)"
    t0="$(proc_ticks "$SEARCH_PID")"; b0="$(busy_ticks)"
    out="$(timeout $(($1 + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --latency -s "$HERE/search_queries.lua" "$BASE" -- "$WORK/queries.txt" \
        | tee -a "$OUT_DIR/wrk.txt" | grep '^RESULT')"
    t1="$(proc_ticks "$SEARCH_PID")"; b1="$(busy_ticks)"
    awk -v r="$out" -v t=$((t1 - t0)) -v b=$((b1 - b0)) -v hz="$hz" -v secs="$1" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
        split(r, kv, " "); for (i in kv) { split(kv[i], p, "="); f[p[1]] = p[2] }
        printf "%s cpu_us=%.0f search_cpu=%.0f machine_cpu=%.0f load1=%s\n", r, t / hz * 1e6 / f["requests"], t / hz / secs * 100, b / hz / secs * 100, load }'
}

log "warm-up ${WARMUP}s"
run_wrk "$WARMUP" >/dev/null
results=()
for i in $(seq "$RUNS"); do
    r="$(run_wrk "$DURATION")"
    log "run $i: $r"
    [ "$(field non2xx "$r")" = "0" ] && [ "$(field sockerr "$r")" = "0" ] || die "errors in run $i: $r"
    results+=("$r")
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { local k="$1"; shift; for r in "$@"; do field "$k" "$r"; done; }
rps="$(median $(col rps "${results[@]}"))"
p50="$(median $(col p50 "${results[@]}"))"
p90="$(median $(col p90 "${results[@]}"))"
p99="$(median $(col p99 "${results[@]}"))"
each="$(col rps "${results[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }')"
cpu_us="$(median $(col cpu_us "${results[@]}"))"
search_cpu="$(median $(col search_cpu "${results[@]}"))"
machine_cpu="$(median $(col machine_cpu "${results[@]}"))"
load1="$(col load1 "${results[@]}" | paste -sd, -)"
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

echo
echo "| products | indexing products/s (rebuild) | update events/s | connections | queries/s (median) | p50 ms | p90 ms | p99 ms | queries/s of each run | Search CPU µs/query | CPU % Search / whole machine (200 = both cores) | load avg (1 min) per run | target | vs. target |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- | --- | --- |"
verdict="$(awk -v q="$rps" -v p="$p99" -v i="$(field rebuild_per_s "$index_line")" 'BEGIN {
    ok = (q >= 1000 && p < 20000 && i >= 5000)
    printf "%.1fx queries/s, p99 %.2fx of limit, %.1fx indexing: **%s**", q / 1000, p / 20000, i / 5000, ok ? "met" : "missed" }')"
printf '| %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s / %s | %s | >= 1000 q/s, p99 < 20 ms, >= 5000 products/s | %s |\n' \
    "$(field rebuild_products "$index_line")" "$(field rebuild_per_s "$index_line")" "$(field events_per_s "$index_line")" \
    "$CONNECTIONS" "$rps" "$(ms "$p50")" "$(ms "$p90")" "$(ms "$p99")" "$each" "$cpu_us" "$search_cpu" "$machine_cpu" "$load1" "$verdict"
