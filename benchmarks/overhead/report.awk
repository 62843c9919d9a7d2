# Summarises runs.tsv (written by run.sh) as Markdown. POSIX awk (mawk, gawk, busybox).
#   awk -F'\t' -f report.awk -v part=setups -v setups="a b c c10" runs.tsv
#   awk -F'\t' -f report.awk -v part=faults -v faults="otlp-refused ..." runs.tsv
#   awk -F'\t' -f report.awk -v part=starts -v setups="a b" starts.tsv
#   awk -F'\t' -f report.awk -v part=slices -v setups="a b c" slices.tsv
# Goals of the whole-service comparison: (b)'s added CPU per request (at CONNECTIONS and at the
# light pass) <= 0.6 x the agent's (c) and <= 0.5 x the hand-assembled set-up's (d); (b)'s added
# allocation <= 0.4 x (c)'s and <= 0.5 x (d)'s; throughput (b) >= (c) and (d); p99 at CONNECTIONS
# (b) <= (c) and (d); start-up added <= 150 ms. Under every fault 0 unintended non-2xx and p99 <=
# 1.2 x the healthy (b) run.

NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  next
}
# A slice of the interleaved pass: its figures by set-up, kind (main or light) and cycle.
part == "slices" {
  s = $col["setup"]; kind = $col["kind"]; c = $col["cycle"] + 0
  if ($col["served"] <= 0) next
  had[s, kind] = 1
  if (c > cycles) cycles = c
  cpu[s, kind, c] = $col["cpu_ns"] / $col["served"] / 1000
  alloc[s, kind, c] = $col["alloc_bytes"] / $col["served"] / 1024
  rps[s, kind, c] = $col["wrk_duration_us"] > 0 ? $col["wrk_requests"] / ($col["wrk_duration_us"] / 1e6) : 0
  p99[s, kind, c] = $col["p99_us"] / 1000
  next
}
{
  s = $col["setup"]
  n[s]++
  for (name in col) v[s, name, n[s]] = $col[name]
}

function median(s, name,    i, list) {
  list = ""
  for (i = 1; i <= n[s]; i++) list = list " " (v[s, name, i] + 0)
  return med(list)
}
function total(s, name,    i, t) {
  t = 0
  for (i = 1; i <= n[s]; i++) t += v[s, name, i]
  return t
}
function extreme(s, name, sign,    i, x, best) {
  for (i = 1; i <= n[s]; i++) {
    x = v[s, name, i] + 0
    if (i == 1 || sign * x > sign * best) best = x
  }
  return best
}
function fmt(x, digits) { return sprintf("%." digits "f", x) }
# The medians of the start-up phases and the total, as table cells.
function phases(s) {
  return fmt(median(s, "main_ms"), 0) " | " fmt(median(s, "logging_ms"), 0) " | " \
    fmt(median(s, "setup_ms"), 0) " | " fmt(median(s, "jetty_ms"), 0) " | " \
    fmt(median(s, "first_request_ms"), 0) " | " fmt(median(s, "startup_ms"), 0)
}
function verdict(ok) { return ok ? "met" : "**missed**" }

