#!/usr/bin/env bash
# Failover timings: runs the silo-kill and edge-kill tests RUNS times (default 5) against the Redis and MariaDB the
# test command's services provide, and writes the measured recovery times and their medians to
# bench/results/failover.md. Not part of CI (the tests themselves are; this only repeats them for figures).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
runs="${RUNS:-5}"
redis_port="${REDIS_PORT:-6393}"
mysql_port="${MYSQL_PORT:-3310}"
export SERVICES_DIR="$PWD/.tmp/bench-services"
ensure_packages redis-server:redis-server redis-cli:redis-tools mariadbd:mariadb-server mariadb:mariadb-client
trap stop_services EXIT
start_redis "$redis_port"
start_mariadb "$mysql_port"
export ORLEANSRELAY_TEST_REDIS="127.0.0.1:$redis_port"
export ORLEANSRELAY_TEST_MYSQL="Server=127.0.0.1;Port=$mysql_port;User ID=orleansrelay;Password=orleansrelay"
dotnet build OrleansRelay.sln -c Release -v quiet -nologo >/dev/null

out="$(mktemp)"
for i in $(seq 1 "$runs"); do
  dotnet test tests/OrleansRelay.FunctionalTests -c Release --no-build --filter "FullyQualifiedName~FailoverTests" \
    --logger "console;verbosity=detailed" >>"$out" 2>&1 || echo "run $i: a test failed" >>"$out"
done

silo=$(grep -oP 'All \d+ devices reachable \K[0-9.]+(?= s after the silo kill)' "$out" | sort -n)
edge=$(grep -oP 'All \d+ moved devices reachable \K[0-9.]+(?= s after the edge kill)' "$out" | sort -n)
held=$(grep -oP 'held request: 503 after \K[0-9.]+' "$out" | sort -n)
median() { awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
failures=$(grep -c "a test failed" "$out" || true)
{
  echo "# Failover timings"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, every process on one machine (loopback), Release build, $runs runs of"
  echo "\`FailoverTests\` (\`bash bench/failover.sh\`). Failure detection: ProbeTimeout 2 s, MissedProbesLimit 2,"
  echo "DirectoryRangeLease 0, edge LeaseInterval 1 s (the relay's defaults). Runs with a failed test: $failures."
  echo
  echo "| what | runs (s, sorted) | median (s) |"
  echo "|---|---|---|"
  echo "| silo kill -9 → all 12 devices reachable again, no daemon reconnects | $(echo $silo) | $(echo "$silo" | median) |"
  echo "| edge kill -9 → request held on the dead edge answered 503 | $(echo $held) | $(echo "$held" | median) |"
  echo "| edge kill -9 → its devices reachable through the other edge | $(echo $edge) | $(echo "$edge" | median) |"
} > bench/results/failover.md
cat bench/results/failover.md
