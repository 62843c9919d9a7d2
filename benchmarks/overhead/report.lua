-- wrk report: one machine-readable line after the human-readable output.
-- Latency figures are in microseconds; errors are wrk's socket errors and non-2xx/3xx replies.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d bytes=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "non2xx=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
