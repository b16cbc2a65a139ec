#!/usr/bin/env bash
# Build and run the Lucene 10 competitor of the scale benchmark (issue 18):
# the Maven project in bench/lucene. Lucene 10 needs Java 21 or newer: this
# uses Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64, what the benchmark
# machine has), else $JAVA_HOME when its java is new enough, else the newest
# JDK 21+ under /usr/lib/jvm, else installs one from the distribution (and
# maven when missing). LUCENE_BENCH_HEAP sets the heap (default 8g).
#   scripts/bench-lucene.sh build        # compile (only when a source changed)
#   scripts/bench-lucene.sh run ARGS...  # build if needed, then run LuceneBench ARGS
#   scripts/bench-lucene.sh run-built ARGS...  # run only if built (exit 3 if not)
# The scale bench calls `run` itself; kartotek-bench's smoke test calls
# `run-built` when a build is there, and .ci/run never calls either.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJ="$ROOT/bench/lucene"

TEMURIN=/usr/lib/jvm/temurin-25-jdk-amd64

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
pick_java() {
  if [ -x "$TEMURIN/bin/javac" ]; then
    echo "$TEMURIN"; return
  fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d")"
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  echo "$best"
}

# Java 21+ and Maven, installed when missing.
ensure_tools() {
  JH="$(pick_java)"
  if [ -z "$JH" ] || ! command -v mvn >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    jdk=""
    if [ -z "$JH" ]; then
      for p in openjdk-25-jdk-headless openjdk-21-jdk-headless temurin-25-jdk temurin-21-jdk; do
        if [ -n "$(apt-cache policy "$p" 2>/dev/null | sed -n 's/ *Candidate: //p' | grep -v none)" ]; then jdk="$p"; break; fi
      done
    fi
    if [ -z "$JH" ] && [ -z "$jdk" ]; then
      echo "error: no Java 21+ here and none in the package sources" >&2
      echo "hint: install Temurin 21+ (https://adoptium.net/installation/linux/) or set JAVA_HOME" >&2
      exit 2
    fi
    echo "installing ${jdk:+$jdk and }maven" >&2
    apt-get install -y -qq --no-install-recommends $jdk maven >&2
    JH="$(pick_java)"
  fi
  [ -n "$JH" ] || { echo "error: no Java 21+ found" >&2; exit 2; }
  export JAVA_HOME="$JH"
}

STAMP="$PROJ/target/lib/.built"

build() {
  if [ -f "$STAMP" ] && [ -z "$(find "$PROJ/src" "$PROJ/pom.xml" -newer "$STAMP" -print -quit)" ]; then
    return
  fi
  echo "building the Lucene harness with $JAVA_HOME" >&2
  mvn -q -B -f "$PROJ/pom.xml" package -DskipTests >&2
  touch "$STAMP"
}

# One JVM per configuration; ParallelGC and a fixed minimum heap, as for a
# throughput benchmark; the vector module is what Lucene uses when present.
harness() {
  exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Xms2g -Xmx"${LUCENE_BENCH_HEAP:-8g}" -XX:+UseParallelGC \
    -cp "$PROJ/target/classes:$PROJ/target/lib/*" kartotek.bench.LuceneBench "$@"
}

case "${1:-build}" in
  build) ensure_tools; build ;;
  run)
    shift
    ensure_tools
    build
    harness "$@"
    ;;
  run-built)
    shift
    [ -f "$STAMP" ] || { echo "the Lucene harness is not built (scripts/bench-lucene.sh build)" >&2; exit 3; }
    JAVA_HOME="$(pick_java)"
    [ -n "$JAVA_HOME" ] || { echo "no Java 21+ found" >&2; exit 3; }
    harness "$@"
    ;;
  *) echo "usage: $0 build | run ARGS... | run-built ARGS..." >&2; exit 2 ;;
esac
