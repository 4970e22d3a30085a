#!/usr/bin/env bash
# Order benchmark (issue 4): places orders through the real services for a fixed time and reports orders placed and
# confirmed per second and the p50/p99 time from POST to confirmed, in either mode.
#
#   bench/orders/run.sh [embedded|distributed|both]      (default: both)
#
# For each mode it builds Release (once), starts every service the saga needs from its output folder (so its
# appsettings.json applies) on OFFSET loopback ports (never the AppHost's 51xx/61xx/71xx, so end-to-end tests can run
# at the same time), waits for /health/ready, runs the load generator (bench/orders, C#), and stops everything on exit,
# also on Ctrl-C. Embedded: SQLite files in a temp dir, Wolverine TCP between the processes. Distributed: throwaway
# PostgreSQL databases agora_bench_<service>_<pid> (dropped after), RabbitMQ exchanges and queues under the namespace
# agora-bench-<pid> (deleted after), Redis database 12 (its agora keys deleted after).
#
#   service       HTTP   gRPC   messages (embedded)
#   identity      25101  27101  26101
#   catalog       25102  27102  26102
#   ordering      25103         26103
#   payment       25104  27104  26104
#   shipping      25105         26105
#   notification  25106         26106
#   search        25107         26107   (subscribes to Catalog's stock events: without it, embedded Catalog's outbox
#                                        keeps retrying an unreachable peer and its CPU per order triples)
#   psp simulator 25190
#
# The generator (see bench/orders/LoadGenerator.cs) creates PRODUCTS bench products with STOCK units each through
# Catalog's admin API (client credentials), registers CUSTOMERS customers and signs them in through Identity's login
# page (authorization code + PKCE), then places orders (1–3 lines, 1–3 units, seeded mix) for WARMUP + LEAD_IN +
# DURATION seconds, drains, and reads every order's event stream: the time to confirmed is Ordering's own timestamp of
# the order_confirmed event minus the time the POST was due, so nothing polls the orders while the load runs. Then it
# checks that every order is terminal and that stock is conserved, and prints a markdown table (medians over RUNS).
#
# Targets (issue): distributed >= 200 confirmed orders/s with p99 < 1 s; embedded >= 50 confirmed orders/s.
#
# Knobs (environment)
#   RATE=<orders/s>         open loop at this rate (default: 220 distributed, 60 embedded: 10-20 % above the targets,
#                           since an open loop confirms at most what it offers; RATE_EMBEDDED /
#                           RATE_DISTRIBUTED set one mode only); a list ("10 20 40") sweeps the rates in turn on the
#                           same services, the first after WARMUP, the others after WARMUP_NEXT=15 seconds
#   WARMUP_RATE=<orders/s>  the warm-up's rate (default: the measured rate, at most 20: the warm-up is for the JIT)
#   CONCURRENCY=<n>         closed loop instead: n clients, each POSTing its next order when the last one answered
#   DURATION=30 WARMUP=60 LEAD_IN=5 RUNS=3 (seconds, runs; the warm-up is drained before run 1: on 2 busy cores
#                           the JIT is still tiering up the services for the first minute of load)
#   CUSTOMERS=8 PRODUCTS=40 STOCK=1000000 SEED=4 DRAIN_TIMEOUT=600 PROGRESS=5
#   NO_BUILD=1              skip the Release build
#   SERVICE_ENV="K=V ..."   extra environment for every service (e.g. Logging__LogLevel__Default=Warning)
#   OUT=<dir>               keep the services' logs, the raw results (JSON, one CSV row per order) and the table there
#   TLS=mutual              every hop between the services over mutual TLS (Agora:Tls:Mode=Mutual, certificates from
#                           scripts/certs.sh in a temp folder; the generator presents the gateway's); default plain
#   PG_EXTRA="K=V;..."      distributed: appended to every service's connection string (e.g. "Options=-c log_statement=all"
#                           to see each service's statements in the PostgreSQL server log)
#   Distributed mode: AGORA_TEST_POSTGRES, AGORA_TEST_RABBITMQ, AGORA_TEST_REDIS (defaults: scripts/servers.sh ports);
#   if they are down and scripts/servers.sh exists, it starts them (and stops them at the end if none was running).
set -euo pipefail

MODE="${1:-both}"
case "$MODE" in embedded | distributed | both) ;; *) echo "usage: $0 [embedded|distributed|both]" >&2; exit 64 ;; esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SERVICE_ENV="${SERVICE_ENV:-}"
WARMUP="${WARMUP:-60}"
WARMUP_NEXT="${WARMUP_NEXT:-15}"
PG="${AGORA_TEST_POSTGRES:-Host=127.0.0.1;Port=55432;Username=agora;Password=agora}"
RMQ="${AGORA_TEST_RABBITMQ:-amqp://agora:agora@127.0.0.1:55672/}"
REDIS="${AGORA_TEST_REDIS:-127.0.0.1:56379}"
REDIS_DB="${REDIS_DB:-12}"
NS="agora-bench-$$"
DB_PREFIX="agora_bench_"
DB_SUFFIX="_$$"

