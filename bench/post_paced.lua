-- wrk script for the soak: each connection posts a distinct first-time comment every
-- BENCH_DELAY_MS milliseconds, so connections × 1000 / delay is the rate offered (set to
-- twice what the site was measured to take), to the articles BENCH_ARTICLE_IDS names in
-- turn (comma-separated). Counts acknowledgements and 5xx answers.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  articles = {}
  for id in string.gmatch(os.getenv("BENCH_ARTICLE_IDS"), "[^,]+") do
    table.insert(articles, id)
  end
  pause = tonumber(os.getenv("BENCH_DELAY_MS"))
  segment = os.getenv("BENCH_SEGMENT")
  counter = 0
  acked = 0
  refused = 0
  fivexx = 0
end

function delay()
  return pause
end

function request()
  counter = counter + 1
  local key = segment .. "-" .. id .. "-" .. counter
  local article = articles[((id * 7919 + counter) % #articles) + 1]
  local body = "comment_post_ID=" .. article .. "&comment_parent=0"
    .. "&author=Soak+reader+" .. key
    .. "&email=soak-" .. key .. "%40bench.example"
    .. "&url=&comment=Soak+comment+" .. key .. "+with+some+words+in+it."
  return wrk.format("POST", "/wp-comments-post.php",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status == 303 then acked = acked + 1 else refused = refused + 1 end
  if status >= 500 then fivexx = fivexx + 1 end
end

function done(summary, latency, requests)
  local total_acked, total_refused, total_fivexx = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_acked = total_acked + thread:get("acked")
    total_refused = total_refused + thread:get("refused")
    total_fivexx = total_fivexx + thread:get("fivexx")
  end
  io.write(string.format("ACKED %d REFUSED %d\n", total_acked, total_refused))
  io.write(string.format("FIVEXX %d\n", total_fivexx))
end
