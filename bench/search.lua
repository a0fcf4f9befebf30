-- wrk script: each request searches for the next query of the file BENCH_QUERIES (one
-- percent-encoded query a line), round and round.
local queries = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_QUERIES")) do
    table.insert(queries, line)
  end
  counter = 0
end

function request()
  counter = counter + 1
  local query = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/?s=" .. query)
end