# name http grpc msg project
SERVICES=(
    "identity 25101 27101 26101 Identity"
    "catalog 25102 27102 26102 Catalog"
    "payment 25104 27104 26104 Payment"
    "shipping 25105 - 26105 Shipping"
    "notification 25106 - 26106 Notification"
    "ordering 25103 - 26103 Ordering"
    "search 25107 - 26107 Search"
)
PSP_PORT=25190
case "${TLS:-plain}" in plain) SCHEME=http ;; mutual) SCHEME=https ;; *) echo "TLS is plain or mutual, not ${TLS}" >&2; exit 64 ;; esac

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in curl dotnet awk; do command -v "$tool" >/dev/null || die "$tool is required"; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-bench-orders.XXXXXX")"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR"
PIDS=()
NAMES=()
STARTED_SERVERS=""
CURRENT_MODE=""
DISTRIBUTED_USED=""

# ------------------------------------------------------------------ cleanup --

stop_services() {
    local i p
    for p in "${PIDS[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
    done
    for _ in $(seq 80); do
        local alive=""
        for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && break
        sleep 0.25
    done
    for i in "${!PIDS[@]}"; do
        if kill -0 "${PIDS[$i]}" 2>/dev/null; then
            log "${NAMES[$i]} did not stop in 20 s; killing it"
            kill -KILL -- "-${PIDS[$i]}" 2>/dev/null || kill -KILL "${PIDS[$i]}" 2>/dev/null || true
        fi
    done
    PIDS=()
    NAMES=()
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
    [ -n "$DISTRIBUTED_USED" ] || return 0
    local entry name db kind
    for entry in "${SERVICES[@]}"; do
        read -r name _ <<<"$entry"
        db="$DB_PREFIX$name$DB_SUFFIX"
        psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $db"
    done
    # Every queue and exchange of this run's namespace (Wolverine provisions them from the topology).
    for kind in queues exchanges; do
        curl -s "$(rmq_mgmt_url)/$kind/%2F?columns=name" 2>/dev/null | grep -o "\"name\":\"${NS}[^\"]*\"" | cut -d'"' -f4 \
            | while read -r name; do curl -s -o /dev/null -X DELETE "$(rmq_mgmt_url)/$kind/%2F/$name" || true; done
    done
    if command -v redis-cli >/dev/null; then
        redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" -n "$REDIS_DB" --scan --pattern 'agora*' 2>/dev/null \
            | xargs -r redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" -n "$REDIS_DB" del >/dev/null 2>&1 || true
    fi
    DISTRIBUTED_USED=""
}

cleanup() {
    local rc=$?
    stop_services
    cleanup_distributed
    if [ -n "$STARTED_SERVERS" ]; then
        # Someone else may have started using them meanwhile (tests, another benchmark): then they stay up.
        local others
        others="$(psql_admin -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND coalesce(datname, '') NOT LIKE '${DB_PREFIX}%'" 2>/dev/null || echo 1)"
        if [ "$others" = 0 ]; then
            log "stopping the servers this script started"
            bash "$REPO/scripts/servers.sh" stop || true
        else
            log "leaving the servers this script started running: other clients use them (scripts/servers.sh stop)"
        fi
    fi
    rm -rf "$WORK"  # with OUT set, the logs and results live there, outside WORK
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ helpers --

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME DIR DLL [ENV...]: from its output folder, in its own session (so the whole group can be stopped)
start() {
    local name=$1 dir=$2 dll=$3; shift 3
    # shellcheck disable=SC2206 # SERVICE_ENV is a list of K=V words on purpose
    local extra=($SERVICE_ENV)
    (cd "$dir" && exec setsid env ASPNETCORE_ENVIRONMENT=Production "$@" "${extra[@]}" dotnet "$dll" \
        </dev/null >"$OUT_DIR/$name-$CURRENT_MODE.log" 2>&1) &
    PIDS+=($!)
    NAMES+=("$name")
}

# Mutual TLS: readiness is read on the plain probe port (HTTP port + 3000, as the AppHost's), which needs no certificate.
probe_port() { if [ "$SCHEME" = https ]; then echo $(($1 + 3000)); else echo "$1"; fi; }

