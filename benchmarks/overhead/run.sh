#!/usr/bin/env bash
# Whole-service overhead and fault benchmark of the SDK (docs/performance.md, section
# "Whole-service overhead and faults").
#
# Runs one small Jetty app (dev.observability.benchmarks.overhead.OverheadApp) under wrk on
# loopback in these set-ups, alternating them over several rounds so that drift hits all alike:
#   a    bare Jetty, no SDK, plain-text log line to a file
#   b    the SDK with its defaults: servlet filter + every module, JSON lines on stdout (the
#        module's batching console appender; stdout goes to a file), spans to the loopback OTLP
#        sink, errors on 1 request in ERROR_EVERY to the loopback Sentry ingest, /metrics scraped
#        once a second
#   b0   set-up (b) from another build, to compare two versions of the SDK in one run:
#        BASELINE_JAR (the benchmarks jar of that build) and, when that build's (b) used one,
#        BASELINE_LOGBACK (its Logback configuration)
#   c    the OpenTelemetry Java agent on the bare app, spans to the same sink (its default
#        sampler, parentbased_always_on); metrics and logs exporters off
#   c10  as c with OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1
#   d    the same signals as b without the SDK: the agent with its metrics on
#        (OTEL_METRICS_EXPORTER=prometheus, scraped once a second), JSON lines through
#        logstash-logback-encoder (the app's line and an access line written by a servlet filter
#        with StructuredArguments), and the same errors sent with Sentry.captureException
# and, to find what dominates (b), optional set-ups: b-without-<module> (logging, metrics,
# tracing, errors or health left out with OBSERVABILITY_MODULES_DISABLED), b-no-access-log,
# b-sync-log (the console lines written on the request threads, OBSERVABILITY_LOGGING_ASYNC=false),
# b-unscraped (b without the harness's scrape of /metrics and probe of /health/ready, which (c)
# has not either: what those once-a-second requests cost (b) on its one core), and b-env (b with
# the variables of VARIANT_ENV added, "NAME=value NAME=value": any setting of the SDK's).
# Any set-up with "+pipe" appended (b+pipe, a+pipe, c+pipe, ...) writes its log lines (stdout and
# the Logback file of a, c and d) into named pipes instead of files, read on LOAD_CPUS by a
# process that keeps their first 4 KB and counts the rest, as a container runtime or a log
# shipper reads a service's stdout: the app pays for the pipe, the reader for any file.
# Any set-up with "+cds" appended (a+cds, b+cds, ...; before "+pipe" when both) starts with a
# dynamic AppCDS archive of its own (-XX:SharedArchiveFile), written before the first run by one
# training start of the set-up (-XX:ArchiveClassesAtExit) stopped after its first 200 on /work:
# what a deployment can do for its start-up, such as START_SETUPS="a b a+cds b+cds".
# then fault runs of b under the same load:
#   otlp-refused  OTLP endpoint is a loopback port with nothing listening
#   otlp-hang     OTLP endpoint accepts connections and never answers
#   sentry-down   SENTRY_DSN points to a loopback port with nothing listening
#   health-hang   a readiness check that never returns; /health/ready probed once a second
#
# Needs a JDK (17+, with jcmd for the profile), Maven, wrk (Debian package `wrk`) and, to pin,
# taskset (util-linux). Uses only loopback. Every process it starts is stopped on exit. Settings
# are environment variables:
#   WARMUP=90 DURATION=20 ROUNDS=3         seconds of warm-up and measurement, rounds (on one
#                                          saturated core C2 compiles the SDK set-up's code for
#                                          about 80 s: the measured window must not include it)
#   WARMUP_PIECES=9                        wrk runs the warm-up is cut into, each followed by a
#                                          read of the app's figures: new connections and that
#                                          read, which start the window, are then nothing new
#                                          to the compiler (see docs/performance.md)
#   SETTLE=10                              seconds of load after the full GC that records the heap
#                                          before the window, not measured either
#   LIGHT_DURATION=10 LIGHT_CONNECTIONS=1  a second, light-load pass per run (0 s to skip)
#   CONNECTIONS=16                         wrk connections of the main pass
#   SETUPS="a b c c10 d"                   set-ups of the alternating rounds
#   FAULTS="otlp-refused otlp-hang sentry-down health-hang"   ("" to skip)
#   FAULT_ROUNDS=1                         rounds of the fault runs
#   FAULT_DURATION=$DURATION               seconds of measurement of a fault run
#   PROFILE=1                              one extra JFR-profiled run of b, summarised
#   PIN=1 APP_CPUS=0 LOAD_CPUS=1           taskset: the app alone on APP_CPUS, wrk and the sink
#                                          on LOAD_CPUS (PIN=0: no pinning)
#   WRK_THREADS=1 (PIN=1) or 2 (PIN=0)
#   JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC"   JVM options of the app, the same in every set-up
#   APP_JAVA=java                          the app's java command, in every set-up (the sink, the
#                                          prober and the build use the one on the PATH)
#   VIRTUAL_THREADS=0                      1: every set-up's Jetty serves each request on a virtual
#                                          thread of its own (needs APP_JAVA of JDK 21 or newer)
#   ERROR_EVERY=100                        b reports an error on every N-th request (0: none)
#   SLICES=0 SLICE=10 SLICE_LIGHT=5        an interleaved pass before the rounds (SLICES > 0): every
#   SLICE_DRAIN=1                          set-up of SETUPS up at once, warmed up, then SLICES
#                                          cycles in which each serves SLICE s at CONNECTIONS and
#                                          SLICE_LIGHT s at LIGHT_CONNECTIONS (0: none) in turn, the
#                                          others idle, each slice measured until SLICE_DRAIN s
#                                          after its load; ratios per cycle (see slices_pass).
#                                          Set-ups use ports PORT_BASE+10 onwards. ROUNDS=0 runs
#                                          it alone
#   STARTS=10 START_SETUPS="a b"           a start-up pass before the rounds: each of
#                                          START_SETUPS started STARTS times without load,
#                                          alternating (JVM launch to the first 200 on /work,
#                                          and the app's phases); the rounds give three starts
#                                          each, too few for differences of 100 ms (0: skip)
#   BUILD=1                                build the benchmarks jar first (0: use the one there)
#   PORT_BASE=18080                        app, sink, hanging sink, closed port, the agent's
#                                          Prometheus endpoint in (d): +0 .. +4
#   LABEL=""                               a word for the results file name and header ("smoke")
#   JAR=benchmarks/target/benchmarks.jar   the jar holding the app and the sink (with BUILD=0)
# Results: a Markdown report on stdout and in benchmarks/overhead/work/results-<date>.md, raw
# per-run files under benchmarks/overhead/work/run-<date>/.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$HERE/work}

