-- wrk script for bench/soak.sh: non-stream completions, paced, outcomes counted.
-- Usage: wrk -t1 -cN -dS --timeout 90s -s complete.lua URL -- <delay-ms>
-- Each connection sends, in turn, JSON-RPC llm.complete and POST /v1/chat/completions, each to
-- gpt-4.1-mini (the misbehaving upstream) and to sim-fast (the simulator), waiting <delay-ms>
-- between its requests. done() prints one line: SOAKWRK key=value ... with the outcomes counted
-- by surface: HTTP status, and for JSON-RPC the error code in the body (HTTP 200 either way).

local threads = {}
local bodies = {
   {"/jsonrpc", '{"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello from the soak"}],"source_agent":"soak-wrk"}}'},
   {"/v1/chat/completions", '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello from the soak"}]}'},
   {"/jsonrpc", '{"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"sim-fast","messages":[{"role":"user","content":"Hello from the soak"}],"source_agent":"soak-wrk"}}'},
   {"/v1/chat/completions", '{"model":"sim-fast","messages":[{"role":"user","content":"Hello from the soak"}]}'},
}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   pause = tonumber(args[1] or "0")
   n = 0
   sent = {}
   outcomes = {}
end

function delay()
   return pause
end

function request()
   n = n + 1
   local b = bodies[(n % #bodies) + 1]
   return wrk.format("POST", b[1], {["Content-Type"] = "application/json", ["X-Source-Agent"] = "soak-wrk"}, b[2])
end

-- Which surface answered is read from the body (a thread's connections interleave, so the last
-- request sent is not necessarily the one answered): JSON-RPC answers carry "jsonrpc".
function response(status, headers, body)
   local key
   if body:find('"jsonrpc"', 1, true) then
      if status == 200 then
         local code = body:match('"error":{"code":(%-?%d+)')
         key = code and ("rpc_err" .. code:gsub("-", "")) or "rpc_ok"
      else
         key = "rpc_http" .. status
      end
   else
      key = "v1_http" .. status
   end
   outcomes[key] = (outcomes[key] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local o = t:get("outcomes")
      for k, v in pairs(o) do total[k] = (total[k] or 0) + v end
   end
   local e = summary.errors
   local line = string.format("SOAKWRK requests=%d duration_s=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f " ..
      "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d",
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status)
   local keys = {}
   for k in pairs(total) do table.insert(keys, k) end
   table.sort(keys)
   for _, k in ipairs(keys) do line = line .. string.format(" %s=%d", k, total[k]) end
   io.write(line .. "\n")
end
