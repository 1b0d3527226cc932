#!/usr/bin/env bash
# Fan-out benchmark, end to end (issue #6): builds the service and the tRPC peer, measures the Redis floor, runs
# FanoutBench for every C (this service, then the peer, each as two fresh instances sharing PostgreSQL and Redis),
# records a JFR of instance 1 of this service at the largest C, and writes results, table and plot to docs/benchmarks/.
#
#   bench/run.sh                                   # the full series: C = 1000 5000 10000, M = 30
#   CLIENTS="100 500" MUTATIONS=10 bench/run.sh    # a quick smoke run
#
# Knobs (environment): CLIENTS, MUTATIONS, STACKS ("invalidator trpc"; add "spring" for the Spring WebFlux peer),
# HEAP (JVM options of the service's instances, the shipped setting by default; the Spring peer gets the same),
# OUT (docs/benchmarks), PEER_SRC/PEER_DIR and SPRING_SRC/SPRING_DIR (a peer's sources / the scratch copy it is
# built in), SKIP_BUILD=1 (reuse target/quarkus-app), JFR=0 (no recording), SOURCES (loopback source addresses for
# the clients, 127.0.0.2.., if ephemeral ports run short), APPEND=1 (add this pass's rows to $OUT/results.csv).
# Needs: PostgreSQL on 127.0.0.1:5432 (trust, database `test`), Redis on 127.0.0.1:6379, psql, node + npm, JDK 21+.
# Uses its own namespaces only: schema invalidator_bench + channels bench_invalidate:*, schema peer_trpc_bench +
# channels benchpeer_invalidate:*, schema peer_spring_bench + channels benchspring_invalidate:*. Every wait in the tool is bounded; each run has a hard time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
CLIENTS="${CLIENTS:-1000 5000 10000}"
MUTATIONS="${MUTATIONS:-30}"
STACKS="${STACKS:-invalidator trpc}"
HEAP="${HEAP:--Xms64m -Xmx512m}"
OUT="${OUT:-docs/benchmarks}"
PEER_SRC="${PEER_SRC:-/work/shared/peers/trpc-redis}"
PEER_DIR="${PEER_DIR:-/tmp/peer-trpc}"
SPRING_SRC="${SPRING_SRC:-/work/shared/peers/spring-redis}"
SPRING_DIR="${SPRING_DIR:-/tmp/peer-spring}"
SOURCES="${SOURCES:-1}"
JFR="${JFR:-1}"

# Each stream is a socket on both sides: lift the open-file limit (as far as the hard limit allows).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open-file limit: $(ulimit -n)"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "building the service"
  ./mvnw -B -q package -DskipTests
fi
if [[ " $STACKS " == *" trpc "* && ! -f "$PEER_DIR/dist/server.js" ]]; then
  echo "building the peer in $PEER_DIR"
  rm -rf "$PEER_DIR"
  cp -r "$PEER_SRC" "$PEER_DIR"
  chmod -R u+w "$PEER_DIR"
  (cd "$PEER_DIR" && npm ci --no-audit --no-fund && npm run build)
fi

if [[ " $STACKS " == *" spring "* && ! -f "$SPRING_DIR/target/spring-redis-peer.jar" ]]; then
  echo "building the Spring peer in $SPRING_DIR"
  rm -rf "$SPRING_DIR"
  cp -r "$SPRING_SRC" "$SPRING_DIR"
  chmod -R u+w "$SPRING_DIR"
  (cd "$SPRING_DIR" && mvn -B -q package -DskipTests)
fi

RUN="target/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN" "$OUT"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "node: $(node --version)"
  echo "redis: $(redis-cli INFO server | grep -m1 redis_version | tr -d '\r')"
  echo "postgresql: $(psql -h 127.0.0.1 -U postgres -d test -Atc 'SHOW server_version')"
  echo "service heap options: $HEAP"
  echo "clients: $CLIENTS; mutations: $MUTATIONS; stacks: $STACKS"
  echo "load before: $(cat /proc/loadavg)"
} | tee "$RUN/environment.txt"

