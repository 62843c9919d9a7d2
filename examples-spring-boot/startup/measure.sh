#!/usr/bin/env bash
# What the starter adds to the start-up of an empty Spring Boot web application: the same
# application (Spring MVC on embedded Tomcat, no bean of its own) started RUNS times with the
# starter on its class path and RUNS times without it, alternately. Prints, for each run, Spring
# Boot's own "process running for" figure (JVM start to application ready, wall clock) and the CPU
# time the JVM used in all (start, then close: user + system, which a busy machine disturbs less
# than the wall clock), then the medians.
# Usage: bash examples-spring-boot/startup/measure.sh [runs]   (MAVEN_ARGS for extra mvn flags)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-7}"
# Builds the SDK and the module, and writes the module's test class path.
# shellcheck disable=SC2086
mvn -B -ntp -q ${MAVEN_ARGS:-} -pl examples-spring-boot -am -DskipTests package \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/startup.classpath
cd examples-spring-boot
# Actuator is left out of both: an empty application has none.
common=$(tr ':' '\n' < target/startup.classpath \
  | grep -v -E '/(spring-boot-actuator|spring-boot-actuator-autoconfigure|spring-boot-starter-actuator|micrometer-jakarta9)[^/]*\.jar$' \
  | grep -v -E '/(junit|opentest4j|apiguardian|assertj|awaitility|hamcrest|byte-buddy)[^/]*\.jar$')
with_starter="target/test-classes:$(paste -sd: <<< "$common")"
sdk='/observability-(core|logging|metrics|tracing|errors|health|servlet|spring-boot)[-/]'
sdk_deps='/io/opentelemetry/|/io/sentry/|/io/prometheus/|/micrometer-(core|registry-prometheus)-|/HdrHistogram-|/LatencyUtils-'
without_starter="target/test-classes:$(grep -v -E "$sdk|$sdk_deps" <<< "$common" | paste -sd: -)"

run() {
  local out
  out=$(/usr/bin/time -f 'cpu %U %S' java -Xshare:auto -cp "$1" \
    dev.observability.examples.spring.empty.EmptyApplication \
    --server.port=0 --spring.main.banner-mode=off 2>&1)
  local ready cpu
  ready=$(grep -o 'process running for [0-9.]*' <<< "$out" | grep -o '[0-9.]*$' || echo failed)
  cpu=$(grep -E '^cpu ' <<< "$out" | awk '{printf "%.2f", $2 + $3}')
  echo "$ready $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

java -version 2>&1 | head -1
with=(); without=(); with_cpu=(); without_cpu=()
for i in $(seq 1 "$RUNS"); do
  read -r ready cpu <<< "$(run "$without_starter")"
  without+=("$ready"); without_cpu+=("$cpu")
  read -r ready cpu <<< "$(run "$with_starter")"
  with+=("$ready"); with_cpu+=("$cpu")
  echo "run $i: ready without ${without[-1]} s, with ${with[-1]} s;" \
    "CPU without ${without_cpu[-1]} s, with ${with_cpu[-1]} s"
done
report() {
  local w wo
  w=$(printf '%s\n' "${@:2:$RUNS}" | median)
  wo=$(printf '%s\n' "${@:$((RUNS + 2))}" | median)
  echo "median $1 over $RUNS runs: without the starter $wo s, with it $w s," \
    "added $(awk -v a="$w" -v b="$wo" 'BEGIN {printf "%.2f", a - b}') s"
}
report "ready (wall)" "${with[@]}" "${without[@]}"
report "CPU" "${with_cpu[@]}" "${without_cpu[@]}"