WARMUP=${WARMUP:-90}
WARMUP_PIECES=${WARMUP_PIECES:-9}
((WARMUP_PIECES <= WARMUP)) || WARMUP_PIECES=$WARMUP
((WARMUP_PIECES >= 1)) || WARMUP_PIECES=1
SETTLE=${SETTLE:-10}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-3}
LIGHT_DURATION=${LIGHT_DURATION:-10}
LIGHT_CONNECTIONS=${LIGHT_CONNECTIONS:-1}
CONNECTIONS=${CONNECTIONS:-16}
SETUPS=${SETUPS:-"a b c c10 d"}
FAULTS=${FAULTS-"otlp-refused otlp-hang sentry-down health-hang"}
FAULT_ROUNDS=${FAULT_ROUNDS:-1}
FAULT_DURATION=${FAULT_DURATION:-$DURATION}
PROFILE=${PROFILE:-1}
PIN=${PIN:-1}
APP_CPUS=${APP_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
if [[ $PIN == 1 ]]; then WRK_THREADS=${WRK_THREADS:-1}; else WRK_THREADS=${WRK_THREADS:-2}; fi
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseG1GC"}
APP_JAVA=${APP_JAVA:-java}
# The profile's jcmd must be the app's JDK's.
APP_JCMD=$(dirname "$(command -v "$APP_JAVA" || echo java)")/jcmd
VIRTUAL_THREADS=${VIRTUAL_THREADS:-0}
ERROR_EVERY=${ERROR_EVERY:-100}
BUILD=${BUILD:-1}
PORT_BASE=${PORT_BASE:-18080}
LABEL=${LABEL:-}
BASELINE_JAR=${BASELINE_JAR:-}
BASELINE_LOGBACK=${BASELINE_LOGBACK:-}
VARIANT_ENV=${VARIANT_ENV:-}
SLICES=${SLICES:-0}
SLICE=${SLICE:-10}
SLICE_LIGHT=${SLICE_LIGHT:-5}
SLICE_DRAIN=${SLICE_DRAIN:-1}
STARTS=${STARTS:-10}
START_SETUPS=${START_SETUPS:-"a b"}

APP_PORT=$PORT_BASE
SINK_PORT=$((PORT_BASE + 1))
HANG_PORT=$((PORT_BASE + 2))
CLOSED_PORT=$((PORT_BASE + 3))
PROM_PORT=$((PORT_BASE + 4))
JAR=${JAR:-$ROOT/benchmarks/target/benchmarks.jar}
PKG=dev.observability.benchmarks.overhead
STAMP=$(date -u +%Y%m%d-%H%M%S)${LABEL:+-$LABEL}
RUN_DIR=$WORK/run-$STAMP
RESULTS=$WORK/results-$STAMP.md
TSV=$RUN_DIR/runs.tsv
THREADS_TSV=$RUN_DIR/threads.tsv
SCHED_TSV=$RUN_DIR/sched.tsv
STARTS_TSV=$RUN_DIR/starts.tsv
SLICES_TSV=$RUN_DIR/slices.tsv

# The app must see only the configuration this script gives it.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(OTEL|OBSERVABILITY|SENTRY)_' || true)
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes: every one started is remembered and stopped on exit.
PIDS=()
stop_pid() {
  local pid=$1 i
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "process $pid did not stop within 15 s of SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  local keep=()
  for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || keep+=("$i"); done
  PIDS=("${keep[@]}")
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $PIN == 1 ]]; then
  PIN_APP=(taskset -c "$APP_CPUS")
  PIN_LOAD=(taskset -c "$LOAD_CPUS")
else
  PIN_APP=()
  PIN_LOAD=()
fi

