#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster on loopback for the scale benchmark
# (issue 7). Installs the Debian package when the server is missing, creates
# the cluster under $BENCH_PG_DIR (default /tmp/kartotek-bench-pg), listens on
# 127.0.0.1:$BENCH_PG_PORT only (default 54329), trust auth for local TCP.
# Prints the connection string on its last line. Idempotent: a running
# cluster is reused. Stop it with: scripts/bench-setup.sh stop
set -euo pipefail
DIR="${BENCH_PG_DIR:-/tmp/kartotek-bench-pg}"
PORT="${BENCH_PG_PORT:-54329}"
BIN=/usr/lib/postgresql/15/bin
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi

if [ "${1:-}" = stop ]; then
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop || true
  exit 0
fi

if [ ! -x "$BIN/postgres" ]; then
  echo "installing postgresql-15 (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql-15 >&2
fi

mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2
  cat >> "$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
shared_buffers = 2GB
work_mem = 64MB
maintenance_work_mem = 1GB
effective_cache_size = 8GB
max_wal_size = 8GB
synchronous_commit = off
fsync = off
full_page_writes = off
jit = off
CONF
fi
if ! "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >&2
fi
"$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" >&2
echo "host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
