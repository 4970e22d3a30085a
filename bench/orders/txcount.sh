#!/usr/bin/env bash
# PostgreSQL transactions per confirmed order, per service database (issue 16): runs the order benchmark
# (bench/orders/run.sh distributed, one measured run at a low rate) and samples pg_stat_database
# (xact_commit + xact_rollback) of the run's databases every second meanwhile. For each database it prints the
# transactions per second over the samples that enclose the generator's measured window, divided by the confirmed
# orders per second of that window (orders sent in the window that ended confirmed): transactions per order at a
# steady rate. Background work (Wolverine's durability agents, pollers) is included, as it is in production; at a low
# rate it weighs more per order.
#
#   bench/orders/txcount.sh                    (defaults: RATE=10 DURATION=20 WARMUP=20 LEAD_IN=5)
#
# Knobs: RATE, DURATION, WARMUP, LEAD_IN, NO_BUILD, OUT (kept: the samples, the generator's results, the services'
# logs), and everything bench/orders/run.sh reads (AGORA_TEST_POSTGRES etc.; default scripts/servers.sh ports).
# PostgreSQL publishes a backend's counts at most once a second (and an idle backend's after up to 10 s): the window
# is widened to the enclosing samples and the rate taken over their real span, so the figure is a rate, not a count.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG="${AGORA_TEST_POSTGRES:-Host=127.0.0.1;Port=55432;Username=agora;Password=agora}"
export RATE="${RATE:-10}" DURATION="${DURATION:-20}" WARMUP="${WARMUP:-20}" LEAD_IN="${LEAD_IN:-5}" RUNS=1
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/agora-txcount.XXXXXX")}"
export OUT
mkdir -p "$OUT"

pg_kv() { printf '%s' "$PG" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, index($0, "=") + 1) }'; }
psql_admin() {
    PGPASSWORD="$(pg_kv Password)" PGCONNECT_TIMEOUT=5 psql -X -q -At -F ' ' \
        "host=$(pg_kv Host) port=$(pg_kv Port) user=$(pg_kv Username) dbname=postgres" "$@"
}

SAMPLES="$OUT/pg-samples.txt"
: >"$SAMPLES"
"$HERE/run.sh" distributed >"$OUT/run.out" 2>"$OUT/run.err" &
BENCH=$!
trap 'kill "$BENCH" 2>/dev/null || true' INT TERM
# One line per database and sample: epoch seconds, database, transactions so far (the bench's databases only).
while kill -0 "$BENCH" 2>/dev/null; do
    now="$(date +%s.%N)"
    psql_admin -c "SELECT datname, xact_commit + xact_rollback FROM pg_stat_database WHERE datname LIKE 'agora\\_bench\\_%'" 2>/dev/null \
        | awk -v t="$now" 'NF == 2 { print t, $1, $2 }' >>"$SAMPLES" || true
    sleep 1
done
rc=0
wait "$BENCH" || rc=$?
[ "$rc" = 0 ] || { tail -n 30 "$OUT/run.err" >&2; echo "txcount: the benchmark failed (exit $rc)" >&2; exit "$rc"; }

CSV="$OUT/distributed-$RATE/orders-distributed.csv"
[ -f "$CSV" ] || { echo "txcount: no raw results in $OUT/distributed-$RATE" >&2; exit 1; }
echo "## PostgreSQL transactions per confirmed order"
echo
echo "commit $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# The measured window is the span of the due times of run 1's measured orders (plus one interval); the confirmed
# orders are those sent in it that ended confirmed (shipped or delivered later counts: the generator reads the stream).
python3 - "$CSV" "$SAMPLES" "$RATE" <<'PY'
import csv, sys, datetime
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["run"] == "1" and r["measured"] == "True"]
epoch = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
dues = [epoch(r["due"]) for r in rows]
start, end = min(dues), max(dues) + 1 / float(sys.argv[3])
confirmed = sum(1 for r in rows if r["outcome"] == "Confirmed")
per_second = confirmed / (end - start)
first, last = {}, {}
for line in open(sys.argv[2]):
    t, db, x = line.split()
    t, x = float(t), int(x)
    db = db[len("agora_bench_"):].rsplit("_", 1)[0]
    if t <= start and (db not in first or t > first[db][0]): first[db] = (t, x)
    if t >= end and (db not in last or t < last[db][0]): last[db] = (t, x)
print(f"RATE={sys.argv[3]}/s: {len(rows)} orders sent in the measured {end - start:.1f} s, {confirmed} confirmed ({per_second:.2f}/s)")
print()
print("| database | transactions/s | per confirmed order |")
print("| --- | ---: | ---: |")
total = 0
for db in sorted(first):
    if db not in last: continue
    (t0, x0), (t1, x1) = first[db], last[db]
    rate = (x1 - x0) / (t1 - t0)
    total += rate
    print(f"| {db} | {rate:.1f} | {rate / per_second:.1f} |")
print(f"| all | {total:.1f} | {total / per_second:.1f} |")
PY
echo
echo "(samples, results and logs in $OUT)"