# ---------------------------------------------------------------------------------------------
# HTTP over bash's /dev/tcp (no curl needed). http_get PORT PATH [TIMEOUT_S]: body on stdout,
# status in HTTP_STATUS; returns 1 when the connection fails or the answer does not come in time.
HTTP_STATUS=000
http_get() {
  local port=$1 path=$2 timeout=${3:-10} fd line
  HTTP_STATUS=000
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$path" "$port" >&"$fd" 2>/dev/null || {
    exec {fd}>&-
    return 1
  }
  if ! IFS= read -r -t "$timeout" -u "$fd" line; then
    exec {fd}>&-
    return 1
  fi
  line=${line#* }
  HTTP_STATUS=${line%% *}
  while IFS= read -r -t "$timeout" -u "$fd" line; do
    line=${line%$'\r'}
    [[ -z $line ]] && break
  done
  while IFS= read -r -t "$timeout" -u "$fd" line || [[ -n $line ]]; do
    printf '%s\n' "${line%$'\r'}"
  done
  exec {fd}>&-
  return 0
}
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
port_free() { # PORT: true when nothing accepts connections on it
  local fd
  if { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
    exec {fd}>&-
    return 1
  fi
  return 0
}
# stat_of FILE NAME: the value of a "name value" line.
stat_of() { awk -v n="$2" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }' "$1"; }

# ---------------------------------------------------------------------------------------------
# Build and fetch.
command -v java >/dev/null || die "java not found"
command -v "$APP_JAVA" >/dev/null || die "APP_JAVA ($APP_JAVA) not found"
command -v wrk >/dev/null || die "wrk not found (Debian: apt-get install wrk)"
if [[ $PIN == 1 ]]; then
  command -v taskset >/dev/null || die "taskset not found (util-linux); or PIN=0"
fi
mkdir -p "$RUN_DIR" "$WORK/agent"
cd "$ROOT"
if [[ $BUILD == 1 ]]; then
  command -v mvn >/dev/null || die "mvn not found"
  log "building benchmarks/target/benchmarks.jar (mvn package -pl benchmarks -am)"
  mvn -q -B -ntp -DskipTests package -pl benchmarks -am
fi
[[ -f $JAR ]] || die "$JAR missing: run with BUILD=1"

AGENT_VERSION=$(sed -n 's:.*<opentelemetry-javaagent.version>\(.*\)</opentelemetry-javaagent.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
[[ -n $AGENT_VERSION ]] || die "opentelemetry-javaagent.version not found in pom.xml"
AGENT_JAR=$WORK/agent/opentelemetry-javaagent-$AGENT_VERSION.jar
if [[ " $SETUPS " == *" c"* || " $SETUPS " == *" d"* ]] && [[ ! -f $AGENT_JAR ]]; then
  log "fetching io.opentelemetry.javaagent:opentelemetry-javaagent:$AGENT_VERSION"
  # Outside the reactor: the project's POM imports its own BOM, which a fresh machine has not
  # installed, so the plugin runs without a project, at the version the parent POM pins.
  DEPENDENCY_PLUGIN=$(sed -n 's:.*<dependency-plugin.version>\(.*\)</dependency-plugin.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
  [[ -n $DEPENDENCY_PLUGIN ]] || die "dependency-plugin.version not found in pom.xml"
  (cd "$WORK/agent" && mvn -q -B -ntp \
    "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN:copy" \
    -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$AGENT_VERSION" \
    -DoutputDirectory="$WORK/agent")
fi

for port in "$APP_PORT" "$SINK_PORT" "$HANG_PORT" "$CLOSED_PORT" "$PROM_PORT"; do
  port_free "$port" || die "port $port is in use; set PORT_BASE"
done

# ---------------------------------------------------------------------------------------------
# The sink that stays up for the whole run (OTLP traces and Sentry envelopes).
start_sink() { # MODE PORT LOGFILE -> SINK_PID
  "${PIN_LOAD[@]}" java -Xmx256m -cp "$JAR" "$PKG.OtlpSink" --mode "$1" --port "$2" >"$3" 2>&1 &
  SINK_PID=$!
  PIDS+=("$SINK_PID")
  local i
  for ((i = 0; i < 300; i++)); do
    port_free "$2" || return 0
    kill -0 "$SINK_PID" 2>/dev/null || die "sink (mode $1) exited: $(cat "$3")"
    sleep 0.05
  done
  die "sink (mode $1) did not listen on port $2 within 15 s"
}
start_sink ok "$SINK_PORT" "$RUN_DIR/sink-ok.log"
OK_SINK_PID=$SINK_PID

# ---------------------------------------------------------------------------------------------
# One run: start the set-up, warm up, measure, record a TSV row.
# Columns of runs.tsv:
COLUMNS_TSV="label setup round rps p50_ms p99_ms light_p50_ms light_p99_ms cpu_s_per_1k light_cpu_s_per_1k alloc_kb_per_req rss_mb startup_ms non2xx socket_errors heap_before_mb heap_after_mb spans_per_1k log_b_per_req health_ok health_503 health_other main_ms logging_ms setup_ms jetty_ms first_request_ms"
echo "$COLUMNS_TSV" | tr ' ' '\t' >"$TSV"
: >"$THREADS_TSV"
: >"$SCHED_TSV"

# setup_of NAME: the set-up a name runs, without its "+cds" and "+pipe" (b+cds+pipe -> b).
setup_of() {
  local what=${1%+pipe}
  echo "${what%+cds}"
}

# archive_of NAME: the AppCDS archive a name with "+cds" starts with ("" for any other name).
archive_of() {
  if [[ ${1%+pipe} == *+cds ]]; then echo "$RUN_DIR/$(setup_of "$1").jsa"; fi
}

configure() { # SETUP_OR_FAULT -> APP_ENV, APP_JVM, APP_ARGS, APP_JAR, LOG_PIPES
  local what archive
  what=$(setup_of "$1")
  archive=$(archive_of "$1")
  LOG_PIPES=0
  if [[ $1 == *+pipe ]]; then LOG_PIPES=1; fi
  APP_ENV=()
  APP_JVM=(${JAVA_OPTS})
  if [[ -n $archive ]]; then APP_JVM+=("-XX:SharedArchiveFile=$archive"); fi
  APP_ARGS=(--port "$APP_PORT")
  if [[ $VIRTUAL_THREADS == 1 ]]; then APP_ARGS+=(--virtual-threads); fi
  APP_JAR=$JAR
  if [[ $what == b0 ]]; then
    [[ -f $BASELINE_JAR ]] || die "set-up b0 needs BASELINE_JAR (a benchmarks jar of another build)"
    APP_JAR=$BASELINE_JAR
    if [[ -n $BASELINE_LOGBACK ]]; then APP_JVM+=("-Dlogback.configurationFile=$BASELINE_LOGBACK"); fi
  fi
  local sink="http://127.0.0.1:$SINK_PORT" dsn="http://overhead@127.0.0.1:$SINK_PORT/1"
  case $what in
    a) APP_JVM+=("-Dlogback.configurationFile=$HERE/logback-plain.xml")
       APP_ARGS+=(--mode bare) ;;
    c | c10)
       APP_JVM+=("-javaagent:$AGENT_JAR" "-Dlogback.configurationFile=$HERE/logback-plain.xml")
       APP_ENV+=(OTEL_SERVICE_NAME=overhead-agent "OTEL_EXPORTER_OTLP_ENDPOINT=$sink"
         OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_METRICS_EXPORTER=none
         OTEL_LOGS_EXPORTER=none)
       if [[ $what == c10 ]]; then
         APP_ENV+=(OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1)
       fi
       APP_ARGS+=(--mode bare) ;;
    d) APP_JVM+=("-javaagent:$AGENT_JAR" "-Dlogback.configurationFile=$HERE/logback-logstash.xml")
       APP_ENV+=(OTEL_SERVICE_NAME=overhead-peer "OTEL_EXPORTER_OTLP_ENDPOINT=$sink"
         OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_METRICS_EXPORTER=prometheus
         OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1 "OTEL_EXPORTER_PROMETHEUS_PORT=$PROM_PORT"
         OTEL_LOGS_EXPORTER=none)
       APP_ARGS+=(--mode peer --error-every "$ERROR_EVERY" --sentry-dsn "$dsn") ;;
    b | b0 | b-profile | b-no-access-log | b-sync-log | b-env | b-unscraped | b-without-* | otlp-refused | otlp-hang | sentry-down | health-hang)
       case $what in
         otlp-refused) sink="http://127.0.0.1:$CLOSED_PORT" ;;
         otlp-hang) sink="http://127.0.0.1:$HANG_PORT" ;;
         sentry-down) dsn="http://overhead@127.0.0.1:$CLOSED_PORT/1" ;;
       esac
       # No Logback configuration: the logging module installs its default console output.
       APP_ENV+=(OTEL_SERVICE_NAME=overhead-sdk "OTEL_EXPORTER_OTLP_ENDPOINT=$sink"
         OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OBSERVABILITY_TRACING_SAMPLE_RATIO=0.1
         "SENTRY_DSN=$dsn" OBSERVABILITY_SERVICE_ENVIRONMENT=benchmark)
       APP_ARGS+=(--mode sdk --error-every "$ERROR_EVERY")
       case $what in
         health-hang) APP_ARGS+=(--hanging-health-check) ;;
         b-no-access-log) APP_ENV+=(OBSERVABILITY_LOGGING_ACCESS_LOG=false) ;;
         b-sync-log) APP_ENV+=(OBSERVABILITY_LOGGING_ASYNC=false) ;;
         b-env)
           [[ -n $VARIANT_ENV ]] || die "set-up b-env needs VARIANT_ENV (NAME=value ...)"
           local variant=()
           read -r -a variant <<<"$VARIANT_ENV"
           APP_ENV+=("${variant[@]}") ;;
         b-without-logging | b-without-metrics | b-without-tracing | b-without-errors | b-without-health)
           APP_ENV+=("OBSERVABILITY_MODULES_DISABLED=${what#b-without-}") ;;
         b-without-*) die "unknown set-up '$what'" ;;
       esac ;;
    *) die "unknown set-up or fault '$what'" ;;
  esac
}

piece_seconds() { # PIECE: its seconds of the warm-up; the pieces add up to WARMUP
  echo $((WARMUP / WARMUP_PIECES + ($1 < WARMUP % WARMUP_PIECES ? 1 : 0)))
}
run_wrk() { # CONNECTIONS THREADS SECONDS OUTFILE
  local threads=$2
  if ((threads > $1)); then threads=$1; fi
  "${PIN_LOAD[@]}" wrk -t"$threads" -c"$1" -d"${3}s" --timeout 5s --latency \
    -s "$HERE/report.lua" "http://127.0.0.1:$APP_PORT/work" >"$4" 2>&1 || true
  grep -q '^WRK ' "$4" || die "wrk failed: $(cat "$4")"
}
wrk_of() { # FILE KEY
  grep '^WRK ' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'
}

