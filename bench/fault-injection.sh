#!/usr/bin/env bash
# Faults under load (issue 9, item 6). Starts its own Redis and MariaDB (scripts/lib/services.sh), two silos (Redis
# membership, MariaDB storage) and two edges as separate processes on 127.0.0.1, runs the load tester against them
# (notify scenario with relay clients alongside: relayed GETs/POSTs, device notifications, SSE subscribers that
# resume with Last-Event-ID), and meanwhile kills with SIGKILL, in turn and spaced: edge 1, silo 1, Redis, MariaDB,
# restarting each after an outage. After each kill it waits for recovery: the process is back, every simulated
# device is online again, and sample devices answer relayed requests through both edges.
#
# Writes bench/results/fault-injection.md (or $REPORT), the key numbers as JSON next to it, and keeps the load tester's report folder under .tmp.
# Exits non-zero when a check fails: a recovery not reached, a relayed request hanging past the client timeout
# (or answered with an unclear status), a notification lost or duplicated, a sent notification never acknowledged,
# a device offline at the end, a process whose memory kept growing.
#
#   bench/fault-injection.sh            full run (1,000 devices, about 6 minutes)
#   bench/fault-injection.sh --short    CI size (200 devices, about 2 minutes)
#
# Everything it starts is stopped on exit. Ports: REDIS_PORT (6451), MYSQL_PORT (3351); silos, edges: free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/lib/services.sh
source scripts/lib/relay.sh

short=false
[ "${1:-}" = "--short" ] && short=true
if $short; then
  devices="${DEVICES:-200}" sse="${SSE_SUBSCRIBERS:-100}" notify_rate="${NOTIFY_RATE:-40}" relay_clients="${RELAY_CLIENTS:-8}"
  settle="${SETTLE:-8}" outage="${OUTAGE:-2}" gap="${GAP:-4}" recovery_budget="${RECOVERY_BUDGET:-15}" tail_seconds="${TAIL:-6}"
else
  devices="${DEVICES:-1000}" sse="${SSE_SUBSCRIBERS:-300}" notify_rate="${NOTIFY_RATE:-100}" relay_clients="${RELAY_CLIENTS:-16}"
  settle="${SETTLE:-20}" outage="${OUTAGE:-5}" gap="${GAP:-20}" recovery_budget="${RECOVERY_BUDGET:-25}" tail_seconds="${TAIL:-15}"
