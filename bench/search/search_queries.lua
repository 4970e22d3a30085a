-- wrk script: rotates over a file of request paths (one per line), each thread from its own offset:
--   wrk -t2 -c16 -d20s --latency -s search_queries.lua http://127.0.0.1:15107 -- queries.txt
local paths = {}
local counter = 0
local thread_index = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or error("usage: -- <queries file>")
  for line in io.lines(file) do
    if #line > 0 then table.insert(paths, line) end
  end
  counter = (id or 0) * 97
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
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