# threads_snapshot PID: per thread of the process, "tid<TAB>name<TAB>ticks<TAB>run_ns<TAB>wait_ns
# <TAB>slices<TAB>voluntary<TAB>involuntary": user + system ticks; from schedstat the time on the
# CPU, the time runnable but waiting for it, and the number of times it got the CPU; the
# voluntary (blocked, parked) and involuntary (preempted) context switches.
threads_snapshot() {
  local t stat comm sched vol invol line
  local -a f
  for t in /proc/"$1"/task/*; do
    { read -r stat <"$t/stat" && read -r comm <"$t/comm" && read -r sched <"$t/schedstat"; } \
      2>/dev/null || continue
    vol=0 invol=0
    while read -r line; do
      case $line in
        voluntary_ctxt_switches:*) vol=${line##*:} ;;
        nonvoluntary_ctxt_switches:*) invol=${line##*:} ;;
      esac
    done <"$t/status" 2>/dev/null || true
    # After the name: state is field 3 of stat, utime and stime are fields 14 and 15.
    read -r -a f <<<"${stat##*) }"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${t##*/}" "$comm" $((f[11] + f[12])) \
      "${sched// /$'\t'}" $((vol)) $((invol))
  done
}

# Awk functions of the thread tables. group: the group of an app's thread, by its name: the
# request threads (Jetty's pool), the JIT compilers, the garbage collector and the VM's own
# threads, and everything else (the SDK's or the agent's background threads: exporters, the
# batching appender, HTTP clients, Sentry). With VIRTUAL_THREADS=1 the requests run on the virtual
# threads' carriers (ForkJoinPool-N-worker-M), counted as request threads too. median: of the
# numbers in a space-separated list.
AWK_GROUP='    function group(name) {
      if (name ~ /^qtp/) return "request"
      if (name ~ /^ForkJoinPool-[0-9]+-worker-/) return "request"
      if (name ~ /^C[12] CompilerThre/) return "jit"
      if (name ~ /^(GC Thread|G1 |VM Thread)/) return "gc"
      if (name ~ /^(VM Periodic|Sweeper|Signal Dispatch|Service Thread|Notification|Reference Handl|Finalizer|Common-Cleaner|Monitor Deflati|Attach Listener)/) return "jvm"
      return "background"
    }'
AWK_MEDIAN='    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n == 0 ? "" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
    }'

# CPU per request of each thread group.
thread_groups() { # SNAPSHOT_BEFORE SNAPSHOT_AFTER REQUESTS LABEL SETUP ROUND -> rows of threads.tsv
  awk -F'\t' -v OFS='\t' -v req="$3" -v label="$4" -v setup="$5" -v round="$6" \
    -v hz="$(getconf CLK_TCK)" "$AWK_GROUP"'
    NR == FNR { before[$1] = $3; next }
    { used[group($2)] += $3 - ($1 in before ? before[$1] : 0) }
    END {
      split("request background jit gc jvm", order, " ")
      for (i = 1; i <= 5; i++) {
        g = order[i]
        printf "%s\t%s\t%s\t%s\t%.2f\n", label, setup, round, g, (req > 0 ? used[g] * 1e6 / hz / req : 0)
      }
    }' "$1" "$2"
}

# How the app's threads shared its CPU, by the same groups: per request, the time
# runnable but waiting for the CPU (µs), the voluntary and involuntary context switches, and the
# mean time a thread of the group kept the CPU once it had it (µs per slice).
sched_groups() { # SNAPSHOT_BEFORE SNAPSHOT_AFTER REQUESTS LABEL SETUP ROUND -> rows of sched.tsv
  awk -F'\t' -v OFS='\t' -v req="$3" -v label="$4" -v setup="$5" -v round="$6" "$AWK_GROUP"'
    NR == FNR { for (i = 4; i <= 8; i++) before[$1, i] = $i; seen[$1] = 1; next }
    {
      g = group($2)
      for (i = 4; i <= 8; i++) d[g, i] += $i - (($1 in seen) ? before[$1, i] : 0)
    }
    END {
      split("request background jit gc jvm", order, " ")
      for (k = 1; k <= 5; k++) {
        g = order[k]
        if (req <= 0) continue
        printf "%s\t%s\t%s\t%s\t%.2f\t%.3f\t%.3f\t%.1f\n", label, setup, round, g,
          d[g, 5] / 1000 / req, d[g, 7] / req, d[g, 8] / req,
          (d[g, 6] > 0 ? d[g, 4] / 1000 / d[g, 6] : 0)
      }
    }' "$1" "$2"
}

# open_log_pipes BASE: BASE.stdout.log and BASE.service.log become named pipes, each read on
# LOAD_CPUS by a process that writes the first 4 KB to FILE.sample and the count of the rest to
# FILE.count (set-ups with "+pipe"). Sets LOG_READERS.
open_log_pipes() {
  local f
  LOG_READERS=()
  for f in "$1.stdout.log" "$1.service.log"; do
    rm -f "$f" "$f.sample" "$f.count"
    mkfifo "$f"
    # head -c reads no more than it keeps, so wc counts exactly the rest.
    "${PIN_LOAD[@]}" sh -c '{ head -c 4096 >"$2"; wc -c; } <"$1" >"$3"' _ "$f" "$f.sample" "$f.count" &
    LOG_READERS+=($!)
    PIDS+=($!)
  done
}

# close_log_pipes BASE: once the app has exited, ends the readers (a pipe the app never opened is
# opened and closed once, so that its reader sees the end) and removes the pipes. Sets
# LOG_PIPE_BYTES to what went through them.
close_log_pipes() {
  local f fd pid
  for f in "$1.stdout.log" "$1.service.log"; do
    exec {fd}<>"$f"
    exec {fd}>&-
  done
  for pid in "${LOG_READERS[@]}"; do wait "$pid" || die "a log pipe's reader failed"; done
  LOG_PIPE_BYTES=0
  for f in "$1.stdout.log" "$1.service.log"; do
    LOG_PIPE_BYTES=$((LOG_PIPE_BYTES + $(stat -c %s "$f.sample") + $(cat "$f.count")))
    rm -f "$f" "$f.count"
  done
}

# launch_app LABEL BASE: starts the app as `configure` set it up, its logs under BASE, and waits
# for the first 200 on /work. Sets APP_PID and STARTUP_MS (JVM launch to that 200).
launch_app() {
  local label=$1 base=$2 t0 i
  if ((LOG_PIPES)); then open_log_pipes "$base"; fi
  t0=$(now_us)
  # The app writes its own status lines to stderr; stdout holds only log lines (set-up (b)).
  env "${APP_ENV[@]}" "${PIN_APP[@]}" "$APP_JAVA" "${APP_JVM[@]}" "-Doverhead.log.file=$base.service.log" \
    -cp "$APP_JAR" "$PKG.OverheadApp" "${APP_ARGS[@]}" >"$base.stdout.log" 2>"$base.app.log" &
  APP_PID=$!
  PIDS+=("$APP_PID")
  for ((i = 0; ; i++)); do
    if http_get "$APP_PORT" /work 5 >/dev/null && [[ $HTTP_STATUS == 200 ]]; then break; fi
    kill -0 "$APP_PID" 2>/dev/null || die "app ($label) exited during start-up: $(tail -n 30 "$base.app.log")"
    ((i < 12000)) || die "app ($label) served no 200 on /work within 120 s"
    sleep 0.01
  done
  STARTUP_MS=$((($(now_us) - t0) / 1000))
}

