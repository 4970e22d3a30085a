-- wrk script: GET the storefront's pages at a fixed overall rate, rotating over the paths listed (one per line) in the
-- file given as the first script argument:
--   wrk -t2 -c20 -d20s -s pages.lua http://127.0.0.1:3000 -- paths.txt 200 20
-- The second argument is the overall rate (requests/s), the third wrk's -c: each connection waits connections/rate s between its
-- requests (wrk's delay()), so the rate is a ceiling the run approaches while pages answer fast; run.sh reports the
-- rate reached. Latencies are wrk's (request sent to response read, on loopback: the server's time).

local paths = {}
local i = 0
local wait_ms = 0

local thread_counter = 0
local threads = {}
function setup(thread)
  thread:set("thread_index", thread_counter)
  thread_counter = thread_counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1] or error("usage: -- <file with one path per line> <requests/s>")
  local rate = tonumber(args[2] or "200")
  local connections = tonumber(args[3] or "20")
  for line in io.lines(path) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. path) end
  -- The whole run's connections share the rate.
  wait_ms = math.floor(connections * 1000 / rate)
  i = ((thread_index or 0) * 37) % #paths
end

function delay()
  return wait_ms
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

-- One machine-readable line (latencies in microseconds) for run.sh.
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50=%d p90=%d p95=%d p99=%d max=%d requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
