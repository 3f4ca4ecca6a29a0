-- Prints one machine-readable line when wrk finishes:
-- RESULT <requests> <duration_us> <p50_us> <p99_us> <errors> <non2xx>
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
