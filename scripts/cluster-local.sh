#!/usr/bin/env bash
# A production-shaped relay on this machine: Redis (membership) and MariaDB (storage) installed with apt-get if
# missing and started on 127.0.0.1, two silos, two edges, the demo device service and N real device daemons
# spread over both edges. Then a smoke test through both edges. Everything it starts is stopped on exit.
#
#   scripts/cluster-local.sh            run until Ctrl+C
#   scripts/cluster-local.sh --smoke    run the smoke test, print the results and exit (non-zero if it failed)
#
# Ports (override with the variables): Redis 6392, MariaDB 3309, silos 11111/30000/8080 and 11112/30001/8081,
# edges 5080/5070 and 5081/5071, device service 5090. Logs: .tmp/cluster-local/logs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
source scripts/lib/relay.sh

smoke_only=false
[ "${1:-}" = "--smoke" ] && smoke_only=true
devices="${DEVICES:-4}"
redis_port="${REDIS_PORT:-6392}"
mysql_port="${MYSQL_PORT:-3309}"
root="$PWD/.tmp/cluster-local"
export SERVICES_DIR="$root/services"
logs="$root/logs"
admin_key="${ADMIN_KEY:-local-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
configuration=Release
bin() { relay_bin "$@"; }
pids=()

cleanup() {
  stop_pids "${pids[@]}"
  stop_services
}
trap cleanup EXIT

start() { # start <name> <command...>: background process, log to $logs/<name>.log
  local name="$1"; shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=("$!")
}

ready() { http_ready "$1"; }

rm -rf "$root/secrets" "$logs"
mkdir -p "$logs" "$root/secrets"
ensure_packages redis-server:redis-server redis-cli:redis-tools mariadbd:mariadb-server mariadb:mariadb-client curl:curl
start_redis "$redis_port"
start_mariadb "$mysql_port"
dotnet build OrleansRelay.sln -c "$configuration" -v quiet -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }

export RELAY_CONFIGURATION="$configuration" RELAY_LOGS="$logs" RELAY_REDIS="127.0.0.1:$redis_port" RELAY_ADMIN_KEY="$admin_key" \
  RELAY_CLUSTER_ID=local RELAY_SERVICE_ID=orleansrelay-local \
  RELAY_MYSQL="Server=127.0.0.1;Port=$mysql_port;Database=orleansrelay_local;User ID=orleansrelay;Password=orleansrelay"
for i in 1 2; do
  start_silo "silo$i" $((11110 + i)) $((29999 + i)) $((8079 + i)); pids+=("$RELAY_PID")
  wait_for 90 "silo $i" ready "http://127.0.0.1:$((8079 + i))/readyz"
done
for i in 1 2; do
  start_edge "local-edge$i" $((5079 + i)) $((5069 + i)); pids+=("$RELAY_PID")
  wait_for 60 "edge $i" ready "http://127.0.0.1:$((5079 + i))/readyz"
done
start device-service dotnet "$(bin demo/OrleansRelay.Demo orleansrelay-demo)" device-service --Demo:ServicePort=5090
wait_for 30 "device service" ready "http://127.0.0.1:5090/device"

for n in $(seq 1 "$devices"); do
  id="local-device-$n"
  ORLEANSRELAY_ADMIN_KEY="$admin_key" dotnet "$(bin edge/OrleansRelay.EdgeHost orleansrelay-edge)" provision \
    --url http://127.0.0.1:5080 --device-id "$id" --name "Local device $n" --secret-file "$root/secrets/$id" >>"$logs/provision.log" 2>&1 \
    || { cat "$logs/provision.log" >&2; exit 1; }
  start "daemon-$id" dotnet "$(bin device/OrleansRelay.Device orleansrelay-device)" --server 127.0.0.1:5070 --server 127.0.0.1:5071 \
    --device-id "$id" --secret-file "$root/secrets/$id" --local http://127.0.0.1:5090
done

echo "Smoke test: every device through both edges"
failed=0
for n in $(seq 1 "$devices"); do
  id="local-device-$n"
  wait_for 30 "$id online" sh -c "curl -fsS -H 'X-Admin-Key: $admin_key' http://127.0.0.1:5080/v1/admin/devices/$id | grep -q '\"online\":true'"
  holder=$(curl -fsS -H "X-Admin-Key: $admin_key" "http://127.0.0.1:5080/v1/admin/devices/$id" | sed -n 's/.*"edgeId":"\([^"]*\)".*/\1/p')
  for port in 5080 5081; do
    result=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "X-Admin-Key: $admin_key" -H 'Cache-Control: no-cache' \
      "http://127.0.0.1:$port/v1/devices/$id/api/device")
    echo "  $id (socket on $holder) via edge :$port -> HTTP ${result% *} in ${result#* } s"
    [ "${result% *}" = 200 ] || failed=1
  done
done

cat <<TEXT

OrleansRelay local cluster (Redis :$redis_port, MariaDB :$mysql_port)
  silos      http://127.0.0.1:8080  http://127.0.0.1:8081   (/readyz, /metrics, /dashboard: user any, password = admin key)
  edges      http://127.0.0.1:5080  http://127.0.0.1:5081   (devices on :5070 and :5071)
  admin key  $admin_key
  try        curl -H 'X-Admin-Key: $admin_key' http://127.0.0.1:5081/v1/devices/local-device-1/api/zones
  logs       $logs
TEXT

if $smoke_only; then
  [ "$failed" = 0 ] && echo "Smoke test passed." || echo "Smoke test FAILED."
  exit "$failed"
fi
echo "Press Ctrl+C to stop everything."
wait -n "${pids[@]}" || true
echo "A process exited; stopping." >&2