function setups_table(    list, k, s, m, r, d) {
  m = split(setups, list, " ")
  print "| set-up | runs | req/s | p50 ms | p99 ms | p50 ms, " light " | p99 ms, " light " | CPU s / 1k req | CPU s / 1k req, " light " | alloc KB / req | RSS MB | start-up ms | spans / 1k req | log B / req | non-2xx + socket errors |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (k = 1; k <= m; k++) {
    s = list[k]
    if (!(s in n)) continue
    printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", s, n[s],
      fmt(median(s, "rps"), 0), fmt(median(s, "p50_ms"), 2), fmt(median(s, "p99_ms"), 2),
      fmt(median(s, "light_p50_ms"), 3), fmt(median(s, "light_p99_ms"), 3),
      fmt(median(s, "cpu_s_per_1k"), 4), fmt(median(s, "light_cpu_s_per_1k"), 4),
      fmt(median(s, "alloc_kb_per_req"), 1),
      fmt(median(s, "rss_mb"), 0), fmt(median(s, "startup_ms"), 0),
      fmt(median(s, "spans_per_1k"), 0), fmt(median(s, "log_b_per_req"), 0),
      total(s, "non2xx") + total(s, "socket_errors")
  }
  if (!("a" in n) || !("b" in n)) return
  print ""
  print "Ratios (medians; (a) bare, (b) SDK, (c) agent at its default sampler, (c10) agent at 0.1,"
  print "(d) the same signals without the SDK: agent with metrics, logstash lines, Sentry's API):"
  print ""
  r = median("b", "rps") / median("a", "rps")
  printf "- throughput (b)/(a): %s\n", fmt(r, 3)
  versus("throughput (req/s)", "rps", 0, 1)
  versus("p99 at " CONNECTIONS " (ms)", "p99_ms", 2, -1)
  compare("CPU per 1,000 requests at " CONNECTIONS, "cpu_s_per_1k", 4, " s", 0.6, 0.5)
  compare("CPU per 1,000 requests, " light, "light_cpu_s_per_1k", 4, " s", 0.6, 0.5)
  compare("allocation per request", "alloc_kb_per_req", 2, " KB", 0.4, 0.5)
  compare("p50 latency at " CONNECTIONS, "p50_ms", 3, " ms", 0, 0)
  compare("p50 latency, " light, "light_p50_ms", 3, " ms", 0, 0)
  d = median("b", "startup_ms") - median("a", "startup_ms")
  if (starts > 0) printf "- start-up added by (b) in the rounds: %s ms (the goal is judged by the start-up pass below)", fmt(d, 0)
  else printf "- start-up added by (b): %s ms (goal <= 150 ms: %s)", fmt(d, 0), verdict(d <= 150)
  if ("c" in n) printf "; by (c): %s ms", fmt(median("c", "startup_ms") - median("a", "startup_ms"), 0)
  print ""
  print ""
  print "Start-up phases (medians, ms): JVM launch to `main`, configuring Logback, the set-up of the"
  print "instrumentation (`Observability.start()` in (b)), starting Jetty, then from listening to the"
  print "first 200 on `/work` (the first request's lazy initialisation, plus up to 10 ms of polling)."
  print ""
  print "| set-up | to main | Logback | instrumentation | Jetty | first request | total |"
  print "|---|---:|---:|---:|---:|---:|---:|"
  m = split(setups, list, " ")
  for (k = 1; k <= m; k++) {
    s = list[k]
    if (!(s in n)) continue
    printf "| %s | %s |\n", s, phases(s)
  }
}
# One "added X" line: (b)-(a) against (c)-(a), (c10)-(a) and (d)-(a), with the goals given as the
# highest ratio to (c) and to (d) (0: no goal).
function compare(what, name, digits, unit, goalC, goalD,    db, line, other, list, k, o, dx, g) {
  db = median("b", name) - median("a", name)
  line = "- added " what ": (b)-(a) " fmt(db, digits) unit
  if ("b0" in n) line = line " (b0, the other build: " fmt(median("b0", name) - median("a", name), digits) unit ")"
  split("c c10 d", list, " ")
  for (k = 1; k <= 3; k++) {
    o = list[k]
    if (!(o in n)) continue
    dx = median(o, name) - median("a", name)
    line = line "; (" o ")-(a) " fmt(dx, digits) unit
    g = (o == "c" ? goalC : (o == "d" ? goalD : 0))
    if (dx > 0) {
      line = line ", ratio " fmt(db / dx, 2)
      if (g > 0) line = line " (goal <= " g ": " verdict(db / dx <= g) ")"
    } else if (g > 0) {
      line = line " (adds nothing measurable; goal not assessable)"
    }
  }
  print line
}

# (b) against (c) and (d) on one figure; direction 1: (b) at least theirs, -1: at most.
function versus(what, name, digits, direction,    list, k, o, vb, vo, ok, line) {
  vb = median("b", name)
  line = "- " what ": (b) " fmt(vb, digits)
  split("c d", list, " ")
  for (k = 1; k <= 2; k++) {
    o = list[k]
    if (!(o in n)) continue
    vo = median(o, name)
    ok = direction > 0 ? vb >= vo : vb <= vo
    line = line "; (" o ") " fmt(vo, digits) " (goal (b) " (direction > 0 ? ">=" : "<=") " (" o "): " verdict(ok) ")"
  }
  print line
}

