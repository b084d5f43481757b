-- wrk script for the ingest benchmarks: POST /v1/events with bodies read from a file, one per line,
-- in turn; "@@" in a body is replaced by a token new for every request, so every event id (and
-- every review request) is new and no event can be a duplicate, whatever order requests arrive in.
-- args: <bodies file> <run tag> <api key>
local turn, bodies, headers, tag = 0, {}, {}, ""

function setup(thread)
  threads_started = (threads_started or 0) + 1
  thread:set("thread_no", threads_started)
end

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  tag = args[2]
  headers["Authorization"] = "Bearer " .. args[3]
  headers["Content-Type"] = "application/json"
end

function request()
  local token = string.format("%s-%d-%d", tag, thread_no, turn)
  local body = string.gsub(bodies[turn % #bodies + 1], "@@", token)
  turn = turn + 1
  return wrk.format("POST", "/v1/events", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
end