wait_ready() { # wait_ready NAME PORT INDEX
    local name=$1 port=$2 i=$3 deadline=$((SECONDS + 180)) code=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "${PIDS[$i]}" 2>/dev/null || { tail -n 20 "$OUT_DIR/$name-$CURRENT_MODE.log" >&2; die "$name exited during start"; }
        code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
        [ "$code" = 200 ] && return 0
        sleep 0.5
    done
    tail -n 20 "$OUT_DIR/$name-$CURRENT_MODE.log" >&2
    die "$name not ready within 180 s (last /health/ready: $code)"
}

start_shop() {
    local mode=$1 entry name http grpc msg project
    local data="$WORK/data/$mode"
    mkdir -p "$data"
    for entry in "${SERVICES[@]}"; do
        read -r name http grpc msg _ <<<"$entry"
        for p in $http $grpc $msg; do
            [ "$p" = - ] && continue
            port_open "$p" && die "port $p is in use (another benchmark running?)"
        done
    done
    port_open "$PSP_PORT" && die "port $PSP_PORT is in use (another benchmark running?)"

    # What every service needs to find the others on the offset ports (AppHost: src/Agora.AppHost/AgoraAppModel.cs).
    local common=(
        "Agora__DataDirectory=$data"
        "Agora__Auth__Authority=$SCHEME://127.0.0.1:25101/"
        "Agora__Services__catalog__Grpc=$SCHEME://127.0.0.1:27102"
    )
    local broker="$RMQ"
    if [ "$SCHEME" = https ]; then
        [ -f "$WORK/certs/ca.crt" ] || AGORA_CERTS_DIR="$WORK/certs" bash "$REPO/scripts/certs.sh" 2>"$OUT_DIR/certs.log" \
            || die "scripts/certs.sh failed (see $OUT_DIR/certs.log)"
        # As the AppHost's --Agora:Tls:Mode=Mutual: tokens keep Identity's issuer, its keys are fetched over https.
        common+=(Agora__Tls__Mode=Mutual "Agora__Tls__CertificateDirectory=$WORK/certs" "Agora__Auth__Issuer=http://127.0.0.1:25101/")
        # Mutual puts PostgreSQL and RabbitMQ behind TLS too when their CA is known (scripts/servers.sh env), else they stay plain.
        if [ -n "${AGORA_TEST_SERVERS_CA:-}" ] && [ -n "${AGORA_TEST_RABBITMQ_TLS:-}" ]; then
            common+=("Agora__Tls__Servers__CaPath=$AGORA_TEST_SERVERS_CA")
            broker="$AGORA_TEST_RABBITMQ_TLS"
        else
            common+=(Agora__Tls__Servers__Mode=Off)
        fi
    fi
    for entry in "${SERVICES[@]}"; do
        read -r name http grpc msg _ <<<"$entry"
        common+=("Agora__Messaging__Peers__$name=127.0.0.1:$msg")
    done
    if [ "$mode" = distributed ]; then
        DISTRIBUTED_USED=1
        common+=(
            Agora__Mode=Distributed
            "ConnectionStrings__rabbitmq=$broker"
            "ConnectionStrings__redis=$REDIS,defaultDatabase=$REDIS_DB"
            "Agora__Messaging__Namespace=$NS"
        )
    fi

    log "$mode: starting the PSP simulator and the services${SERVICE_ENV:+ ($SERVICE_ENV)}"
    start psp "$REPO/src/Services/PspSimulator/bin/Release/net10.0" Agora.PspSimulator.dll \
        "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$PSP_PORT"
    for entry in "${SERVICES[@]}"; do
        read -r name http grpc msg project <<<"$entry"
        local env=("${common[@]}" "Kestrel__Endpoints__Http__Url=$SCHEME://127.0.0.1:$http" "Agora__Messaging__ListenPort=$msg")
        [ "$grpc" = - ] || env+=("Kestrel__Endpoints__Grpc__Url=$SCHEME://127.0.0.1:$grpc")
        [ "$SCHEME" = http ] || env+=("Agora__Tls__ProbePort=$(probe_port "$http")")
        [ "$mode" = distributed ] && env+=("ConnectionStrings__${name}db=$PG;Database=$DB_PREFIX$name$DB_SUFFIX${PG_EXTRA:+;$PG_EXTRA}")
        case "$name" in
            # Demo clients and users exist only in Development; Identity refuses their secrets elsewhere.
            identity) env+=("Identity__Issuer=http://127.0.0.1:25101/" Identity__SeedDemoAccounts=true ASPNETCORE_ENVIRONMENT=Development) ;;
            payment) env+=("Payment__Psp__BaseUrl=http://127.0.0.1:$PSP_PORT/") ;;
            shipping) env+=(Shipping__CarrierWebhookSecret=agora-bench-carrier-webhook-secret) ;;
        esac
        start "$name" "$REPO/src/Services/$project/bin/Release/net10.0" "Agora.$project.dll" "${env[@]}"
    done
    wait_ready psp "$PSP_PORT" 0
    local i=1
    for entry in "${SERVICES[@]}"; do
        read -r name http _ <<<"$entry"
        wait_ready "$name" "$(probe_port "$http")" "$i"
        i=$((i + 1))
    done
    log "$mode: all services ready"
}

