#!/usr/bin/env bash
# What mutual TLS costs per hop (issue 14): a cached Catalog GET over REST (GET /api/v1/products/{id}) and over gRPC
# (CatalogService.GetProduct), plaintext against mutual TLS, with pooled connections.
#
#   bench/tls/run.sh
#
# Two Catalogs of the same Release build run side by side in the distributed mode on one database: one plaintext
# (HTTP/1.1 + h2c, as today's default), one with Agora:Tls:Mode=Mutual (certificates from scripts/certs.sh in a temp
# folder). The load generator (bench/tls/Agora.Bench.Tls) presents Ordering's certificate through Agora.ServiceDefaults'
# own PeerTls, the client options every service uses, and keeps its connections (a closed loop of CONCURRENCY workers).
# Every scenario is warmed up, then run RUNS times round-robin (plain, mutual, plain, mutual, …) so that noise spreads
# evenly over both; the table gives medians, the throughput ratio and the p99 added, and Catalog's CPU per request.
#
# Target (issue 14): mutual TLS adds at most 10 % throughput and 1 ms p99 per hop with pooled connections.
#
# Knobs (environment)
#   CONCURRENCY=16 DURATION=15 (s) WARMUP=30 (s per scenario and mode, once) RUNS=3 NO_BUILD=1 OUT=<dir>
#   AGORA_TEST_POSTGRES, AGORA_TEST_RABBITMQ, AGORA_TEST_REDIS (defaults: scripts/servers.sh ports; started if down);
#   with AGORA_TEST_SERVERS_CA and AGORA_TEST_RABBITMQ_TLS (servers.sh env) the mutual Catalog reaches them over TLS
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CONCURRENCY="${CONCURRENCY:-16}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-30}"
RUNS="${RUNS:-3}"
PG="${AGORA_TEST_POSTGRES:-Host=127.0.0.1;Port=55432;Username=agora;Password=agora}"
RMQ="${AGORA_TEST_RABBITMQ:-amqp://agora:agora@127.0.0.1:55672/}"
REDIS="${AGORA_TEST_REDIS:-127.0.0.1:56379}"
DLL="$REPO/src/Services/Catalog/bin/Release/net10.0/Agora.Catalog.dll"
CLIENT="$REPO/bench/tls/Agora.Bench.Tls/bin/Release/net10.0/Agora.Bench.Tls.dll"
DB="agora_bench_tls_$$"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_kv() { printf '%s' "$PG" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, index($0, "=") + 1) }'; }
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { printf '%s\n' "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-bench-tls.XXXXXX")"
OUT_DIR="${OUT:-$WORK/out}"
mkdir -p "$OUT_DIR"
declare -A PID=()
STARTED_SERVERS=""

cleanup() {
    local rc=$? p
    for p in "${PID[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PID[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
    PGPASSWORD="$(pg_kv Password)" psql -X -q -h "$(pg_kv Host)" -p "$(pg_kv Port)" -U "$(pg_kv Username)" -d postgres \
        -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    [ -z "$STARTED_SERVERS" ] || bash "$REPO/scripts/servers.sh" stop || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${NO_BUILD:-}" ]; then
    log "building Release (Catalog, the load generator)"
    for p in src/Services/Catalog bench/tls/Agora.Bench.Tls; do
        dotnet build "$REPO/$p" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; die "build of $p failed"; }
    done
fi
AGORA_CERTS_DIR="$WORK/certs" bash "$REPO/scripts/certs.sh" catalog ordering 2>>"$OUT_DIR/certs.log"

if ! port_open "$(pg_kv Port)"; then
    log "starting the test servers (scripts/servers.sh); they are stopped at the end"
    STARTED_SERVERS=1
    bash "$REPO/scripts/servers.sh" start
fi

# start_catalog NAME SCHEME HTTP GRPC MSG [K=V ...]: one Catalog from its output folder; waits for /health/ready on READY.
start_catalog() {
    local name="$1" scheme="$2" http="$3" grpc="$4" msg="$5" ready="$6"
    shift 6
    local p
    for p in "$http" "$grpc" "$msg"; do port_open "$p" && die "port $p is in use"; done
    (cd "$(dirname "$DLL")" && exec setsid env ASPNETCORE_ENVIRONMENT=Production Agora__Mode=Distributed \
        "Kestrel__Endpoints__Http__Url=$scheme://127.0.0.1:$http" "Kestrel__Endpoints__Grpc__Url=$scheme://127.0.0.1:$grpc" \
        "Agora__Messaging__ListenPort=$msg" "Agora__Messaging__QueueName=agora.catalog.tlsbench.$name.$$" \
        "ConnectionStrings__postgres=$PG" "ConnectionStrings__catalogdb=$PG;Database=$DB" \
        "ConnectionStrings__rabbitmq=$RMQ" "ConnectionStrings__redis=$REDIS,defaultDatabase=13" "$@" \
        dotnet "$DLL" </dev/null >"$OUT_DIR/catalog-$name.log" 2>&1) &
    PID[$name]=$!
    local deadline=$((SECONDS + 120))
    until [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ready/health/ready" || true)" = 200 ]; do
        kill -0 "${PID[$name]}" 2>/dev/null || { tail -n 20 "$OUT_DIR/catalog-$name.log" >&2; die "Catalog ($name) exited during start"; }
        [ "$SECONDS" -lt "$deadline" ] || die "Catalog ($name) not ready within 120 s"
        sleep 0.5
    done
    log "Catalog ($name) ready"
}

