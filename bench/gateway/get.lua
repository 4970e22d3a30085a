-- wrk script: one fixed path, with an optional bearer token (both given as script arguments):
--   [WRK_PAUSE_MS=10] wrk -t2 -c64 -d20s --latency -s get.lua http://127.0.0.1:28080 -- '/api/v1/products/prd_…' "$TOKEN"
-- The same request goes to every target, so the only difference is what sits in front of Catalog. With WRK_PAUSE_MS
-- each connection waits that long after each response: C connections then offer about C * 1000 / PAUSE requests/s.

local path, token
local pause = tonumber(os.getenv("WRK_PAUSE_MS") or "")

function init(args)
  path = args[1] or error("usage: -- <path> [token]")
  token = args[2]
end

-- wrk decides whether to pace requests by whether the script defines delay(), before init() runs: so from the environment.
if pause then
  function delay()
    return pause
  end
end

function request()
  if token and #token > 0 then
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
  end
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
