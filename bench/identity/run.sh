#!/usr/bin/env bash
# Identity benchmark with wrk (issue: Identity):
#   1. client-credentials tokens per second from Identity's token endpoint;
#   2. the cost of validating a token in a service: the same cached Catalog GET with and without a bearer token,
#      measured alternately in one run, reported as a ratio.
#
#   bench/identity/run.sh            (embedded mode: SQLite, no servers needed)
#
# Knobs: THREADS=2 CONNECTIONS=64 TOKEN_CONNECTIONS=16 DURATION=15 WARMUP=10 RUNS=3 NO_BUILD=1 OUT=<dir>
# Targets: >= 1,000 tokens/s; validation costs < 5 % of a protected GET's throughput.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
THREADS="${THREADS:-2}" CONNECTIONS="${CONNECTIONS:-64}" TOKEN_CONNECTIONS="${TOKEN_CONNECTIONS:-16}"
DURATION="${DURATION:-15}" WARMUP="${WARMUP:-10}" RUNS="${RUNS:-3}"
ID_PORT="${ID_PORT:-25101}" CAT_PORT="${CAT_PORT:-25102}"
WORK="$(mktemp -d)"; OUT="${OUT:-$WORK/out}"; mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK/data"; }
trap cleanup EXIT
log() { printf 'bench: %s\n' "$*" >&2; }
for tool in wrk curl dotnet awk; do command -v "$tool" >/dev/null || { log "$tool is required"; exit 1; }; done

if [ -z "${NO_BUILD:-}" ]; then
  log "building Release"
  dotnet build "$REPO/src/Services/Identity" -c Release -v q -nologo >/dev/null
  dotnet build "$REPO/src/Services/Catalog" -c Release -v q -nologo >/dev/null
fi

start() { # name dir dll port grpc msg [env...]
  local name=$1 dir=$2 dll=$3 port=$4 grpc=$5 msg=$6; shift 6
  (cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Production \
     Kestrel__Endpoints__Http__Url="http://127.0.0.1:$port" Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc" \
     Agora__Messaging__ListenPort="$msg" Agora__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning "$@" \
     dotnet "$dll" >"$OUT/$name.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 1200); do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { log "$name exited"; tail -5 "$OUT/$name.log" >&2; exit 1; }
    curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0
    sleep 0.1
  done
  log "$name did not become ready"; tail -20 "$OUT/$name.log" >&2; exit 1
}

IDBIN="$REPO/src/Services/Identity/bin/Release/net10.0"
CATBIN="$REPO/src/Services/Catalog/bin/Release/net10.0"
t0=$(date +%s%N)
start identity "$IDBIN" Agora.Identity.dll $ID_PORT 27101 26101 Identity__Issuer="http://127.0.0.1:$ID_PORT/" Identity__SeedDemoAccounts=true \
  ASPNETCORE_ENVIRONMENT=Development # the demo clients exist only in Development (outside it Identity refuses their secrets)
token_body=$(curl -fs "http://127.0.0.1:$ID_PORT/connect/token" -d grant_type=client_credentials -d client_id=agora-scripts \
  -d client_secret=agora-scripts-secret -d scope=read:catalog)
t1=$(date +%s%N)
log "Identity: first token $(( (t1 - t0) / 1000000 )) ms after its process started (empty database: migrations, seed, keys)"
TOKEN=$(printf %s "$token_body" | grep -o '"access_token": *"[^"]*"' | cut -d'"' -f4)
start catalog "$CATBIN" Agora.Catalog.dll $CAT_PORT 27102 26102 Agora__Auth__Authority="http://127.0.0.1:$ID_PORT/"
curl -fs "http://127.0.0.1:$CAT_PORT/api/v1/products?per_page=100" | grep -o '"id":"prd_[0-9a-f]*"' | cut -d'"' -f4 > "$WORK/ids"
export IDS_FILE="$WORK/ids"

# A token must really be validated: a forged one is refused on a protected write.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$CAT_PORT/api/v1/products" -H "Authorization: Bearer ${TOKEN}x" -H 'Content-Type: application/json' -d '{}')
[ "$code" = 401 ] || { log "expected 401 for a forged token, got $code"; exit 1; }

rps() { if grep -q "Non-2xx" "$1"; then log "non-2xx responses in $1"; grep "Non-2xx" "$1" >&2; fi; awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '/^ +99%/ {print $2}' "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

log "warming up"
wrk -t"$THREADS" -c"$TOKEN_CONNECTIONS" -d"${WARMUP}s" -s "$HERE/token.lua" "http://127.0.0.1:$ID_PORT/connect/token" >/dev/null
TOKEN="" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/get_product.lua" "http://127.0.0.1:$CAT_PORT" >/dev/null
TOKEN="$TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/get_product.lua" "http://127.0.0.1:$CAT_PORT" >/dev/null

for r in $(seq 1 "$RUNS"); do
  log "run $r/$RUNS"
  wrk -t"$THREADS" -c"$TOKEN_CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/token.lua" "http://127.0.0.1:$ID_PORT/connect/token" > "$OUT/token.$r"
  TOKEN="" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/get_product.lua" "http://127.0.0.1:$CAT_PORT" > "$OUT/anon.$r"
  TOKEN="$TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/get_product.lua" "http://127.0.0.1:$CAT_PORT" > "$OUT/auth.$r"
done

tok=$(for r in $(seq 1 "$RUNS"); do rps "$OUT/token.$r"; done | median)
anon=$(for r in $(seq 1 "$RUNS"); do rps "$OUT/anon.$r"; done | median)
auth=$(for r in $(seq 1 "$RUNS"); do rps "$OUT/auth.$r"; done | median)
cost=$(awk -v a="$anon" -v b="$auth" 'BEGIN {printf "%.1f", (a - b) / a * 100}')
echo
echo "| scenario | req/s (median of $RUNS) | p99 (last run) |"
echo "|---|---|---|"
echo "| client-credentials token (c=$TOKEN_CONNECTIONS) | $tok | $(p99 "$OUT/token.$RUNS") |"
echo "| Catalog GET product, no token (c=$CONNECTIONS) | $anon | $(p99 "$OUT/anon.$RUNS") |"
echo "| Catalog GET product, bearer token validated (c=$CONNECTIONS) | $auth | $(p99 "$OUT/auth.$RUNS") |"
# Start-up: stop Identity and start it again on its existing database, as a deployment restarts it.
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
t2=$(date +%s%N)
start identity2 "$IDBIN" Agora.Identity.dll $ID_PORT 27101 26101 Identity__Issuer="http://127.0.0.1:$ID_PORT/"
curl -fs -o /dev/null "http://127.0.0.1:$ID_PORT/connect/token" -d grant_type=client_credentials -d client_id=agora-scripts \
  -d client_secret=agora-scripts-secret -d scope=read:catalog
t3=$(date +%s%N)
echo "| Identity restart → first token | $(( (t3 - t2) / 1000000 )) ms (target < 2000) | |"
echo "| Identity first start (empty database) → first token | $(( (t1 - t0) / 1000000 )) ms | |"
echo
echo "validation cost: $cost % of throughput (target < 5 %); tokens/s target >= 1000"
