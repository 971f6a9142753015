#!/usr/bin/env bash
# The side-by-side benchmark of issue 15 §1: OrleansRelay against what users would run instead, on this machine, one
# command. Every system answers the same device backend (nginx from Debian: a 1 KB JSON file, a 1 MiB JSON file and a
# POST) and is driven by the same load generator (wrk from Debian) at 1 and 64 connections, a warm-up before each
# measured run. Systems:
#   direct                    wrk → backend (the floor)
#   nginx-1hop                wrk → nginx reverse proxy (keep-alive upstream) → backend
#   nginx-2hop                wrk → nginx → nginx → backend (the yardstick: a relay with a daemon is two hops)
#   mqtt                      wrk → HTTP front → Mosquitto (MQTT 5 request/response) → responder → backend
#   relay-embedded            wrk → edge with co-hosted silo ⇄ daemon → backend
#   relay-cluster             wrk → edge A (Orleans client) → silo → edge A ⇄ daemon → backend
#   relay-cluster-other-edge  wrk → edge B → silo → edge A ⇄ daemon → backend
# Loads: GET 1 KB uncached (Cache-Control: no-store), GET 1 KB cacheable (the relay's cache hits), POST, GET 1 MiB
# (no-store: never coalesced); on the relay with the operator key, and GET 1 KB also with a signed-in user's token and
# an OAuth access token. Per row: req/s, p50/p90/p99, errors (non-2xx + socket errors), CPU µs per request of that
# system's own processes (utime+stime from /proc before and after the measured run; backend and wrk excluded), the
# machine's busy % meanwhile. Writes bench/results/compare/<UTC date-time>.{md,json}, latest.{md,json} and the charts.
#
#   bench/compare/run.sh                     full run (10 s measured + 3 s warm-up per row, about 23 minutes)
#   bench/compare/run.sh --quick             3 s measured + 1 s warm-up per row
#   bench/compare/run.sh --duration 20 --warmup 5 --connections "1 64" --systems "nginx-1hop relay-embedded"
#   bench/compare/run.sh --system-warmup 30  seconds of uncached GETs at 64 connections when a system has started,
#                                            before its first row (default 30; 10 with --quick): a .NET process
#                                            measured in its first half minute still pays tiered JIT and GC tuning
#   bench/compare/run.sh --no-build          use the existing Release build
#   bench/compare/run.sh --out DIR           results elsewhere (default bench/results/compare)
#   bench/compare/run.sh --profile           also perf-record the relay's processes during each measured relay row:
#                                            top frames per row in <out>/profiles/ (figures carry perf's overhead)
#
# Installs nginx, wrk, mosquitto and redis-server with apt-get when missing. Binds 127.0.0.1 only (free ports), runs in
# a fresh temp dir (KEEP_TMP=1 keeps it), and stops exactly the processes it started, by PID, on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
source scripts/lib/services.sh # ensure_packages, wait_for
source scripts/lib/relay.sh    # relay_bin, http_ready, stop_pids

all_systems="direct nginx-1hop nginx-2hop mqtt relay-embedded relay-cluster relay-cluster-other-edge"
duration=10 warmup=3 system_warmup=30 quick=false build=true profile=false systems="$all_systems" connections="1 64" out="$repo/bench/results/compare"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true duration=3 warmup=1 system_warmup=10 ;;
    --system-warmup) system_warmup="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --systems) systems="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --no-build) build=false ;;
    --out) out="$2"; shift ;;
    --profile) profile=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for s in $systems; do case " $all_systems " in *" $s "*) ;; *) echo "unknown system: $s (one of: $all_systems)" >&2; exit 2 ;; esac; done
