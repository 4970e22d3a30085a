#!/usr/bin/env bash
# Catalog HTTP benchmark with wrk, directly against one Catalog process (no AppHost, no gateway).
#
#   bench/catalog/run.sh [embedded|distributed|both]      (default: both)
#
# For each mode it builds Release (once), starts Catalog from its output folder (so appsettings.json is the
# content root's, as in a deployment) on loopback ports, waits for /health/ready, warms every scenario up (JIT
# tiering needs ~20 s of load on 2 cores), then runs each scenario RUNS times, round-robin so that background
# noise spreads evenly, and prints a markdown table of the medians. Catalog is stopped and everything the script
# created (temp folder, bench database, RabbitMQ queue, Redis keys) is removed on exit, also on Ctrl-C.
#
# Scenarios
#   get_by_id    GET /api/v1/products/{id}, rotating over 100 product ids (all cached after warm-up)
#   list         GET /api/v1/products?category=<Electronics>&min_price=10000&max_price=300000&sort=price&per_page=20
#   health_live  GET /health/live: the framework floor (middleware + routing + a tiny JSON body), no database
#
# Targets (issue): get_by_id >= 20,000 req/s with p99 < 10 ms at 64 connections; list >= 5,000 req/s.
#
# Knobs (environment)
#   THREADS=2 CONNECTIONS=64 DURATION=20 (s) WARMUP=20 (s per scenario) RUNS=3
#   SCENARIOS="get_by_id list health_live"
#   NO_BUILD=1              skip the Release build
#   CATALOG_DLL=<path>      run this build of Agora.Catalog.dll instead (e.g. a copy of another commit's output; implies NO_BUILD)
#   CATALOG_ENV="K=V ..."   extra environment for Catalog (e.g. OTEL_SDK_DISABLED=true)
#   HTTP_PORT=15102 GRPC_PORT=17102 MSG_PORT=16102
#   MAX_LOAD=0              if > 0: before each run wait (at most 120 s) until the 1-min load average is below it
#   OUT=<dir>               keep raw wrk output and the table there (default: a temp dir, removed)
#   Distributed mode: AGORA_TEST_POSTGRES, AGORA_TEST_RABBITMQ, AGORA_TEST_REDIS (defaults: the ports of
#   scripts/servers.sh); REDIS_DB=11 (a Redis database of its own, so other instances' cache entries never mix in).
#   If the servers are down and scripts/servers.sh exists, it starts them and stops them again at the end;
#   servers that were already running are left alone.
set -euo pipefail

MODE="${1:-both}"
case "$MODE" in embedded | distributed | both) ;; *) echo "usage: $0 [embedded|distributed|both]" >&2; exit 64 ;; esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-20}"
RUNS="${RUNS:-3}"
SCENARIOS="${SCENARIOS:-get_by_id list health_live}"
HTTP_PORT="${HTTP_PORT:-15102}"
GRPC_PORT="${GRPC_PORT:-17102}"
MSG_PORT="${MSG_PORT:-16102}"
MAX_LOAD="${MAX_LOAD:-0}"
CATALOG_ENV="${CATALOG_ENV:-}"
PG="${AGORA_TEST_POSTGRES:-Host=127.0.0.1;Port=55432;Username=agora;Password=agora}"
RMQ="${AGORA_TEST_RABBITMQ:-amqp://agora:agora@127.0.0.1:55672/}"
REDIS="${AGORA_TEST_REDIS:-127.0.0.1:56379}"
REDIS_DB="${REDIS_DB:-11}"
BASE="http://127.0.0.1:$HTTP_PORT"
DLL="${CATALOG_DLL:-$REPO/src/Services/Catalog/bin/Release/net10.0/Agora.Catalog.dll}"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl dotnet awk; do command -v "$tool" >/dev/null || die "$tool is required"; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-bench-catalog.XXXXXX")"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR"
CATALOG_PID=""
SERVER_PIDS=""
CURRENT_MODE=""
STARTED_SERVERS=""
BENCH_DB=""
BENCH_QUEUE=""

# ------------------------------------------------------------------ cleanup --

