-- wrk script: one fixed, filtered product list page, given as the first script argument:
--   wrk -t2 -c64 -d20s --latency -s list_products.lua http://127.0.0.1:15102 -- '/api/v1/products?category=...'
-- Also used for the framework-floor scenario (GET /health/live).

local path

function init(args)
  path = args[1] or error("usage: -- <path and query>")
end

function request()
  return wrk.format("GET", path)
end

-- One machine-readable line (latencies in microseconds) for run.sh.
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50=%d p90=%d p99=%d max=%d requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
