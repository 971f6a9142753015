#!/usr/bin/env python3
"""bench/compare/run.sh's report: rows (one JSON object a line) -> <stamp>.json and <stamp>.md, with the ratios of
issue 15 §2 ("Targets") computed from this one run and marked met or not (reported, never asserted)."""
import argparse
import json
import os

SYSTEMS = {
    "direct": "wrk → backend (the floor)",
    "nginx-1hop": "wrk → nginx → backend (one reverse-proxy hop, keep-alive upstream)",
    "nginx-2hop": "wrk → nginx → nginx → backend (the yardstick)",
    "mqtt": "wrk → HTTP front → Mosquitto → responder → backend (MQTT 5 request/response, QoS 0)",
    "relay-embedded": "wrk → edge with co-hosted silo ⇄ daemon → backend",
    "relay-cluster": "wrk → edge A → silo → edge A ⇄ daemon → backend",
    "relay-cluster-other-edge": "wrk → edge B → silo → edge A ⇄ daemon → backend",
}
CPU_OF = {
    "direct": "none (nothing between wrk and the backend)",
    "nginx-1hop": "the proxy's nginx master + workers",
    "nginx-2hop": "both proxies' masters + workers",
    "mqtt": "mosquitto + responder + HTTP front",
    "relay-embedded": "edge (with its silo) + daemon",
    "relay-cluster": "edge A + silo + daemon",
    "relay-cluster-other-edge": "edge B + edge A + silo + daemon",
}
LOADS = {
    "get-1k-nostore": "GET 1 KB uncached",
    "get-1k-cached": "GET 1 KB cacheable",
    "post": "POST 128 B",
    "get-1m": "GET 1 MiB",
}
AUTH = {"none": "–", "operator": "operator key", "user": "user token", "oauth": "OAuth token"}


