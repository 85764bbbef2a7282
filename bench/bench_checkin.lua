-- bench/bench_checkin.lua: the wrk script of the check-in benchmark. Reads the request bodies written
-- by bench_checkin_setup (one {"code","token"} per line, every person once), gives each wrk thread its
-- own slice, and sends each body once as POST /api/public/checkins (keep-alive). A thread that runs out
-- of bodies starts its slice again (those answers would be replays); done() reports whether it did.
-- Usage: wrk -t2 -c128 -d10s -s bench/bench_checkin.lua URL -- BODIES.txt 2   (the last: wrk's -t)

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or "bench/out/checkin-bodies.txt"
  local lines = {}
  for line in io.lines(file) do lines[#lines + 1] = line end
  local n = tonumber(args[2] or "1") -- wrk's -t: each thread's Lua state knows only itself
  local per = math.floor(#lines / n)
  local first = (index - 1) * per
  requests = {}
  for i = 1, per do
    requests[i] = wrk.format("POST", "/api/public/checkins", { ["Content-Type"] = "application/json" }, lines[first + i])
  end
  lines = nil
  position = 0
  wrapped = 0
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = wrapped + 1
  end
  return requests[position]
end

function done(summary, latency, requests_)
  for _, t in ipairs(threads) do
    local w = t:get("wrapped")
    if w and w > 0 then
      io.stderr:write(string.format("warning: thread %d used its bodies %d more time(s): replays were measured\n", t:get("index"), w))
    end
  end
end
