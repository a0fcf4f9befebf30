-- wrk script: every request posts a distinct comment from a distinct first-time commenter
-- (held for moderation, as WordPress holds first comments). Counts the acknowledgements
-- (303) so the driver can check each one is in the database.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  article = os.getenv("BENCH_ARTICLE_ID")
  counter = 0
  acked = 0
  refused = 0
end

function request()
  counter = counter + 1
  local key = id .. "-" .. counter
  local body = "comment_post_ID=" .. article .. "&comment_parent=0"
    .. "&author=Bench+reader+" .. key
    .. "&email=reader-" .. key .. "%40bench.example"
    .. "&url=&comment=Benchmark+comment+" .. key .. "+with+some+words+in+it."
  return wrk.format("POST", "/wp-comments-post.php",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status == 303 then acked = acked + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local total_acked, total_refused = 0, 0
  for _, thread in ipairs(threads) do
    total_acked = total_acked + thread:get("acked")
    total_refused = total_refused + thread:get("refused")
  end
  io.write(string.format("ACKED %d REFUSED %d\n", total_acked, total_refused))
end