# The plaintext one first: it migrates and seeds the database the mutual one then shares.
start_catalog plain http 15112 17112 16112 http://127.0.0.1:15112
# Mutual mode also puts the servers behind TLS when they offer it (scripts/servers.sh env: AGORA_TEST_SERVERS_CA); both
# Catalogs then read the same cache and database, and only the measured hop differs.
SERVERS_TLS=(Agora__Tls__Servers__Mode=Off)
[ -z "${AGORA_TEST_SERVERS_CA:-}" ] || SERVERS_TLS=("Agora__Tls__Servers__CaPath=$AGORA_TEST_SERVERS_CA" "ConnectionStrings__rabbitmq=$AGORA_TEST_RABBITMQ_TLS")
start_catalog mutual https 15122 17122 16122 http://127.0.0.1:18122 \
    Agora__Tls__Mode=Mutual "Agora__Tls__CertificateDirectory=$WORK/certs" Agora__Tls__ProbePort=18122 "${SERVERS_TLS[@]}"
curl -sf "http://127.0.0.1:15112/api/v1/products?per_page=100" | grep -o '"id":"prd_[0-9a-f]*"' | cut -d'"' -f4 >"$WORK/ids.txt"
[ "$(wc -l <"$WORK/ids.txt")" -ge 50 ] || die "expected the seeded products, got $(wc -l <"$WORK/ids.txt") ids"
refused="$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:15122/api/v1/products?per_page=1" || true)"
[ "$refused" = 000 ] || die "the mutual Catalog answered a client without a certificate ($refused)"

declare -A URL=([rest:plain]=http://127.0.0.1:15112 [grpc:plain]=http://127.0.0.1:17112
    [rest:mutual]=https://127.0.0.1:15122 [grpc:mutual]=https://127.0.0.1:17122)

# measure SCENARIO MODE SECONDS: one client run; prints its RESULT line plus Catalog's CPU per request (µs).
measure() {
    local scenario="$1" mode="$2" secs="$3" c0 c1 out rps
    c0="$(proc_ticks "${PID[$mode]}")"
    out="$(dotnet "$CLIENT" "$scenario" "${URL[$scenario:$mode]}" "$mode" "$WORK/ids.txt" "$WORK/certs" "$CONCURRENCY" "$secs" 3)" \
        || die "$scenario/$mode: the client failed: $out"
    c1="$(proc_ticks "${PID[$mode]}")"
    rps="$(field rps "$out")"
    awk -v r="$out" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v s="$secs" -v rps="$rps" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "%s cpu_us=%.1f load1=%s\n", r, (rps > 0 ? t / hz * 1e6 / (rps * (s + 3)) : 0), load }'
}

for scenario in rest grpc; do
    for mode in plain mutual; do
        log "warm-up $scenario/$mode (${WARMUP}s)"
        measure "$scenario" "$mode" "$WARMUP" >/dev/null
    done
done
for i in $(seq "$RUNS"); do
    for scenario in rest grpc; do
        for mode in plain mutual; do
            line="$(measure "$scenario" "$mode" "$DURATION")"
            echo "$scenario $mode $i $line" >>"$OUT_DIR/runs.txt"
            log "$scenario/$mode run $i: ${line#RESULT }"
        done
    done
done

med() { awk -v s="$1" -v m="$2" '$1 == s && $2 == m' "$OUT_DIR/runs.txt" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }' | median; }
{
    echo "Mutual TLS per hop: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $CONCURRENCY workers, ${DURATION}s x $RUNS runs, medians"
    echo
    echo "| scenario | plain req/s | mutual req/s | ratio | plain p50 / p99 ms | mutual p50 / p99 ms | p99 added ms | Catalog CPU µs/req plain / mutual |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for s in rest grpc; do
        pr="$(med "$s" plain rps)"; mr="$(med "$s" mutual rps)"
        pp50="$(med "$s" plain p50_ms)"; pp99="$(med "$s" plain p99_ms)"; mp50="$(med "$s" mutual p50_ms)"; mp99="$(med "$s" mutual p99_ms)"
        awk -v s="$s" -v pr="$pr" -v mr="$mr" -v a="$pp50" -v b="$pp99" -v c="$mp50" -v d="$mp99" \
            -v pc="$(med "$s" plain cpu_us)" -v mc="$(med "$s" mutual cpu_us)" \
            'BEGIN { printf "| %s | %.0f | %.0f | %.2f | %.2f / %.2f | %.2f / %.2f | %+.2f | %.0f / %.0f |\n", s, pr, mr, mr / pr, a, b, c, d, d - b, pc, mc }'
    done
} | tee "$OUT_DIR/table.md"
