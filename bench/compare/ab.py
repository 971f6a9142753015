#!/usr/bin/env python3
"""Interleaved A/B of the relay's request path: a git ref (A) against the working tree (B), in one run.

On a shared machine single runs of one build spread by 20-40 %, so a change is judged by running both builds at
once and measuring them in turns: each round measures A then B (then B then A in the next round) for every load, on
the same backend, with the same wrk. Both relays run embedded (edge with co-hosted silo) with a daemon each; only
the one being measured gets load.

  bench/compare/ab.py HEAD                       A = HEAD, B = the working tree, 6 rounds of 5 s per load
  bench/compare/ab.py 4fcc391 --rounds 10 --duration 8
  bench/compare/ab.py HEAD --loads "get-1k-nostore:1 get-1k-nostore:64 post:64"
  bench/compare/ab.py HEAD --no-build            use the existing Release builds (A's worktree must exist)
  bench/compare/ab.py HEAD --b-env DOTNET_gcServer=0   B also runs with these environment variables (a runtime
                                                 setting against the default; with an unchanged tree, same build)

Prints per round and the median per load: req/s, p50 (µs), CPU µs per request of the relay's processes (edge and
daemon; the backend and wrk excluded). Writes the same as JSON to --out (default .tmp/ab-<timestamp>.json).
Everything on 127.0.0.1; every process started here is stopped by PID at the end.
"""
import argparse, json, os, re, secrets, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADS = {  # name: (path, method, extra headers)
    "get-1k-nostore": ("/1k.json", "GET", "Cache-Control: no-store"),
    "get-1k-cached": ("/1k.json", "GET", ""),
    "post": ("/echo", "POST", ""),
    "get-1m": ("/1m.json", "GET", "Cache-Control: no-store"),
}
CLK_TCK = os.sysconf("SC_CLK_TCK")
started = []


def log(message):
    print(f"[ab {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, args, logs, env=None):
    process = subprocess.Popen(args, stdout=open(os.path.join(logs, name + ".log"), "w"), stderr=subprocess.STDOUT, env=env)
    started.append(process)
    return process


def stop_all():
    for process in reversed(started):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in reversed(started):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(what, check, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def http(url, data=None, headers=None, timeout=10):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])
        except OSError:
            pass
    return total


def build(tree, logs):
    for project in ("edge/OrleansRelay.EdgeHost", "device/OrleansRelay.Device"):
        with open(os.path.join(logs, "build.log"), "a") as out:
            if subprocess.call(["dotnet", "build", project, "-c", "Release", "-v", "quiet", "-nologo"], cwd=tree, stdout=out, stderr=out, timeout=900):
                raise SystemExit(f"build of {project} in {tree} failed (see {logs}/build.log)")


def dll(tree, project, name):
    path = os.path.join(tree, project, "bin", "Release", "net10.0", name + ".dll")
    if not os.path.exists(path):
        raise SystemExit(f"missing {path} (run without --no-build)")
    return path


def backend(tmp, logs):
    www = os.path.join(tmp, "www")
    os.makedirs(www)
    os.makedirs(os.path.join(tmp, "nginx", "tmp"))
    item = '{"id":%d,"name":"zone %d","temperature":21.5,"setpoint":22.0,"mode":"heat","updated":"2026-12-03T10:00:00Z"}'
    body, n = "[", 0
    while len(body) < 1000:
        body += ("," if n else "") + item % (n, n)
        n += 1
    open(os.path.join(www, "1k.json"), "w").write(body[:1022] + "]\n")
    with open(os.path.join(www, "1m.json"), "w") as f:
        f.write("[" + ",".join(item % (i, i) for i in range(10500))[: 1024 * 1024 - 3] + "]\n")
    open(os.path.join(tmp, "post.json"), "w").write('{"zone":1,"setpoint":22.5,"mode":"heat","note":"' + "x" * 70 + '"}')
    port = free_port()
    d = os.path.join(tmp, "nginx")
    conf = f"""worker_processes 2; pid {d}/nginx.pid; error_log {d}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy; fastcgi_temp_path {d}/tmp/f;
  uwsgi_temp_path {d}/tmp/u; scgi_temp_path {d}/tmp/s; keepalive_requests 1000000; keepalive_timeout 75s; default_type application/json;
  server {{ listen 127.0.0.1:{port}; root {www}; location = /echo {{ return 200 '{{"ok":true}}\\n'; }} }} }}
"""
    open(os.path.join(d, "nginx.conf"), "w").write(conf)
    os.chmod(tmp, 0o755)
    start("backend", ["nginx", "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf", "-g", "daemon off;"], logs)
    wait_for("the backend", lambda: http(f"http://127.0.0.1:{port}/1k.json")[0] == 200, 10)
    return port


