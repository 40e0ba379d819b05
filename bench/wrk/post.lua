-- POST GraphQL bodies to /graphql. Bodies come one per line from $BENCH_BODIES (each request
-- takes the next line, so a mutation can vary its target); $BENCH_HEADER is one extra
-- "Name: value" header (a session cookie or a bearer token). done() prints one JSON line.
local bodies = {}
local counter = 0

local function read_bodies()
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end

init = function(args)
  read_bodies()
  wrk.method = "POST"
  wrk.path = "/graphql"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Requested-With"] = "mandi-bench"
  local header = os.getenv("BENCH_HEADER")
  if header and #header > 0 then
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

request = function()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