function faults_table(    list, k, s, m, ref, p99, ratio, ok, errs) {
  m = split(faults, list, " ")
  if (!("b" in n)) {
    print "No healthy (b) run to compare with: add b to SETUPS."
    return
  }
  ref = median("b", "p99_ms")
  print "Reference: healthy (b), median p99 " fmt(ref, 2) " ms over " n["b"] " run(s)."
  print ""
  print "| fault | runs | req/s | p99 ms | p99 / healthy (b) | unintended non-2xx + socket errors | heap after GC, before -> after run (MB) | /health/ready probes 200 / 503 / other | spans / 1k req | goals |"
  print "|---|---:|---:|---:|---:|---:|---|---|---:|---|"
  for (k = 1; k <= m; k++) {
    s = list[k]
    if (!(s in n)) continue
    p99 = median(s, "p99_ms")
    ratio = ref > 0 ? p99 / ref : 0
    errs = total(s, "non2xx") + total(s, "socket_errors")
    ok = (errs == 0 && ratio <= 1.2)
    printf "| %s | %d | %s | %s | %s | %d | %s -> %s | %d / %d / %d | %s | %s |\n", s, n[s],
      fmt(median(s, "rps"), 0), fmt(p99, 2), fmt(ratio, 2), errs,
      fmt(median(s, "heap_before_mb"), 1), fmt(median(s, "heap_after_mb"), 1),
      total(s, "health_ok"), total(s, "health_503"), total(s, "health_other"),
      fmt(median(s, "spans_per_1k"), 0),
      (errs == 0 ? "0 errors" : "**" errs " errors**") ", p99 " (ratio <= 1.2 ? "met" : "**missed**")
  }
}

# The start-up pass (starts.tsv): phases and totals per set-up, and what (b) adds to (a).
function starts_table(    list, k, s, m, d) {
  print "| set-up | starts | to main | Logback | instrumentation | Jetty | first request | total | total, range |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  m = split(setups, list, " ")
  for (k = 1; k <= m; k++) {
    s = list[k]
    if (!(s in n)) continue
    printf "| %s | %d | %s | %s to %s |\n", s, n[s], phases(s),
      extreme(s, "startup_ms", -1), extreme(s, "startup_ms", 1)
  }
  print ""
  if (("a" in n) && ("b" in n)) {
    d = median("b", "startup_ms") - median("a", "startup_ms")
    printf "- start-up added by (b): %s ms, medians of %d and %d starts (goal <= 150 ms: %s)\n",
      fmt(d, 0), n["b"], n["a"], verdict(d <= 150)
  }
  if (("a+cds" in n) && ("b+cds" in n)) {
    d = median("b+cds", "startup_ms") - median("a+cds", "startup_ms")
    printf "- start-up added by (b), each set-up with its AppCDS archive: %s ms, medians of %d and %d starts (goal <= 150 ms: %s with archives)\n",
      fmt(d, 0), n["b+cds"], n["a+cds"], verdict(d <= 150)
  }
}