service_pids() {
    local i out=""
    for i in "${!PIDS[@]}"; do out+="${out:+,}${NAMES[$i]}=${PIDS[$i]}"; done
    echo "$out"
}

bench_mode() {
    CURRENT_MODE="$1"
    start_shop "$CURRENT_MODE"
    local rates="${RATE:-}" rate rc=0 warmup="$WARMUP" first=1
    if [ "$CURRENT_MODE" = embedded ]; then rates="${RATE_EMBEDDED:-${rates:-60}}"; else rates="${RATE_DISTRIBUTED:-${rates:-220}}"; fi
    [ -n "${CONCURRENCY:-}" ] && rates=0
    # Several rates (RATE="20 30 40") run one after the other on the same services: a sweep for the knee. The services
    # are warm after the first, so the later ones get WARMUP_NEXT seconds of warm-up.
    for rate in $rates; do
        [ -n "$first" ] || warmup="$WARMUP_NEXT"
        first=""
        MODE="$CURRENT_MODE" RATE="$rate" CONCURRENCY="${CONCURRENCY:-0}" WARMUP="$warmup" \
            IDENTITY_URL=$SCHEME://127.0.0.1:25101/ CATALOG_URL=$SCHEME://127.0.0.1:25102/ ORDERING_URL=$SCHEME://127.0.0.1:25103/ \
            CLIENT_CERTS="$([ "$SCHEME" = https ] && echo "$WORK/certs" || true)" \
            SERVICE_PIDS="$(service_pids)" DB_PREFIX="$([ "$CURRENT_MODE" = distributed ] && echo "$DB_PREFIX" || true)" \
            OUT="$OUT_DIR/$CURRENT_MODE-$rate" DOTNET_gcServer=0 \
            dotnet "$HERE/bin/Release/net10.0/Agora.Bench.Orders.dll" >"$OUT_DIR/table-$CURRENT_MODE-$rate.md" || rc=$?
        cat "$OUT_DIR/table-$CURRENT_MODE-$rate.md"
        [ "$rc" = 0 ] || break
    done
    stop_services
    [ "$CURRENT_MODE" = distributed ] && cleanup_distributed
    [ "$rc" = 0 ] || die "$CURRENT_MODE: the load generator failed (exit $rc)"
}

ensure_servers() {
    local pg_port rmq_port redis_port up=0
    pg_port="$(pg_kv Port)"; rmq_port="${RMQ##*:}"; rmq_port="${rmq_port%%/*}"; redis_port="${REDIS##*:}"
    for p in "$pg_port" "$rmq_port" "$redis_port"; do port_open "$p" && up=$((up + 1)); done
    if [ "$up" = 3 ]; then
        log "distributed: using the running PostgreSQL :$pg_port, RabbitMQ :$rmq_port, Redis :$redis_port (left running)"
        return 0
    fi
    [ -f "$REPO/scripts/servers.sh" ] || die "PostgreSQL/RabbitMQ/Redis are not running and scripts/servers.sh is missing"
    # Other benchmarks and test runs share these servers: stop them at the end only if none was running before.
    if [ "$up" = 0 ]; then
        log "distributed: starting the test servers (scripts/servers.sh start); they are stopped at the end"
        STARTED_SERVERS=1
    else
        log "distributed: some test servers are down; starting them (scripts/servers.sh start) and leaving them running"
    fi
    bash "$REPO/scripts/servers.sh" start
}

# --------------------------------------------------------------------- main --

# bench/chaos/run.sh sources this file for its functions (start_shop, stop_services, cleanup_distributed …).
if [ -n "${AGORA_BENCH_LIBRARY:-}" ]; then return 0; fi

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release"
    for project in Identity Catalog Ordering Payment Shipping Notification PspSimulator; do
        dotnet build "$REPO/src/Services/$project" -c Release -nologo -v q >"$WORK/build.log" 2>&1 \
            || { tail -n 30 "$WORK/build.log" >&2; die "build of $project failed"; }
    done
    dotnet build "$HERE" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; die "build of the load generator failed"; }
fi

log "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
case "$MODE" in
    embedded) bench_mode embedded ;;
    distributed) ensure_servers; bench_mode distributed ;;
    both) bench_mode embedded; ensure_servers; bench_mode distributed ;;
esac
[ -z "${OUT:-}" ] || log "logs, raw results and tables in $OUT_DIR"