def relay(label, tree, backend_port, admin_key, tmp, logs, env=None, scope="both"):
    """An embedded edge and a daemon on the device's edge; returns (base url, pids)."""
    edge_port, device_port = free_port(), free_port()
    mail = os.path.join(tmp, "mail-" + label)
    os.makedirs(mail)
    limits = [f"--RateLimits:{k}=1000000" for k in ("AddressPermitsPerSecond", "AddressBurst", "UserPermitsPerSecond", "UserBurst", "DevicePermitsPerSecond", "DeviceBurst")]
    edge = start("edge-" + label, ["dotnet", dll(tree, "edge/OrleansRelay.EdgeHost", "orleansrelay-edge"), "--Cluster:Mode=Embedded",
                                   "--Edge:BindAddress=127.0.0.1", f"--Edge:AdminKey={admin_key}", f"--Edge:HttpPort={edge_port}",
                                   f"--Edge:DevicePort={device_port}", f"--Edge:DataPlanePort={free_port()}", f"--Edge:DataPlaneUpgradePort={free_port()}",
                                   f"--Cluster:SiloPort={free_port()}", f"--Cluster:GatewayPort={free_port()}", f"--Mail:PickupDirectory={mail}",
                                   f"--Edge:EdgeId=ab-{label}", *limits], logs, env if scope in ("both", "edge") else None)
    url = f"http://127.0.0.1:{edge_port}"
    wait_for(f"edge {label}", lambda: http(url + "/readyz")[0] == 200, 90)
    admin = {"X-Admin-Key": admin_key, "Content-Type": "application/json"}
    _, body = http(url + "/v1/admin/devices", json.dumps({"deviceId": "ab-device", "name": "A/B device"}).encode(), admin)
    secret = os.path.join(tmp, f"secret-{label}")
    open(secret, "w").write(json.loads(body)["secret"])
    os.chmod(secret, 0o600)
    daemon = start("daemon-" + label, ["dotnet", dll(tree, "device/OrleansRelay.Device", "orleansrelay-device"), "--server", f"127.0.0.1:{device_port}",
                                       "--device-id", "ab-device", "--secret-file", secret, "--local", f"http://127.0.0.1:{backend_port}",
                                       "--max-concurrency", "64", "--discovery-port", "0", "--log-level", "Warning",
                                       "--outbox-dir", os.path.join(tmp, "outbox-" + label)], logs, env if scope in ("both", "daemon") else None)
    wait_for(f"the device on edge {label}", lambda: b'"online":true' in http(url + "/v1/admin/devices/ab-device", headers=admin)[1], 30)
    return url + "/v1/devices/ab-device/api", [edge.pid, daemon.pid]