BENCH=("$JAVA" -Xms256m -Xmx1g -XX:+UseSerialGC bench/FanoutBench.java)
"${BENCH[@]}" --mode floor --out "$RUN" --samples 2000 --max-seconds 120

LARGEST=$(tr ' ' '\n' <<<"$CLIENTS" | sort -n | tail -1)
for c in $CLIENTS; do
  for s in $STACKS; do
    extra=()
    if [[ "$s" == invalidator && "$c" == "$LARGEST" && "$JFR" == 1 ]]; then
      extra=(--jfr "$PWD/$RUN/invalidator-c$c.jfr")
    fi
    echo "=== $s, C=$c, M=$MUTATIONS, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "${BENCH[@]}" --stack "$s" --clients "$c" --mutations "$MUTATIONS" --out "$RUN" --heap "$HEAP" \
      --peer-dir "$PEER_DIR" --spring-jar "$SPRING_DIR/target/spring-redis-peer.jar" --sources "$SOURCES" --max-seconds 900 "${extra[@]}" \
      || echo "!!! run $s C=$c failed (exit $?), see $RUN/logs"
  done
done
"${BENCH[@]}" --mode floor --out "$RUN" --samples 2000 --max-seconds 120
echo "load after: $(cat /proc/loadavg)" | tee -a "$RUN/environment.txt"

# Profile summary of the recording (bench/JfrSummary.java, JDK 25 `jfr view`).
for f in "$RUN"/*.jfr; do
  [[ -f "$f" ]] || continue
  {
    # The row of this recording's run gives the phase windows (epoch ms).
    c=$(basename "$f" .jfr | sed 's/.*-c//')
    row=$(awk -F, -v c="$c" 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i; next}
      $h["stack"]=="invalidator" && $h["clients"]==c {print $h["fanout_from_ms"], $h["fanout_to_ms"],
      $h["sustain_from_ms"], $h["sustain_to_ms"]}' "$RUN/results.csv" | tail -1)
    read -r ff ft sf st <<<"${row:-x x x x}"
    echo "## bench/JfrSummary.java: whole recording (start-up included)"
    "$JAVA" bench/JfrSummary.java "$f" || true
    if [[ "$ff" =~ ^[0-9]+$ ]]; then
      echo; echo "## bench/JfrSummary.java: fan-out phase only (one mutation at a time)"
      "$JAVA" bench/JfrSummary.java "$f" "$ff" "$ft" || true
    fi
    if [[ "$sf" =~ ^[0-9]+$ ]]; then
      echo; echo "## bench/JfrSummary.java: sustained phase only (4 writers, then catching up)"
      "$JAVA" bench/JfrSummary.java "$f" "$sf" "$st" || true
    fi
    echo
    for v in hot-methods allocation-by-class gc-pauses; do
      echo "## jfr view $v"
      "$JAVA_HOME/bin/jfr" view --width 160 "$v" "$f" || true
      echo
    done
  } >"${f%.jfr}-profile.txt" 2>&1
done

if [[ "${APPEND:-0}" == 1 && -f "$OUT/results.csv" ]]; then
  # A later pass (say, another stack) adds its rows; Report.java takes the last row per stack and C.
  tail -n +2 "$RUN/results.csv" >>"$OUT/results.csv"
  tail -n +2 "$RUN/floor.csv" >>"$OUT/floor.csv"
  { echo; echo "## appended pass"; cat "$RUN/environment.txt"; } >>"$OUT/environment.txt"
else
  cp "$RUN"/results.csv "$RUN"/floor.csv "$RUN"/environment.txt "$OUT"/
fi
cp "$RUN"/*-profile.txt "$OUT"/ 2>/dev/null || true
"$JAVA" bench/Report.java "$OUT" >/dev/null
echo "results: $OUT/results.md, $OUT/fanout-latency.png (raw: $RUN)"
