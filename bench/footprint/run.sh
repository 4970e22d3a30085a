#!/usr/bin/env bash
# Footprint of the shop the README's run command starts (issue 16): every service ready how long after the build, and
# the memory (PSS, /proc/<pid>/smaps_rollup) of every process the run command starts, after ORDERS orders.
#
#   bench/footprint/run.sh [label]            (embedded; MODE=distributed for the other mode)
#
# 1. builds the AppHost (Debug, as `dotnet run` does), then starts `dotnet run --project src/Agora.AppHost --no-build`
#    in a session of its own; 2. polls every service's /health/ready (the table's HTTP ports) and prints the time from
#    the start to each one's first 200; 3. places orders through the shop with bench/orders' generator (open loop,
#    RATE orders/s for DURATION s after a WARMUP; the demo staff client creates the products, customers register and
#    sign in through Identity's login page) and checks its invariants; 4. sums the PSS of every process in the
#    session, by kind (the AppHost, Aspire's DCP and dashboard, `dotnet run` wrappers, the services), and stops it.
# It binds the AppHost's fixed ports, so it takes the end-to-end tests' lock (/tmp/agora-e2e.lock).
# Knobs: RATE=20 WARMUP=10 DURATION=50 (1,000 orders at 20/s), APPHOST_ARGS="..." (extra AppHost arguments),
# READY_TIMEOUT=300, NO_BUILD=1, CONFIG=Debug (Release: the AppHost and so every service it starts built in Release,
# `dotnet run -c Release`).
set -euo pipefail
label="${1:-$(git -C "$(dirname "$0")" rev-parse --short HEAD)}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
MODE="${MODE:-embedded}"
CONFIG="${CONFIG:-Debug}"
RATE="${RATE:-20}" WARMUP="${WARMUP:-10}" DURATION="${DURATION:-50}" READY_TIMEOUT="${READY_TIMEOUT:-300}"
WORK="$(mktemp -d /tmp/agora-footprint.XXXXXX)"
now_ms() { date +%s%3N; }

exec 9>/tmp/agora-e2e.lock
flock 9

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build src/Agora.AppHost -c "$CONFIG" -nologo -v q >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 1; }
  dotnet build bench/orders -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 1; }
fi

start=$(now_ms)
# shellcheck disable=SC2086
setsid dotnet run --project src/Agora.AppHost -c "$CONFIG" --no-build -- --Agora:Mode="$MODE" ${APPHOST_ARGS:-} >"$WORK/apphost.log" 2>&1 &
apphost=$!
stop() { kill -TERM -- "-$apphost" 2>/dev/null || true; for _ in $(seq 60); do kill -0 "$apphost" 2>/dev/null || break; sleep 0.5; done; kill -KILL -- "-$apphost" 2>/dev/null || true; }
trap stop EXIT

services=$(python3 -c 'import json; [print(s["name"], s["http"]) for s in json.load(open("src/Agora.Hosting/Topology/services.json"))["services"]]')
printf '| %s | service | ready s after start |\n|---|---|---|\n' "$label"
# Every service is polled on each round (not one after the other), so each line is that service's own first 200.
declare -A ready_at=()
total=$(wc -l <<<"$services")
while [ "${#ready_at[@]}" -lt "$total" ]; do
  kill -0 "$apphost" 2>/dev/null || { echo "the AppHost exited:" >&2; tail -20 "$WORK/apphost.log" >&2; exit 1; }
  [ $(( $(now_ms) - start )) -lt $(( READY_TIMEOUT * 1000 )) ] || { echo "not ready after ${READY_TIMEOUT}s: all but ${!ready_at[*]}" >&2; exit 1; }
  while read -r name port; do
    [ -z "${ready_at[$name]:-}" ] || continue
    if curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/health/ready"; then ready_at[$name]=$(now_ms); fi
  done <<<"$services"
  sleep 0.2
done
while read -r name port; do
  printf '| | %s | %.1f |\n' "$name" "$(echo "(${ready_at[$name]} - $start) / 1000" | bc -l)"