def main():
    a = argparse.ArgumentParser()
    for name in ("rows", "out", "stamp", "started", "finished", "load-before", "load-after", "duration", "warmup", "system-warmup", "quick",
                 "connections", "commit", "versions", "token-note"):
        a.add_argument("--" + name, default="")
    args = a.parse_args()
    rows = [json.loads(line) for line in open(args.rows) if line.strip()]

    def row(system, load, auth, c):
        for r in rows:
            if r["system"] == system and r["load"] == load and r["auth"] == auth and r["connections"] == c:
                return r
        return None

    def auth_of(system):
        return "operator" if system.startswith("relay") else "none"

    targets = []

    def ratio(name, measure, value, target, op, note=""):
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        targets.append({"path": name, "measure": measure, "target": f"{op.replace('>=', '≥').replace('<=', '≤')} {target:g}×",
                        "ratio": None if value is None else round(value, 3), "met": met, "note": note})

    def rel(r, ref, key):
        if r is None or ref is None or not ref.get(key) or r.get(key) is None:
            return None
        return r[key] / ref[key]

    ref = row("nginx-1hop", "get-1k-nostore", "none", 64)
    for system, name, t_rps, t_cpu in (("relay-embedded", "embedded, uncached GET 1 KB", 0.5, 3),
                                       ("relay-cluster", "silo + edge, client on the device's edge", 0.45, 3.5),
                                       ("relay-cluster-other-edge", "client on another edge", 0.3, 5)):
        r = row(system, "get-1k-nostore", "operator", 64)
        ratio(name, "throughput vs one nginx hop", rel(r, ref, "rps"), t_rps, ">=")
        ratio(name, "CPU per request vs one nginx hop", rel(r, ref, "cpu_us_per_request"), t_cpu, "<=")
    for system, name, t_rps, t_cpu in (("relay-embedded", "cache hit, embedded", 0.8, 1.5),
                                       ("relay-cluster", "cache hit, silo + edge", 0.6, 2)):
        r = row(system, "get-1k-cached", "operator", 64)
        note = "" if r is None or r.get("sample_x_cache") == "HIT" else f"sample X-Cache: {r and r.get('sample_x_cache')}"
        ratio(name, "throughput vs one nginx hop (GET 1 KB)", rel(r, ref, "rps"), t_rps, ">=", note)
        ratio(name, "CPU per request vs one nginx hop (GET 1 KB)", rel(r, ref, "cpu_us_per_request"), t_cpu, "<=", note)
    for system in ("relay-embedded", "relay-cluster", "relay-cluster-other-edge"):
        op = row(system, "get-1k-nostore", "operator", 64)
        for auth in ("user", "oauth"):
            r = row(system, "get-1k-nostore", auth, 64)
            if op is None:
                continue
            note = "" if r else ("not measured: " + (args.token_note or "no token"))
            ratio(f"{AUTH[auth]}, {system}", "throughput vs the operator key (GET 1 KB uncached)", rel(r, op, "rps"), 0.9, ">=", note)
    ref_1m = row("nginx-1hop", "get-1m", "none", 64)
    for system in ("relay-embedded", "relay-cluster", "relay-cluster-other-edge"):
        r = row(system, "get-1m", "operator", 64)
        if r is not None:
            ratio(f"1 MiB GET, {system}", "bytes/s vs one nginx hop", rel(r, ref_1m, "bytes_per_s"), 0.5, ">=")
    direct1, hop1 = row("direct", "get-1k-nostore", "none", 1), row("nginx-1hop", "get-1k-nostore", "none", 1)
    for system in ("relay-embedded", "relay-cluster", "relay-cluster-other-edge"):
        r = row(system, "get-1k-nostore", "operator", 1)
        if r is None or direct1 is None or hop1 is None:
            continue
        hop_added = hop1["p50_ms"] - direct1["p50_ms"]
        added = r["p50_ms"] - direct1["p50_ms"]
        value = added / hop_added if hop_added > 0 else None
        ratio(f"1 connection, {system}", "p50 latency added over direct vs what one nginx hop adds", value, 3, "<=",
              f"adds {added * 1000:.0f} µs; one nginx hop adds {hop_added * 1000:.0f} µs")

    meta = {
        "started": args.started, "finished": args.finished, "cores": os.cpu_count(),
        "load_average_before": args.load_before, "load_average_after": args.load_after,
        "measured_seconds": float(args.duration or 0), "warmup_seconds": float(args.warmup or 0),
        "system_warmup_seconds": float(args.system_warmup or 0), "quick": args.quick == "true",
        "connections": [int(c) for c in args.connections.split()], "commit": args.commit, "versions": args.versions,
        "token_note": args.token_note, "systems": SYSTEMS, "cpu_of": CPU_OF, "loads": LOADS,
    }
    doc = {"meta": meta, "targets": targets, "rows": rows}
    with open(os.path.join(args.out, f"{args.stamp}.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(args.out, f"{args.stamp}.md"), "w") as f:
        f.write(markdown(doc, row))


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def markdown(doc, row):
    m, out = doc["meta"], []
    w = out.append
    w("# How it compares: OrleansRelay beside nginx and MQTT")
    w("")
    w(f"`bench/compare/run.sh{' --quick' if m['quick'] else ''}`, {m['started']} to {m['finished']}, {m['cores']} cores, "
      f"load average (1/5/15 min) {m['load_average_before']} before and {m['load_average_after']} after; relay at {m['commit']} "
      f"(Release). Every system: {m['system_warmup_seconds']:g} s of uncached GETs at 64 connections once it started; "
      f"then every row: {m['warmup_seconds']:g} s warm-up, then {m['measured_seconds']:g} s measured with wrk "
      f"(1 thread at 1 connection, 2 threads at 64). {m['versions']}.")
    w("")
    w("Same device backend for every system (nginx serving a 1 KB and a 1 MiB JSON file, `return 200` for the POST), "
      "same load generator, everything on 127.0.0.1. *CPU µs/req* is the utime + stime of the system's own processes "
      "during the measured run divided by its requests (backend and wrk excluded; 10 ms clock ticks). *busy %* is the "
      "whole machine during the run (all cores = 100 %); *rest %* is what of it was neither the system nor the backend: "
      "wrk, plus anything else running on the machine. Throughput at 64 connections on 2 cores is bounded by the CPU that "
      "wrk, the backend and the system share, so read it with the CPU column. The relay's rate limits were raised so "
      "the user and OAuth rows measure authentication, not the per-user limit; the daemon ran with `--max-concurrency 64`.")
    w("")
    w("## Targets (issue 15 §2; 64 connections unless named; reported, not asserted)")
    w("")
    w("| path | measure | target | measured | met | note |")
    w("|---|---|--:|--:|:-:|---|")
    for t in doc["targets"]:
        met = "–" if t["met"] is None else ("met" if t["met"] else "**not met**")
        w(f"| {t['path']} | {t['measure']} | {t['target']} | {fmt(t['ratio'], 2) + '×' if t['ratio'] is not None else '–'} | {met} | {t['note']} |")
    w("")
    w("## GET 1 KB uncached, 64 connections, against the nginx hops")
    w("")
    w("| system | req/s | vs 1 hop | vs 2 hops | CPU µs/req | vs 1 hop | vs 2 hops |")
    w("|---|--:|--:|--:|--:|--:|--:|")
    hop1, hop2 = row("nginx-1hop", "get-1k-nostore", "none", 64), row("nginx-2hop", "get-1k-nostore", "none", 64)
    for system in SYSTEMS:
        r = row(system, "get-1k-nostore", "operator" if system.startswith("relay") else "none", 64)
        if r is None:
            continue

        def x(a, b, key):
            return f"{a[key] / b[key]:.2f}×" if a and b and a.get(key) and b.get(key) else "–"
        w(f"| {system} | {fmt(r['rps'])} | {x(r, hop1, 'rps')} | {x(r, hop2, 'rps')} | {fmt(r['cpu_us_per_request'])} | "
          f"{x(r, hop1, 'cpu_us_per_request')} | {x(r, hop2, 'cpu_us_per_request')} |")
    w("")
    w("## Summary: every system and load at both connection counts")
    w("")
    w("| system | load | auth | 1 conn. req/s | 1 conn. p50 ms | 64 conn. req/s | 64 conn. p50 / p99 ms | 64 conn. CPU µs/req | errors (1 / 64) |")
    w("|---|---|---|--:|--:|--:|--:|--:|--:|")
    seen = []
    for r in doc["rows"]:
        key = (r["system"], r["load"], r["auth"])
        if key in seen:
            continue
        seen.append(key)
        one, many = row(*key, 1), row(*key, 64)
        w(f"| {key[0]} | {LOADS[key[1]]} | {AUTH[key[2]]} | {fmt(one and one['rps'])} | {fmt(one and one['p50_ms'], 2)} | "
          f"{fmt(many and many['rps'])} | {fmt(many and many['p50_ms'], 2)} / {fmt(many and many['p99_ms'], 1)} | "
          f"{fmt(many and many['cpu_us_per_request'])} | {one['errors'] if one else '–'} / {many['errors'] if many else '–'} |")
    w("")
    for c in m["connections"]:
        w(f"## All rows, {c} connection{'s' if c != 1 else ''}")
        w("")
        w("| system | load | auth | req/s | MB/s | p50 ms | p99 ms | errors | CPU µs/req | busy % | rest % | sample |")
        w("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
        for r in doc["rows"]:
            if r["connections"] != c:
                continue
            sample = f"{r['sample_status']}" + (f" {r['sample_x_cache']}" if r.get("sample_x_cache") else "")
            w(f"| {r['system']} | {LOADS[r['load']]} | {AUTH[r['auth']]} | {fmt(r['rps'])} | {fmt(r['bytes_per_s'] / 1e6, 1)} | "
              f"{fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} | {r['errors']} | {fmt(r['cpu_us_per_request'])} | "
              f"{fmt(r['machine_busy_pct'])} | {fmt(r['rest_busy_pct'])} | {sample} |")
        w("")
    w("## Systems")
    w("")
    w("| system | path | CPU counted |")
    w("|---|---|---|")
    for s, path in m["systems"].items():
        w(f"| {s} | {path} | {m['cpu_of'][s]} |")
    w("")
    if m["token_note"]:
        w(f"Tokens: {m['token_note']}.")
        w("")
    bad = [r for r in doc["rows"] if r["errors"] or not 200 <= r["sample_status"] < 300 or not r["requests"]]
    if bad:
        w("Rows with errors, no completed request, or a sample that was not 2xx (read them as failures, not figures): "
          + "; ".join(f"{r['system']} {LOADS[r['load']]} {AUTH[r['auth']]} at {r['connections']} conn.: {r['errors_non2xx']} non-2xx, "
                      f"{r['errors_socket']} socket errors/timeouts, {r['requests']} requests, sample {r['sample_status']}" for r in bad) + ".")
        w("")
    w("*sample* is one request made with curl after the warm-up (status, and the relay's `X-Cache`). Charts (1 KB loads; "
      "GET 1 MiB is in the tables only): `latest-throughput.png`, `latest-cpu.png` (64 connections), `latest-latency.png` "
      "(p50 at 1 connection) beside this file.")
    w("")
    return "\n".join(out)


if __name__ == "__main__":
    main()