def wrk(url, connections, seconds, method, headers, tmp):
    out = os.path.join(tmp, "wrk.json")
    env = dict(os.environ, BENCH_METHOD=method, BENCH_HEADERS=headers, BENCH_OUT=out, BENCH_BODY_FILE=os.path.join(tmp, "post.json") if method == "POST" else "")
    threads = "2" if connections > 1 else "1"
    subprocess.run(["wrk", "-t" + threads, f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", os.path.join(REPO, "bench/compare/lua/bench.lua"), url],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 30)
    return json.load(open(out))


def measure(system, load, connections, seconds, warmup, admin_key, tmp):
    path, method, extra = LOADS[load]
    headers = f"X-Admin-Key: {admin_key}" + ("\n" + extra if extra else "")
    url, pids = system
    wrk(url + path, connections, warmup, method, headers, tmp)
    before = cpu_ticks(pids)
    result = wrk(url + path, connections, seconds, method, headers, tmp)
    ticks = cpu_ticks(pids) - before
    errors = sum(result["errors"].values())
    rps = result["requests"] / (result["duration_us"] / 1e6)
    return {"rps": round(rps, 1), "p50_us": result["latency_us"]["p50"], "p99_us": result["latency_us"]["p99"], "errors": errors,
            "cpu_us_per_request": round(ticks / CLK_TCK * 1e6 / max(result["requests"], 1), 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="git ref of build A (B is the working tree)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=int, default=5, help="measured seconds per load and round")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of the same load before each measurement")
    parser.add_argument("--system-warmup", type=int, default=20, help="seconds of load on each relay before the first round")
    parser.add_argument("--loads", default="get-1k-nostore:1 get-1k-nostore:64", help="load:connections pairs")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--b-env", nargs="*", default=[], metavar="NAME=VALUE", help="environment variables of B's processes")
    parser.add_argument("--b-env-scope", choices=("both", "edge", "daemon"), default="both", help="which of B's processes get --b-env")
    parser.add_argument("--out")
    args = parser.parse_args()
    loads = [(l.split(":")[0], int(l.split(":")[1])) for l in args.loads.split()]
    for load, _ in loads:
        if load not in LOADS:
            raise SystemExit(f"unknown load {load} (one of {', '.join(LOADS)})")
    for tool in ("nginx", "wrk", "git", "dotnet"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (bench/compare/run.sh installs nginx and wrk)")

    base_rev = subprocess.check_output(["git", "rev-parse", "--short", args.base], cwd=REPO, text=True).strip()
    tree_a = os.path.join(REPO, ".tmp", "ab-base")
    tmp = tempfile.mkdtemp(prefix="orleansrelay-ab.")
    logs = os.path.join(tmp, "logs")
    os.makedirs(logs)
    try:
        if not args.no_build:
            if os.path.isdir(tree_a):
                subprocess.check_call(["git", "-C", tree_a, "checkout", "-q", "--detach", base_rev])
            else:
                subprocess.check_call(["git", "worktree", "add", "-q", "--detach", tree_a, base_rev], cwd=REPO)
            log(f"building A ({base_rev}) and B (working tree)")
            build(tree_a, logs)
            build(REPO, logs)
        admin_key = "ab-" + secrets.token_urlsafe(18)
        port = backend(tmp, logs)
        systems = {"A": relay("a", tree_a, port, admin_key, tmp, logs), "B": relay("b", REPO, port, admin_key, tmp, logs, dict(os.environ, **dict(e.split("=", 1) for e in args.b_env)), args.b_env_scope)}
        for name, system in systems.items():
            log(f"warming {name}")
            wrk(system[0] + "/1k.json", 64, args.system_warmup, "GET", f"X-Admin-Key: {admin_key}\nCache-Control: no-store", tmp)
        results = {f"{load}:{c}": {"A": [], "B": []} for load, c in loads}
        for round_ in range(args.rounds):
            order = ["A", "B"] if round_ % 2 == 0 else ["B", "A"]
            for load, c in loads:
                for name in order:
                    row = measure(systems[name], load, c, args.duration, args.warmup, admin_key, tmp)
                    results[f"{load}:{c}"][name].append(row)
                    log(f"round {round_ + 1} {name} {load} c{c}: {row['rps']:.0f} req/s, p50 {row['p50_us']} µs, {row['cpu_us_per_request']} µs CPU/req, errors {row['errors']}")
        summary = {}
        b_env = (f" with {' '.join(args.b_env)} ({args.b_env_scope})") if args.b_env else ""
        print(f"\nA = {base_rev}, B = working tree{b_env}; medians of {args.rounds} rounds ({args.duration} s each); load average {open('/proc/loadavg').read().split()[0]}")
        print(f"{'load':<22}{'A req/s':>10}{'B req/s':>10}{'B/A':>7}{'A p50 µs':>10}{'B p50 µs':>10}{'A CPU µs':>10}{'B CPU µs':>10}{'B/A':>7}")
        for key, by in results.items():
            med = {n: {k: statistics.median(r[k] for r in rows) for k in ("rps", "p50_us", "cpu_us_per_request")} for n, rows in by.items()}
            summary[key] = med
            a, b = med["A"], med["B"]
            print(f"{key:<22}{a['rps']:>10.0f}{b['rps']:>10.0f}{b['rps'] / a['rps']:>7.2f}{a['p50_us']:>10.0f}{b['p50_us']:>10.0f}"
                  f"{a['cpu_us_per_request']:>10.1f}{b['cpu_us_per_request']:>10.1f}{b['cpu_us_per_request'] / a['cpu_us_per_request']:>7.2f}")
        out = args.out or os.path.join(REPO, ".tmp", time.strftime("ab-%Y%m%d-%H%M%S.json"))
        json.dump({"base": base_rev, "b_env": args.b_env, "rounds": args.rounds, "duration": args.duration, "results": results, "medians": summary}, open(out, "w"), indent=1)
        print(f"written: {out}")
    finally:
        stop_all()
        if os.environ.get("KEEP_TMP") == "1":
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