# The median of a space-separated list of numbers ("" when empty), and its range as "min to max".
function med(list,    a, m, i, j, t) {
  m = split(list, a, " ")
  if (m == 0) return ""
  for (i = 2; i <= m; i++) {
    t = a[i] + 0
    for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  RANGE = a[1] " to " a[m]
  return (m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) + 0
}
# A figure of one set-up and kind over the cycles, as a list.
function over(arr, s, kind,    c, list) {
  list = ""
  for (c = 1; c <= cycles; c++) if ((s, kind, c) in arr) list = list " " arr[s, kind, c]
  return list
}
function slices_table(    list, m, k, s, kind, kinds, kk, c, line, o, parts, others, j, x, rng, diffs, cheaper, both, goal, label) {
  m = split(setups, list, " ")
  print "| set-up | slices | req/s | p99 ms | CPU µs / req | CPU µs / req, range | CPU µs / req, " light " | alloc KB / req |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|"
  for (k = 1; k <= m; k++) {
    s = list[k]
    if (!((s, "main") in had)) continue
    x = med(over(cpu, s, "main"))
    rng = RANGE_FMT()
    printf "| %s | %d | %s | %s | %s | %s | %s | %s |\n", s, split(over(cpu, s, "main"), parts, " "),
      fmt(med(over(rps, s, "main")), 0), fmt(med(over(p99, s, "main")), 2), fmt(x, 1), rng,
      ((s, "light") in had ? fmt(med(over(cpu, s, "light")), 1) : ""),
      fmt(med(over(alloc, s, "main")), 2)
  }
  print ""
  print "CPU µs per request by cycle, at " CONNECTIONS " (and " light "):"
  print ""
  line = "| cycle"
  for (k = 1; k <= m; k++) if ((list[k], "main") in had) line = line " | " list[k]
  print line " |"
  line = "|---:"
  for (k = 1; k <= m; k++) if ((list[k], "main") in had) line = line "|---:"
  print line "|"
  for (c = 1; c <= cycles; c++) {
    line = "| " c
    for (k = 1; k <= m; k++) {
      s = list[k]
      if (!((s, "main") in had)) continue
      line = line " | " ((s, "main", c) in cpu ? fmt(cpu[s, "main", c], 1) : "") \
        ((s, "light", c) in cpu ? " (" fmt(cpu[s, "light", c], 1) ")" : "")
    }
    print line " |"
  }
  if (!(("a", "main") in had)) return
  print ""
  print "Ratios taken within each cycle, then their median over the cycles and their range: what a"
  print "set-up adds to (a) against what (c) and (d) add, throughput and p99 against theirs, and (b)"
  print "against its variants in the pass (another build, a module or the access line left out):"
  print ""
  split("main light", kinds, " ")
  for (kk = 1; kk <= 2; kk++) {
    kind = kinds[kk]
    label = kind == "main" ? CONNECTIONS : light
    for (k = 1; k <= m; k++) {
      s = list[k]
      if (s == "a" || s == "c" || s == "c10" || !((s, kind) in had)) continue
      split("c d", others, " ")
      for (j = 1; j <= 2; j++) {
        o = others[j]
        if (o == s || !((o, kind) in had)) continue
        goal = (s == "b" ? (o == "c" ? 0.6 : 0.5) : 0)
        ratio_line("added CPU at " label ", (" s ")-(a) against (" o ")-(a)", cpu, s, o, kind, 1, goal, -1)
        if (kind != "main") continue
        goal = (s == "b" ? (o == "c" ? 0.4 : 0.5) : 0)
        ratio_line("added allocation, (" s ")-(a) against (" o ")-(a)", alloc, s, o, kind, 1, goal, -1)
        goal = (s == "b" ? 1 : 0)
        ratio_line("throughput at " label ", (" s ") / (" o ")", rps, s, o, kind, 0, goal, 1)
        ratio_line("p99 at " label ", (" s ") / (" o ")", p99, s, o, kind, 0, goal, -1)
      }
    }
    # (b) against each other variant of it in the pass: another build (b0), a module left out, ...
    for (k = 1; k <= m; k++) {
      o = list[k]
      if (o == "b" || substr(o, 1, 1) != "b" || !(("b", kind) in had) || !((o, kind) in had)) continue
      diffs = ""; cheaper = 0; both = 0
      for (c = 1; c <= cycles; c++) {
        if (!(("b", kind, c) in cpu) || !((o, kind, c) in cpu)) continue
        x = cpu["b", kind, c] - cpu[o, kind, c]
        diffs = diffs " " x; both++
        if (x < 0) cheaper++
      }
      x = med(diffs)
      rng = RANGE_FMT()
      printf "- CPU at %s, (b) - (%s): %s µs per request (cycles: %s); (b) cheaper in %d of %d cycles\n",
        label, o, fmt(x, 2), rng, cheaper, both
    }
  }
}
# One line of ratios taken within each cycle: of what s and o add to (a) (added = 1), or of their
# figures; the median over the cycles, the range, and against the goal (0: none) as the highest
# (direction -1) or lowest (1) ratio allowed.
function ratio_line(what, arr, s, o, kind, added, goal, direction,    c, x, y, ratios, r, rng) {
  ratios = ""
  for (c = 1; c <= cycles; c++) {
    if (!((s, kind, c) in arr) || !((o, kind, c) in arr) || (added && !(("a", kind, c) in arr))) continue
    x = arr[s, kind, c] - (added ? arr["a", kind, c] : 0)
    y = arr[o, kind, c] - (added ? arr["a", kind, c] : 0)
    if (y > 0) ratios = ratios " " x / y
  }
  if (ratios == "") return
  r = med(ratios)
  rng = RANGE_FMT()
  printf "- %s: %s (cycles: %s)%s\n", what, fmt(r, 2), rng,
    (goal > 0 ? " (goal " (direction < 0 ? "<= " : ">= ") goal ": " verdict(direction < 0 ? r <= goal : r >= goal) ")" : "")
}
# RANGE (set by med) with two decimals.
function RANGE_FMT(    r) {
  split(RANGE, r, " to ")
  return fmt(r[1], 2) " to " fmt(r[2], 2)
}

END {
  light = (light_connections == "" ? "1" : light_connections) " conn"
  if (CONNECTIONS == "") CONNECTIONS = "load"
  if (part == "setups") setups_table()
  else if (part == "starts") starts_table()
  else if (part == "slices") slices_table()
  else faults_table()
}