done < <(while read -r name port; do echo "${ready_at[$name]} $name $port"; done <<<"$services" | sort -n | cut -d' ' -f2-)

# The processes the run command started: the AppHost's descendants, and what DCP starts on its behalf (DCP detaches
# them): anything run from this checkout, Aspire's DCP and its dashboard. (Other AppHosts are kept away by the lock.)
pids_of_session() {
  echo "$apphost"
  ps -eo pid=,args= | awk -v root="$ROOT/" -v me="$$" '$1 != me && (index($0, root) || /[\/]dcp(ctrl|proc)? / || /Aspire\.Dashboard/) && !/awk|bench\/footprint|Agora\.Bench|\.Tests|\.agora\/servers|rabbitmq/ {print $1}'
}
kind_of() {
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true)
  case "$cmd" in
    *"dotnet run"*|*"dotnet exec"*"dotnet.dll run"*|*" run --project"*|*"/dotnet.dll run"*) echo "dotnet run wrapper" ;;
    *Agora.AppHost*) echo "AppHost" ;;
    *dcpctrl*|*dcpproc*|*"/dcp "*|*dcp\ start*) echo "DCP" ;;
    *Dashboard*) echo "dashboard" ;;
    *Agora.*) grep -o 'Agora\.[A-Za-z]*' <<<"$cmd" | head -1 ;;
    *) echo "other: $(cut -c1-60 <<<"$cmd")" ;;
  esac
}
service_pids() {
  for pid in $(pids_of_session); do
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    case "$cmd" in *" run "*|*"dotnet run"*) ;; *Agora.Identity*) echo "identity=$pid" ;; *Agora.Catalog*) echo "catalog=$pid" ;;
      *Agora.Ordering*) echo "ordering=$pid" ;; *Agora.Payment*) echo "payment=$pid" ;; esac
  done | paste -sd, -
}

# CPU seconds each process had used when the last service became ready: what starting the shop costs, whatever the
# machine's other load (the ready times above stretch with it; this does not).
printf '\n| %s | process | CPU s at ready |\n|---|---|---|\n' "$label"
tick=$(getconf CLK_TCK)
for pid in $(pids_of_session); do
  [ -r "/proc/$pid/stat" ] || continue
  printf '%s\t%s\n' "$(kind_of "$pid")" "$(awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$pid/stat")"
done | awk -F'\t' '{s[$1]+=$2; t+=$2} END {for (k in s) printf "| | %s | %.1f |\n", k, s[k]; printf "| | **total** | **%.1f** |\n", t}' | sort -t'|' -k3

MODE="$MODE" RATE="$RATE" WARMUP="$WARMUP" DURATION="$DURATION" RUNS=1 LEAD_IN=0 \
  IDENTITY_URL=http://127.0.0.1:5101/ CATALOG_URL=http://127.0.0.1:5102/ ORDERING_URL=http://127.0.0.1:5103/ \
  SERVICE_PIDS="$(service_pids)" OUT="$WORK/orders" DOTNET_gcServer=0 \
  dotnet bench/orders/bin/Release/net10.0/Agora.Bench.Orders.dll >"$WORK/orders.md"
grep -E "^\| *[0-9]|confirmed|invariant" "$WORK/orders.md" | head -5 || true

# PSS by kind, after the orders (the processes themselves in $WORK/processes).
for pid in $(pids_of_session); do ps -o pid=,ppid=,rss=,args= -p "$pid" | cut -c1-220; done >"$WORK/processes" || true
printf '\n| %s | process | count | PSS MB |\n|---|---|---|---|\n' "$label"
for pid in $(pids_of_session); do
  [ -r "/proc/$pid/smaps_rollup" ] || continue
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  kind=$(kind_of "$pid")
  printf '%s\t%s\n' "$kind" "$pss"
done | awk -F'\t' '{n[$1]++; s[$1]+=$2; t+=$2} END {for (k in s) printf "| | %s | %d | %.0f |\n", k, n[k], s[k]/1024; printf "| | **total** | | **%.0f** |\n", t/1024}' | sort -t'|' -k3
echo "(work files: $WORK)"