# app_phases BASE: the start-up phases the app printed, as JVM uptime in ms: "main logging
# instrumentation listening" ("0 0 0 0" when it printed none). An older build of the app, as in
# set-up b0, printed them on stdout. (One of the files may not exist: "|| true", or set -e would
# end the whole script here.)
app_phases() {
  local phases
  phases=$(cat "$1.app.log" "$1.stdout.log.sample" "$1.stdout.log" 2>/dev/null | sed -n 's/^startup phases (JVM uptime, ms): main \([0-9]*\) logging \([0-9]*\) instrumentation \([0-9]*\) listening \([0-9]*\)$/\1 \2 \3 \4/p' | head -n 1) || true
  echo "${phases:-0 0 0 0}"
}

# start_only SETUP N: one start of SETUP without load, for the start-up pass (STARTS): JVM launch
# to the first 200 on /work and the app's phases, a line of starts.tsv.
start_only() {
  local name=$1 n=$2 base=$RUN_DIR/start-$1-$2
  configure "$name"
  launch_app "start-$name-$n" "$base"
  stop_pid "$APP_PID"
  if ((LOG_PIPES)); then close_log_pipes "$base"; fi
  app_phases "$base" | awk -v OFS='\t' -v s="$name" -v n="$n" -v t="$STARTUP_MS" \
    '{ print s, n, t, $1, $2 - $1, $3 - $2, $4 - $3, t - $4 }' >>"$STARTS_TSV"
  rm -f "$base.service.log" "$base.stdout.log"
}

# train_cds SETUP...: for each SETUP with "+cds", the dynamic AppCDS archive of the set-up
# without it, unless written already: one start with -XX:ArchiveClassesAtExit, stopped after its
# first 200 on /work (the JVM writes the archive as it exits).
train_cds() {
  local name what archive base
  for name in "$@"; do
    archive=$(archive_of "$name")
    [[ -n $archive && ! -s $archive ]] || continue
    what=$(setup_of "$name")
    base=$RUN_DIR/cds-$what
    configure "$what"
    APP_JVM+=("-XX:ArchiveClassesAtExit=$archive")
    launch_app "cds-$what" "$base"
    stop_pid "$APP_PID"
    rm -f "$base.service.log" "$base.stdout.log"
    [[ -s $archive ]] || die "no AppCDS archive written for $what: $(tail -n 5 "$base.app.log")"
    log "AppCDS archive of $what: $(($(stat -c %s "$archive") / 1048576)) MB, training start $STARTUP_MS ms"
  done
}

# keep_log_samples BASE: keeps the head and tail of BASE.service.log and BASE.stdout.log as
# .sample files and removes the logs (they grow by ~100 MB a run). Sets LOG_FILE_BYTES to their
# sizes.
keep_log_samples() {
  local logfile
  LOG_FILE_BYTES=0
  for logfile in "$1.service.log" "$1.stdout.log"; do
    if [[ -s $logfile ]]; then
      LOG_FILE_BYTES=$((LOG_FILE_BYTES + $(stat -c %s "$logfile")))
      { head -n 5 "$logfile"; echo "..."; tail -n 5 "$logfile"; } >"$logfile.sample"
    fi
    rm -f "$logfile"
  done
}