stop_catalog() {
    [ -n "$CATALOG_PID" ] || return 0
    if kill -0 "$CATALOG_PID" 2>/dev/null; then
        kill -TERM -- "-$CATALOG_PID" 2>/dev/null || kill -TERM "$CATALOG_PID" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$CATALOG_PID" 2>/dev/null || break; sleep 0.25; done
        kill -KILL -- "-$CATALOG_PID" 2>/dev/null || true
    fi
    CATALOG_PID=""
}

pg_kv() { # pg_kv Key -> value from the Npgsql connection string
    printf '%s' "$PG" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, index($0, "=") + 1) }'
}

psql_admin() {
    PGPASSWORD="$(pg_kv Password)" PGCONNECT_TIMEOUT=5 psql -X -q -At \
        "host=$(pg_kv Host) port=$(pg_kv Port) user=$(pg_kv Username) dbname=postgres" "$@"
}

rmq_mgmt_url() { # amqp://user:pass@host:port/ -> http://user:pass@host:(port+2)/api (servers.sh layout)
    local hostport="${RMQ#*@}"; hostport="${hostport%%/*}"
    local cred="${RMQ#amqp://}"; cred="${cred%%@*}"
    echo "http://$cred@${hostport%%:*}:$(( ${hostport##*:} + 2 ))/api"
}

cleanup_distributed() {
    if [ -n "$BENCH_DB" ]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 \
            || log "could not drop database $BENCH_DB"
        BENCH_DB=""
    fi
    if [ -n "$BENCH_QUEUE" ]; then
        curl -s -o /dev/null -X DELETE "$(rmq_mgmt_url)/queues/%2F/$BENCH_QUEUE" || true
        BENCH_QUEUE=""
    fi
    if command -v redis-cli >/dev/null; then
        redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" -n "$REDIS_DB" --scan --pattern 'agora:catalog:*' 2>/dev/null \
            | xargs -r redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" -n "$REDIS_DB" del >/dev/null 2>&1 || true
    fi
}

cleanup() {
    local rc=$?
    stop_catalog
    cleanup_distributed
    if [ -n "$STARTED_SERVERS" ]; then
        log "stopping the servers this script started"
        bash "$REPO/scripts/servers.sh" stop || true
    fi
    rm -rf "$WORK"  # with OUT set, the raw output lives there, outside WORK
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ helpers --

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_load() {
    awk -v m="$MAX_LOAD" 'BEGIN { exit !(m > 0) }' || return 0
    local deadline=$((SECONDS + 120))
    while awk -v m="$MAX_LOAD" '{ exit !($1 >= m) }' /proc/loadavg && [ "$SECONDS" -lt "$deadline" ]; do sleep 5; done
}

proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat; }
children_ticks() { # CHILD_TICKS = user+sys of the finished children of this shell, in clock ticks
    # Neither in a pipe nor in $(...): a subshell has no children of its own yet.
    times >"$WORK/times"
    CHILD_TICKS="$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
        n = split($0, a, " "); s = 0
        for (i = 1; i <= n; i++) { split(a[i], p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
        printf "%d\n", s * hz }' "$WORK/times")"
}

# run_wrk NAME DURATION -> prints the RESULT line (+ cpu figures) of wrk
run_wrk() {
    local name="$1" secs="$2" script arg
    case "$name" in
        get_by_id) script="$HERE/get_product.lua"; arg="$WORK/ids.txt" ;;
        list) script="$HERE/list_products.lua"; arg="$LIST_PATH" ;;
        health_live) script="$HERE/list_products.lua"; arg="/health/live" ;;
        *) die "unknown scenario $name" ;;
    esac
    local c0 m0 t0 w0 s0 c1 m1 t1 w1 s1 out
    c0="$(proc_ticks "$CATALOG_PID")"; read -r m0 t0 < <(machine_ticks); children_ticks; w0=$CHILD_TICKS
    s0="$(server_ticks)"
    out="$(timeout $((secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency -s "$script" "$BASE" -- "$arg")" \
        || die "wrk failed for $name"
    c1="$(proc_ticks "$CATALOG_PID")"; read -r m1 t1 < <(machine_ticks); children_ticks; w1=$CHILD_TICKS
    s1="$(server_ticks)"
    printf '%s\n' "$out" >>"$OUT_DIR/wrk-$CURRENT_MODE-$name.txt"
    local result
    result="$(printf '%s\n' "$out" | grep '^RESULT ' | tail -n1)"
    [ -n "$result" ] || die "no RESULT line from wrk for $name"
    # CPU over the run, in % of one core: Catalog, wrk, the servers working for this Catalog (distributed: its
    # PostgreSQL backends and Redis), and everything else on the machine (the noise).
    awk -v r="$result" -v cat=$((c1 - c0)) -v wrk=$((w1 - w0)) -v srv=$((s1 - s0)) -v busy=$((m1 - m0)) \
        -v tot=$((t1 - t0)) -v n="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
            cores = n * 100 / tot  # % of one core per tick of the machine counter
            split(r, kv, "rps="); split(kv[2], v, " "); rps = v[1] + 0
            # CPU time per request (Catalog, and Catalog + its servers): far less sensitive to noise than req/s.
            printf "%s catalog_cpu=%.0f wrk_cpu=%.0f servers_cpu=%.0f other_cpu=%.0f load1=%s cpu_us=%.1f cpu_us_all=%.1f\n",
                r, cat * cores, wrk * cores, srv * cores, (busy - cat - wrk - srv) * cores, load,
                (rps > 0 ? cat * cores * 1e4 / rps : 0), (rps > 0 ? (cat + srv) * cores * 1e4 / rps : 0) }'
}

