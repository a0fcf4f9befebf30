-- wrk script for the soak: readers move between the article, the front page, the feed and
-- archive pages; 5xx answers are counted apart from other statuses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {
    os.getenv("BENCH_ARTICLE_PATH"), "/", "/feed/", "/page/2/", "/page/3/",
    os.getenv("BENCH_ARTICLE_PATH"), "/comments/feed/", "/sitemap.xml",
  }
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
