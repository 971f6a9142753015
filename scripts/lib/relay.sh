#!/usr/bin/env bash
# Relay processes of a production-shaped cluster on 127.0.0.1 (Redis membership, MariaDB storage), started from the
# build output as background processes of the calling script. Sourced by scripts/cluster-local.sh and
# bench/fault-injection.sh. The caller sets:
#   RELAY_CONFIGURATION  build configuration (Release)
#   RELAY_LOGS           folder for <name>.log (appended, so a restarted process keeps its history)
#   RELAY_REDIS          Redis connection string (membership)
#   RELAY_MYSQL          MariaDB connection string (grain storage)
#   RELAY_CLUSTER_ID, RELAY_SERVICE_ID, RELAY_ADMIN_KEY
# start_silo and start_edge leave the new process's pid in RELAY_PID.

relay_bin() { # relay_bin <project dir> <assembly>: the built dll
  echo "$1/bin/${RELAY_CONFIGURATION:-Release}/net10.0/$2.dll"
}

relay_cluster_args() {
  RELAY_CLUSTER_ARGS=(--Cluster:Mode=Redis "--ConnectionStrings:Redis=$RELAY_REDIS" "--Cluster:ClusterId=$RELAY_CLUSTER_ID" "--Cluster:ServiceId=$RELAY_SERVICE_ID")
}

start_silo() { # start_silo <name> <silo port> <gateway port> <http port> [more configuration arguments...]
  local name="$1" silo_port="$2" gateway_port="$3" http_port="$4"; shift 4
  relay_cluster_args
  dotnet "$(relay_bin silo/OrleansRelay.SiloHost orleansrelay-silo)" "${RELAY_CLUSTER_ARGS[@]}" \
    --Cluster:AdvertisedAddress=127.0.0.1 "--Cluster:SiloPort=$silo_port" "--Cluster:GatewayPort=$gateway_port" \
    "--Silo:HttpPort=$http_port" "--Silo:AdminKey=$RELAY_ADMIN_KEY" --Storage:Provider=MySql "--ConnectionStrings:MySql=$RELAY_MYSQL" \
    "$@" >>"$RELAY_LOGS/$name.log" 2>&1 &
  RELAY_PID=$!
}

start_edge() { # start_edge <name> <http port> <device port> [more configuration arguments...]
  # The data-plane port (edge to edge) is RELAY_DATAPLANE_PORT if set, else the device port + 2000.
  local name="$1" http_port="$2" device_port="$3"; shift 3
  local dataplane_port="${RELAY_DATAPLANE_PORT:-$((device_port + 2000))}"
  relay_cluster_args
  dotnet "$(relay_bin edge/OrleansRelay.EdgeHost orleansrelay-edge)" "${RELAY_CLUSTER_ARGS[@]}" \
    --Edge:BindAddress=127.0.0.1 "--Edge:HttpPort=$http_port" "--Edge:DevicePort=$device_port" "--Edge:DataPlanePort=$dataplane_port" "--Edge:DataPlaneUpgradePort=$((dataplane_port + 1000))" \
    "--Edge:AdminKey=$RELAY_ADMIN_KEY" "--Edge:EdgeId=$name" "$@" >>"$RELAY_LOGS/$name.log" 2>&1 &
  RELAY_PID=$!
}

http_ready() { curl -fsS -o /dev/null --max-time 2 "$1"; }

stop_pids() { # stop_pids <pid...>: SIGTERM, up to 15 s each to exit, then SIGKILL
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