selected() { case " $systems " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

t0=$(date +%s)
log() { echo "[compare $(( $(date +%s) - t0 )) s] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ensure_packages nginx:nginx wrk:wrk mosquitto:mosquitto redis-server:redis-server curl:curl python3:python3
if $profile; then
  ensure_packages perf:linux-perf
  # perf can name JIT frames only with the perf map, and only without W^X double mapping (docs/performance.md)
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
fi
tmp="$(mktemp -d /tmp/orleansrelay-compare.XXXXXX)"
chmod 755 "$tmp" # nginx workers run as an unprivileged user and read the backend's files from here
mkdir -p "$tmp/logs" "$tmp/results"
started=()       # every process this script started, in order
cleanup() {
  set +e
  local i pids=()
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do pids+=("${started[i]}"); done
  [ ${#pids[@]} -gt 0 ] && stop_pids "${pids[@]}"
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # start <name> <command...>: a background process logging to $tmp/logs/<name>.log; its pid in LAST_PID
  local name="$1"; shift
  "$@" >"$tmp/logs/$name.log" 2>&1 &
  LAST_PID=$!
  started+=("$LAST_PID")
}
stop() { # stop <pid...>: processes of ours that are no longer needed (frees the cores for the next system)
  stop_pids "$@"
  local keep=() p q gone
  for p in "${started[@]}"; do gone=false; for q in "$@"; do [ "$p" = "$q" ] && gone=true; done; $gone || keep+=("$p"); done
  started=("${keep[@]}")
}

# --- build ---------------------------------------------------------------------------------------------------------
configuration=Release
export RELAY_CONFIGURATION=$configuration
projects=(edge/OrleansRelay.EdgeHost silo/OrleansRelay.SiloHost device/OrleansRelay.Device bench/compare/MqttBridge bench/compare/Chart)
if $build; then
  log "building (Release): ${projects[*]}"
  for p in "${projects[@]}"; do
    timeout 900 dotnet build "$p" -c "$configuration" -v quiet -nologo >>"$tmp/logs/build.log" 2>&1 \
      || { tail -40 "$tmp/logs/build.log" >&2; exit 1; }
  done
fi
edge_dll="$(relay_bin edge/OrleansRelay.EdgeHost orleansrelay-edge)"
silo_dll="$(relay_bin silo/OrleansRelay.SiloHost orleansrelay-silo)"
device_dll="$(relay_bin device/OrleansRelay.Device orleansrelay-device)"
mqtt_dll="$(relay_bin bench/compare/MqttBridge orleansrelay-compare-mqtt)"
chart_dll="$(relay_bin bench/compare/Chart orleansrelay-compare-chart)"
for f in "$edge_dll" "$silo_dll" "$device_dll" "$mqtt_dll" "$chart_dll"; do [ -f "$f" ] || { echo "missing $f (run without --no-build)" >&2; exit 1; }; done

# --- measurement ---------------------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { # cpu_ticks <pid...>: utime+stime (+ reaped children) of those processes, in clock ticks
  local total=0 p t
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}
cpu_ticks_each() { # cpu_ticks_each <pid...>: "pid=ticks" per process, for the per-process split of a row's CPU
  local p; for p in "$@"; do echo "$p=$(cpu_ticks "$p")"; done | tr '\n' ' '
}
machine_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }
nginx_pids() { echo "$1" $(pgrep -P "$1" || true); } # nginx_pids <master>: the master and its workers

declare -A load_path load_method load_headers load_label
load_path[get-1k-nostore]=/1k.json;  load_method[get-1k-nostore]=GET;  load_headers[get-1k-nostore]="Cache-Control: no-store"
load_path[get-1k-cached]=/1k.json;   load_method[get-1k-cached]=GET;   load_headers[get-1k-cached]=""
load_path[post]=/echo;               load_method[post]=POST;           load_headers[post]=""
load_path[get-1m]=/1m.json;          load_method[get-1m]=GET;          load_headers[get-1m]="Cache-Control: no-store"
load_label[get-1k-nostore]="GET 1 KB uncached"; load_label[get-1k-cached]="GET 1 KB cacheable"
load_label[post]="POST 128 B"; load_label[get-1m]="GET 1 MiB"
base_loads="get-1k-nostore get-1k-cached post get-1m"
token_loads="get-1k-nostore get-1k-cached"

auth_header() { # auth_header none|operator|user|oauth
  case "$1" in
    operator) echo "X-Admin-Key: $admin_key" ;;
    user) echo "Authorization: Bearer $user_token" ;;
    oauth) echo "Authorization: Bearer $oauth_token" ;;
    *) echo "" ;;
  esac
}

