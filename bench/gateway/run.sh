#!/usr/bin/env bash
# Gateway overhead benchmark: the same cached Catalog GET, in one run, three ways:
#   direct    wrk -> Catalog
#   nginx     wrk -> nginx (Debian package, a bare reverse proxy with upstream keep-alive) -> Catalog
#   yarp-bare wrk -> YARP with one route and nothing else (bench/gateway/BareYarp) -> Catalog: .NET proxying's floor
#   gateway   wrk -> Agora gateway (YARP; JWT validated at the edge on a route that requires it, rate limiting with
#             its response headers, deprecation headers, transforms, retries/breaker/outlier handler, OpenTelemetry
#             tracing and metrics, JSON logs) -> Catalog
# Every request carries the same bearer token (an RS256 access token from the real Identity), so the three differ only
# in what sits in front of Catalog. All the load comes from one consumer (one token), so the route's rate-limit policy
# ("burst", a token bucket) gets limits far above reach: every request runs the full check-and-update and carries the
# X-RateLimit-* and RateLimit headers, and none is refused. The embedded store (in-process) by default; with
# GATEWAY_REDIS=host:port a fourth target, "gateway-redis", is a second gateway whose limits live in that Redis (the
# distributed mode's store: one EVALSHA round trip per request).
#
# Two phases, one table each:
#   1. throughput: wrk at CONNECTIONS, as fast as each target answers (closed loop, saturates the 2 cores)
#   2. latency at a fixed offered rate (LATENCY_RATE req/s from LATENCY_CONNECTIONS connections that pause between
#      requests): what a proxy adds to each request when the machine is not saturated, which is what "p99 over direct"
#      means; at saturation wrk, the proxy and Catalog queue for the same two cores and p99 measures the queue.
#
#   bench/gateway/run.sh
#
# Builds Release (once), starts Identity (for the token and its JWKS) and Catalog in the embedded mode from their
# output folders on loopback ports, nginx with a config written to a temp dir, and the gateway, waits for each, warms
# every target up, then runs the targets RUNS times round-robin and prints a markdown table of the medians with the
# ratios the issue asks for. Everything is stopped and the temp dir removed on exit, also on Ctrl-C.
#
# Targets (issue): gateway >= 0.8x nginx's req/s (phase 1), and gateway p99 <= direct p99 + 1 ms (phase 2).
#
# Knobs (environment)
#   THREADS=2 CONNECTIONS=64 DURATION=15 (s) WARMUP=15 (s per target) RUNS=3
#   LATENCY_RATE=1000 LATENCY_CONNECTIONS=10 (phase 2; LATENCY_RATE=0 skips it)   THROUGHPUT=0 skips phase 1   GATEWAY_REDIS=host:port (optional)
#   NO_BUILD=1                 skip the Release build
#   EXTRA_ENV="A=1 B=2"        more environment for every .NET process (Identity, Catalog, gateways)
#   GATEWAY_ENV="A=1 B=2"      more environment for the gateways only
#   HOLD=1                     start everything, check it, then keep it running (for profiling) instead of measuring
#   IDENTITY_PORT=25101 CATALOG_PORT=25102 NGINX_PORT=28081 GATEWAY_PORT=28080 GATEWAY_REDIS_PORT=28082 YARP_PORT=28083 (gRPC and message ports: +2000 / +1000)
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
GATEWAY_REDIS_PORT="${GATEWAY_REDIS_PORT:-28082}"
YARP_PORT="${YARP_PORT:-28083}"

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
    # shellcheck disable=SC2086 # EXTRA_ENV is a list of NAME=value words
    (cd "$dir" && exec setsid env ASPNETCORE_ENVIRONMENT=Production ${EXTRA_ENV:-} "$@" dotnet "$dll" >"$WORK/$name.log" 2>&1) &
    PIDS+=("$!")
}

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release (Identity, Catalog, Gateway)"
    for p in src/Services/Identity src/Services/Catalog src/Agora.Gateway bench/gateway/BareYarp; do
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
    # The route's own policy, with limits one consumer cannot reach in a run: checked and counted on every request.
    Agora__RateLimiting__Policies__burst__Capacity=1000000000
    Agora__RateLimiting__Policies__burst__RefillPerSecond=1000000000
    # Likewise the per-address ceiling before authentication (every request of the run comes from one address).
    Agora__RateLimiting__Policies__address__Capacity=1000000000
    Agora__RateLimiting__Policies__address__RefillPerSecond=1000000000
)
for c in identity ordering payment shipping notification search; do GW_ENV+=("ReverseProxy__Clusters__${c}__HealthCheck__Active__Enabled=false"); done
# shellcheck disable=SC2206 # GATEWAY_ENV is a list of NAME=value words
GW_ENV+=(${GATEWAY_ENV:-})
start gateway "$REPO/src/Agora.Gateway/bin/Release/net10.0" Agora.Gateway.dll "${GW_ENV[@]}"
start yarp-bare "$HERE/BareYarp/bin/Release/net10.0" BareYarp.dll Urls="http://127.0.0.1:$YARP_PORT" Destination="$CATALOG_URL/"
declare -A URL=([direct]="$CATALOG_URL" [nginx]="http://127.0.0.1:$NGINX_PORT" [yarp-bare]="http://127.0.0.1:$YARP_PORT"
    [gateway]="http://127.0.0.1:$GATEWAY_PORT")
