#!/usr/bin/env bash
# The chaos run (issue 17): open-loop orders through the gateway while every service is SIGKILLed and restarted, the
# PSP is made to fail, and (distributed mode) RabbitMQ and PostgreSQL are restarted; then it checks that every accepted
# order is terminal, every POST was answered or its order can be found by its Idempotency-Key, no order was charged
# without an acknowledgement the client could obtain (the PSP's own books), each confirmed order was captured once,
# and stock is conserved; it prints recovery time per fault and latency in and out of the fault windows, and exits 1
# if a check failed.
#
#   bench/chaos/run.sh [short|long] [embedded|distributed|both]     (default: short both)
#
#   short  (CI, from test.sh): >= 500 orders, one fault of each kind: Payment killed, the PSP down, RabbitMQ and
#          PostgreSQL restarted (the last two only in the distributed mode).
#   long   (benchmark, results in bench/RESULTS.md): >= 10,000 orders; every service killed in turn, the PSP down,
#          RabbitMQ and PostgreSQL restarted, the list repeated while the load lasts.
#
# It reuses the order benchmark's shop start (bench/orders/run.sh, sourced: same offset ports 251xx/261xx/271xx, same
# throwaway databases and namespace) and its load generator (bench/orders, C#), and adds: a supervisor per service
# that restarts it RESTART_DELAY s after it dies (the same command line and configuration), the gateway on 28080 in
# front of the services, and its own PostgreSQL, RabbitMQ and Redis (scripts/servers.sh on ports 45432, 45672-45674,
# 46379, data in a temp dir), so restarting them disturbs no one else. It uses the fixed ports: hold
# /tmp/agora-e2e.lock around it where other runs could collide (test.sh does).
#
# Knobs (environment): RATE (orders/s; short 10, long 20), ORDERS (short 600, long 10000), POST_RETRIES (5),
# RESTART_DELAY (4 s), PSP_OUTAGE (10 s), GAP (s between a recovery and the next fault; short 5, long 30), CUSTOMERS
# (120: at 20 orders/s each customer places 10 a minute, so even a POST retried five times through an outage stays
# under the gateway's 100 a minute per user; with 40, clients retrying through a Catalog restart hit 429 and the
# report counted the rate limit's answer as the fault's), WARMUP
# (s; short 15, long 30), TAIL (s of load after the last fault's recovery; short 20, long 30), FAULTS (the plan, "kill:payment psp:psp restart:rabbitmq restart:postgres"), NO_BUILD=1,
# OUT=<dir> (logs and the report), SERVICE_ENV (extra environment for every service).
set -euo pipefail

SIZE="${1:-short}"
CHAOS_MODE="${2:-both}"
case "$SIZE" in short | long) ;; *) echo "usage: $0 [short|long] [embedded|distributed|both]" >&2; exit 64 ;; esac
case "$CHAOS_MODE" in embedded | distributed | both) ;; *) echo "usage: $0 [short|long] [embedded|distributed|both]" >&2; exit 64 ;; esac

CHAOS_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHAOS_REPO="$(cd "$CHAOS_HERE/../.." && pwd)"

# Our own servers, on ports of their own. PostgreSQL keeps every commit it acknowledged through a crash of its process
# (AGORA_PG_DURABLE=commit: synchronous_commit on): the run crashes it (an immediate shutdown), and with the test
# servers' speed settings a commit acknowledged just before was lost: an order answered 201 that then did not exist,
# or a saga step gone with its timer, so the order never ended. fsync may stay off: the run crashes the server's
# process, not the machine, and the operating system keeps what was written to it.
CHAOS_SERVERS="$(mktemp -d "${TMPDIR:-/tmp}/agora-chaos-servers.XXXXXX")"
export AGORA_PG_DURABLE="${AGORA_PG_DURABLE:-commit}"
export AGORA_SCRATCH="$CHAOS_SERVERS" AGORA_PG_PORT=45432 AGORA_RABBITMQ_PORT=45672 AGORA_RABBITMQ_DIST_PORT=45673 \
    AGORA_RABBITMQ_MGMT_PORT=45674 AGORA_REDIS_PORT=46379 AGORA_RABBITMQ_NODE="agora-chaos@localhost"
export AGORA_TEST_POSTGRES="Host=127.0.0.1;Port=45432;Username=agora;Password=agora"
export AGORA_TEST_RABBITMQ="amqp://agora:agora@127.0.0.1:45672/"
export AGORA_TEST_REDIS="127.0.0.1:46379"