wrk_run() { # wrk_run <url> <connections> <seconds> <method> <headers> <json out>
  local url="$1" c="$2" seconds="$3" method="$4" headers="$5" json="$6" threads=1
  [ "$c" -gt 1 ] && threads=2
  local body=""; [ "$method" = POST ] && body="$tmp/post.json"
  BENCH_METHOD="$method" BENCH_BODY_FILE="$body" BENCH_HEADERS="$headers" BENCH_OUT="$json" \
    timeout $((seconds + 30)) wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout 10s -s "$repo/bench/compare/lua/bench.lua" "$url" \
    >>"$tmp/logs/wrk.log" 2>&1 || echo "wrk exited with $? for $url" >>"$tmp/logs/wrk.log"
}

sample() { # sample <url> <method> <headers>: "status x-cache" of one request
  local url="$1" method="$2" headers="$3" args=(-H 'Accept:' -H 'User-Agent:') line # the headers wrk sends, no more (Accept selects a cache variant)
  while IFS= read -r line; do [ -n "$line" ] && args+=(-H "$line"); done <<<"$headers"
  [ "$method" = POST ] && args+=(-H 'Content-Type: application/json' --data-binary "@$tmp/post.json")
  curl -s -o /dev/null -D "$tmp/sample.headers" -w '%{http_code}' --max-time 10 -X "$method" "${args[@]}" "$url" >"$tmp/sample.status" 2>/dev/null || echo 000 >"$tmp/sample.status"
  echo "$(cat "$tmp/sample.status") $(awk -F': *' 'tolower($1) == "x-cache" { gsub("\r", "", $2); print $2 }' "$tmp/sample.headers" 2>/dev/null | head -1)"
}

