#!/usr/bin/env bash
# Cost of the gateway's rate limiting middleware, measured with wrk against a trivial endpoint.
#
#   bench/ratelimit/run.sh
#
# Starts bench/ratelimit (Release) on 127.0.0.1:$PORT with four policies and runs each scenario RUNS times,
# round-robin, after a warm-up; prints the median req/s and p99 per scenario. Every request comes from one
# address (wrk on loopback), so all of them hit one partition: the most contended case for the local store's lock.
#
# Scenarios: plain (no policy), local-bucket / local-window (in-process store: token bucket; 100/min + 1000/h
# shape scaled up), redis-bucket / redis-window (Redis, one EVALSHA per request).
# Knobs: THREADS=2 CONNECTIONS=64 DURATION=10 WARMUP=5 RUNS=3 PORT=28099 SCENARIOS="..." NO_BUILD=1
# Redis: AGORA_TEST_REDIS (default 127.0.0.1:56379, the scripts/servers.sh one); keys under agora:bench:rl:<pid>:,
# removed on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
THREADS="${THREADS:-2}" CONNECTIONS="${CONNECTIONS:-64}" DURATION="${DURATION:-10}" WARMUP="${WARMUP:-5}" RUNS="${RUNS:-3}"
PORT="${PORT:-28099}"
SCENARIOS="${SCENARIOS:-plain local-bucket local-window redis-bucket redis-window}"
REDIS="${AGORA_TEST_REDIS:-127.0.0.1:56379}"
PREFIX="agora:bench:rl:$$:"
OUT="$(mktemp -d)"

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build "$HERE/RateLimitBench.csproj" -c Release -o "$OUT/bin" -v q -nologo >/dev/null
else
  cp -r "$HERE/bin/Release/net10.0" "$OUT/bin"
fi

P=Agora:RateLimiting
ASPNETCORE_ENVIRONMENT=Production dotnet "$OUT/bin/RateLimitBench.dll" --urls "http://127.0.0.1:$PORT" \
  --$P:Redis="$REDIS" --$P:KeyPrefix="$PREFIX" \
  --$P:Policies:local-bucket:Algorithm=TokenBucket --$P:Policies:local-bucket:Capacity=1000000000 --$P:Policies:local-bucket:RefillPerSecond=1000000 \
  --$P:Policies:local-window:Windows:0:Limit=1000000000 --$P:Policies:local-window:Windows:0:Window=00:01:00 \
  --$P:Policies:local-window:Windows:1:Limit=2000000000 --$P:Policies:local-window:Windows:1:Window=01:00:00 \
  --$P:Policies:redis-bucket:Store=Redis --$P:Policies:redis-bucket:Algorithm=TokenBucket --$P:Policies:redis-bucket:Capacity=1000000000 --$P:Policies:redis-bucket:RefillPerSecond=1000000 \
  --$P:Policies:redis-window:Store=Redis --$P:Policies:redis-window:Windows:0:Limit=1000000000 --$P:Policies:redis-window:Windows:0:Window=00:01:00 \
  --$P:Policies:redis-window:Windows:1:Limit=2000000000 --$P:Policies:redis-window:Windows:1:Window=01:00:00 \
  >"$OUT/host.log" 2>&1 &
HOST=$!
cleanup() {
  kill "$HOST" 2>/dev/null || true; wait "$HOST" 2>/dev/null || true
  redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" --scan --pattern "${PREFIX}*" | xargs -r redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" del >/dev/null || true
  rm -rf "$OUT"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/plain" >/dev/null && break; sleep 0.2; done
for s in $SCENARIOS; do
  curl -sf -D - -o /dev/null "http://127.0.0.1:$PORT/$s" | grep -qi '^HTTP/1.1 200' || { echo "$s: not 200" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/$s" >/dev/null
done
for r in $(seq "$RUNS"); do
  for s in $SCENARIOS; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/$s" >"$OUT/$s.$r.txt"
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| scenario | req/s (median of $RUNS) | p99 (median) | non-2xx |"
echo "| --- | --- | --- | --- |"
for s in $SCENARIOS; do
  rps=$(cat "$OUT"/$s.*.txt | awk '/Requests\/sec/ {print $2}' | median)
  p99=$(cat "$OUT"/$s.*.txt | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' | median)
  bad=$(cat "$OUT"/$s.*.txt | awk '/Non-2xx/ {n+=$NF} END {print n+0}')
  echo "| $s | $rps | ${p99} ms | $bad |"
done