# The order benchmark's functions (start_shop, wait_ready, stop_services, cleanup_distributed, psql_admin …).
# shellcheck source=../orders/run.sh
AGORA_BENCH_LIBRARY=1 source "$CHAOS_REPO/bench/orders/run.sh" embedded
HERE="$CHAOS_HERE"
REPO="$CHAOS_REPO"
PID_DIR="$WORK/pids"
STOP_FILE="$WORK/stop"
mkdir -p "$PID_DIR"
RESTART_DELAY="${RESTART_DELAY:-4}"
CHAOS_SERVICE_ENV="${SERVICE_ENV:-}"
GATEWAY_PORT=28080

if [ "$SIZE" = short ]; then
    RATE="${RATE:-10}"; ORDERS="${ORDERS:-600}"; GAP="${GAP:-5}"; WARMUP="${CHAOS_WARMUP:-15}"; REPEAT=0; TAIL="${TAIL:-20}"
else
    RATE="${RATE:-20}"; ORDERS="${ORDERS:-10000}"; GAP="${GAP:-30}"; WARMUP="${CHAOS_WARMUP:-30}"; REPEAT=1; TAIL="${TAIL:-30}"
fi

log() { printf 'chaos: %s\n' "$*" >&2; }

# start NAME DIR DLL [ENV...]: like the benchmark's, under a supervisor that starts the service again RESTART_DELAY s
# after it dies (a SIGKILL from the fault injector), until the run stops; the current pid is in $PID_DIR/NAME.pid.
start() {
    local name=$1 dir=$2 dll=$3; shift 3
    # shellcheck disable=SC2206 # SERVICE_ENV is a list of K=V words on purpose
    local extra=($SERVICE_ENV)
    (cd "$dir" && DLL="$dll" LOG="$OUT_DIR/$name-$CURRENT_MODE.log" PIDF="$PID_DIR/$name.pid" STOP="$STOP_FILE" DELAY="$RESTART_DELAY" \
        exec setsid bash -c 'while :; do
                env "$@" dotnet "$DLL" </dev/null >>"$LOG" 2>&1 &
                echo $! >"$PIDF"
                wait $! || true
                [ -e "$STOP" ] && exit 0
                echo "supervisor: $(date -u +%T) exited; starting again in $DELAY s" >>"$LOG"
                sleep "$DELAY"
            done' supervisor ASPNETCORE_ENVIRONMENT=Production "$@" "${extra[@]}") &
    PIDS+=($!)
    NAMES+=("$name")
}

chaos_stop_services() {
    touch "$STOP_FILE"
    stop_services
    rm -f "$STOP_FILE"
}

chaos_cleanup() {
    local rc=$?
    chaos_stop_services
    cleanup_distributed
    AGORA_SCRATCH="$CHAOS_SERVERS" bash "$REPO/scripts/servers.sh" stop >/dev/null 2>&1 || true
    rm -rf "$WORK" "$CHAOS_SERVERS"
    exit "$rc"
}
trap chaos_cleanup EXIT
trap 'exit 130' INT TERM

start_gateway() {
    local mode=$1 entry name http
    # (a separate local: the words of one local are all expanded before any of its assignments)
    local env=(
        "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$GATEWAY_PORT"
        "Agora__Auth__Authority=http://127.0.0.1:25101/"
        "Agora__DataDirectory=$WORK/data/$mode"
        Gateway__ApiKeys__ClientId=agora-scripts Gateway__ApiKeys__ClientSecret=agora-scripts-secret
        # Every simulated customer comes from 127.0.0.1: the per-address limit before authentication (20/s) stands for
        # one client machine, not the whole load, and would answer the clients' re-sends with 429.
        Agora__RateLimiting__Policies__address__RefillPerSecond=1000
        ASPNETCORE_ENVIRONMENT=Development
    )
    for entry in "${SERVICES[@]}"; do
        read -r name http _ <<<"$entry"
        env+=("ReverseProxy__Clusters__${name}__Destinations__${name}-1__Address=http://127.0.0.1:$http/")
    done
    if [ "$mode" = distributed ]; then
        env+=(Agora__Mode=Distributed "ConnectionStrings__redis=$REDIS,defaultDatabase=$REDIS_DB")
    fi
    start gateway "$REPO/src/Agora.Gateway/bin/Release/net10.0" Agora.Gateway.dll "${env[@]}"
    wait_ready gateway "$GATEWAY_PORT" $((${#PIDS[@]} - 1))
}

# plan_seconds "kind:target ...": roughly how long the plan takes under load: each fault's outage and the wait until
# its target answers ready again, plus GAP s after each.
plan_seconds() {
    local total=0 fault
    for fault in $1; do
        case "$fault" in
            kill:*) total=$((total + RESTART_DELAY + 20 + GAP)) ;;
            psp:*) total=$((total + ${PSP_OUTAGE:-10} + GAP)) ;;
            restart:rabbitmq) total=$((total + 40 + GAP)) ;;
            restart:*) total=$((total + 20 + GAP)) ;;
        esac
    done
    echo "$total"
}

