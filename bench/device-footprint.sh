#!/usr/bin/env bash
# Measures the device daemon's footprint: published sizes (scripts/publish-device first) and the idle RSS of each
# runnable build connected to a local edge (embedded silo), after it has sat connected for IDLE_SECONDS.
# DAEMON_ARGS adds daemon options, e.g. DAEMON_ARGS="--lan-port 18780 --lan-bind 127.0.0.1" to measure with the LAN
# listener (Kestrel) running. Prints a Markdown table; bench/results/device-footprint.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${PUBLISH_DIR:-.tmp/publish/device}"
idle="${IDLE_SECONDS:-20}"
read -r -a daemon_args <<<"${DAEMON_ARGS:-}"
http_port="${HTTP_PORT:-5580}"
device_port="${DEVICE_PORT:-5570}"
admin_key="footprint-admin-key-0123456789"
work="$(mktemp -d)"
edge_pid=""
cleanup() { [[ -n "$edge_pid" ]] && kill "$edge_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build edge/OrleansRelay.EdgeHost -c Release -v q >/dev/null
Edge__AdminKey="$admin_key" Edge__BindAddress=127.0.0.1 Edge__HttpPort="$http_port" Edge__DevicePort="$device_port" Edge__DataPlanePort=0 Edge__DataPlaneUpgradePort=0 \
  Logging__LogLevel__Default=Warning \
  dotnet edge/OrleansRelay.EdgeHost/bin/Release/net10.0/orleansrelay-edge.dll >"$work/edge.log" 2>&1 &
edge_pid=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break; kill -0 "$edge_pid" || { cat "$work/edge.log"; exit 1; }; sleep 0.5; done

echo "| build | file | size (bytes) | size (MiB) | idle RSS (KiB) |"
echo "|---|---|---:|---:|---:|"
for dir in "$out"/*/; do
  flavour="$(basename "$dir")"
  binary="$dir/orleansrelay-device"
  size=$(du -b "$binary" | cut -f1)
  rss="n/a (not runnable here)"
  if [[ "$flavour" == *x64* ]]; then
    id="footprint-$flavour"
    secret=$(curl -fs -X POST -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' \
      -d "{\"deviceId\":\"$id\"}" "http://127.0.0.1:$http_port/v1/admin/devices" | sed -E 's/.*"secret":"([^"]+)".*/\1/')
    ORLEANSRELAY_DEVICE_SECRET="$secret" "$binary" -s "127.0.0.1:$device_port" -d "$id" --log-level Warning "${daemon_args[@]}" >"$work/$flavour.log" 2>&1 &
    daemon=$!
    sleep "$idle"
    online=$(curl -fs -H "X-Admin-Key: $admin_key" "http://127.0.0.1:$http_port/v1/admin/devices/$id" | grep -o '"online":[a-z]*' || true)
    rss="$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status") ($online)"
    kill -TERM "$daemon"; wait "$daemon" || true
  fi
  echo "| $flavour | orleansrelay-device | $size | $(awk "BEGIN {printf \"%.1f\", $size/1048576}") | $rss |"
done