# start_prober NAME BASE: the scraper and the readiness probe of set-up NAME (listening on
# APP_PORT), one long-lived process beside wrk on the load CPU, from start-up to the end of the
# run, as Prometheus and an orchestrator would (see Prober): the warm-up warms the scrape too. Only
# the lines of the window are counted. Sets PROBER_PID ("" for a set-up that is not probed).
start_prober() {
  local name base=$2
  name=$(setup_of "$1")
  local probes=() scrape=(--scrape "http://127.0.0.1:$APP_PORT/metrics" "$base.scrapes.txt")
  PROBER_PID=""
  case $name in
    a | c | c10 | b-unscraped) ;;
    d) probes=(--scrape "http://127.0.0.1:$PROM_PORT/metrics" "$base.scrapes.txt") ;;
    b-without-health) probes=("${scrape[@]}") ;;
    *) probes=("${scrape[@]}" --probe "http://127.0.0.1:$APP_PORT/health/ready" "$base.health.txt") ;;
  esac
  if ((${#probes[@]} > 0)); then
    "${PIN_LOAD[@]}" java -Xmx64m -XX:TieredStopAtLevel=1 -cp "$JAR" "$PKG.Prober" \
      "${probes[@]}" >"$base.prober.log" 2>&1 &
    PROBER_PID=$!
    PIDS+=("$PROBER_PID")
  fi
}

# warm_up BASE: the warm-up of the app on APP_PORT, in pieces: a window begins with new
# connections and a read of /admin/stats. Met for the first time after 90 s of one load, they make
# C2 drop and recompile hundreds of methods inside the window, so each piece ends the same way.
warm_up() {
  local piece
  for ((piece = 0; piece < WARMUP_PIECES; piece++)); do
    run_wrk "$CONNECTIONS" "$WRK_THREADS" "$(piece_seconds "$piece")" "$1.wrk-warmup.txt"
    http_get "$APP_PORT" /admin/stats 30 >/dev/null || die "stats failed"
  done
}

run_one() { # KIND(setup|fault) NAME ROUND
  local kind=$1 name=$2 round=$3 label="$2-r$3" hang_pid=""
  local base=$RUN_DIR/$label duration=$DURATION
  if [[ $kind == fault ]]; then duration=$FAULT_DURATION; fi
  configure "$name"
  if [[ $name == otlp-hang ]]; then
    start_sink hang "$HANG_PORT" "$base.sink-hang.log"
    hang_pid=$SINK_PID
  fi
  log "run $label: starting"
  launch_app "$label" "$base"
  local pid=$APP_PID startup_ms=$STARTUP_MS

  start_prober "$name" "$base"
  local prober_pid=$PROBER_PID
  warm_up "$base"
  http_get "$APP_PORT" "/admin/stats?gc=1" 30 >"$base.stats-before-gc.txt" || die "stats failed"
  # The full GC just taken slows the seconds after it (bare: 69k -> 64k req/s over the next 10 s);
  # let them pass unmeasured.
  if ((SETTLE > 0)); then
    run_wrk "$CONNECTIONS" "$WRK_THREADS" "$SETTLE" "$base.wrk-settle.txt"
  fi
  http_get "$APP_PORT" /admin/stats 30 >"$base.stats-0.txt" || die "stats failed"
  http_get "$SINK_PORT" /stats 10 >"$base.sink-0.txt" || die "sink stats failed"
  if [[ $kind == profile ]]; then
    "$APP_JCMD" "$pid" JFR.start name=overhead settings=profile "filename=$RUN_DIR/b-profile.jfr" >/dev/null
  fi
  threads_snapshot "$pid" >"$base.threads-0.txt"
  local window_start_ms=$(($(now_us) / 1000))
  run_wrk "$CONNECTIONS" "$WRK_THREADS" "$duration" "$base.wrk.txt"
  local window_end_ms=$(($(now_us) / 1000))
  threads_snapshot "$pid" >"$base.threads-1.txt"
  if [[ $kind == profile ]]; then
    "$APP_JCMD" "$pid" JFR.stop name=overhead >/dev/null
  fi
  http_get "$APP_PORT" "/admin/stats?gc=1" 30 >"$base.stats-1.txt" || die "stats failed"
  http_get "$SINK_PORT" /stats 10 >"$base.sink-1.txt" || die "sink stats failed"
  if [[ -n $prober_pid ]]; then
    stop_pid "$prober_pid"
  fi
  case $(setup_of "$name") in
    a | c | c10 | d) ;;
    *) http_get "$APP_PORT" /metrics 30 >"$base.metrics.txt" || log "scraping /metrics failed" ;;
  esac
  local light_p50=0 light_p99=0 light_cpu=0 light_served=0
  if ((LIGHT_DURATION > 0)); then
    http_get "$APP_PORT" /admin/stats 30 >"$base.stats-light-0.txt" || die "stats failed"
    run_wrk "$LIGHT_CONNECTIONS" 1 "$LIGHT_DURATION" "$base.wrk-light.txt"
    light_p50=$(wrk_of "$base.wrk-light.txt" p50_us)
    light_p99=$(wrk_of "$base.wrk-light.txt" p99_us)
  fi
  http_get "$APP_PORT" /admin/stats 30 >"$base.stats-end.txt" || die "stats failed"
  if ((LIGHT_DURATION > 0)); then
    light_cpu=$(($(stat_of "$base.stats-end.txt" cpu_ns) - $(stat_of "$base.stats-light-0.txt" cpu_ns)))
    light_served=$(($(stat_of "$base.stats-end.txt" requests) - $(stat_of "$base.stats-light-0.txt" requests)))
  fi
  stop_pid "$pid"
  if [[ -n $hang_pid ]]; then stop_pid "$hang_pid"; fi

  # Log lines: what went through the pipes or into the files, whose head and tail are kept.
  local log_bytes=0
  if ((LOG_PIPES)); then
    close_log_pipes "$base"
    log_bytes=$LOG_PIPE_BYTES
  fi
  keep_log_samples "$base"
  log_bytes=$((log_bytes + LOG_FILE_BYTES))

  local s0=$base.stats-0.txt s1=$base.stats-1.txt
  local requests=$(($(stat_of "$s1" requests) - $(stat_of "$s0" requests)))
  ((requests > 0)) || die "run $label served no requests"
  local total_requests cpu alloc spans non2xx sock health_ok=0 health_503=0 health_other=0 phases
  phases=$(app_phases "$base")
  total_requests=$(stat_of "$base.stats-end.txt" requests)
  cpu=$(($(stat_of "$s1" cpu_ns) - $(stat_of "$s0" cpu_ns)))
  alloc=$(($(stat_of "$s1" allocated_bytes) - $(stat_of "$s0" allocated_bytes)))
  spans=$(($(stat_of "$base.sink-1.txt" spans) - $(stat_of "$base.sink-0.txt" spans)))
  non2xx=$(wrk_of "$base.wrk.txt" non2xx)
  sock=$(($(wrk_of "$base.wrk.txt" connect_errors) + $(wrk_of "$base.wrk.txt" read_errors) + $(wrk_of "$base.wrk.txt" write_errors) + $(wrk_of "$base.wrk.txt" timeouts)))
  if [[ -f $base.health.txt ]]; then
    # "<epoch ms> <status> <ms>" per probe; those of the window count.
    local window=(-v s="$window_start_ms" -v e="$window_end_ms")
    health_ok=$(awk "${window[@]}" '$1 >= s && $1 <= e && $2 == 200' "$base.health.txt" | wc -l)
    health_503=$(awk "${window[@]}" '$1 >= s && $1 <= e && $2 == 503' "$base.health.txt" | wc -l)
    health_other=$(awk "${window[@]}" '$1 >= s && $1 <= e && $2 != 200 && $2 != 503' "$base.health.txt" | wc -l)
  fi
  awk -v OFS='\t' \
    -v label="$label" -v setup="$name" -v round="$round" \
    -v req="$(wrk_of "$base.wrk.txt" requests)" -v dur="$(wrk_of "$base.wrk.txt" duration_us)" \
    -v p50="$(wrk_of "$base.wrk.txt" p50_us)" -v p99="$(wrk_of "$base.wrk.txt" p99_us)" \
    -v lp50="$light_p50" -v lp99="$light_p99" \
    -v cpu="$cpu" -v alloc="$alloc" -v served="$requests" \
    -v lcpu="$light_cpu" -v lserved="$light_served" \
    -v rss="$(stat_of "$s1" rss_bytes)" -v startup="$startup_ms" -v non2xx="$non2xx" -v sock="$sock" \
    -v hb="$(stat_of "$base.stats-before-gc.txt" heap_used_bytes)" -v ha="$(stat_of "$s1" heap_used_bytes)" \
    -v spans="$spans" -v logb="$log_bytes" -v total="$total_requests" \
    -v hok="$health_ok" -v h503="$health_503" -v hother="$health_other" -v phases="$phases" \
    'BEGIN {
      split(phases, p, " ")
      print label, setup, round, sprintf("%.0f", req / (dur / 1e6)), sprintf("%.3f", p50 / 1000),
        sprintf("%.3f", p99 / 1000), sprintf("%.3f", lp50 / 1000), sprintf("%.3f", lp99 / 1000),
        sprintf("%.4f", cpu / served * 1000 / 1e9),
        sprintf("%.4f", lserved > 0 ? lcpu / lserved * 1000 / 1e9 : 0),
        sprintf("%.2f", alloc / served / 1024),
        sprintf("%.0f", rss / 1048576), startup, non2xx, sock,
        sprintf("%.1f", hb / 1048576), sprintf("%.1f", ha / 1048576),
        sprintf("%.0f", spans / served * 1000), sprintf("%.0f", total > 0 ? logb / total : 0),
        hok, h503, hother, p[1], p[2] - p[1], p[3] - p[2], p[4] - p[3], startup - p[4]
    }' >>"$TSV"
  thread_groups "$base.threads-0.txt" "$base.threads-1.txt" "$(wrk_of "$base.wrk.txt" requests)" \
    "$label" "$name" "$round" >>"$THREADS_TSV"
  sched_groups "$base.threads-0.txt" "$base.threads-1.txt" "$(wrk_of "$base.wrk.txt" requests)" \
    "$label" "$name" "$round" >>"$SCHED_TSV"
  log "run $label: $(tail -n 1 "$TSV" | cut -f4-8 | tr '\t' ' ') (req/s p50 p99 light-p50 light-p99 ms)"
}

