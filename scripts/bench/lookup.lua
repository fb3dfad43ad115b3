-- wrk script for scripts/bench/lookup. Arguments after --: MODE URL_FILE [DELAY_MS] [BATCH]
--   MODE get: GET /v1/counts?url=<random line of URL_FILE>; post: POST /v1/counts with BATCH random
--   URLs; anything else: GET the path given to wrk. DELAY_MS paces each connection.
local urls = {}
local mode, delay_ms, batch

function init(args)
  mode = args[1]
  delay_ms = tonumber(args[3] or "0")
  batch = tonumber(args[4] or "0")
  if args[2] and args[2] ~= "-" then
    for line in io.lines(args[2]) do urls[#urls + 1] = line end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  if mode == "get" then
    return wrk.format("GET", "/v1/counts?url=" .. urls[math.random(#urls)])
  elseif mode == "post" then
    local parts = {}
    for i = 1, batch do parts[i] = '"' .. urls[math.random(#urls)] .. '"' end
    return wrk.format("POST", "/v1/counts", {["Content-Type"] = "application/json"},
      '{"urls":[' .. table.concat(parts, ",") .. ']}')
  end
  return wrk.format("GET", wrk.path)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d errors=%d duration_us=%d p50=%d p99=%d p999=%d\n",
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
