#!/usr/bin/env bash
# Storefront benchmark (issue 15): server time of the home, search and product pages at a fixed rate, with the
# catalogue seeded.
#
#   bench/web/run.sh
#
# 1. Builds the AppHost (Debug, as the README's `dotnet run` does) unless NO_BUILD=1, then starts it in the embedded
#    mode on a fresh data directory (Catalog seeds its 1,080 products, Search indexes them) in a session of its own, and
#    waits for the storefront's and the gateway's /health/ready.
# 2. Writes the request paths: `/`; `/search?q=...` over English and Korean words; `/products/{id}` over 100 active
#    products (ids from the gateway's product list). Each page is checked once for 200 and its content.
# 3. Per page: a WARMUP s warm-up, then RUNS runs of DURATION s with wrk at RATE requests/s overall (pages.lua paces
#    CONNECTIONS connections); prints a markdown row per page with the medians of the runs' p50/p90/p95/p99, the rate
#    reached, and any non-2xx answers (the gateway's rate limits count there).
# It binds the AppHost's fixed ports, so it takes the end-to-end tests' lock (/tmp/agora-e2e.lock).
#
# Target (issue): p95 < 50 ms at 200 requests/s.
# Knobs: RATE=200 CONNECTIONS=20 THREADS=2 DURATION=20 WARMUP=10 RUNS=3 READY_TIMEOUT=300 NO_BUILD=1 OUT=<dir>
#        PAGES="home search product" (which pages to measure)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HERE="$PWD/bench/web"
RATE="${RATE:-200}" CONNECTIONS="${CONNECTIONS:-20}" THREADS="${THREADS:-2}" DURATION="${DURATION:-20}" WARMUP="${WARMUP:-10}"
RUNS="${RUNS:-3}" READY_TIMEOUT="${READY_TIMEOUT:-300}"
WEB=http://127.0.0.1:3000 GATEWAY=http://127.0.0.1:8080
WORK="$(mktemp -d /tmp/agora-bench-web.XXXXXX)"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR"
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk curl dotnet python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

exec 9>/tmp/agora-e2e.lock
flock 9

if [ -z "${NO_BUILD:-}" ]; then
  log "building the AppHost"
  dotnet build src/Agora.AppHost -c Debug -nologo -v q >"$OUT_DIR/build.log" 2>&1 || { tail -20 "$OUT_DIR/build.log"; exit 1; }
fi

log "starting the AppHost (embedded, data in $WORK/data)"
setsid dotnet run --project src/Agora.AppHost --no-build -- --Agora:Mode=Embedded --Agora:DataDirectory="$WORK/data" \
  >"$OUT_DIR/apphost.log" 2>&1 &
apphost=$!
stop() {
  kill -TERM -- "-$apphost" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$apphost" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$apphost" 2>/dev/null || true
  rm -rf "$WORK/data"
}
trap stop EXIT INT TERM

start=$(date +%s)
for url in "$GATEWAY/health/ready" "$WEB/health/ready" "http://127.0.0.1:5107/health/ready"; do
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$apphost" 2>/dev/null || { tail -20 "$OUT_DIR/apphost.log" >&2; die "the AppHost exited"; }
    [ $(( $(date +%s) - start )) -lt "$READY_TIMEOUT" ] || die "$url not ready after ${READY_TIMEOUT}s"
    sleep 1
  done
done
log "ready after $(( $(date +%s) - start ))s"

# The paths: 100 active products (waiting until Catalog has seeded), search words, the home page.
until curl -sf "$GATEWAY/api/v1/products?status=active&per_page=100" -o "$WORK/products.json" \
      && python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))["data"]) == 100 else 1)' "$WORK/products.json"; do
  [ $(( $(date +%s) - start )) -lt "$READY_TIMEOUT" ] || die "the catalogue is not seeded"
  sleep 1
done
python3 - "$WORK" <<'PY'
import json, sys, urllib.parse
work = sys.argv[1]
products = json.load(open(f"{work}/products.json"))["data"]
open(f"{work}/product.txt", "w").write("".join(f"/products/{p['id']}\n" for p in products))
words = ["headphones", "black jacket", "teapot", "green tea", "yoga mat", "premium", "notebook", "kettle", "scarf", "tent",
         "패션", "재킷", "녹차", "스피커", "요가 매트", "만년필"]
open(f"{work}/search.txt", "w").write("".join(f"/search?q={urllib.parse.quote(w)}\n" for w in words))
open(f"{work}/home.txt", "w").write("/\n")
PY
for page in home search product; do
  path="$(head -1 "$WORK/$page.txt")"
  body="$(curl -sf "$WEB$path")" || die "GET $path failed"
  case "$page" in
    home) grep -q 'data-testid="categories"' <<<"$body" || die "the home page lists no categories" ;;
    search) grep -q 'data-testid="hit-link"' <<<"$body" || die "the search page found nothing" ;;
    product) grep -q 'data-testid="product-price"' <<<"$body" || die "the product page shows no price" ;;
  esac
done

field() { printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { local k="$1"; shift; for r in "$@"; do field "$k" "$r"; done; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
run_wrk() { # run_wrk PAGE SECONDS
  timeout $(($2 + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" -s "$HERE/pages.lua" "$WEB" -- "$WORK/$1.txt" "$RATE" "$CONNECTIONS" \
    | tee -a "$OUT_DIR/wrk-$1.txt" | grep '^RESULT'
}

echo
echo "| page | rate asked | req/s reached (median) | p50 ms | p90 ms | p95 ms | p99 ms | p95 of each run | non-2xx / socket errors (timeouts) | target | vs. target |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |"
for page in ${PAGES:-home search product}; do
  log "$page: warm-up ${WARMUP}s"
  run_wrk "$page" "$WARMUP" >/dev/null
  results=()
  for i in $(seq "$RUNS"); do
    r="$(run_wrk "$page" "$DURATION")"
    log "$page run $i: $r"
    results+=("$r")
  done
  p95="$(median $(col p95 "${results[@]}"))"
  non2xx=$(col non2xx "${results[@]}" | awk '{ s += $1 } END { print s }')
  sockerr=$(col sockerr "${results[@]}" | awk '{ s += $1 } END { print s }')
  each="$(col p95 "${results[@]}" | awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $1 / 1000 }')"
  rps="$(median $(col rps "${results[@]}"))"
  verdict="$(awk -v p="$p95" -v n="$((non2xx + sockerr))" -v r="$rps" -v want="$RATE" 'BEGIN {
    printf "p95 %.2fx of limit: **%s**", p / 50000, (p < 50000 && n == 0 && r >= 0.95 * want) ? "met" : "missed" }')"
  printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s / %s | p95 < 50 ms at %s req/s | %s |\n' \
    "$page" "$RATE" "$rps" "$(ms "$(median $(col p50 "${results[@]}"))")" \
    "$(ms "$(median $(col p90 "${results[@]}"))")" "$(ms "$p95")" "$(ms "$(median $(col p99 "${results[@]}"))")" \
    "$each" "$non2xx" "$sockerr" "$RATE" "$verdict"
done
log "raw output: $OUT_DIR"
