#!/usr/bin/env bash
# Where the SDK's added CPU (or allocation) per request goes, kernel included (docs/performance.md,
# section "Whole-service overhead and faults"): the bare app (a) and the SDK set-up (b) of run.sh,
# each in a fresh JVM under the same wrk load, profiled over the window with async-profiler
# (tools.profiler:async-profiler from Maven Central; it samples kernel and native frames, which
# JFR does not). Every sample is charged to the innermost frame of a known library, so a system
# call or an allocation is charged to whoever made it; the report gives microseconds of CPU (or
# bytes allocated) per request by owner in (a) and (b), and the difference.
#
# Needs what run.sh needs, plus jcmd (JDK) and unzip. Linux x64 only. Settings (environment):
#   WARMUP=90 DURATION=20 CONNECTIONS=16   seconds of warm-up and of the profiled window, wrk
#                                          connections
#   WARMUP_PIECES=9                        wrk runs the warm-up is cut into (as in run.sh)
#   EVENT=cpu                              cpu, or alloc for allocated bytes
#   INTERVAL=1ms                           CPU sampling interval (EVENT=cpu)
#   ALLOC_INTERVAL=256k                    bytes allocated between samples (EVENT=alloc)
#   PIN=1 APP_CPUS=0 LOAD_CPUS=1           taskset, as in run.sh
#   BUILD=1                                build the benchmarks jar first (0: use the one there)
#   PORT_BASE=18180                        app and sink: +0, +1
#   JAR=benchmarks/target/benchmarks.jar   the jar holding the app (another build's, with BUILD=0,
#                                          to profile that build's (b))
#   B_ENV=""                               more environment for (b), NAME=value separated by spaces
#                                          (any setting of the SDK's, such as
#                                          OBSERVABILITY_TRACING_SAMPLE_RATIO=1.0)
#   B_LOGBACK=""                           a Logback configuration for (b) (an older build's (b)
#                                          used one; without it, the SDK's default console)
#   APP_JAVA=java VIRTUAL_THREADS=0        the app's java, and 1 to serve each request on a
#                                          virtual thread of its own (JDK 21 or newer), as in run.sh
# Results: a Markdown table on stdout and in benchmarks/overhead/work/profile-<date>.md, the
# collapsed stacks beside it.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$HERE/work}
WARMUP=${WARMUP:-90}
WARMUP_PIECES=${WARMUP_PIECES:-9}
((WARMUP_PIECES <= WARMUP)) || WARMUP_PIECES=$WARMUP
((WARMUP_PIECES >= 1)) || WARMUP_PIECES=1
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
EVENT=${EVENT:-cpu}
INTERVAL=${INTERVAL:-1ms}
ALLOC_INTERVAL=${ALLOC_INTERVAL:-256k}
PIN=${PIN:-1}
APP_CPUS=${APP_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
BUILD=${BUILD:-1}
PORT_BASE=${PORT_BASE:-18180}
JAR=${JAR:-$ROOT/benchmarks/target/benchmarks.jar}
B_LOGBACK=${B_LOGBACK:-}
B_ENV=${B_ENV:-}
APP_JAVA=${APP_JAVA:-java}
VIRTUAL_THREADS=${VIRTUAL_THREADS:-0}
PKG=dev.observability.benchmarks.overhead
APP_PORT=$PORT_BASE
SINK_PORT=$((PORT_BASE + 1))
PROFILER_VERSION=4.2

die() { echo "profile.sh: $*" >&2; exit 1; }
log() { echo "profile.sh: $*" >&2; }
for tool in java "$APP_JAVA" wrk unzip curl; do command -v "$tool" >/dev/null || die "$tool not found"; done
# jcmd must be the app's JDK's.
APP_JCMD=$(dirname "$(command -v "$APP_JAVA")")/jcmd
[[ -x $APP_JCMD ]] || die "$APP_JCMD not found"
APP_FLAGS=()
if [[ $VIRTUAL_THREADS == 1 ]]; then APP_FLAGS+=(--virtual-threads); fi
[[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] || die "async-profiler is fetched for linux-x64 only"
case $EVENT in
  cpu) START="start,event=cpu,interval=$INTERVAL" UNIT="us" STAT=cpu_ns SCALE=1e-3 ;;
  alloc) START="start,event=alloc,alloc=$ALLOC_INTERVAL" UNIT="B" STAT=allocated_bytes SCALE=1 ;;
  *) die "EVENT must be cpu or alloc, not $EVENT" ;;
esac

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

PIN_APP=() PIN_LOAD=()
if [[ $PIN == 1 ]]; then
  PIN_APP=(taskset -c "$APP_CPUS")
  PIN_LOAD=(taskset -c "$LOAD_CPUS")
fi

if [[ $BUILD == 1 ]]; then
  log "building benchmarks/target/benchmarks.jar"
  (cd "$ROOT" && mvn -q -B -ntp -DskipTests package -pl benchmarks -am)