# ---------------------------------------------------------------------------------------------
# The interleaved pass (SLICES > 0): every set-up of SETUPS up at once, each on its own port and all
# pinned to APP_CPUS as in the rounds. Each is warmed up alone, the others idle; then one unmeasured
# slice of SETTLE seconds each, then SLICES cycles in which each set-up in turn serves SLICE seconds
# at CONNECTIONS and SLICE_LIGHT seconds at LIGHT_CONNECTIONS, in an order rotated and reversed
# from cycle to cycle. The set-ups not under load wait idle (their scrapers and probes go on, on
# the load CPU). A change in the host's speed that lasts longer than a cycle (about a minute) then
# hits every set-up of that cycle alike, and the cycle's ratios cancel it, where the rounds,
# minutes apart, each catch the host at another speed. One row of slices.tsv per slice.
slice_one() { # NAME CYCLE KIND(main|light|settle) CONNECTIONS THREADS SECONDS
  local name=$1 base=$RUN_DIR/slices-$1
  local s0=$base.stats-slice-0.txt s1=$base.stats-slice-1.txt out=$base.wrk-$3-$2.txt
  APP_PORT=${SLICE_PORT[$name]}
  http_get "$APP_PORT" /admin/stats 30 >"$s0" || die "stats of $name failed"
  run_wrk "$4" "$5" "$6" "$out"
  # What the slice's requests left to the app's own threads (the last batch of lines and spans)
  # is done within the slice, not during the next set-up's.
  sleep "$SLICE_DRAIN"
  http_get "$APP_PORT" /admin/stats 30 >"$s1" || die "stats of $name failed"
  [[ $3 == settle ]] && return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$2" "$3" \
    $(($(stat_of "$s1" requests) - $(stat_of "$s0" requests))) \
    $(($(stat_of "$s1" cpu_ns) - $(stat_of "$s0" cpu_ns))) \
    $(($(stat_of "$s1" allocated_bytes) - $(stat_of "$s0" allocated_bytes))) \
    "$(wrk_of "$out" requests)" "$(wrk_of "$out" duration_us)" "$(wrk_of "$out" p99_us)" >>"$SLICES_TSV"
}