TARGETS=(direct nginx yarp-bare gateway)
if [ -n "${GATEWAY_REDIS:-}" ]; then
    start gateway-redis "$REPO/src/Agora.Gateway/bin/Release/net10.0" Agora.Gateway.dll "${GW_ENV[@]}" \
        Kestrel__Endpoints__Http__Url="http://127.0.0.1:$GATEWAY_REDIS_PORT" \
        Agora__RateLimiting__Store=Redis Agora__RateLimiting__Redis="$GATEWAY_REDIS" Agora__RateLimiting__FaultTolerant=false
    URL[gateway-redis]="http://127.0.0.1:$GATEWAY_REDIS_PORT"
    TARGETS+=(gateway-redis)
fi
for t in "${TARGETS[@]}"; do
    case "$t" in gateway*) wait_ready "${URL[$t]}/health/ready" "$t";; esac
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT$PATH_UNDER_TEST")" = 401 ] \
    || die "the gateway route does not require a token"
for _ in $(seq 40); do curl -fs -o /dev/null "${URL[yarp-bare]}$PATH_UNDER_TEST" && break; sleep 0.5; done # no health endpoint
for t in "${TARGETS[@]}"; do
    headers="$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "${URL[$t]}$PATH_UNDER_TEST")"
    printf '%s' "$headers" | head -1 | grep -q ' 200' || die "GET ${URL[$t]}$PATH_UNDER_TEST answered: $(printf '%s' "$headers" | head -1)"
    case "$t" in gateway*)
        printf '%s' "$headers" | grep -qi '^X-RateLimit-Remaining:' || die "$t answered without rate-limit headers"
        log "$t rate limit: $(printf '%s' "$headers" | grep -i '^RateLimit-Policy:' | tr -d '\r')";;
    esac
done

if [ -n "${HOLD:-}" ]; then # for profiling: leave everything running until this script is stopped
    for t in "${TARGETS[@]}"; do log "holding: $t at ${URL[$t]}$PATH_UNDER_TEST"; done
    printf '%s\n' "$TOKEN" >"${OUT_DIR}/token"
    log "holding (token in $OUT_DIR/token); stop with Ctrl-C"
    sleep infinity & wait $! # wait, unlike a foreground sleep, lets the INT/TERM trap run at once
fi

run_wrk() { # run_wrk TARGET SECONDS [CONNECTIONS PAUSE_MS] -> RESULT line
    local out
    out="$(WRK_PAUSE_MS="${4:-}" timeout $(($2 + 60)) wrk -t"$THREADS" -c"${3:-$CONNECTIONS}" -d"${2}s" --latency -s "$HERE/get.lua" "${URL[$1]}" -- "$PATH_UNDER_TEST" "$TOKEN")" \
        || die "wrk failed for $1"
    printf '%s\n' "$out" >>"$OUT_DIR/wrk-$1.txt"
    printf '%s\n' "$out" | grep '^RESULT ' | tail -n1
}

for t in "${TARGETS[@]}"; do
    log "warming up $t for ${WARMUP}s"
    run_wrk "$t" "$WARMUP" >/dev/null
done

field() { printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A RESULTS RPS P50 P99 ALL

measure() { # measure PHASE [CONNECTIONS PAUSE_MS]: RUNS rounds over the targets, then the medians per target
    local phase="$1" r t line errs
    for t in "${TARGETS[@]}"; do RESULTS[$t]=""; done
    for r in $(seq "$RUNS"); do
        for t in "${TARGETS[@]}"; do
            line="$(run_wrk "$t" "$DURATION" "${2:-}" "${3:-}")"
            log "$phase run $r $t: $line (load $(cut -d' ' -f1 /proc/loadavg))"
            RESULTS[$t]+="$line"$'\n'
        done
    done
    for t in "${TARGETS[@]}"; do
        RPS[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field rps "$l"; done | median)"
        P50[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field p50 "$l"; done | median)"
        P99[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && field p99 "$l"; done | median)"
        ALL[$t]="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && printf '%.0f ' "$(field rps "$l")"; done)"
        errs="$(printf '%s' "${RESULTS[$t]}" | while read -r l; do [ -n "$l" ] && echo $(( $(field non2xx "$l") + $(field sockerr "$l") )); done | paste -sd+ | bc)"
        [ "$errs" = 0 ] || log "WARNING: $t had $errs non-2xx responses or socket errors in $phase"
    done
}

table() { # table TITLE
    local t
    echo
    echo "$1"
    echo
    echo "| target | req/s (median) | p50 ms | p99 ms | req/s of each run |"
    echo "| --- | ---: | ---: | ---: | --- |"
    for t in "${TARGETS[@]}"; do
        awk -v t="$t" -v r="${RPS[$t]}" -v a="${P50[$t]}" -v b="${P99[$t]}" -v all="${ALL[$t]}" \
            'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %s |\n", t, r, a / 1000, b / 1000, all }'
    done
    echo
}

if [ "${THROUGHPUT:-1}" != 0 ]; then
measure throughput
table "Phase 1, throughput: $CONNECTIONS connections, closed loop"
for g in "${TARGETS[@]}"; do
    case "$g" in gateway*) ;; *) continue;; esac
    awk -v name="$g" -v g="${RPS[$g]}" -v n="${RPS[nginx]}" -v d="${RPS[direct]}" -v y="${RPS[yarp-bare]}" 'BEGIN {
        printf "- %s / nginx req/s: %.2fx (target >= 0.80x: %s); %s / yarp-bare: %.2fx; %s / direct: %.2fx\n",
            name, g / n, (g / n >= 0.8 ? "met" : "missed"), name, g / y, name, g / d }'
done
awk -v n="${RPS[nginx]}" -v d="${RPS[direct]}" -v y="${RPS[yarp-bare]}" 'BEGIN {
    printf "- yarp-bare / nginx req/s: %.2fx; nginx / direct: %.2fx\n", y / n, n / d }'
awk -v gp="${P99[gateway]}" -v dp="${P99[direct]}" -v np="${P99[nginx]}" 'BEGIN {
    printf "- at saturation: gateway p99 - direct p99 %+.2f ms; nginx p99 - direct %+.2f ms\n", (gp - dp) / 1000, (np - dp) / 1000 }'
fi

if [ "${LATENCY_RATE:-1000}" != 0 ]; then
    LC="${LATENCY_CONNECTIONS:-10}"
    PAUSE="$(awk -v c="$LC" -v r="${LATENCY_RATE:-1000}" 'BEGIN { printf "%d", c * 1000 / r }')"
    measure latency "$LC" "$PAUSE"
    table "Phase 2, latency at ~${LATENCY_RATE:-1000} req/s offered: $LC connections, each pausing ${PAUSE} ms after every response"
    for g in "${TARGETS[@]}"; do
        case "$g" in gateway*) ;; *) continue;; esac
        awk -v name="$g" -v gp="${P99[$g]}" -v dp="${P99[direct]}" -v np="${P99[nginx]}" -v g5="${P50[$g]}" -v d5="${P50[direct]}" 'BEGIN {
            printf "- %s p99 - direct p99: %+.2f ms (target <= +1 ms: %s); p50 %+.2f ms; nginx p99 - direct: %+.2f ms\n",
                name, (gp - dp) / 1000, ((gp - dp) / 1000 <= 1 ? "met" : "missed"), (g5 - d5) / 1000, (np - dp) / 1000 }'
    done
fi