fi
[[ -f $JAR ]] || die "$JAR not found: run with BUILD=1"

PROFILER_DIR=$WORK/async-profiler-$PROFILER_VERSION
LIB=$PROFILER_DIR/linux-x64/libasyncProfiler.so
if [[ ! -f $LIB ]]; then
  log "fetching tools.profiler:async-profiler:$PROFILER_VERSION"
  mkdir -p "$PROFILER_DIR"
  # Outside the reactor, as run.sh fetches the agent: the project's POM imports its own BOM.
  DEPENDENCY_PLUGIN=$(sed -n 's:.*<dependency-plugin.version>\(.*\)</dependency-plugin.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
  [[ -n $DEPENDENCY_PLUGIN ]] || die "dependency-plugin.version not found in pom.xml"
  (cd "$PROFILER_DIR" && mvn -q -B -ntp \
    "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN:copy" \
    -Dartifact="tools.profiler:async-profiler:$PROFILER_VERSION" -DoutputDirectory="$PROFILER_DIR")
  unzip -q -o "$PROFILER_DIR/async-profiler-$PROFILER_VERSION.jar" 'linux-x64/*' -d "$PROFILER_DIR"
fi

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=$WORK/profile-$EVENT-$STAMP
mkdir -p "$OUT"
JAVA_OPTS=(-Xms512m -Xmx512m -XX:+UseG1GC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)

"${PIN_LOAD[@]}" java -Xmx256m -cp "$JAR" "$PKG.OtlpSink" --mode ok --port "$SINK_PORT" \
  >"$OUT/sink.log" 2>&1 &
PIDS+=($!)

profile_one() { # name mode [logback-config]: without one, set-up (b)'s default console
  local name=$1 mode=$2 config=${3:-} pid s0 s1 logback=() more=()
  if [[ $mode == sdk && -n $B_ENV ]]; then read -r -a more <<<"$B_ENV"; fi
  rm -f "$OUT/$name.service.log"
  if [[ -n $config ]]; then
    [[ $config == /* ]] || config=$HERE/$config
    logback=("-Dlogback.configurationFile=$config")
  fi
  env OTEL_SERVICE_NAME=overhead-sdk "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT" \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OBSERVABILITY_TRACING_SAMPLE_RATIO=0.1 \
    "SENTRY_DSN=http://overhead@127.0.0.1:$SINK_PORT/1" OBSERVABILITY_SERVICE_ENVIRONMENT=benchmark \
    "${more[@]}" "${PIN_APP[@]}" "$APP_JAVA" "${JAVA_OPTS[@]}" "-agentpath:$LIB" -cp "$JAR" \
    "${logback[@]}" "-Doverhead.log.file=$OUT/$name.service.log" \
    "$PKG.OverheadApp" --mode "$mode" --port "$APP_PORT" "${APP_FLAGS[@]}" >"$OUT/$name.stdout.log" \
    2>"$OUT/$name.app.log" &
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 600; i++)); do
    curl -sf "http://127.0.0.1:$APP_PORT/work" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || die "app ($name) exited: $(tail -n 20 "$OUT/$name.app.log")"
    sleep 0.1
  done
  # The warm-up in pieces, each ending with a read of the app's figures, as in run.sh: the window's
  # new connections and reads are then nothing new to the compiler.
  for ((i = 0; i < WARMUP_PIECES; i++)); do
    "${PIN_LOAD[@]}" wrk -t1 -c"$CONNECTIONS" \
      -d"$((WARMUP / WARMUP_PIECES + (i < WARMUP % WARMUP_PIECES ? 1 : 0)))s" \
      "http://127.0.0.1:$APP_PORT/work" >/dev/null
    curl -sf "http://127.0.0.1:$APP_PORT/admin/stats" >/dev/null
  done
  "$APP_JCMD" "$pid" JVMTI.agent_load "$LIB" "\"$START\"" >/dev/null
  s0=$(curl -sf "http://127.0.0.1:$APP_PORT/admin/stats")
  "${PIN_LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$APP_PORT/work" \
    >"$OUT/$name.wrk.txt"
  s1=$(curl -sf "http://127.0.0.1:$APP_PORT/admin/stats")
  "$APP_JCMD" "$pid" JVMTI.agent_load "$LIB" "\"stop,file=$OUT/$name.collapsed,collapsed\"" >/dev/null
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$OUT/$name.service.log" "$OUT/$name.stdout.log"
  # CPU (every thread) or allocated bytes per request over the window, the profiler's included.
  printf '%s\n%s\n' "$s0" "$s1" | awk -v stat="$STAT" -v scale="$SCALE" '
    $1 == "requests" { r[++nr] = $2 }
    $1 == stat { v[++nv] = $2 }
    END { printf "%.2f\n", (v[2] - v[1]) / (r[2] - r[1]) * scale }' >"$OUT/$name.per-request"
  log "$name: $(cat "$OUT/$name.per-request") $UNIT per request (profiled)"
}

profile_one a bare logback-plain.xml
profile_one b sdk "$B_LOGBACK"

# Charge each sample to the innermost frame of a known owner; frames are "pkg/Class.method",
# kernel frames end in "_[k]". Prints owner, where (java, kernel: the sample's leaf was a kernel
# frame, native: other native code; heap for allocation samples), share of the samples.
owners() {
  awk -v event="$EVENT" '
    function owner(f) {
      if (f ~ /^dev\/observability\/benchmarks\//) return "app"
      if (f ~ /^dev\/observability\/(logging|tracing|metrics|errors|health|servlet|scrub)\//) {
        split(f, p, "/"); return "SDK " p[3]
      }
      if (f ~ /^dev\/observability\//) return "SDK core"
      if (f ~ /^io\/micrometer\/observation\//) return "Micrometer Observation"
      if (f ~ /^io\/micrometer\/|^io\/prometheus\//) return "Micrometer, Prometheus"
      if (f ~ /^io\/opentelemetry\/exporter\//) return "OpenTelemetry exporter"
      if (f ~ /^io\/opentelemetry\//) return "OpenTelemetry SDK, API"
      if (f ~ /^ch\/qos\/logback\/|^org\/slf4j\//) return "Logback, SLF4J"
      if (f ~ /^com\/fasterxml\//) return "Jackson"
      if (f ~ /^org\/eclipse\/jetty\//) return "Jetty"
      if (f ~ /^io\/sentry\//) return "Sentry"
      return ""
    }
    {
      n = $NF; total += n
      stack = $0; sub(/ [0-9]+$/, "", stack)
      k = split(stack, fr, ";")
      who = "JVM, GC, JIT, other"
      for (i = k; i >= 1; i--) { o = owner(fr[i]); if (o != "") { who = o; break } }
      if (event == "alloc") where = "heap"  # the leaf is the allocated type
      else where = fr[k] ~ /_\[k\]$/ ? "kernel" : (fr[k] ~ /\// ? "java" : "native")
      s[who "\t" where] += n
    }
    END { for (key in s) printf "%s\t%.6f\n", key, s[key] / total }' "$1"
}

owners "$OUT/a.collapsed" >"$OUT/a.owners.tsv"
owners "$OUT/b.collapsed" >"$OUT/b.owners.tsv"
{
  echo "# Added $EVENT per request by owner, (b) SDK against (a) bare"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M'); $(nproc) CPUs; $("$APP_JAVA" -version 2>&1 | head -n 2 | tail -n 1)$([[ $VIRTUAL_THREADS == 1 ]] && echo "; requests on virtual threads")"
  echo "- settings: EVENT=$EVENT WARMUP=$WARMUP WARMUP_PIECES=$WARMUP_PIECES DURATION=$DURATION CONNECTIONS=$CONNECTIONS INTERVAL=$INTERVAL ALLOC_INTERVAL=$ALLOC_INTERVAL PIN=$PIN${B_ENV:+ B_ENV=\"$B_ENV\"}; async-profiler $PROFILER_VERSION ($START)"
  echo "- per request over the profiled window (the profiler's own share included): (a) $(cat "$OUT/a.per-request") $UNIT, (b) $(cat "$OUT/b.per-request") $UNIT"
  echo
  echo "| owner | where | (a) $UNIT / req | (b) $UNIT / req | (b) - (a) |"
  echo "|---|---|---:|---:|---:|"
  awk -F'\t' -v ua="$(cat "$OUT/a.per-request")" -v ub="$(cat "$OUT/b.per-request")" -v min="$([[ $EVENT == cpu ]] && echo 0.05 || echo 5)" '
    FNR == 1 { file++ }
    { key = $1 "\t" $2; seen[key] = 1; if (file == 1) a[key] = $3 * ua; else b[key] = $3 * ub }
    END {
      m = 0
      for (key in seen) {
        ta += a[key]; tb += b[key]
        if (a[key] < min && b[key] < min) continue
        # Insertion sort by the difference, largest first.
        d = b[key] - a[key]
        for (j = m; j >= 1 && diff[j] < d; j--) { diff[j + 1] = diff[j]; row[j + 1] = row[j] }
        split(key, p, "\t")
        diff[j + 1] = d
        row[j + 1] = sprintf("| %s | %s | %.2f | %.2f | %+.2f |", p[1], p[2], a[key], b[key], d)
        m++
      }
      for (j = 1; j <= m; j++) print row[j]
      printf "| all (with the rows under %s, not shown) | | %.2f | %.2f | %+.2f |\n", min, ta, tb, tb - ta
    }' "$OUT/a.owners.tsv" "$OUT/b.owners.tsv"
} >"$OUT.md"
cat "$OUT.md"
log "wrote $OUT.md"
