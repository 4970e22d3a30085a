#!/usr/bin/env bash
# Start-up of each backend service in the embedded mode, one at a time, from a build output folder:
#   bench/codegen/run.sh <label> <dir>    # <dir>/<Service>/Agora.<Service>.dll, e.g. a Release build's OutDir per service
# For each service: the time from `dotnet Agora.<Service>.dll` to the first 200 from /health/ready, and its PSS
# (/proc/<pid>/smaps_rollup) then. For Search also the first message: one ProductCreated sent to its Wolverine TCP port
# (bench/codegen/FirstMessage, which compiles nothing itself), the time until GET /api/v1/search/products finds it,
# and Search's PSS after that. Services: SERVICES="Catalog Payment" (default all seven); RUNS=3 (median of).
# Each run: ASPNETCORE_ENVIRONMENT=Development, the output folder as the content root, a fresh SQLite data directory,
# free loopback ports, every peer pointed at a port nobody listens on (nothing reaches a shop on this machine).
set -euo pipefail
label=${1:?label}; dir=$(realpath "${2:?build output folder}")
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
SERVICES=${SERVICES:-"Identity Catalog Ordering Payment Shipping Notification Search"}
RUNS=${RUNS:-3}
SENDER="$ROOT/.agora/bench-codegen/sender/Agora.Bench.FirstMessage.dll"
if [ ! -f "$SENDER" ]; then
  dotnet build bench/codegen/FirstMessage -c Release -nologo -v q "-p:OutDir=$ROOT/.agora/bench-codegen/sender/" >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
pss_mb() { awk '/^Pss:/ {printf "%.0f", $2/1024}' "/proc/$1/smaps_rollup"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

printf '| %s | service | ready ms (median of %s) | runs | PSS MB at ready | first message ms | PSS MB after it |\n' "$label" "$RUNS"
for service in $SERVICES; do
  readys=(); psss=(); firsts=(); after=()
  for _ in $(seq "$RUNS"); do
    data=$(mktemp -d); http=$(free_port); grpc=$(free_port); msg=$(free_port); nowhere=$(free_port)
    peers=()
    for p in identity catalog ordering payment shipping notification search; do peers+=("Agora__Messaging__Peers__$p=localhost:$nowhere"); done
    start=$(now_ms)
    (cd "$dir/$service" && exec env ASPNETCORE_ENVIRONMENT=Development "Agora__DataDirectory=$data" \
      "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$http" "Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:$grpc" \
      "Agora__Messaging__ListenPort=$msg" "${peers[@]}" OTEL_EXPORTER_OTLP_ENDPOINT= \
      dotnet "Agora.$service.dll" >"$data/out.log" 2>&1) &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$http/health/ready"; do
      kill -0 "$pid" 2>/dev/null || { echo "$service exited; log: $data/out.log" >&2; tail -5 "$data/out.log" >&2; exit 1; }
      sleep 0.05
    done
    readys+=($(( $(now_ms) - start ))); psss+=("$(pss_mb "$pid")")
    if [ "$service" = Search ]; then
      sku="bench$RANDOM$RANDOM"
      dotnet "$SENDER" "$msg" "$sku" >"$data/sent" 2>"$data/sender.log" &
      sender=$!
      until [ -s "$data/sent" ]; do
        kill -0 "$sender" 2>/dev/null || { echo "the sender exited:" >&2; cat "$data/sender.log" >&2; exit 1; }
        sleep 0.02
      done
      until curl -sf "http://127.0.0.1:$http/api/v1/search/products?q=$sku" | grep -q "$sku"; do sleep 0.02; done
      firsts+=($(( $(now_ms) - $(head -n1 "$data/sent") ))); after+=("$(pss_mb "$pid")")
      kill "$sender"; wait "$sender" 2>/dev/null || true
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  first="-"; pafter="-"
  [ "${#firsts[@]}" -eq 0 ] || { first=$(printf '%s\n' "${firsts[@]}" | median); pafter=$(printf '%s\n' "${after[@]}" | median); }
  printf '| | %s | %s | %s | %s | %s (%s) | %s |\n' "$service" "$(printf '%s\n' "${readys[@]}" | median)" "${readys[*]}" \
    "$(printf '%s\n' "${psss[@]}" | median)" "$first" "${firsts[*]:-}" "$pafter"
done