chaos_mode() {
    CURRENT_MODE="$1"
    local faults="${FAULTS:-}" services="" entry name http rc=0 duration
    if [ -z "$faults" ]; then
        if [ "$SIZE" = short ]; then
            faults="kill:payment psp:psp"
        else
            faults="kill:catalog kill:ordering kill:payment kill:shipping kill:notification kill:identity psp:psp"
        fi
        [ "$CURRENT_MODE" = distributed ] && faults+=" restart:rabbitmq restart:postgres"
    fi

    # The PSP simulator's books on disk, per mode (the caller's SERVICE_ENV kept, not the previous mode's).
    SERVICE_ENV="$CHAOS_SERVICE_ENV Psp__DataDirectory=$WORK/data/$CURRENT_MODE/psp"
    start_shop "$CURRENT_MODE"
    start_gateway "$CURRENT_MODE"
    for entry in "${SERVICES[@]}"; do
        read -r name http _ <<<"$entry"
        services+="${services:+,}$name=$http"
    done
    # The load lasts for ORDERS orders, and at least as long as the plan needs (plan_seconds) plus TAIL s after the
    # last fault, so every fault happens under load and the recovery after the last one is measured.
    duration=$(( (ORDERS + RATE - 1) / RATE ))
    local needed=$(( 5 + $(plan_seconds "$faults") + TAIL ))
    [ "$duration" -ge "$needed" ] || duration=$needed
    log "$CURRENT_MODE: $ORDERS orders at $RATE/s ($duration s) through the gateway :$GATEWAY_PORT; faults: $faults"
    MODE="$CURRENT_MODE" RATE="$RATE" WARMUP="$WARMUP" WARMUP_RATE="$RATE" LEAD_IN=5 DURATION="$((duration - 5))" RUNS=1 \
        POST_RETRIES="${POST_RETRIES:-5}" CUSTOMERS="${CUSTOMERS:-120}" PRODUCTS="${PRODUCTS:-40}" STOCK="${STOCK:-1000000}" \
        IDENTITY_URL=http://127.0.0.1:25101/ CATALOG_URL=http://127.0.0.1:25102/ ORDERING_URL="http://127.0.0.1:$GATEWAY_PORT/" ORDERING_ADMIN_URL=http://127.0.0.1:25103/ \
        PSP_URL="http://127.0.0.1:$PSP_PORT/" PID_DIR="$PID_DIR" SERVICES="$services" FAULTS="$faults" REPEAT="$REPEAT" GAP="$GAP" TAIL="$TAIL" \
        PSP_OUTAGE="${PSP_OUTAGE:-10}" DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-600}" \
        RESTART_RABBITMQ="bash '$REPO/scripts/servers.sh' restart-one rabbitmq" \
        RESTART_POSTGRES="bash '$REPO/scripts/servers.sh' restart-one postgres" \
        DOTNET_gcServer=0 dotnet "$HERE/bin/Release/net10.0/Agora.Bench.Chaos.dll" >"$OUT_DIR/chaos-$CURRENT_MODE.md" || rc=$?
    cat "$OUT_DIR/chaos-$CURRENT_MODE.md"
    chaos_stop_services
    [ "$CURRENT_MODE" = distributed ] && cleanup_distributed
    if [ "$rc" != 0 ]; then
        for entry in "${SERVICES[@]}" "gateway" "psp"; do
            read -r name _ <<<"$entry"
            grep -h '"LogLevel":"\(Error\|Critical\)"' "$OUT_DIR/$name-$CURRENT_MODE.log" 2>/dev/null | tail -n 3 >&2 || true
        done
        die "$CURRENT_MODE: a chaos check failed (exit $rc)"
    fi
}

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release"
    for project in src/Services/Identity src/Services/Catalog src/Services/Ordering src/Services/Payment src/Services/Shipping \
        src/Services/Notification src/Services/PspSimulator src/Agora.Gateway bench/chaos; do
        dotnet build "$REPO/$project" -c Release -nologo -v q >"$WORK/build.log" 2>&1 \
            || { tail -n 30 "$WORK/build.log" >&2; die "build of $project failed"; }
    done
fi

log "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
case "$CHAOS_MODE" in
    embedded) chaos_mode embedded ;;
    distributed) bash "$REPO/scripts/servers.sh" start; chaos_mode distributed ;;
    both) chaos_mode embedded; bash "$REPO/scripts/servers.sh" start; chaos_mode distributed ;;
esac
[ -z "${OUT:-}" ] || log "logs and reports in $OUT_DIR"
