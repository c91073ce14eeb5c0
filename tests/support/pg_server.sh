#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server (and a PgBouncer in front of it) for the
# tests (issue 8). Debian's postgresql and pgbouncer packages provide the
# binaries; nothing of the system cluster is used.
#
#   pg_server.sh start FACTS [--no-bouncer]
#       initdb + pg_ctl in a fresh directory under $TMPDIR (or /tmp), on a
#       Unix socket in that directory and on a free port of 127.0.0.1;
#       superuser `smsotp` (trust authentication), database `smsotp`. Then
#       PgBouncer in transaction pooling mode on another port of 127.0.0.1,
#       unless --no-bouncer. Writes the connection facts to FACTS, one
#       key=value a line (dir, host, port, user, dbname, bouncer_port).
#   pg_server.sh stop FACTS
#       Stops both, waits until no process of theirs is left, removes the
#       directory and FACTS. Stopping a server that is not running is fine.
#
# The server refuses to run as root; as root (CI) both run as the
# unprivileged `postgres` user that the Debian package creates. Durability
# is off (fsync, full_page_writes): the data lives as long as a test run.
set -euo pipefail

bin=${SMSOTP_PG_BIN:-/usr/lib/postgresql/15/bin}
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_server_user=(runuser -u postgres --)
fi

die() {
  echo "pg_server.sh: $*" >&2
  exit 1
}

# A TCP port of 127.0.0.1 nothing listens on now.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Htln "sport = :$port" | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

start_postgres() {
  local dir=$1 port
  "${as_server_user[@]}" "$bin/initdb" -D "$dir/data" -A trust -U smsotp \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # A port taken between free_port and the bind makes the start fail: retry.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if "${as_server_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
          -c shared_buffers=32MB -c log_min_messages=warning" \
      start >/dev/null 2>&1; then
      echo "$port"
      return 0
    fi
    grep -q "could not bind\|could not create" "$dir/server.log" 2>/dev/null \
      || { cat "$dir/server.log" >&2; die "the server did not start"; }
  done
  die "the server did not start (ports taken)"
}

start_bouncer() {
  local dir=$1 port=$2 bouncer_port
  bouncer_port=$(free_port)
  echo '"smsotp" ""' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
smsotp = host=$dir port=$port dbname=smsotp user=smsotp

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  chown -R "$(stat -c %u "$dir")" "$dir"
  "${as_server_user[@]}" pgbouncer -d -q "$dir/pgbouncer.ini" \
    || { cat "$dir/pgbouncer.log" >&2 2>/dev/null; die "pgbouncer did not start"; }
  for _ in $(seq 1 100); do
    ss -Htln "sport = :$bouncer_port" | grep -q . && {
      echo "$bouncer_port"
      return 0
    }
    sleep 0.05
  done
  die "pgbouncer does not listen on $bouncer_port"
}

# Waits until process $1 is gone (up to 10 s), then kills it.
wait_gone() {
  local pid=$1
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  local facts=$1 dir pid
  [ -f "$facts" ] || return 0
  dir=$(sed -n 's/^dir=//p' "$facts")
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if [ -f "$dir/pgbouncer.pid" ]; then
      pid=$(cat "$dir/pgbouncer.pid")
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid"
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
      pid=$(head -1 "$dir/data/postmaster.pid")
      "${as_server_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop \
        >/dev/null 2>&1 || true
      wait_gone "$pid"
    fi
    rm -rf "$dir"
  fi
  rm -f "$facts"
}

case "${1:-}" in
  start)
    [ $# -ge 2 ] || die "usage: $0 start FACTS [--no-bouncer]"
    facts=$2
    bouncer=1
    [ "${3:-}" = "--no-bouncer" ] && bouncer=0
    tmp=${TMPDIR:-/tmp}
    [ "${tmp:0:1}" = / ] || tmp=/tmp
    dir=$(mktemp -d "$tmp/smsotp-pg-XXXXXX")
    chmod 0755 "$dir"
    [ ${#as_server_user[@]} -gt 0 ] && chown postgres: "$dir"
    # Write the facts first: a failed start is still cleaned up by stop.
    printf 'dir=%s\n' "$dir" >"$facts"
    trap 'stop_all "$facts"' ERR
    port=$(start_postgres "$dir")
    "$bin/psql" -X -q -h "$dir" -p "$port" -U smsotp -d postgres \
      -c 'CREATE DATABASE smsotp' >/dev/null
    bouncer_port=0
    [ $bouncer = 1 ] && bouncer_port=$(start_bouncer "$dir" "$port")
    printf 'dir=%s\nhost=%s\nport=%s\nuser=smsotp\ndbname=smsotp\nbouncer_port=%s\n' \
      "$dir" "$dir" "$port" "$bouncer_port" >"$facts"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: $0 stop FACTS"
    stop_all "$2"
    ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
    ;;
esac
