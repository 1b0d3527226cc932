#!/usr/bin/env bash
# Time-to-ready (process start -> /q/health/ready 200) and RSS right after, for the packaged jar.
# Usage: bench/startup.sh <quarkus-app dir> <runs> [extra JVM flags...], e.g.
#   bench/startup.sh target/quarkus-app 5                          # plain jar
#   bench/startup.sh target/quarkus-app 5 -XX:AOTCache=app.aot     # after ./mvnw package -Paot
# Uses the shared PostgreSQL (database test, schema invalidator_startup) and Redis (channels startup_invalidate:*).
set -euo pipefail
app=$1; runs=$2; shift 2
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
for i in $(seq 1 "$runs"); do
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  start=$(date +%s%N)
  (cd "$app" && exec "$java" "$@" -Dquarkus.http.port=$port -Dinvalidation.env=startup -Dinvalidator.schema=invalidator_startup \
     -Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test -jar quarkus-run.jar >/tmp/startup-$port.log 2>&1) &
  pid=$!
  for t in $(seq 1 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/q/health/ready" || true)
    [ "$code" = 200 ] && break
    sleep 0.01
  done
  end=$(date +%s%N)
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  echo "run $i: ready in $(( (end-start)/1000000 )) ms, RSS $((rss/1024)) MiB"
  kill $pid; wait $pid 2>/dev/null || true
done
