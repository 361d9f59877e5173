-- wrk's requests from a file of paths, one a line, in the file's order and round again when they run out
-- (benchmarks/web_load.py run_wrk_paths):
--   wrk -t1 -c8 -d10s --latency -s benchmarks/paths.lua http://127.0.0.1:PORT -- PATHS_FILE
-- Lua keeps no state shared between wrk's threads, so run it with -t1 (each path then comes once a round).
-- wrk 4.1 cannot end a run early (a stopped thread still counts the whole duration), so a caller that wants each
-- path once gives more paths than can be sent, and compares the requests wrk reports with their number.
local paths = {}
local next_path = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
