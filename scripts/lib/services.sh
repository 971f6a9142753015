#!/usr/bin/env bash
# Real services for the tests, installed with apt-get if missing and started as our own processes on 127.0.0.1
# with throwaway data directories. Sourced by scripts/test; every function is idempotent.

services_dir() { echo "${SERVICES_DIR:-$PWD/.tmp/services}"; }

ensure_packages() {
  local missing=()
  for cmd_pkg in "$@"; do
    local cmd="${cmd_pkg%%:*}" pkg="${cmd_pkg##*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "services: installing ${missing[*]} with apt-get" >&2
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

wait_for() { # wait_for <seconds> <description> <command...>
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "services: $what did not come up within ${seconds}s" >&2
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_redis() { # start_redis <port>
  local port="$1" dir; dir="$(services_dir)/redis-$port"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then return 0; fi
  port_free "$port" || { echo "services: port $port is taken; set REDIS_PORT to another port" >&2; return 1; }
  rm -rf "$dir"; mkdir -p "$dir"
  launch_redis "$port" "$dir"
}

launch_redis() { # launch_redis <port> <dir>: redis-server on the data in <dir> (its append-only file survives a kill -9)
  local port="$1" dir="$2"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$dir" \
    --daemonize yes --pidfile "$dir/pid" --logfile "$dir/redis.log"
  wait_for 15 "redis on $port" redis-cli -h 127.0.0.1 -p "$port" ping
}

restart_redis() { # restart_redis <port>: after a kill, start the same instance again on its data directory
  local port="$1"; launch_redis "$port" "$(services_dir)/redis-$port"
}

service_pid() { # service_pid redis|mariadb <port>: the pid of the instance started here (empty if none)
  cat "$(services_dir)/$1-$2/pid" 2>/dev/null || true
}

start_mariadb() { # start_mariadb <port>
  local port="$1" dir; dir="$(services_dir)/mariadb-$port"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then return 0; fi
  port_free "$port" || { echo "services: port $port is taken; set MYSQL_PORT to another port" >&2; return 1; }
  rm -rf "$dir"; mkdir -p "$dir"
  mariadb-install-db --user="$(id -un)" --datadir="$dir/data" --auth-root-authentication-method=socket >"$dir/install.log" 2>&1
  launch_mariadb "$port" "$dir"
}

restart_mariadb() { # restart_mariadb <port>: after a kill, start the same instance again on its data (InnoDB recovers)
  local port="$1"; launch_mariadb "$port" "$(services_dir)/mariadb-$port"
}

launch_mariadb() { # launch_mariadb <port> <dir>: mariadbd on the data in <dir>, with the relay's user
  local port="$1" dir="$2"
  mariadbd --user="$(id -un)" --datadir="$dir/data" --bind-address=127.0.0.1 --port="$port" \
    --socket="$dir/mysqld.sock" --pid-file="$dir/pid" --log-error="$dir/error.log" \
    --skip-log-bin --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
  wait_for 60 "mariadb on $port" mariadb --socket="$dir/mysqld.sock" -u root -e "SELECT 1"
  mariadb --socket="$dir/mysqld.sock" -u root <<SQL
CREATE USER IF NOT EXISTS 'orleansrelay'@'127.0.0.1' IDENTIFIED BY 'orleansrelay';
GRANT ALL PRIVILEGES ON *.* TO 'orleansrelay'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

start_smtp() { # start_smtp <port>: an SMTP sink that stores every message in a maildir (exported to the tests)
  local port="$1" dir; dir="$(services_dir)/smtp-$port"
  export ORLEANSRELAY_TEST_SMTP="127.0.0.1:$port"
  export ORLEANSRELAY_TEST_MAILDIR="$dir/maildir"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then return 0; fi
  port_free "$port" || { echo "services: port $port is taken; set SMTP_PORT to another port" >&2; return 1; }
  rm -rf "$dir"; mkdir -p "$dir/maildir/tmp" "$dir/maildir/new" "$dir/maildir/cur"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/maildir" >"$dir/smtp.log" 2>&1 &
  echo $! >"$dir/pid"
  wait_for 15 "smtp on $port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

stop_services() {
  local dir; dir="$(services_dir)"
  for pidfile in "$dir"/*/pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}
