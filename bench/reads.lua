-- wrk script for the soak: readers move between the articles being commented on, the
-- front page, the feeds, archive pages and the sitemap; 5xx answers are counted apart.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- The articles' pages (space-separated in BENCH_READ_PATHS), then the lists and feeds.
  paths = {}
  for path in string.gmatch(os.getenv("BENCH_READ_PATHS"), "%S+") do
    table.insert(paths, path)
  end
  for _, path in ipairs({ "/", "/feed/", "/page/2/", "/page/3/", "/comments/feed/", "/sitemap.xml" }) do
    table.insert(paths, path)
    table.insert(paths, path)
  end
  counter = 0
  fivexx = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("fivexx")
  end
  io.write(string.format("FIVEXX %d\n", total))
end