slices_pass() {
  local name k c n=${#SETUP_LIST[@]} base
  declare -gA SLICE_PORT=() SLICE_APP=() SLICE_PROBER=() SLICE_READERS=()
  printf 'setup\tcycle\tkind\tserved\tcpu_ns\talloc_bytes\twrk_requests\twrk_duration_us\tp99_us\n' >"$SLICES_TSV"
  for ((k = 0; k < n; k++)); do
    name=${SETUP_LIST[$k]}
    base=$RUN_DIR/slices-$name
    APP_PORT=$((PORT_BASE + 10 + k))
    port_free "$APP_PORT" || die "port $APP_PORT is in use; set PORT_BASE"
    SLICE_PORT[$name]=$APP_PORT
    configure "$name"
    log "slices: starting $name on port $APP_PORT and warming it up"
    launch_app "slices-$name" "$base"
    SLICE_APP[$name]=$APP_PID
    SLICE_READERS[$name]=${LOG_READERS[*]:-}
    start_prober "$name" "$base"
    SLICE_PROBER[$name]=$PROBER_PID
    warm_up "$base"
  done
  if ((SETTLE > 0)); then
    for name in "${SETUP_LIST[@]}"; do
      slice_one "$name" 0 settle "$CONNECTIONS" "$WRK_THREADS" "$SETTLE"
    done
  fi
  for ((c = 1; c <= SLICES; c++)); do
    log "slices: cycle $c of $SLICES"
    for ((k = 0; k < n; k++)); do
      # Rotated by one every other cycle and reversed in every second, so that each set-up
      # follows each of the others, and comes at each place, as often.
      if ((c % 2)); then
        name=${SETUP_LIST[$(((k + c / 2) % n))]}
      else
        name=${SETUP_LIST[$(((n - 1 - k + c / 2 - 1 + n) % n))]}
      fi
      slice_one "$name" "$c" main "$CONNECTIONS" "$WRK_THREADS" "$SLICE"
      if ((SLICE_LIGHT > 0)); then
        slice_one "$name" "$c" light "$LIGHT_CONNECTIONS" 1 "$SLICE_LIGHT"
      fi
    done
  done
  for name in "${SETUP_LIST[@]}"; do
    base=$RUN_DIR/slices-$name
    if [[ -n ${SLICE_PROBER[$name]} ]]; then stop_pid "${SLICE_PROBER[$name]}"; fi
    stop_pid "${SLICE_APP[$name]}"
    if [[ $name == *+pipe ]]; then
      read -r -a LOG_READERS <<<"${SLICE_READERS[$name]}"
      close_log_pipes "$base"
    fi
    keep_log_samples "$base"
  done
  APP_PORT=$PORT_BASE
}

# ---------------------------------------------------------------------------------------------
log "results will be in $RESULTS (raw: $RUN_DIR)"
START_SECONDS=$SECONDS
read -r -a SETUP_LIST <<<"$SETUPS"
read -r -a FAULT_LIST <<<"$FAULTS"
read -r -a START_LIST <<<"$START_SETUPS"
if ((STARTS > 0 && ${#START_LIST[@]} > 0)); then
  train_cds "${START_LIST[@]}"
  log "start-up pass: ${START_LIST[*]}, $STARTS starts each"
  printf 'setup\tstart\tstartup_ms\tmain_ms\tlogging_ms\tsetup_ms\tjetty_ms\tfirst_request_ms\n' >"$STARTS_TSV"
  for ((r = 1; r <= STARTS; r++)); do
    n=${#START_LIST[@]}
    for ((k = 0; k < n; k++)); do
      start_only "${START_LIST[$(((k + r - 1) % n))]}" "$r"
    done
  done
fi
if ((SLICES > 0 || ROUNDS > 0)); then train_cds "${SETUP_LIST[@]}"; fi
if ((SLICES > 0)); then
  log "interleaved pass: $SETUPS, $SLICES cycles of ${SLICE} s (+ ${SLICE_LIGHT} s light) each"
  slices_pass
fi
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order each round, so that no set-up always runs first or last.
  n=${#SETUP_LIST[@]}
  for ((k = 0; k < n; k++)); do
    run_one setup "${SETUP_LIST[$(((k + r - 1) % n))]}" "$r"
  done
done
for ((r = 1; r <= FAULT_ROUNDS; r++)); do
  for fault in "${FAULT_LIST[@]}"; do
    run_one fault "$fault" "$r"
  done
done
if [[ $PROFILE == 1 ]]; then
  if [[ -x $APP_JCMD ]]; then
    run_one profile b-profile 1
    java -cp "$JAR" "$PKG.JfrSummary" "$RUN_DIR/b-profile.jfr" 15 >"$RUN_DIR/b-profile.md"
  else
    log "jcmd not found: no profile"
  fi
fi
stop_pid "$OK_SINK_PID"
ELAPSED=$((SECONDS - START_SECONDS))

# ---------------------------------------------------------------------------------------------
# Report.
{
  echo "# Whole-service overhead and faults${LABEL:+ ($LABEL)}"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average at start of report: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- JDK: $("$APP_JAVA" -version 2>&1 | head -n 2 | tail -n 1)$([[ $VIRTUAL_THREADS == 1 ]] && echo "; requests on virtual threads (VIRTUAL_THREADS=1)")"
  echo "- wrk: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2); OpenTelemetry Java agent $AGENT_VERSION"
  echo "- settings: WARMUP=$WARMUP WARMUP_PIECES=$WARMUP_PIECES SETTLE=$SETTLE DURATION=$DURATION ROUNDS=$ROUNDS LIGHT_DURATION=$LIGHT_DURATION LIGHT_CONNECTIONS=$LIGHT_CONNECTIONS CONNECTIONS=$CONNECTIONS WRK_THREADS=$WRK_THREADS PIN=$PIN APP_CPUS=$APP_CPUS LOAD_CPUS=$LOAD_CPUS JAVA_OPTS=\"$JAVA_OPTS\" ERROR_EVERY=$ERROR_EVERY FAULT_ROUNDS=$FAULT_ROUNDS FAULT_DURATION=$FAULT_DURATION SLICES=$SLICES SLICE=$SLICE SLICE_LIGHT=$SLICE_LIGHT SLICE_DRAIN=$SLICE_DRAIN"
  echo "- wall time: ${ELAPSED} s"
  echo
  echo "## Per set-up (median over rounds)"
  echo
  ((ROUNDS > 0)) || echo "No rounds (ROUNDS=0)."
  ((ROUNDS == 0)) || awk -F'\t' -f "$HERE/report.awk" -v part=setups -v setups="$SETUPS" \
    -v CONNECTIONS="$CONNECTIONS conn" -v light_connections="$LIGHT_CONNECTIONS" \
    -v starts="$([[ -f $STARTS_TSV ]] && echo "$STARTS" || echo 0)" "$TSV"
  if [[ -f $SLICES_TSV ]]; then
    echo
    echo "## Interleaved slices ($SLICES cycles of $SLICE s at $CONNECTIONS connections and $SLICE_LIGHT s at $LIGHT_CONNECTIONS)"
    echo
    echo "Every set-up up at once, each loaded in turn, in an order rotated and reversed from cycle to"
    echo "cycle; CPU and allocation per request from the app's own figures over each slice, until"
    echo "$SLICE_DRAIN s after its load. Ratios are taken within each cycle (set-ups about a minute apart"
    echo "at most), then their median over the cycles."
    echo
    awk -F'\t' -f "$HERE/report.awk" -v part=slices -v setups="$SETUPS" \
      -v CONNECTIONS="$CONNECTIONS conn" -v light_connections="$LIGHT_CONNECTIONS" "$SLICES_TSV"
  fi
  if [[ -f $STARTS_TSV ]]; then
    echo
    echo "## Start-up without load ($STARTS alternating starts per set-up)"
    echo
    echo "JVM launch to the first 200 on \`/work\` and its phases (to \`main\`, configuring Logback, the"
    echo "instrumentation's set-up, starting Jetty, from listening to the first 200), before any load;"
    echo "medians, and the range of the totals. The goal on start-up is judged by these starts: the"
    echo "rounds give three per set-up."
    echo
    awk -F'\t' -f "$HERE/report.awk" -v part=starts -v setups="$START_SETUPS" "$STARTS_TSV"
  fi
  if ((${#FAULT_LIST[@]} > 0)); then
    echo
    echo "## Faults of (b)"
    echo
    awk -F'\t' -f "$HERE/report.awk" -v part=faults -v faults="$FAULTS" "$TSV"
    echo
    echo "Non-zero \`observability_*\` samples on \`/metrics\` at the end of each run of (b) (round 1):"
    echo
    for what in b "${FAULT_LIST[@]}"; do
      f=$RUN_DIR/$what-r1.metrics.txt
      [[ -f $f ]] || continue
      echo "- $what: $(grep -E '^observability_' "$f" | awk '$NF + 0 != 0 { printf "%s`%s %s`", sep, $1, $NF; sep = ", " }' || true)"
    done
  fi
  echo
  echo "## CPU µs per request by thread group (median over rounds)"
  echo
  echo "From each thread's user and system time in \`/proc\` over the measured window (16 connections),"
  echo "divided by the requests \`wrk\` completed: request = Jetty's pool, background = the SDK's or the"
  echo "agent's own threads (exporters, appender, HTTP clients), jit = C1 and C2, gc = the collector and"
  echo "the VM thread, jvm = the VM's other threads."
  echo
  awk -F'\t' -v setups="$SETUPS" "$AWK_MEDIAN"'
    { v[$2, $4] = v[$2, $4] " " $5 }
    END {
      print "| set-up | request | background | jit | gc | jvm | all |"
      print "|---|---:|---:|---:|---:|---:|---:|"
      n = split(setups, s, " ")
      split("request background jit gc jvm", g, " ")
      for (i = 1; i <= n; i++) {
        if (!((s[i], "request") in v)) continue
        line = "| " s[i]; all = 0
        for (k = 1; k <= 5; k++) { m = median(v[s[i], g[k]]); all += m; line = line sprintf(" | %.1f", m) }
        print line sprintf(" | %.1f |", all)
      }
    }' "$THREADS_TSV"
  echo
  echo "## Scheduling by thread group (median over rounds)"
  echo
  echo "From each thread's \`/proc\` schedstat and status over the same window, per request: wait ="
  echo "time runnable but waiting for the CPU, vol / invol = voluntary (blocked or parked) and"
  echo "involuntary (preempted) context switches, slice = mean time a thread kept the CPU once it had it."
  echo
  awk -F'\t' -v setups="$SETUPS" "$AWK_MEDIAN"'
    { for (i = 5; i <= 8; i++) v[$2, $4, i] = v[$2, $4, i] " " $i; has[$2] = 1 }
    END {
      print "| set-up | group | wait µs / req | vol / req | invol / req | µs / slice |"
      print "|---|---|---:|---:|---:|---:|"
      n = split(setups, s, " ")
      split("request background jit gc jvm", g, " ")
      for (i = 1; i <= n; i++) {
        if (!(s[i] in has)) continue
        for (k = 1; k <= 5; k++) {
          printf "| %s | %s | %.2f | %.3f | %.3f | %.1f |\n", s[i], g[k], median(v[s[i], g[k], 5]),
            median(v[s[i], g[k], 6]), median(v[s[i], g[k], 7]), median(v[s[i], g[k], 8])
        }
      }
    }' "$SCHED_TSV"
  echo
  echo "## Every run"
  echo
  awk -F'\t' 'NR == 1 { h = "|"; s = "|"; for (i = 1; i <= NF; i++) { h = h " " $i " |"; s = s "---|" } print h; print s; next }
    { l = "|"; for (i = 1; i <= NF; i++) l = l " " $i " |"; print l }' "$TSV"
  if [[ -f $RUN_DIR/b-profile.md ]]; then
    echo
    echo "## JFR profile of (b) (one extra run, not in the tables above)"
    echo
    cat "$RUN_DIR/b-profile.md"
  fi
} >"$RESULTS"
cat "$RESULTS"
log "wrote $RESULTS"