fi
configuration="${CONFIGURATION:-Release}"
recovery_timeout="${RECOVERY_TIMEOUT:-90}"
client_timeout="${CLIENT_TIMEOUT:-20}"       # the load tester gives up on a relayed request after this
device_timeout="${DEVICE_TIMEOUT:-00:00:10}" # the edge answers 504 after this (Edge:DeviceRequestTimeout)
drain_timeout="${DRAIN_TIMEOUT:-$($short && echo 30 || echo 60)}"
redis_port="${REDIS_PORT:-6451}"
mysql_port="${MYSQL_PORT:-3351}"
export SERVICES_DIR="${SERVICES_DIR:-$repo/.tmp/fault-services}"
case "$SERVICES_DIR" in /*) ;; *) echo "SERVICES_DIR must be absolute" >&2; exit 2 ;; esac
root="${FAULT_DIR:-$repo/.tmp/fault-injection}"
report="${REPORT:-$repo/bench/results/fault-injection.md}"
run="$root/$(date -u +%Y%m%d-%H%M%S)"
logs="$run/logs"
status="$run/status"
mkdir -p "$logs"
kills=$(echo ${TARGETS:-edge1 silo1 redis mariadb} | wc -w)
load_seconds=$((settle + kills * (outage + recovery_budget + gap) + tail_seconds))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[fault-injection $(since "$t0") s] $*"; }

declare -A pid port
relay_pids() { echo "${pid[edge1]:-} ${pid[edge2]:-} ${pid[silo1]:-} ${pid[silo2]:-}"; }
loadtest_pid=""
cleanup() {
  set +e
  [ -n "$loadtest_pid" ] && stop_pids "$loadtest_pid"
  # shellcheck disable=SC2046
  stop_pids $(relay_pids)
  stop_services
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(now)
ensure_packages redis-server:redis-server redis-cli:redis-tools mariadbd:mariadb-server mariadb:mariadb-client curl:curl python3:python3
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build OrleansRelay.sln -c "$configuration" -v quiet -nologo >"$logs/build.log" 2>&1 || { tail -50 "$logs/build.log"; exit 1; }
fi
stop_services # a previous run's instances in this SERVICES_DIR (ours only)
start_redis "$redis_port"
start_mariadb "$mysql_port"
log "Redis :$redis_port (pid $(service_pid redis "$redis_port")), MariaDB :$mysql_port (pid $(service_pid mariadb "$mysql_port"))"

export RELAY_CONFIGURATION="$configuration" RELAY_LOGS="$logs" RELAY_REDIS="127.0.0.1:$redis_port" \
  RELAY_CLUSTER_ID="faults-$(date +%s)" RELAY_SERVICE_ID=orleansrelay-faults \
  RELAY_ADMIN_KEY="faults-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" \
  RELAY_MYSQL="Server=127.0.0.1;Port=$mysql_port;Database=orleansrelay_faults;User ID=orleansrelay;Password=orleansrelay"
for i in 1 2; do
  port[silo$i]=$(free_port); port[gateway$i]=$(free_port); port[silohttp$i]=$(free_port)
  port[edge$i]=$(free_port); port[device$i]=$(free_port)
done

launch() { # launch edge1|edge2|silo1|silo2, and wait until it is ready
  local name="$1" i="${1: -1}"
  case "$name" in
    silo*)
      start_silo "$name" "${port[silo$i]}" "${port[gateway$i]}" "${port[silohttp$i]}"
      pid[$name]=$RELAY_PID
      wait_for 90 "$name" http_ready "http://127.0.0.1:${port[silohttp$i]}/readyz" ;;
    edge*)
      start_edge "$name" "${port[edge$i]}" "${port[device$i]}" --Edge:MaxPendingConnectionsPerAddress=0 \
        "--Edge:DeviceRequestTimeout=$device_timeout"
      pid[$name]=$RELAY_PID
      wait_for 60 "$name" http_ready "http://127.0.0.1:${port[edge$i]}/readyz" ;;
  esac
}
launch silo1; launch silo2; launch edge1; launch edge2
log "silos pids ${pid[silo1]} ${pid[silo2]}, edges pids ${pid[edge1]} ${pid[edge2]} (http :${port[edge1]} :${port[edge2]})"

# --- RSS samples: label, process, pid, KiB ------------------------------------------------------------------------
rss_file="$run/rss.tsv"
: >"$rss_file"
service_port() { [ "$1" = redis ] && echo "$redis_port" || echo "$mysql_port"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
sample_rss() { # sample_rss <label>
  local name p
  for name in edge1 edge2 silo1 silo2; do
    p="${pid[$name]}"; printf '%s\t%s\t%s\t%s\n' "$1" "$name" "$p" "$(rss_kib "$p")" >>"$rss_file"
  done
  for name in redis mariadb; do
    p="$(service_pid "$name" "$(service_port "$name")")"
    printf '%s\t%s\t%s\t%s\n' "$1" "$name" "$p" "$(rss_kib "$p")" >>"$rss_file"
  done
}

# --- the load ------------------------------------------------------------------------------------------------------
loadtest="$(relay_bin loadtest/OrleansRelay.LoadTest orleansrelay-loadtest)"
dotnet "$loadtest" -s notify -n "$devices" --no-live --output "$run/loadtest" --status-file "$status" \
  --edge-url "http://127.0.0.1:${port[edge1]}" --device-endpoint "127.0.0.1:${port[device1]}" \
  --edge-url "http://127.0.0.1:${port[edge2]}" --device-endpoint "127.0.0.1:${port[device2]}" \
  --admin-key "$RELAY_ADMIN_KEY" --edge-pid "${pid[edge1]}" --edge-pid "${pid[edge2]}" --silo-pid "${pid[silo1]}" --silo-pid "${pid[silo2]}" \
  --duration "$load_seconds" --notify-rate "$notify_rate" --sse-subscribers "$sse" --signalr-subscribers 0 \
  --relay-concurrency "$relay_clients" --get-ratio 0.8 --client-timeout "$client_timeout" --drain-timeout "$drain_timeout" \
  >"$logs/loadtest.log" 2>&1 &
loadtest_pid=$!

status_field() { head -1 "$status" 2>/dev/null | cut -d' ' -f"$1"; }
phase() { head -1 "$status" 2>/dev/null | cut -d' ' -f3-; }
loading() { case "$(phase)" in relay*|notify*) return 0 ;; *) return 1 ;; esac; }
loadtest_alive() { kill -0 "$loadtest_pid" 2>/dev/null; }
wait_for 180 "the load (devices online, subscribers connected)" loading || { tail -30 "$logs/loadtest.log"; exit 1; }
load_started=$(now)
log "load running: $(status_field 1)/$(status_field 2) devices online, phase '$(phase)', $load_seconds s of load"

all_online() { local online total; online=$(status_field 1); total=$(status_field 2); [ -n "$online" ] && [ "$online" = "$total" ] && [ "$total" != 0 ]; }
probe() { # relayed GET to every sample device through both edges: all 200
  local id edge code
  for id in $(tail -n +2 "$status" 2>/dev/null); do
    for edge in "${port[edge1]}" "${port[edge2]}"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-Admin-Key: $RELAY_ADMIN_KEY" -H 'Cache-Control: no-cache' \
        "http://127.0.0.1:$edge/v1/devices/$id/api/readings" || true)
      [ "$code" = 200 ] || return 1
    done
  done
}
recovered() { all_online && probe; }

events="$run/events.tsv"
printf 'target\tpid\tkilled at s\trestarted at s\trecovered at s\trecovery s\n' >"$events"
failures=()

sleep "$settle"
sample_rss "start (load running ${settle} s, before the first kill)"
for target in ${TARGETS:-edge1 silo1 redis mariadb}; do
  loadtest_alive || { failures+=("the load tester exited before the $target kill"); break; }
  case "$target" in
    redis|mariadb) victim=$(service_pid "$target" "$(service_port "$target")") ;;
    *) victim="${pid[$target]}" ;;
  esac
  killed=$(now)
  kill -9 "$victim"
  log "kill -9 $target (pid $victim)"
  sleep "$outage"
  case "$target" in
    redis) restart_redis "$redis_port" ;;
    mariadb) restart_mariadb "$mysql_port" ;;
    *) launch "$target" ;;
  esac
  restarted=$(now)
  log "$target restarted after $(awk -v a="$killed" -v b="$restarted" 'BEGIN { printf "%.1f", b - a }') s"
  if wait_for "$recovery_timeout" "recovery after the $target kill" recovered; then
    back=$(now)
    seconds=$(awk -v a="$killed" -v b="$back" 'BEGIN { printf "%.1f", b - a }')
    log "recovered from the $target kill in $seconds s"
  else
    back="" seconds="not within ${recovery_timeout} s"
    failures+=("no recovery within ${recovery_timeout} s after the $target kill")
  fi
  rel() { [ -n "$1" ] && awk -v a="$load_started" -v b="$1" 'BEGIN { printf "%.1f", b - a }' || echo "-"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$victim" "$(rel "$killed")" "$(rel "$restarted")" "$(rel "$back")" "$seconds" >>"$events"
  sample_rss "after the $target recovery"
  sleep "$gap"
done
log "kills done; load continues until its end ($load_seconds s), then the drain"
loading || failures+=("the load phase ended before the last recovery (raise RECOVERY_BUDGET)")
while loadtest_alive && loading; do sleep 0.5; done
sample_rss "end of the load (drain starts)"
for _ in $(seq 1 $((drain_timeout + 120))); do loadtest_alive || break; sleep 1; done
if loadtest_alive; then failures+=("the load tester did not finish"); stop_pids "$loadtest_pid"; fi
loadtest_exit=0; wait "$loadtest_pid" || loadtest_exit=$?
loadtest_pid=""
sample_rss "end (load tester finished)"
total_seconds=$(since "$t0")
log "load tester exited with $loadtest_exit after $(since "$load_started") s of load and drain"

folder=$(ls -d "$run"/loadtest/*-notify 2>/dev/null | tail -1 || true)
[ -n "$folder" ] && [ -f "$folder/results.json" ] || { tail -40 "$logs/loadtest.log"; echo "no load test report" >&2; exit 1; }

mkdir -p "$(dirname "$report")"
set +e
python3 - "$folder/results.json" "$events" "$rss_file" "$report" "$client_timeout" "$total_seconds" "$short" "$devices" "$sse" \
  "$notify_rate" "$relay_clients" "$outage" "$device_timeout" "${folder#"$repo"/}" "$(printf '%s\n' "${failures[@]+"${failures[@]}"}")" <<'PY'
import json, sys, csv, datetime, os
(results, events, rss, report, client_timeout, total, short, devices, sse, rate, clients, outage, device_timeout, folder, failures) = sys.argv[1:]
r = json.load(open(results))
client_timeout = float(client_timeout)
failures = [f for f in failures.split("\n") if f]
phase = r["phases"][0] if r["phases"] else None
n = r.get("notify")
md = []
w = md.append
w("# Fault injection under load\n")
w(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {r['machine']}, every process on one machine (loopback), "
  f"Release build. `bash bench/fault-injection.sh{' --short' if short == 'true' else ''}` ({float(total):.0f} s in all).\n")
w(f"Deployment: 2 silos (Redis membership, MariaDB storage) and 2 edges as separate processes, the script's own Redis "
  f"and MariaDB. Load: {devices} simulated devices, {clients} relay clients (closed model, 80 % GET `/readings` "
  f"uncached, 20 % POST commands, client timeout {client_timeout:.0f} s, edge `DeviceRequestTimeout` {device_timeout}), "
  f"{rate} notifications/s to random devices, {sse} SSE subscribers (one device each, resuming with `Last-Event-ID`). "
  f"Each target is killed with SIGKILL and started again after {outage} s; recovery = the process back, every device "
  f"online again (the load tester's count) and relayed GETs to 20 sample devices answered 200 through both edges.\n")
w("## Kills and recovery\n")
w("| killed | pid | at s (from load start) | restarted at s | recovered at s | recovery s (from the kill) |\n|---|---|---|---|---|---|")
for row in list(csv.reader(open(events), delimiter="\t"))[1:]:
    w("| " + " | ".join(row) + " |")
w("")
checks = []
summary = {"kills": [{"target": row[0], "recoverySeconds": float(row[5]) if row[5].replace(".", "", 1).isdigit() else None}
                     for row in list(csv.reader(open(events), delimiter="\t"))[1:]],
           "clientTimeoutMs": client_timeout * 1000}
if phase:
    errors = phase["errors"]
    ok = phase["requests"]
    failed = sum(errors.values())
    timeouts = errors.get("client-timeout", 0)
    unclear = {k: v for k, v in errors.items() if k in ("client-timeout", "generator-backlog", "http-500")}
    w("## Requests by outcome\n")
    w(f"{ok + failed:,} relayed requests over {phase['seconds']:.0f} s: **{ok:,} answered 2xx**, {failed:,} failed.\n")
    w("| outcome | requests |\n|---|---|")
    w(f"| 2xx | {ok:,} |")
    for k, v in sorted(errors.items(), key=lambda kv: -kv[1]):
        kind = "HTTP status" if k.startswith("http-") and k[5:].isdigit() else ("client timeout (a hang)" if k == "client-timeout" else "transport error")
        w(f"| `{k}` ({kind}) | {v:,} |")
    l = phase["latency"]
    w(f"\nLatency of the answered requests: p50 {l['p50Ms']:.1f} ms, p99 {l['p99Ms']:.1f} ms, p99.9 {l['p999Ms']:.1f} ms, max {l['maxMs']:,.0f} ms "
      f"(client timeout {client_timeout * 1000:,.0f} ms). Transport errors are immediate connection failures to the "
      f"killed edge (refused or reset) — a clear failure the client sees at once, not a hang.\n")
    summary.update(requestsOk=ok, requestErrors=errors, clientTimeouts=timeouts, maxLatencyMs=l["maxMs"])
    checks.append(("no hangs past the timeout", f"{timeouts} client timeouts, max latency {l['maxMs']:,.0f} ms ≤ {client_timeout * 1000:,.0f} ms", timeouts == 0 and l["maxMs"] <= client_timeout * 1000))
    checks.append(("clear errors only", "no client timeouts, no generator backlog, no HTTP 500" if not unclear else f"unclear: {unclear}", not unclear))
    checks.append(("requests succeed", f"{ok:,} 2xx", ok > 0))
else:
    checks.append(("relay load ran", "no relay phase in the report", False))
if n:
    w("## Notifications\n")
    w("| sent | acknowledged by the relay | resent by devices after a reconnect | deliveries expected (watched devices) | delivered | lost | duplicated | SSE streams reopened | drain s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    lat = n["latency"]
    w(f"| {n['sent']:,} | {n['acknowledged']:,} | {n['resent']:,} | {n['expected']:,} | {n['delivered']:,} | {n['lost']} | {n['duplicated']} | {n['streamRestarts']} | {n['drainSeconds']:.1f} | {lat['p50Ms']:.1f} | {lat['p99Ms']:.1f} | {lat['maxMs']:,.0f} |")
    w("\n*Lost* counts, per subscriber, notifications of its device sent after it subscribed and never received; "
      "*duplicated* counts ids received twice by one subscriber. Latency counts from the scheduled send time, outages included.\n")
    summary.update(notificationsSent=n["sent"], notificationsAcknowledged=n["acknowledged"], notificationsExpected=n["expected"],
                   notificationsDelivered=n["delivered"], notificationsLost=n["lost"], notificationsDuplicated=n["duplicated"],
                   devicesOfflineAtEnd=n.get("devicesOfflineAtEnd", 0))
    checks.append(("notifications lost", f"{n['lost']} of {n['expected']:,}", n["lost"] == 0 and n["expected"] > 0))
    checks.append(("notifications duplicated", f"{n['duplicated']}", n["duplicated"] == 0))
    checks.append(("every sent notification acknowledged", f"{n['acknowledged']:,} of {n['sent']:,}", n["acknowledged"] == n["sent"] and n["sent"] > 0))
    offline = n.get("devicesOfflineAtEnd", 0)
    w(f"Devices offline at the end of the drain: **{offline}** of {devices}.\n")
    checks.append(("devices offline at the end", f"{offline}", offline == 0))
else:
    checks.append(("notifications measured", "no notify result (the scenario failed, see the notes)", False))
# RSS
samples = list(csv.reader(open(rss), delimiter="\t"))
labels = list(dict.fromkeys(s[0] for s in samples))
names = list(dict.fromkeys(s[1] for s in samples))
w("## Memory (RSS, MiB)\n")
w("| sample | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
for label in labels:
    row = {s[1]: s for s in samples if s[0] == label}
    w(f"| {label} | " + " | ".join(f"{int(row[nm][3]) / 1024:.0f} (pid {row[nm][2]})" if nm in row and row[nm][3] != "0" else "-" for nm in names) + " |")
grew = []
for nm in names:
    if nm in ("redis", "mariadb"):
        continue
    # The samples of the instance running at the end (a restarted process starts a new series), while the load ran.
    series = [s for s in samples if s[1] == nm and not s[0].startswith("end (load tester")]
    last_pid = series[-1][2]
    values = [int(s[3]) / 1024 for s in series if s[2] == last_pid and s[3] != "0"]
    if len(values) >= 3 and all(b > a + 5 for a, b in zip(values, values[1:])) and values[-1] > 1.5 * values[0]:
        grew.append(f"{nm}: {' → '.join(f'{v:.0f}' for v in values)} MiB")
w("\nGrowth is flagged when a process's RSS rose at every sample (by more than 5 MiB each) and ended above 1.5× its "
  "first sample; a restarted process is judged from its restart on.\n")
summary["memoryGrowth"] = grew
checks.append(("memory kept growing", "; ".join(grew) if grew else "no process", not grew))
for f in failures:
    checks.append(("script", f, False))
w("## Checks\n")
w("| check | measured | result |\n|---|---|---|")
for name, measured, passed in checks:
    w(f"| {name} | {measured} | {'pass' if passed else '**FAIL**'} |")
w(f"\nLoad tester report: `{folder}/report.md` (with `results.json`, charts and the per-second timeline); relay, "
  "Redis and MariaDB logs next to it under `logs/` and `.tmp/fault-services`.\n")
loadtest_report = os.path.join(os.path.dirname(results), "report.md")
if os.path.exists(loadtest_report):
    text = open(loadtest_report).read()
    start = text.find("## Targets")
    if start >= 0:
        end = text.find("\n## ", start + 3)
        w("## Load tester summary\n")
        w(text[start + len("## Targets"):end if end >= 0 else None].strip().replace("\n## ", "\n### ") + "\n")
open(report, "w").write("\n".join(md))
summary["checks"] = [{"check": c[0], "measured": c[1], "passed": c[2]} for c in checks]
summary["passed"] = all(c[2] for c in checks)
json.dump(summary, open(os.path.splitext(report)[0] + ".json", "w"), indent=2)
print("\n".join(md))
sys.exit(0 if all(c[2] for c in checks) else 1)
PY
result=$?
set -e
[ "$result" = 0 ] && echo "Fault injection: all checks passed. Report: $report" || echo "Fault injection: a check FAILED. Report: $report"
exit "$result"
