-- wrk script for the City Atlas soak: POSTs a rotation of real queries and counts every
-- response that is not a 200 carrying data without errors.
local queries = {
  '{"query":"{ countries { nodes { code name cities { slug } } } }"}',
  '{"query":"{ indicator(code: \\"ai_market_size\\") { series(subjects: [\\"CN\\", \\"US\\"]) { subject { key } points { year value } } } }"}',
  '{"query":"{ observations(first: 20) { totalCount nodes { formatted subject { key } indicator { code } source { citation(style: APA) } } } }"}',
  '{"query":"{ search(text: \\"shen\\") { __typename } }"}',
  '{"query":"{ strategicComparison { dimension keyDifference positions { text } } }"}',
}
local counter = 0
local failures = 0

request = function()
  counter = counter + 1
  local body = queries[(counter % #queries) + 1]
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) or not string.find(body, '"data"', 1, true) then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("graphql_failures %d\n", failures))
  io.write(string.format("latency_p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("latency_p99_ms %.2f\n", latency:percentile(99) / 1000))
end