measure() { # measure <system> <base url> <auth> <loads> <pid...>: every load at every connection count
  local system="$1" base="$2" auth="$3" loads="$4"; shift 4
  local load c headers url wjson before after m0 m1 b0 b1 s status xcache pids
  for load in $loads; do
    for c in $connections; do
      headers="$(printf '%s\n%s' "${load_headers[$load]}" "$(auth_header "$auth")")"
      url="$base${load_path[$load]}"
      wrk_run "$url" "$c" "$warmup" "${load_method[$load]}" "$headers" "$tmp/warmup.json"
      s="$(sample "$url" "${load_method[$load]}" "$headers")"; status="${s%% *}"; xcache="${s#* }"
      # shellcheck disable=SC2086
      pids="$(for p in "$@"; do case "$p" in nginx:*) nginx_pids "${p#nginx:}" ;; *) echo "$p" ;; esac; done | tr '\n' ' ')"
      wjson="$tmp/results/$system-$auth-$load-c$c.wrk.json"
      # shellcheck disable=SC2086
      before=$(cpu_ticks $pids); before_each=$(cpu_ticks_each $pids); b0=$(cpu_ticks $(nginx_pids "$backend_pid")); m0=$(machine_ticks)
      local perf_pid=""
      if $profile && [ "${system#relay}" != "$system" ] && [ "$c" -gt 1 ]; then
        perf record -F 499 -g -o "$tmp/perf.data" -p "$(echo $pids | tr ' ' ',')" -- sleep "$duration" >>"$tmp/logs/perf.log" 2>&1 &
        perf_pid=$!
      fi
      wrk_run "$url" "$c" "$duration" "${load_method[$load]}" "$headers" "$wjson"
      if [ -n "$perf_pid" ]; then
        wait "$perf_pid" || true
        mkdir -p "$out/profiles"
        local profile_file="$out/profiles/$system-$auth-$load-c$c.txt" p
        : >"$profile_file"
        for p in $pids; do # one section per process: self time by symbol, as a share of that process's samples
          { echo "== pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-100)"
            perf report -i "$tmp/perf.data" --pid "$p" --percentage relative --no-children -g none --sort dso,sym --stdio \
              --percent-limit 0.4 2>>"$tmp/logs/perf.log" | grep -v '^#' | grep '%' | head -50; } >>"$profile_file" || true
        done
      fi
      # shellcheck disable=SC2086
      after=$(cpu_ticks $pids); after_each=$(cpu_ticks_each $pids); b1=$(cpu_ticks $(nginx_pids "$backend_pid")); m1=$(machine_ticks)
      [ -s "$wjson" ] || echo '{"requests":0,"duration_us":0,"bytes":0,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"latency_us":{"p50":0,"p90":0,"p99":0,"max":0,"mean":0}}' >"$wjson"
      python3 - "$wjson" "$system" "$load" "$auth" "$c" "$duration" "$((after - before))" "$((b1 - b0))" "$m0" "$m1" "$clk_tck" "$status" "$xcache" "$(cut -d' ' -f1 /proc/loadavg)" "$pids" "$before_each" "$after_each" <<'PY' >>"$tmp/rows.jsonl"
import json, sys
(path, system, load, auth, c, seconds, ticks, backend_ticks, m0, m1, hz, status, xcache, load1, pids, each0, each1) = sys.argv[1:]
w = json.load(open(path))
def name_of(pid):  # the program a process runs: the .dll of a dotnet host, else the executable's name
    try:
        argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    dll = next((a for a in words if a.endswith(".dll")), None)
    return (dll or (words[0] if words else "?")).rsplit("/", 1)[-1].removesuffix(".dll")
hz = int(hz); ticks = int(ticks); backend_ticks = int(backend_ticks)
busy0, total0 = map(int, m0.split()); busy1, total1 = map(int, m1.split())
elapsed = w["duration_us"] / 1e6 or float(seconds)
reqs = w["requests"]; e = w["errors"]
socket_errors = e["connect"] + e["read"] + e["write"] + e["timeout"]
cpu_s = ticks / hz
machine_busy = 100.0 * (busy1 - busy0) / max(1, total1 - total0)   # % of all cores
cores = 100.0 * (total1 - total0) / hz / elapsed                    # cores × 100
rest = machine_busy - 100.0 * (ticks + backend_ticks) / max(1, total1 - total0)
print(json.dumps({
    "system": system, "load": load, "auth": auth, "connections": int(c), "seconds": round(elapsed, 2),
    "requests": reqs, "rps": round(reqs / elapsed, 1), "bytes_per_s": round(w["bytes"] / elapsed),
    "p50_ms": w["latency_us"]["p50"] / 1000, "p90_ms": w["latency_us"]["p90"] / 1000,
    "p99_ms": w["latency_us"]["p99"] / 1000, "max_ms": w["latency_us"]["max"] / 1000,
    "errors": e["status"] + socket_errors, "errors_non2xx": e["status"], "errors_socket": socket_errors,
    "cpu_s": round(cpu_s, 2), "cpu_us_per_request": round(cpu_s * 1e6 / reqs, 1) if reqs and pids.strip() else None,
    "backend_cpu_s": round(backend_ticks / hz, 2), "machine_busy_pct": round(machine_busy, 1),
    "rest_busy_pct": round(max(0.0, rest), 1), "sample_status": int(status), "sample_x_cache": xcache or None,
    "load1": float(load1), "pids": pids.split(),
    # CPU µs per request of each counted process (which of edge, silo, daemon, proxy costs what)
    "cpu_us_per_request_by_process": {f"{name_of(p)} {p}": round((int(t1) - int(t0)) / hz * 1e6 / reqs, 1) if reqs else None
                                      for (p, t0), (_, t1) in zip((x.split("=") for x in each0.split()), (x.split("=") for x in each1.split()))},
}))
cpu = round(cpu_s * 1e6 / reqs) if reqs and pids.strip() else "-"
print(f"  {system:<25} {load:<15} {auth:<8} c{c:<3} {reqs / elapsed:>8.0f} req/s  p50 {w['latency_us']['p50'] / 1000:.2f} ms"
      f"  p99 {w['latency_us']['p99'] / 1000:.2f} ms  errors {e['status'] + socket_errors}  cpu {cpu} us/req  sample {status} {xcache}"
      f"  busy {machine_busy:.0f} %", file=sys.stderr)
PY
    done
  done
}
warm_system() { # warm_system <url> <headers>: JIT, GC and pools warm before the first row
  local seconds="$system_warmup"
  wrk_run "$1$2" 64 "$seconds" GET "$(printf 'Cache-Control: no-store\n%s' "${3:-}")" "$tmp/warmup.json"
}

# --- the device backend --------------------------------------------------------------------------------------------
python3 - "$tmp/www" "$tmp/post.json" <<'PY'
import json, os, sys
www, post = sys.argv[1:]
os.makedirs(www, exist_ok=True)
def padded(size, kind):
    reading = lambda i: {"t": 1700000000 + i, "v": round(20 + (i % 50) / 10, 1)}
    per = len(json.dumps(reading(0))) + 2
    doc = {"device": "bench-device", "kind": kind, "readings": [reading(i) for i in range(max(0, (size - 160) // per))], "pad": ""}
    doc["pad"] = "x" * (size - len(json.dumps(doc)) - 1)
    text = json.dumps(doc) + "\n"
    assert len(text) == size, (len(text), size)
    return text
open(f"{www}/1k.json", "w").write(padded(1024, "small"))
open(f"{www}/1m.json", "w").write(padded(1024 * 1024, "large"))
# GET /device is the daemon's device info: its "email" names the owner (whose user and OAuth tokens are measured).
open(f"{www}/device", "w").write(json.dumps({"name": "Bench device", "manufacturer": "bench", "version": "1", "email": "bench-owner@example.com"}))
body = json.dumps({"zone": 1, "minutes": 10, "note": "x" * 80})
open(post, "w").write(body + " " * (128 - len(body)))
PY
chmod -R a+rX "$tmp/www"

nginx_conf() { # nginx_conf <dir> <port> <server block body> [http block extra]: an nginx instance of its own
  local dir="$1" port="$2" body="$3" extra="${4:-}"
  mkdir -p "$dir/tmp"; chmod 777 "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000; keepalive_timeout 75s;
  default_type application/json;
$extra
  server {
    listen 127.0.0.1:$port;
$body
  }
}
EOF
}
start_nginx() { # start_nginx <name> <dir>: master in the foreground of its own process (pid = master)
  start "$1" nginx -p "$2" -e "$2/error.log" -c "$2/nginx.conf" -g 'daemon off;'
}
proxy_location='    location / {
      proxy_pass http://next;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffers 16 64k;
      proxy_busy_buffers_size 128k;
      proxy_max_temp_file_size 0;
    }'
upstream_block() { printf '  upstream next { server 127.0.0.1:%s; keepalive 64; keepalive_requests 1000000; }' "$1"; }

backend_port=$(free_port) proxy1_port=$(free_port) proxy2_port=$(free_port)
nginx_conf "$tmp/backend" "$backend_port" "    root $tmp/www;
    location = /echo { return 200 '{\"ok\":true}\n'; }"
# a reverse-proxy hop as commonly configured: keep-alive upstream, buffers that hold a 1 MiB body without temp files
nginx_conf "$tmp/proxy1" "$proxy1_port" "$proxy_location" "$(upstream_block "$backend_port")"
nginx_conf "$tmp/proxy2" "$proxy2_port" "$proxy_location" "$(upstream_block "$proxy1_port")"
start_nginx backend "$tmp/backend"; backend_pid=$LAST_PID
start_nginx proxy1 "$tmp/proxy1"; proxy1_pid=$LAST_PID
start_nginx proxy2 "$tmp/proxy2"; proxy2_pid=$LAST_PID
for p in "$backend_port" "$proxy1_port" "$proxy2_port"; do wait_for 10 "nginx on $p" http_ready "http://127.0.0.1:$p/1k.json"; done
log "backend nginx :$backend_port (pid $backend_pid), proxy hop 1 :$proxy1_port (pid $proxy1_pid), hop 2 :$proxy2_port (pid $proxy2_pid)"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
: >"$tmp/rows.jsonl"
admin_key="compare-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
user_token="" oauth_token="" token_note=""

if selected direct; then
  log "system direct"
  measure direct "http://127.0.0.1:$backend_port" none "$base_loads"
fi
if selected nginx-1hop; then
  log "system nginx-1hop"
  warm_system "http://127.0.0.1:$proxy1_port" /1k.json
  measure nginx-1hop "http://127.0.0.1:$proxy1_port" none "$base_loads" "nginx:$proxy1_pid"
fi
if selected nginx-2hop; then
  log "system nginx-2hop"
  warm_system "http://127.0.0.1:$proxy2_port" /1k.json
  measure nginx-2hop "http://127.0.0.1:$proxy2_port" none "$base_loads" "nginx:$proxy2_pid" "nginx:$proxy1_pid"
fi
stop "$proxy2_pid" "$proxy1_pid"

# --- MQTT 5 request/response through Mosquitto ---------------------------------------------------------------------
if selected mqtt; then
  mqtt_port=$(free_port) front_port=$(free_port)
  cat >"$tmp/mosquitto.conf" <<EOF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
log_dest stderr
log_type error
log_type warning
EOF
  start mosquitto mosquitto -c "$tmp/mosquitto.conf"; mosquitto_pid=$LAST_PID
  wait_for 10 "mosquitto on $mqtt_port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$mqtt_port"
  start mqtt-responder dotnet "$mqtt_dll" responder --broker-port "$mqtt_port" --device bench-device --local "http://127.0.0.1:$backend_port/"
  responder_pid=$LAST_PID
  start mqtt-front dotnet "$mqtt_dll" front --broker-port "$mqtt_port" --http-port "$front_port" --device bench-device
  front_pid=$LAST_PID
  wait_for 30 "the MQTT front" http_ready "http://127.0.0.1:$front_port/1k.json"
  log "system mqtt: mosquitto :$mqtt_port (pid $mosquitto_pid), responder pid $responder_pid, HTTP front :$front_port (pid $front_pid)"
  warm_system "http://127.0.0.1:$front_port" /1k.json
  measure mqtt "http://127.0.0.1:$front_port" none "$base_loads" "$mosquitto_pid" "$responder_pid" "$front_pid"
  stop "$front_pid" "$responder_pid" "$mosquitto_pid"
fi

# --- OrleansRelay --------------------------------------------------------------------------------------------------
device_id=bench-device
# The user and OAuth rows measure authentication, not the per-user/per-device rate limits (200/s, 100/s): raise them.
# The limiter stays in the path (operators are exempt from it anyway).
relay_common=(--Edge:BindAddress=127.0.0.1 "--Edge:AdminKey=$admin_key"
  --RateLimits:AddressPermitsPerSecond=1000000 --RateLimits:AddressBurst=1000000 --RateLimits:UserPermitsPerSecond=1000000
  --RateLimits:UserBurst=1000000 --RateLimits:DevicePermitsPerSecond=1000000 --RateLimits:DeviceBurst=1000000)

admin() { curl -fsS --max-time 10 -H "X-Admin-Key: $admin_key" "$@"; }
provision_and_connect() { # provision_and_connect <edge http url> <device port> <mail dir>: daemon pid in daemon_pid
  local url="$1" device_port="$2"
  admin -H 'Content-Type: application/json' -d "{\"deviceId\":\"$device_id\",\"name\":\"Bench device\"}" "$url/v1/admin/devices" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' >"$tmp/device.secret"
  chmod 600 "$tmp/device.secret"
  start daemon dotnet "$device_dll" --server "127.0.0.1:$device_port" --device-id "$device_id" --secret-file "$tmp/device.secret" \
    --local "http://127.0.0.1:$backend_port" --max-concurrency 64 --discovery-port 0 --log-level Warning
  daemon_pid=$LAST_PID
  wait_for 30 "$device_id online" sh -c "curl -fsS --max-time 2 -H 'X-Admin-Key: $admin_key' $url/v1/admin/devices/$device_id | grep -q '\"online\":true'"
}

tokens() { # tokens <edge http url> <mail dir>: user_token from the owner's confirmation mail, oauth_token by consent + PKCE
  local url="$1" mail="$2" file id password='bench password, long enough' client verifier challenge location code
  user_token="" oauth_token=""
  for _ in $(seq 1 300); do file=$(ls "$mail"/*.eml 2>/dev/null | head -1 || true); [ -n "$file" ] && break; sleep 0.1; done
  [ -n "$file" ] || { token_note="no confirmation mail in $mail within 30 s"; return 1; }
  id=$(basename "$file" .eml); id=${id##*-}
  id="${id:0:8}-${id:8:4}-${id:12:4}-${id:16:4}-${id:20:12}"
  curl -fsS --max-time 10 -o /dev/null --data-urlencode "confirmationId=$id" --data-urlencode "password=$password" \
    --data-urlencode "confirm=$password" "$url/v1/confirmation/password" || { token_note="setting the password failed"; return 1; }
  user_token=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-owner@example.com\",\"password\":\"$password\"}" "$url/v1/auth" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') || { token_note="sign-in failed"; return 1; }
  client=$(admin -H 'Content-Type: application/json' -d '{"name":"Bench integration","redirect_uris":["http://127.0.0.1/callback"],"public":true}' \
    "$url/v1/oauth/clients" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])') || { token_note="client registration failed"; return 1; }
  read -r verifier challenge < <(python3 -c 'import base64,hashlib,os
v = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=")
print(v.decode(), base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b"=").decode())')
  location=$(curl -sS --max-time 10 -o /dev/null -w '%{redirect_url}' --data-urlencode response_type=code --data-urlencode "client_id=$client" \
    --data-urlencode redirect_uri=http://127.0.0.1/callback --data-urlencode scope=devices --data-urlencode state=bench \
    --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256 --data-urlencode decision=allow \
    --data-urlencode "device=$device_id" --data-urlencode "access_token=$user_token" "$url/v1/oauth/authorize")
  code=$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query).get("code", [""])[0])' "$location")
  [ -n "$code" ] || { token_note="consent gave no code (redirect: $location)"; return 1; }
  oauth_token=$(curl -fsS --max-time 10 --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
    --data-urlencode redirect_uri=http://127.0.0.1/callback --data-urlencode "code_verifier=$verifier" --data-urlencode "client_id=$client" \
    "$url/v1/oauth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') || { token_note="code exchange failed"; return 1; }
}
relay_rows() { # relay_rows <system> <edge url> <pid...>
  local system="$1" url="$2"; shift 2
  local api="$url/v1/devices/$device_id/api"
  warm_system "$api" /1k.json "X-Admin-Key: $admin_key"
  measure "$system" "$api" operator "$base_loads" "$@"
  if [ -n "$user_token" ]; then measure "$system" "$api" user "$token_loads" "$@"; fi
  if [ -n "$oauth_token" ]; then measure "$system" "$api" oauth "$token_loads" "$@"; fi
}

if selected relay-embedded; then
  edge_port=$(free_port) device_port=$(free_port)
  mkdir -p "$tmp/mail-embedded"
  start relay-embedded dotnet "$edge_dll" --Cluster:Mode=Embedded "${relay_common[@]}" "--Edge:HttpPort=$edge_port" "--Edge:DevicePort=$device_port" "--Edge:DataPlanePort=$(free_port)" "--Edge:DataPlaneUpgradePort=$(free_port)" \
    "--Cluster:SiloPort=$(free_port)" "--Cluster:GatewayPort=$(free_port)" "--Mail:PickupDirectory=$tmp/mail-embedded" --Edge:EdgeId=bench-embedded
  edge_pid=$LAST_PID
  wait_for 90 "the embedded edge" http_ready "http://127.0.0.1:$edge_port/readyz"
  provision_and_connect "http://127.0.0.1:$edge_port" "$device_port"
  tokens "http://127.0.0.1:$edge_port" "$tmp/mail-embedded" || log "tokens (embedded): $token_note; user and OAuth rows skipped"
  log "system relay-embedded: edge :$edge_port (pid $edge_pid), daemon pid $daemon_pid"
  relay_rows relay-embedded "http://127.0.0.1:$edge_port" "$edge_pid" "$daemon_pid"
  stop "$daemon_pid" "$edge_pid"
fi

if selected relay-cluster || selected relay-cluster-other-edge; then
  redis_port=$(free_port); mkdir -p "$tmp/redis" "$tmp/mail-cluster"
  start redis redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp/redis"; redis_pid=$LAST_PID
  wait_for 15 "redis on $redis_port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$redis_port"
  cluster=(--Cluster:Mode=Redis "--ConnectionStrings:Redis=127.0.0.1:$redis_port" "--Cluster:ClusterId=compare-$$" --Cluster:ServiceId=orleansrelay-compare)
  silo_http=$(free_port)
  start silo dotnet "$silo_dll" "${cluster[@]}" --Cluster:AdvertisedAddress=127.0.0.1 "--Cluster:SiloPort=$(free_port)" "--Cluster:GatewayPort=$(free_port)" \
    "--Silo:HttpPort=$silo_http" "--Silo:AdminKey=$admin_key" "--Mail:PickupDirectory=$tmp/mail-cluster"
  silo_pid=$LAST_PID
  wait_for 90 "the silo" http_ready "http://127.0.0.1:$silo_http/readyz"
  edge_a_port=$(free_port) device_a_port=$(free_port)
  start edge-a dotnet "$edge_dll" "${cluster[@]}" "${relay_common[@]}" "--Edge:HttpPort=$edge_a_port" "--Edge:DevicePort=$device_a_port" "--Edge:DataPlanePort=$(free_port)" "--Edge:DataPlaneUpgradePort=$(free_port)" --Edge:EdgeId=bench-edge-a
  edge_a_pid=$LAST_PID
  wait_for 60 "edge A" http_ready "http://127.0.0.1:$edge_a_port/readyz"
  provision_and_connect "http://127.0.0.1:$edge_a_port" "$device_a_port"
  tokens "http://127.0.0.1:$edge_a_port" "$tmp/mail-cluster" || log "tokens (cluster): $token_note; user and OAuth rows skipped"
  log "silo pid $silo_pid (redis pid $redis_pid), edge A :$edge_a_port (pid $edge_a_pid), daemon pid $daemon_pid"
  if selected relay-cluster; then
    log "system relay-cluster (client on the device's edge)"
    relay_rows relay-cluster "http://127.0.0.1:$edge_a_port" "$edge_a_pid" "$silo_pid" "$daemon_pid"
  fi
  if selected relay-cluster-other-edge; then
    edge_b_port=$(free_port)
    start edge-b dotnet "$edge_dll" "${cluster[@]}" "${relay_common[@]}" "--Edge:HttpPort=$edge_b_port" "--Edge:DevicePort=$(free_port)" "--Edge:DataPlanePort=$(free_port)" "--Edge:DataPlaneUpgradePort=$(free_port)" --Edge:EdgeId=bench-edge-b
    edge_b_pid=$LAST_PID
    wait_for 60 "edge B" http_ready "http://127.0.0.1:$edge_b_port/readyz"
    log "system relay-cluster-other-edge: edge B :$edge_b_port (pid $edge_b_pid)"
    relay_rows relay-cluster-other-edge "http://127.0.0.1:$edge_b_port" "$edge_b_pid" "$edge_a_pid" "$silo_pid" "$daemon_pid"
    stop "$edge_b_pid"
  fi
  stop "$daemon_pid" "$edge_a_pid" "$silo_pid" "$redis_pid"
fi
stop "$backend_pid"

# --- report --------------------------------------------------------------------------------------------------------
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
python3 "$repo/bench/compare/report.py" --rows "$tmp/rows.jsonl" --out "$out" --stamp "$stamp" --started "$started_at" \
  --finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --load-before "$load_before" --load-after "$load_after" --duration "$duration" \
  --warmup "$warmup" --system-warmup "$system_warmup" --quick "$quick" --connections "$connections" --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- contracts silo edge device || echo '+uncommitted relay changes')" \
  --versions "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), mosquitto $(mosquitto -h | head -1 | awk '{print $3}'), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), .NET $(dotnet --version)" \
  --token-note "$token_note"
timeout 120 dotnet "$chart_dll" "$out/$stamp.json" "$out/$stamp" >>"$tmp/logs/chart.log" 2>&1 || { cat "$tmp/logs/chart.log" >&2; echo "chart failed" >&2; }
for f in "$out/$stamp"-*.png; do [ -f "$f" ] && cp "$f" "$out/latest-${f##*"$stamp"-}"; done
cp "$out/$stamp.md" "$out/latest.md"; cp "$out/$stamp.json" "$out/latest.json"
log "wrote $out/$stamp.md, $out/$stamp.json, charts; latest.* copied"
cat "$out/$stamp.md"