# Distributed mode: CPU ticks of this Catalog's PostgreSQL backends and of redis-server (SERVER_PIDS).
server_ticks() {
    local t=0 p
    for p in $SERVER_PIDS; do t=$((t + $(proc_ticks "$p"))); done
    echo "$t"
}

find_server_pids() {
    SERVER_PIDS=""
    [ "$CURRENT_MODE" = distributed ] || return 0
    SERVER_PIDS="$(psql_admin -c "SELECT pid FROM pg_stat_activity WHERE datname = '$BENCH_DB'" 2>/dev/null | tr '\n' ' ' || true)"
    if command -v redis-cli >/dev/null; then
        SERVER_PIDS+=" $(redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" info server 2>/dev/null | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }')"
    fi
}

field() { # field KEY LINE
    printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# -------------------------------------------------------------------- modes --

start_catalog() {
    local mode="$1"
    local data="$WORK/data/$mode"
    mkdir -p "$data"
    local env=(
        ASPNETCORE_ENVIRONMENT=Production
        "Kestrel__Endpoints__Http__Url=$BASE"
        "Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:$GRPC_PORT"
        "Agora__Messaging__ListenPort=$MSG_PORT"
        "Agora__DataDirectory=$data"
    )
    if [ "$mode" = distributed ]; then
        BENCH_DB="agora_bench_catalog_$$"
        BENCH_QUEUE="agora.catalog.bench.$$"
        env+=(
            Agora__Mode=Distributed
            "ConnectionStrings__postgres=$PG"
            "ConnectionStrings__catalogdb=$PG;Database=$BENCH_DB"
            "ConnectionStrings__rabbitmq=$RMQ"
            "ConnectionStrings__redis=$REDIS,defaultDatabase=$REDIS_DB"
            "Agora__Messaging__QueueName=$BENCH_QUEUE"
        )
    fi
    # shellcheck disable=SC2206 # CATALOG_ENV is a list of K=V words on purpose
    env+=($CATALOG_ENV)
    for p in "$HTTP_PORT" "$GRPC_PORT" "$MSG_PORT"; do
        port_open "$p" && die "port $p is in use (set HTTP_PORT/GRPC_PORT/MSG_PORT)"
    done
    log "$mode: starting Catalog on $BASE ${CATALOG_ENV:+($CATALOG_ENV)}"
    # From its output folder: that is the content root, so appsettings.json (log levels, Kestrel protocols) applies.
    (cd "$(dirname "$DLL")" && exec setsid env "${env[@]}" dotnet "$DLL" </dev/null >"$OUT_DIR/catalog-$mode.log" 2>&1) &
    CATALOG_PID=$!
    local deadline=$((SECONDS + 120)) code=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$CATALOG_PID" 2>/dev/null || { tail -n 20 "$OUT_DIR/catalog-$mode.log" >&2; die "Catalog exited during start"; }
        code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$BASE/health/ready" || true)"
        [ "$code" = 200 ] && break
        sleep 0.5
    done
    [ "$code" = 200 ] || { tail -n 20 "$OUT_DIR/catalog-$mode.log" >&2; die "Catalog not ready within 120 s"; }
}

prepare_requests() {
    curl -sf "$BASE/api/v1/products?per_page=100" | grep -o '"id":"prd_[0-9a-f]*"' | cut -d'"' -f4 >"$WORK/ids.txt"
    [ "$(wc -l <"$WORK/ids.txt")" -ge 100 ] || die "expected 100 product ids, got $(wc -l <"$WORK/ids.txt")"
    local cat
    cat="$(curl -sf "$BASE/api/v1/categories" | grep -o '"id":"cat_[0-9a-f]*","name":"Electronics"' | cut -d'"' -f4)"
    [ -n "$cat" ] || die "no Electronics category"
    LIST_PATH="/api/v1/products?category=$cat&min_price=10000&max_price=300000&sort=price&per_page=20"
    # Sanity: 200, the envelope and a request id, for each scenario.
    local url headers body
    for url in "/api/v1/products/$(head -n1 "$WORK/ids.txt")" "$LIST_PATH" "/health/live"; do
        headers="$(curl -s -D - -o "$WORK/body" "$BASE$url")"
        body="$(cat "$WORK/body")"
        printf '%s' "$headers" | head -n1 | grep -q ' 200' || die "GET $url: $(printf '%s' "$headers" | head -n1)"
        case "$url" in
            /api/*)
                printf '%s' "$headers" | grep -qi '^x-request-id: req_' || die "GET $url: no X-Request-ID"
                printf '%s' "$body" | grep -q '"meta":{"request_id":"req_' || die "GET $url: no envelope"
                ;;
        esac
    done
    log "list page: $LIST_PATH ($(printf '%s' "$(curl -s "$BASE$LIST_PATH")" | grep -o '"total":[0-9]*'))"
}

bench_mode() {
    CURRENT_MODE="$1"
    start_catalog "$CURRENT_MODE"
    prepare_requests
    local s i line
    for s in $SCENARIOS; do
        log "$CURRENT_MODE: warm-up $s (${WARMUP}s)"
        run_wrk "$s" "$WARMUP" >/dev/null
    done
    find_server_pids  # after the warm-up, when the connection pool is full
    for i in $(seq "$RUNS"); do
        for s in $SCENARIOS; do
            wait_load
            line="$(run_wrk "$s" "$DURATION")"
            echo "$CURRENT_MODE $s $i $line" >>"$OUT_DIR/runs.txt"
            log "$CURRENT_MODE $s run $i: $(printf '%s' "$line" | sed 's/^RESULT //')"
        done
    done
    stop_catalog
    [ "$CURRENT_MODE" = distributed ] && cleanup_distributed
    return 0
}

ensure_servers() {
    local pg_port rmq_port redis_port
    pg_port="$(pg_kv Port)"; rmq_port="${RMQ##*:}"; rmq_port="${rmq_port%%/*}"; redis_port="${REDIS##*:}"
    if port_open "$pg_port" && port_open "$rmq_port" && port_open "$redis_port"; then
        log "distributed: using the running PostgreSQL :$pg_port, RabbitMQ :$rmq_port, Redis :$redis_port (left running)"
        return 0
    fi
    [ -f "$REPO/scripts/servers.sh" ] || die "PostgreSQL/RabbitMQ/Redis are not running and scripts/servers.sh is missing"
    log "distributed: starting the test servers (scripts/servers.sh start); they are stopped at the end"
    STARTED_SERVERS=1
    bash "$REPO/scripts/servers.sh" start
}

# --------------------------------------------------------------------- main --

if [ -z "${NO_BUILD:-}" ] && [ -z "${CATALOG_DLL:-}" ]; then
    log "building Release"
    dotnet build "$REPO/src/Services/Catalog" -c Release -nologo -v q >"$WORK/build.log" 2>&1 \
        || { tail -n 30 "$WORK/build.log" >&2; die "build failed"; }
fi
[ -f "$DLL" ] || die "$DLL not found (build first)"

STARTED_AT="$(date -u '+%Y-%m-%d %H:%M UTC')"
case "$MODE" in
    embedded) bench_mode embedded ;;
    distributed) ensure_servers; bench_mode distributed ;;
    both) bench_mode embedded; ensure_servers; bench_mode distributed ;;
esac

# -------------------------------------------------------------------- table --

target() {
    case "$1" in
        get_by_id) echo ">= 20000 req/s, p99 < 10 ms" ;;
        list) echo ">= 5000 req/s" ;;
        *) echo "(floor)" ;;
    esac
}

verdict() { # verdict SCENARIO RPS P99MS
    case "$1" in
        get_by_id) awk -v r="$2" -v p="$3" 'BEGIN { printf "%.2fx req/s, p99 %.2fx of limit: %s", r / 20000, p / 10, (r >= 20000 && p < 10) ? "**met**" : "**missed**" }' ;;
        list) awk -v r="$2" 'BEGIN { printf "%.2fx: %s", r / 5000, (r >= 5000) ? "**met**" : "**missed**" }' ;;
        *) echo "-" ;;
    esac
}

{
    echo "Catalog wrk benchmark, $STARTED_AT, $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
    echo "${CATALOG_DLL:+build $CATALOG_DLL, }commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, warm-up ${WARMUP}s per scenario, medians of $RUNS runs${CATALOG_ENV:+; Catalog env: $CATALOG_ENV}"
    echo
    echo "| mode | scenario | req/s (median) | p50 ms | p90 ms | p99 ms | req/s of each run | CPU % Catalog / servers / other | CPU µs/req Catalog (+ servers) | load1 | target | vs. target |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | --- | --- |"
    for m in embedded distributed; do
        for s in $SCENARIOS; do
            rows="$(awk -v m="$m" -v s="$s" '$1 == m && $2 == s' "$OUT_DIR/runs.txt" 2>/dev/null || true)"
            [ -n "$rows" ] || continue
            col() { printf '%s\n' "$rows" | while read -r line; do field "$1" "$line"; done; }
            rps="$(col rps | median)"
            p50="$(col p50 | median)"; p90="$(col p90 | median)"; p99="$(col p99 | median)"
            each="$(col rps | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }')"
            other="$(col other_cpu | median)"; load="$(col load1 | median)"
            cat_cpu="$(col catalog_cpu | median)"; srv_cpu="$(col servers_cpu | median)"
            cpu_us="$(col cpu_us | median)"; cpu_us_all="$(col cpu_us_all | median)"
            p99ms="$(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')"
            printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s | %.0f / %.0f / %.0f | %.0f (%.0f) | %s | %s | %s |\n' "$m" "$s" "$rps" \
                "$(awk -v v="$p50" 'BEGIN { print v / 1000 }')" "$(awk -v v="$p90" 'BEGIN { print v / 1000 }')" "$p99ms" \
                "$each" "$cat_cpu" "$srv_cpu" "$other" "$cpu_us" "$cpu_us_all" "$load" "$(target "$s")" "$(verdict "$s" "$rps" "$p99ms")"
        done
    done
    echo
    echo "Medians over the runs. CPU in % of one core (the machine has $(( $(nproc) * 100 ))): Catalog; servers = its PostgreSQL backends + redis-server (distributed mode); other = everything else except wrk (other agents' builds and tests: the noise). CPU µs/req = Catalog CPU time per request (in parentheses with its servers' CPU), the figure least affected by noise. load1 = 1-minute load average at the end of each run."
} | tee "$OUT_DIR/table.md"
[ -z "${OUT:-}" ] || log "raw output in $OUT_DIR"
