#!/usr/bin/env bash
# Gateway overhead benchmark: the same cached Catalog GET, in one run, three ways:
#   direct    wrk -> Catalog
#   nginx     wrk -> nginx (Debian package, a bare reverse proxy with upstream keep-alive) -> Catalog
#   gateway   wrk -> Agora gateway (YARP; JWT validated at the edge on a route that requires it, deprecation headers,
#             transforms, retries/breaker/outlier handler, OpenTelemetry tracing and metrics, JSON logs) -> Catalog
# Every request carries the same bearer token (an RS256 access token from the real Identity), so the three differ only
# in what sits in front of Catalog. Rate limiting is not in the gateway yet (a separate library, wired in later):
# re-run once it is, the gateway then runs it on every request too.
#
#   bench/gateway/run.sh
#
# Builds Release (once), starts Identity (for the token and its JWKS) and Catalog in the embedded mode from their
# output folders on loopback ports, nginx with a config written to a temp dir, and the gateway, waits for each, warms
# every target up, then runs the targets RUNS times round-robin and prints a markdown table of the medians with the
# ratios the issue asks for. Everything is stopped and the temp dir removed on exit, also on Ctrl-C.
#
# Targets (issue): gateway >= 0.8x nginx's req/s, and gateway p99 <= direct p99 + 1 ms.
#
# Knobs (environment)
#   THREADS=2 CONNECTIONS=64 DURATION=15 (s) WARMUP=15 (s per target) RUNS=3
#   NO_BUILD=1                 skip the Release build
#   IDENTITY_PORT=25101 CATALOG_PORT=25102 NGINX_PORT=28081 GATEWAY_PORT=28080 (gRPC and message ports: +2000 / +1000)
#   OUT=<dir>                  keep raw wrk output there (default: a temp dir, removed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-15}"
RUNS="${RUNS:-3}"
IDENTITY_PORT="${IDENTITY_PORT:-25101}"
CATALOG_PORT="${CATALOG_PORT:-25102}"
NGINX_PORT="${NGINX_PORT:-28081}"
GATEWAY_PORT="${GATEWAY_PORT:-28080}"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl dotnet awk nginx; do command -v "$tool" >/dev/null || die "$tool is required (nginx: apt-get install -y nginx)"; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-bench-gateway.XXXXXX")"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR" "$WORK/data" "$WORK/nginx"
PIDS=()

cleanup() {
    local rc=$?
    local p
    for p in "${PIDS[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
        kill -KILL -- "-$p" 2>/dev/null || true
    done
    [ -f "$WORK/nginx/nginx.pid" ] && kill -TERM "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() { # wait_ready URL NAME
    for _ in $(seq 240); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.5
    done
    die "$2 did not become ready at $1 (log: $WORK/$2.log)"
}

start() { # start NAME DLL_DIR DLL ENV... : from its output folder, in its own process group
    local name="$1" dir="$2" dll="$3"; shift 3
    (cd "$dir" && exec setsid env ASPNETCORE_ENVIRONMENT=Production "$@" dotnet "$dll" >"$WORK/$name.log" 2>&1) &
    PIDS+=("$!")
}

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release (Identity, Catalog, Gateway)"
    for p in src/Services/Identity src/Services/Catalog src/Agora.Gateway; do
        dotnet build -c Release "$REPO/$p" -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build of $p failed"; }
    done
fi

IDENTITY_URL="http://127.0.0.1:$IDENTITY_PORT"
CATALOG_URL="http://127.0.0.1:$CATALOG_PORT"
log "starting Identity on $IDENTITY_PORT and Catalog on $CATALOG_PORT (embedded, SQLite in $WORK/data)"
start identity "$REPO/src/Services/Identity/bin/Release/net10.0" Agora.Identity.dll \
    Kestrel__Endpoints__Http__Url="$IDENTITY_URL" Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$((IDENTITY_PORT + 2000))" \
    Agora__Messaging__ListenPort=$((IDENTITY_PORT + 1000)) Agora__DataDirectory="$WORK/data" \
    Identity__Issuer="$IDENTITY_URL/" Identity__SeedDemoAccounts=true Agora__Auth__Authority="$IDENTITY_URL/"
start catalog "$REPO/src/Services/Catalog/bin/Release/net10.0" Agora.Catalog.dll \
    Kestrel__Endpoints__Http__Url="$CATALOG_URL" Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$((CATALOG_PORT + 2000))" \
    Agora__Messaging__ListenPort=$((CATALOG_PORT + 1000)) Agora__DataDirectory="$WORK/data" Agora__Auth__Authority="$IDENTITY_URL/"
wait_ready "$IDENTITY_URL/health/ready" identity
wait_ready "$CATALOG_URL/health/ready" catalog

TOKEN="$(curl -fs "$IDENTITY_URL/connect/token" -d grant_type=client_credentials -d client_id=agora-scripts \
    -d client_secret=agora-scripts-secret -d 'scope=read:catalog' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')"
