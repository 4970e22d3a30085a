-- wrk script: GET /api/v1/products/{id}, rotating over the product ids listed
-- (one per line) in the file given as the first script argument:
--   wrk -t2 -c64 -d20s --latency -s get_product.lua http://127.0.0.1:15102 -- ids.txt
-- Each wrk thread starts at a different offset so the threads do not move in lockstep.

local ids = {}
local i = 0

local thread_counter = 0
function setup(thread)
  thread:set("thread_index", thread_counter)
  thread_counter = thread_counter + 1
end

function init(args)
  local path = args[1] or error("usage: -- <file with one product id per line>")
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no ids in " .. path) end
  i = ((thread_index or 0) * 37) % #ids
end

function request()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/products/" .. ids[i])
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
