-- wrk script for the bench: request from environment variables, summary as one JSON line.
--   BENCH_HANDLER   value of x-haiku-handler (omitted when empty)
--   BENCH_BODY_BYTES  POST a body of this many bytes (0 = GET)
local handler = os.getenv("BENCH_HANDLER") or ""
local body_bytes = tonumber(os.getenv("BENCH_BODY_BYTES") or "0")

if handler ~= "" then
  wrk.headers["x-haiku-handler"] = handler
end
if body_bytes > 0 then
  wrk.method = "POST"
  wrk.body = string.rep("0123456789abcdef", math.floor(body_bytes / 16))
  wrk.headers["content-type"] = "application/octet-stream"
end

-- wrk counts answers >= 400 in errors.status; each thread also counts them by status and x-renga-error code.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

statuses = {}
response = function(status, headers, body)
  if status >= 300 then
    local key = tostring(status)
    local code = headers["x-renga-error"] or headers["X-Renga-Error"]
    if code then key = key .. " " .. code end
    statuses[key] = (statuses[key] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses") or {}) do
      total[key] = (total[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(total) do
    table.insert(parts, string.format('"%s":%d', key, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"p999_us":%d,"max_us":%d,"mean_us":%.1f,"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, table.concat(parts, ",")))
end
