#!/usr/bin/env bash
# A local OpenSearch cluster on loopback, for trying Kartotek's OpenSearch
# backend and for its tests.
#
#   scripts/opensearch-cluster.sh start [N]   start N nodes (default 3), wait for green,
#                                             print the HTTP URLs comma-separated (last line)
#   scripts/opensearch-cluster.sh stop        stop the nodes this script started, drop their data
#   scripts/opensearch-cluster.sh kill-node I kill -9 node I (0-based), for failure tests
#   scripts/opensearch-cluster.sh start-node I start node I again (after kill-node), in the background
#   scripts/opensearch-cluster.sh urls        print the URLs of a running cluster
#
# OpenSearch (server, transport-netty4-client, analysis-common) comes from
# Maven Central through Maven (scripts/opensearch/pom.xml); a small launcher
# (scripts/opensearch/Launcher.java) builds each node with those plugins on
# the classpath, as OpenSearch's own test framework does. The jars and the
# compiled launcher are cached, so only the first start downloads.
#
# Environment: KARTOTEK_OPENSEARCH_DIR (cache and node data, default
# ~/.cache/kartotek-opensearch), KARTOTEK_OPENSEARCH_HTTP_PORT (first node's
# HTTP port, default 9200; node i uses +i), KARTOTEK_OPENSEARCH_TRANSPORT_PORT
# (default 9300), KARTOTEK_OPENSEARCH_HEAP (per node, default 512m).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$here/opensearch"
dir="${KARTOTEK_OPENSEARCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kartotek-opensearch}"
http_base="${KARTOTEK_OPENSEARCH_HTTP_PORT:-9200}"
transport_base="${KARTOTEK_OPENSEARCH_TRANSPORT_PORT:-9300}"
heap="${KARTOTEK_OPENSEARCH_HEAP:-512m}"
build="$dir/build"
run="$dir/cluster"

die() { echo "opensearch-cluster: $*" >&2; exit 1; }

# Fetch the jars and compile the launcher, unless the cache already holds
# this pom's and this launcher's build.
ensure_built() {
  command -v java >/dev/null || die "java not found (OpenSearch 2.19 needs Java 11 or newer)"
  local stamp
  stamp="$(cat "$src/pom.xml" "$src/Launcher.java" | sha256sum | cut -c1-16)"
  if [ -f "$build/$stamp.ok" ]; then return; fi
  command -v mvn >/dev/null || die "mvn not found (Maven fetches OpenSearch from Maven Central)"
  command -v javac >/dev/null || die "javac not found (a JDK compiles the launcher)"
  echo "fetching OpenSearch from Maven Central and compiling the launcher (once)" >&2
  rm -rf "$build" && mkdir -p "$build/classes"
  mvn -B -q -Dstyle.color=never -f "$src/pom.xml" dependency:copy-dependencies -DoutputDirectory="$build/lib" >&2 \
    || die "maven could not fetch OpenSearch"
  javac -d "$build/classes" -cp "$build/lib/*" "$src/Launcher.java" >&2
  touch "$build/$stamp.ok"
}

urls() {
  local n="$1" out="" i
  for ((i = 0; i < n; i++)); do
    out="${out:+$out,}http://127.0.0.1:$((http_base + i))"
  done
  echo "$out"
}

alive() { [ -f "$run/node-$1.pid" ] && kill -0 "$(cat "$run/node-$1.pid")" 2>/dev/null; }

# Start node $1 of a cluster of $2 nodes, in the background.
launch() {
  # setsid: the node outlives this script and ignores the caller's Ctrl-C
  setsid java -Xms"$heap" -Xmx"$heap" -XX:+UseSerialGC \
    -Dlog4j2.disable.jmx=true -Djava.awt.headless=true \
    -cp "$build/classes:$build/lib/*" Launcher "$run" "$1" "$2" "$http_base" "$transport_base" \
    >> "$run/node-$1.log" 2>&1 < /dev/null &
  echo $! > "$run/node-$1.pid"
}

start() {
  local n="${1:-3}" i
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "start takes a node count, not \`$n\`"
  if [ -f "$run/nodes" ]; then
    for ((i = 0; i < $(cat "$run/nodes"); i++)); do
      alive "$i" && die "a cluster is already running (scripts/opensearch-cluster.sh stop first)"
    done
  fi
  ensure_built
  rm -rf "$run" && mkdir -p "$run"
  echo "$n" > "$run/nodes"
  for ((i = 0; i < n; i++)); do launch "$i" "$n"; done
  local first="http://127.0.0.1:$http_base" deadline=$((SECONDS + 240))
  until curl -fsS "$first/_cluster/health?wait_for_status=green&wait_for_nodes=$n&timeout=5s" >/dev/null 2>&1; do
    for ((i = 0; i < n; i++)); do
      alive "$i" || { tail -20 "$run/node-$i.log" >&2; stop >/dev/null 2>&1; die "node $i exited (log above)"; }
    done
    [ "$SECONDS" -lt "$deadline" ] || { stop >/dev/null 2>&1; die "the cluster did not turn green in 240 s"; }
    sleep 1
  done
  echo "opensearch cluster of $n node(s) is green; logs in $run" >&2
  urls "$n"
}

stop() {
  [ -f "$run/nodes" ] || { echo "no cluster running" >&2; return 0; }
  local n i pid
  n="$(cat "$run/nodes")"
  for ((i = 0; i < n; i++)); do
    alive "$i" && kill -TERM "$(cat "$run/node-$i.pid")" 2>/dev/null || true
  done
  for ((i = 0; i < n; i++)); do
    pid="$(cat "$run/node-$i.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || continue
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$run"
  echo "stopped $n node(s)" >&2
}

kill_node() {
  local i="${1:-}"
  [[ "$i" =~ ^[0-9]+$ ]] || die "kill-node takes a node number (0-based)"
  alive "$i" || die "node $i is not running"
  kill -KILL "$(cat "$run/node-$i.pid")"
  echo "killed node $i" >&2
}

start_node() {
  local i="${1:-}"
  [[ "$i" =~ ^[0-9]+$ ]] || die "start-node takes a node number (0-based)"
  [ -f "$run/nodes" ] || die "no cluster running"
  [ "$i" -lt "$(cat "$run/nodes")" ] || die "the cluster has no node $i"
  alive "$i" && die "node $i is running"
  launch "$i" "$(cat "$run/nodes")"
  echo "started node $i" >&2
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) stop ;;
  kill-node) kill_node "${2:-}" ;;
  start-node) start_node "${2:-}" ;;
  urls) [ -f "$run/nodes" ] || die "no cluster running"; urls "$(cat "$run/nodes")" ;;
  *) echo "usage: $0 start [N] | stop | kill-node I | start-node I | urls" >&2; exit 2 ;;
esac