[ -n "$TOKEN" ] || die "no access token from Identity"
ID="$(curl -fs "$CATALOG_URL/api/v1/products?per_page=1" | grep -o '"id":"prd_[0-9a-zA-Z]*"' | head -1 | cut -d'"' -f4)"
[ -n "$ID" ] || die "no product id from Catalog"
PATH_UNDER_TEST="/api/v1/products/$ID"
log "endpoint $PATH_UNDER_TEST, token from $IDENTITY_URL"

# nginx: a bare reverse proxy on loopback, HTTP/1.1 keep-alive to Catalog, no logging (the gateway's request log is
# off by default too: its JSON logs are at Information and a proxied 200 writes no line).
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
    upstream catalog { server 127.0.0.1:$CATALOG_PORT; keepalive 128; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://catalog;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" || die "nginx did not start"

# The gateway with its own appsettings.json, pointed at these ports: the products route requires a bearer token
# (policy "user") so every request is validated at the edge; other clusters' active probes are off (nothing to probe).
GW_ENV=(
    Kestrel__Endpoints__Http__Url="http://127.0.0.1:$GATEWAY_PORT"
    Agora__Auth__Authority="$IDENTITY_URL/"
    Gateway__ApiKeys__IdentityUrl="$IDENTITY_URL/"
    "ReverseProxy__Routes__products-v1-read__AuthorizationPolicy=user"
    "ReverseProxy__Clusters__catalog__Destinations__catalog-1__Address=$CATALOG_URL/"
)
for c in identity ordering payment shipping notification search; do GW_ENV+=("ReverseProxy__Clusters__${c}__HealthCheck__Active__Enabled=false"); done
start gateway "$REPO/src/Agora.Gateway/bin/Release/net10.0" Agora.Gateway.dll "${GW_ENV[@]}"
wait_ready "http://127.0.0.1:$GATEWAY_PORT/health/ready" gateway
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT$PATH_UNDER_TEST")" = 401 ] \
    || die "the gateway route does not require a token"
for url in "$CATALOG_URL" "http://127.0.0.1:$NGINX_PORT" "http://127.0.0.1:$GATEWAY_PORT"; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url$PATH_UNDER_TEST")"
    [ "$code" = 200 ] || die "GET $url$PATH_UNDER_TEST answered $code"
done

declare -A URL=([direct]="$CATALOG_URL" [nginx]="http://127.0.0.1:$NGINX_PORT" [gateway]="http://127.0.0.1:$GATEWAY_PORT")
TARGETS=(direct nginx gateway)

run_wrk() { # run_wrk TARGET SECONDS -> RESULT line
    local out
    out="$(timeout $(($2 + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -s "$HERE/get.lua" "${URL[$1]}" -- "$PATH_UNDER_TEST" "$TOKEN")" \
        || die "wrk failed for $1"
    printf '%s\n' "$out" >>"$OUT_DIR/wrk-$1.txt"
    printf '%s\n' "$out" | grep '^RESULT ' | tail -n1
}

for t in "${TARGETS[@]}"; do
    log "warming up $t for ${WARMUP}s"
    run_wrk "$t" "$WARMUP" >/dev/null
done

declare -A RESULTS
for r in $(seq "$RUNS"); do
    for t in "${TARGETS[@]}"; do
        line="$(run_wrk "$t" "$DURATION")"
        log "run $r $t: $line (load $(cut -d' ' -f1 /proc/loadavg))"
        RESULTS[$t]+="$line"$'\n'
    done
done

field() { printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A RPS P50 P99 ALL
for t in "${TARGETS[@]}"; do
    RPS[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field rps "$l"; done | median)"
    P50[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field p50 "$l"; done | median)"
    P99[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field p99 "$l"; done | median)"
    ALL[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && printf '%.0f ' "$(field rps "$l")"; done)"
    errs="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && echo $(( $(field non2xx "$l") + $(field sockerr "$l") )); done | paste -sd+ | bc)"
    [ "$errs" = 0 ] || log "WARNING: $t had $errs non-2xx responses or socket errors"
done

echo
echo "| target | req/s (median) | p50 ms | p99 ms | req/s of each run |"
echo "| --- | ---: | ---: | ---: | --- |"
for t in "${TARGETS[@]}"; do
    awk -v t="$t" -v r="${RPS[$t]}" -v a="${P50[$t]}" -v b="${P99[$t]}" -v all="${ALL[$t]}" \
        'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %s |\n", t, r, a / 1000, b / 1000, all }'
done
echo
awk -v g="${RPS[gateway]}" -v n="${RPS[nginx]}" -v d="${RPS[direct]}" -v gp="${P99[gateway]}" -v dp="${P99[direct]}" -v np="${P99[nginx]}" 'BEGIN {
    printf "gateway / nginx req/s: %.2fx (target >= 0.80x: %s)\n", g / n, (g / n >= 0.8 ? "met" : "missed")
    printf "gateway / direct req/s: %.2fx; nginx / direct: %.2fx\n", g / d, n / d
    printf "gateway p99 - direct p99: %+.2f ms (target <= +1 ms: %s); nginx p99 - direct: %+.2f ms\n",
        (gp - dp) / 1000, ((gp - dp) / 1000 <= 1 ? "met" : "missed"), (np - dp) / 1000 }'
