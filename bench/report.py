#!/usr/bin/python3
"""Turns one run's results.json into BENCHMARKS.md and PNG charts.

usage: report.py RESULTS_JSON OUT_DIR [--docs]
  OUT_DIR gets BENCHMARKS.md and *.png; with --docs, docs/BENCHMARKS.md, docs/bench/*.png and
  bench/results/latest.json are written instead (what a full `bin/renga bench` run does).
"""

import json
import os
import shutil
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {"renga": "Renga (context)", "renga-scope": "Renga (scope)", "nodevm": "Node.js vm", "workerd": "workerd",
          "pekko": "raw Pekko HTTP", "nodevm-pool": "Node.js vm, connection kept open (db-pool.js)"}
COLORS = {"renga": "#c0392b", "renga-scope": "#8e44ad", "nodevm": "#2e86c1", "workerd": "#f39c12", "pekko": "#7f8c8d"}
THROUGHPUT = ["hello", "echo", "fetch-proxy", "compute"]
ORDER = ["renga", "renga-scope", "nodevm", "nodevm-pool", "workerd", "pekko"]
SCENARIOS = THROUGHPUT + ["db", "density", "jmh", "cold-start", "recycle", "noisy-neighbour"]


def ordered(d):
    """Items in the report's order of targets (the JSON keeps keys sorted)."""
    return sorted(d.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER))


def ms(us):
    return None if us is None else us / 1000


def fmt(v, digits=1, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float) and abs(v) >= 1000:
        return f"{v:,.0f}{unit}"
    return f"{v:,.{digits}f}{unit}"


def ratio(a, b):
    return None if not a or not b else a / b


def fmt_ratio(r):
    return "–" if r is None else (f"{r:.2f}×" if r < 10 else f"{r:.1f}×")


class Report:
    def __init__(self, results):
        self.r = results
        self.sc = results.get("scenarios", {})
        self.lines = []
        self.targets_met = []

    def w(self, line=""):
        self.lines.append(line)

    # ------------------------------------------------------------------ sections

    def header(self):
        f = self.r.get("facts", {})
        g = f.get("graaljs") or {}
        self.w("# Benchmarks")
        self.w()
        self.w("Written by `bin/renga bench` (scripts in `bench/`); do not edit by hand. Every figure below comes from "
               f"one run started {self.r.get('started', '?')}, taking {fmt(self.r.get('wall_s'), 0)} s, in which "
               "Renga and its peers ran side by side on the same machine, on loopback. The machine is shared with "
               "other work and noisy: read the ratios (measured minutes apart) before the absolute numbers. Load "
               f"average at the start {' / '.join(self.r.get('load_at_start', []))}, at the end "
               f"{' / '.join(self.r.get('load_at_end', []))} (1/5/15 min) on {f.get('cores')} cores.")
        self.w()
        self.w("| machine | |")
        self.w("|---|---|")
        self.w(f"| CPU | {f.get('cores')} cores, {f.get('cpu')}, {f.get('memory_gib')} GiB, Linux {f.get('kernel')} |")
        self.w(f"| JDK | {' '.join(f.get('jdk') or [])} |")
        self.w(f"| GraalJS | {g.get('version', '?')} (`org.graalvm.polyglot` {f.get('graaljs_artifact')}), engine "
               f"`{g.get('implementation', '?')}`: optimizing JIT **{'on' if f.get('jit') else 'off'}** |")
        self.w(f"| Pekko | {', '.join(f.get('pekko') or [])} |")
        self.w(f"| Node.js | {f.get('node')} |")
        self.w(f"| workerd | {f.get('workerd') or 'not installed'} |")
        self.w(f"| load generator | {f.get('wrk')}; `bench/tools/density-client.js` (Node.js) for density |")
        self.w(f"| Renga | commit {f.get('renga_commit')}{' with local changes' if f.get('renga_dirty') else ''}; one "
               f"gateway (`{f.get('gateway_java_opts')}`) and one node (`{f.get('node_java_opts')}`) |")
        self.w()
        self.w("Renga ran with these overrides (`bin/renga gateway|node -D...`): "
               + ", ".join(f"`{p[2:]}`" for p in f.get("renga_props", []) if not p.startswith(
                   ("-Drenga.cluster-name", "-Drenga.seed-nodes"))) + ".")
        self.w()
        for name, why in self.r.get("skipped", {}).items():
            self.w(f"**{LABELS.get(name, name)} skipped:** {why}.")
            self.w()
        for name, m in self.r.get("merged", {}).items():
            only = self.sc.get(name, {}).get("merged_targets")
            what = (f"The {', '.join(LABELS.get(t, t) for t in only)} rows of **{name}** come" if only
                    else f"**{name}** comes")
            self.w(f"{what} from a later run of that scenario alone (`bin/renga bench {name}`), started "
                   f"{m.get('started')} at commit {m.get('renga_commit')}, load average at its start "
                   f"{' / '.join(m.get('load_at_start', []))}"
                   + (f", its rounds after {m['settle_s']} s with the Renga instances idle (their standbys warming)"
                      if m.get("settle_s") is not None else "")
                   + "; its figures compare with each other, not with the other scenarios'.")
            self.w()

    def peers_text(self):
        k = self.r.get("facts", {}).get("knobs", {})
        self.w("## What runs")
        self.w()
        self.w("- **Renga**: `bin/renga gateway` + `bin/renga node` (one node JVM under its launcher), handlers "
               "fetched by URL (`x-haiku-handler`) from a static origin on loopback (`bench/tools/static-server.js`, "
               "answering with `ETag` and `Cache-Control: max-age=600`). One origin port is one tenant.")
        self.w("- **raw Pekko HTTP**: `bench/peers/PekkoHello.java`, `complete(\"hello\")`, compiled against the "
               "gateway's class path: the ceiling for an HTTP hop on this JVM.")
        self.w("- **Node.js vm**: `bench/peers/node-vm-server.js`, one process, a fresh `vm` context per request "
               "running the same handler source as the body of `async function (req, res)` (the script is compiled "
               "once per handler).")
        self.w("- **workerd**: the same handler sources embedded in one Worker behind a small `req`/`res` shim "
               "(`bench/peers/workerd-gen.js`); one isolate serves all requests, as workerd does.")
        self.w()
        self.w(f"Load: `wrk -t2 -c{k.get('connections')}` for {k.get('seconds')} s per target and round "
               f"({k.get('warmup')} s warm-up before the first round"
               + (f"; before any round, {self.r['settle_s']} s with the Renga instances idle while their launchers' "
                  "standbys warmed up" if self.r.get("settle_s") is not None else "")
               + f"), {k.get('rounds')} rounds with the targets in "
               "alternating order; the tables show each target's best round (all rounds are in "
               "`bench/results/latest.json`). CPU ms per request is the user+system time of the serving processes "
               "(`/proc/PID/stat`; Renga: gateway + node JVM) over the answered requests; origin CPU is the handler "
               "origin's (Renga fetches every handler from it; it is also fetch-proxy's upstream). RSS is the serving "
               "process's (Renga: the node JVM's) after the run.")
        self.w()

    def throughput_tables(self):
        self.w("## Throughput and latency")
        self.w()
        for name in THROUGHPUT:
            s = self.sc.get(name)
            if not s:
                continue
            self.w(f"### {name}")
            self.w()
            self.w(self.describe(name, s))
            self.w()
            if "failed" in s:
                self.w(f"**failed:** {s['failed']}")
                self.w()
                continue
            best = s["best"]
            renga = best.get("renga")
            self.w("| target | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU ms/req | origin CPU ms/req | RSS MB | "
                   "Renga req/s ÷ this |")
            self.w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for t, b in ordered(best):
                errs = f"{b['errors']}" + (f" ({', '.join(f'{k}: {v}' for k, v in b['statuses'].items())})"
                                           if b.get("statuses") else "")
                self.w(f"| {LABELS.get(t, t)} | {fmt(b['rps'], 0)} | {fmt(ms(b['p50_us']), 2)} | "
                       f"{fmt(ms(b['p99_us']), 2)} | {fmt(ms(b['p999_us']), 2)} | {errs} | "
                       f"{fmt(b['cpu_ms_per_req'], 3)} | {fmt(b.get('origin_cpu_ms_per_req'), 3)} | "
                       f"{fmt(b.get('server_rss_mb'), 0)} | "
                       f"{fmt_ratio(ratio(renga and renga['rps'], b['rps'])) if t != 'renga' else ''} |")
            scope = best.get("renga-scope")
            if renga and scope:
                self.w()
                self.w(f"Renga (scope) ÷ Renga (context): {fmt_ratio(ratio(scope['rps'], renga['rps']))} req/s, "
                       f"CPU per request {fmt_ratio(ratio(scope.get('cpu_ms_per_req'), renga.get('cpu_ms_per_req')))}.")
            for t, why in s.get("unsupported", {}).items():
                self.w(f"| {LABELS.get(t, t)} | {why} | | | | | | | | |")
            self.w()
            fr = s.get("first_request")
            if fr and fr.get("new_url_p50_ms") is not None:
                self.w(f"First request of a handler URL, end to end on Renga (one request at a time, "
                       f"{len(fr['new_url_ms'])} each, idle cluster): a URL never seen before (new query string) "
                       f"p50 **{fr['new_url_p50_ms']:.1f} ms** (max {max(fr['new_url_ms']):.1f}), a known URL p50 "
                       f"{fr['known_url_p50_ms']:.1f} ms (max {max(fr['known_url_ms']):.1f}).")
                self.w()

    def describe(self, name, s):
        c = s.get("connections")
        return {
            "hello": f"`hello.js` answers `hello`; {c} connections.",
            "echo": f"`echo.js` returns a 4 KiB POST body (read with Node-style `data`/`end` events); {c} connections.",
            "fetch-proxy": f"`fetch-proxy.js` fetches a 1 KiB file from a local upstream and returns it; {c} "
                           "connections.",
            "compute": f"`compute.js` computes SHA-256 in pure JavaScript over 64 KiB; {c} connections (fewer, as "
                       "the work is CPU-bound on 2 cores).",
        }.get(name, "")

    def db(self):
        s = self.sc.get("db")
        if not s:
            return
        self.w("## db: a PostgreSQL query per request")
        self.w()
        if "failed" in s:
            self.w(f"**failed:** {s['failed']}")
            self.w()
            return
        self.w(f"`db.js` requires the unmodified `pg` package (Renga: from the node's package directory, "
               "`renga.handlers.packages`; Node.js vm: the same directory through `module.createRequire`), opens a "
               "connection to a local PostgreSQL (loopback, SCRAM-SHA-256 password, no TLS), reads one row by primary "
               "key and closes the connection: Renga cannot keep a connection past its request. `db-pool.js` runs the "
               f"same query on a `pg` Pool of {s['pool']} connections the Node.js peer keeps open across requests: "
               f"what a request costs without opening a connection. {s['connections']} connections, "
               f"{s['warmup_s']} s of warm-up per target, then {s['seconds']} s rounds. CPU ms/req is the serving "
               "processes' (Renga: gateway + node JVM); PostgreSQL's is its postmaster's and every backend's, the "
               "ones that exited included.")
        self.w()
        self.w("| target | req/s | p50 ms | p99 ms | errors | CPU ms/req | PostgreSQL CPU ms/req | total CPU ms/req |")
        self.w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for t, b in ordered(s["best"]):
            total = (b.get("cpu_ms_per_req") or 0) + (b.get("db_cpu_ms_per_req") or 0)
            self.w(f"| {LABELS.get(t, t)} | {fmt(b['rps'], 0)} | {fmt(ms(b['p50_us']), 2)} | {fmt(ms(b['p99_us']), 2)} | "
                   f"{b['errors']} | {fmt(b['cpu_ms_per_req'], 3)} | {fmt(b.get('db_cpu_ms_per_req'), 3)} | "
                   f"{fmt(total, 3)} |")
        for t, why in s.get("unsupported", {}).items():
            self.w(f"| {LABELS.get(t, t)} | failed: {why} | | | | | | |")
        self.w()
        seq = s.get("sequential", {})
        if seq:
            self.w("One request at a time (no queueing; "
                   f"{max(x['requests'] for x in seq.values())} requests each):")
            self.w()
            self.w("| target | mean ms | p50 ms | p90 ms | CPU ms/req | PostgreSQL CPU ms/req |")
            self.w("|---|---:|---:|---:|---:|---:|")
            for t, x in ordered(seq):
                self.w(f"| {LABELS.get(t, t)} | {fmt(x['mean_ms'], 2)} | {fmt(x['p50_ms'], 2)} | {fmt(x['p90_ms'], 2)} | "
                       f"{fmt(x['cpu_ms_per_req'], 3)} | {fmt(x['db_cpu_ms_per_req'], 3)} |")
            self.w()
            own, pooled = seq.get("nodevm"), seq.get("nodevm-pool")
            if own and pooled:
                self.w(f"**Opening a connection per request** (Node.js vm, `db.js` − `db-pool.js`, one at a time): "
                       f"{fmt(own['mean_ms'] - pooled['mean_ms'], 2)} ms more per request, "
                       f"{fmt(own['cpu_ms_per_req'] - pooled['cpu_ms_per_req'], 3)} ms more client CPU and "
                       f"{fmt(own['db_cpu_ms_per_req'] - pooled['db_cpu_ms_per_req'], 3)} ms more PostgreSQL CPU "
                       "(a backend process forked, SCRAM-SHA-256 on both sides). Renga pays that on every request "
                       "today; its figures above include it.")
                self.w()
        return

    def density(self):
        s = self.sc.get("density")
        if not s:
            return
        self.w("## density")
        self.w()
        if "failed" in s:
            self.w(f"**failed:** {s['failed']}")
            self.w()
            return
        self.w(f"N concurrent requests, one connection each, opened at {s['rate_per_s']:,}/s, each waiting "
               f"{s['wait_ms'] / 1000:.0f} s on a `setTimeout` (`wait.js`). Renga: one node behind two gateways (no "
               "process here may hold more than 20,000 file descriptors, so each gateway takes at most 10,000 "
               "clients). The peers are one process each under the same limit: Node.js needs one descriptor per "
               "connection and stops at 10,000; workerd needs two, so its 10,000 step runs with 9,000. Heap: the node JVM's used heap "
               "(jstat) when all requests were open, and after a full GC (`jcmd GC.run`) at that moment: live data. "
               f"`hello p99` is a `wrk -c{s['probe_connections']}` probe of `hello.js` run while the requests wait "
               "(on Renga: from the moment every request the node took has its context and waits on its timer, until "
               "2 s before the first answers; the probe's length is in results.json), against the same probe with "
               "nothing waiting. The node's capacity is `renga.node.max-concurrent` (14,000): beyond it requests wait "
               "at the gateway and get `503 no-capacity` after the queue timeout.")
        held = [st for e in s["targets"].values() for st in e["steps"] if st.get("hold_ms")]
        for st in held:
            self.w()
            self.w(f"Renga (scope)'s step of {st['n']:,} runs on a node whose capacity is above it, behind "
                   f"{st['gateways']} gateways, its requests opened at {st['rate_per_s']:,}/s and each held "
                   f"(`wait-long.js`) until {st['hold_ms'] / 1000:.0f} s after the planned end of the opening, so "
                   "that all of them wait at once even when the machine opens them late.")
        self.w()
        self.w("| target | N | answered 200 | other outcomes | open at peak (client / node in-flight) | heap peak MB | "
               "live heap MB | RSS peak MB | last answer s | hello p99 ms (alone → during) | CPU ms/req |")
        self.w("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for t, e in ordered(s["targets"]):
            base = e["baseline_probe"]
            for st in e["steps"]:
                if "skipped" in st:
                    self.w(f"| {LABELS.get(t, t)} | {st['n']:,} | skipped: {st['skipped']} | | | | | | | | |")
                    continue
                other = {k: v for k, v in st["statuses"].items() if k != "200"}
                other.update(st.get("errors", {}))
                if st.get("unanswered") and st["n"] - st["answered"] - sum(st.get("errors", {}).values()) > 0:
                    other["no answer by the deadline"] = st["n"] - st["answered"] - sum(st.get("errors", {}).values())
                probe = st.get("probe")
                if not probe:
                    probe_txt = "– (no window before the first answers)"
                elif not probe["requests"]:
                    probe_txt = f"{fmt(ms(base['p99_us']), 1)} → no answer within the probe"
                else:
                    probe_txt = (f"{fmt(ms(base['p99_us']), 1)} → {fmt(ms(probe['p99_us']), 1)} "
                                 f"({fmt_ratio(ratio(probe['p99_us'], base['p99_us']))})")
                n_txt = f"{st['n']:,}" + (f" (step {st['capped_from']:,})" if st.get("capped_from") else "")
                self.w(f"| {LABELS.get(t, t)} | {n_txt} | {st['ok']:,} ({100 * st['ok'] / st['n']:.1f} %) | "
                       f"{', '.join(f'{k}: {v}' for k, v in other.items()) or 'none'} | "
                       f"{st.get('peak_open', 0):,} / {st['inflight_peak'] if st.get('inflight_peak') is not None else '–'} | "
                       f"{fmt(st.get('heap_peak_mb'), 0)} | {fmt(st.get('heap_live_mb'), 0)} | "
                       f"{fmt(st.get('rss_peak_mb'), 0)} | {fmt(st.get('last_answer_ms', 0) / 1000, 1)} | {probe_txt} | "
                       f"{fmt(st['cpu_ms'] / st['n'], 2)} |")
        self.w()
        for t, e in ordered(s["targets"]):
            for st in e["steps"]:
                if "skipped" in st:
                    continue
                notes = []
                lost = sum(v for k, v in st["statuses"].items() if "node-lost" in k)
                if lost and st.get("node_pid_before") and st.get("node_pid_before") == st.get("node_pid_after"):
                    notes.append(f"{lost:,} `node-lost` answers although the node JVM kept running (same pid "
                                 f"{st['node_pid_before']} before and after): the gateways' failure detector took the "
                                 "overloaded node for dead")
                elif st.get("node_pid_before") and st.get("node_pid_before") != st.get("node_pid_after"):
                    notes.append(f"the node JVM was replaced during the step (pid {st['node_pid_before']} → "
                                 f"{st['node_pid_after']})")
                if st.get("all_sent_ms") and st["all_sent_ms"] > 1.5 * 1000 * st["n"] / s["rate_per_s"]:
                    notes.append(f"the client needed {st['all_sent_ms'] / 1000:.1f} s to open them all (planned "
                                 f"{st['n'] / s['rate_per_s']:.1f} s)")
                samples = []
                for x in st.get("error_samples") or []:
                    if not any(x[:60] == y[:60] for y in samples):
                        samples.append(x)
                if samples:
                    notes.append("first error bodies: " + "; ".join(
                        "`" + x.replace("\n", " / ").replace("|", "/")[:160] + "`" for x in samples[:3]))
                if notes:
                    self.w(f"- {LABELS.get(t, t)}, {st['n']:,}: " + "; ".join(notes) + ".")
        self.w()

    def noisy(self):
        s = self.sc.get("noisy-neighbour")
        if not s:
            return
        self.w("## noisy-neighbour")
        self.w()
        if "failed" in s:
            self.w(f"**failed:** {s['failed']}")
            self.w()
            return
        self.w(f"Renga only (the single-process peers have no per-tenant limits to test). A good tenant runs "
               f"`hello.js` with `wrk -c{s['connections']}` for {s['seconds']} s, alone, then while four attacker "
               "tenants (each handler served from an origin port of its own) hammer the same node: `while(true){}`, "
               "a memory bomb, a backtracking regex (ReDoS), and 500 requests that never end.")
        self.w()
        a, b = s["alone"], s["attacked"]
        self.w("| good tenant | req/s | p50 ms | p99 ms | p99.9 ms | errors |")
        self.w("|---|---:|---:|---:|---:|---:|")
        for label, x in (("alone", a), ("under attack", b)):
            self.w(f"| {label} | {fmt(x['rps'], 0)} | {fmt(ms(x['p50_us']), 2)} | {fmt(ms(x['p99_us']), 2)} | "
                   f"{fmt(ms(x['p999_us']), 2)} | {x['errors']} |")
        self.w(f"| under attack ÷ alone | {fmt_ratio(ratio(b['rps'], a['rps']))} | "
               f"{fmt_ratio(ratio(b['p50_us'], a['p50_us']))} | {fmt_ratio(ratio(b['p99_us'], a['p99_us']))} | "
               f"{fmt_ratio(ratio(b['p999_us'], a['p999_us']))} | |")
        self.w()
        self.w("| attacker | connections | requests ended | how they ended |")
        self.w("|---|---:|---:|---|")
        for name, o in s.get("attackers", {}).items():
            if "error" in o:
                self.w(f"| {name} | | | {o['error']} |")
                continue
            how = ", ".join(f"{k}: {v}" for k, v in o.get("statuses", {}).items()) or (
                "200 only" if o["requests"] else "none ended while the attack ran: held open")
            if o.get("timeouts"):
                how += f"; client time-outs: {o['timeouts']}"
            self.w(f"| {name} | {o.get('connections')} | {o['requests']} | {how} |")
        self.w()
        self.w(f"Node JVM replaced during the attack: {'**yes**' if s.get('node_restarted') else 'no'}.")
        self.w()

    # ------------------------------------------------------------------ targets

    def targets(self):
        rows = []
        hello = self.sc.get("hello", {}).get("best", {})
        r, sc, n, w = (hello.get(k) for k in ("renga", "renga-scope", "nodevm", "workerd"))
        if sc and n and sc["rps"] and n["rps"]:
            x = sc["rps"] / n["rps"]
            rows.append(("scope hello ≥ 6× Node.js vm (req/s)", f"{x:.2f}× ({sc['rps']:,.0f} vs {n['rps']:,.0f})",
                         x >= 6, f"{x / 6:.2f} of target"))
        if sc and w and sc["rps"] and w["rps"]:
            x = sc["rps"] / w["rps"]
            rows.append(("scope hello ≥ 0.75× workerd (req/s)", f"{x:.2f}× ({sc['rps']:,.0f} vs {w['rps']:,.0f})",
                         x >= 0.75, f"{x / 0.75:.2f} of target"))
        if sc and n and sc.get("cpu_ms_per_req") and n.get("cpu_ms_per_req"):
            x = sc["cpu_ms_per_req"] / n["cpu_ms_per_req"]
            rows.append(("scope hello CPU per request ≤ 0.2× Node.js vm's",
                         f"{x:.2f}× ({sc['cpu_ms_per_req']:.3f} vs {n['cpu_ms_per_req']:.3f} ms)", x <= 0.2,
                         f"{x / 0.2:.2f}× the limit"))
        if sc:
            p99 = sc["p99_us"] / 1000
            rows.append((f"scope hello p99 at {self.sc['hello']['connections']} connections < 25 ms", f"{p99:.1f} ms",
                         p99 < 25, f"{p99 / 25:.2f}× the limit"))
        if r and n and r["rps"] and n["rps"]:
            x = r["rps"] / n["rps"]
            rows.append(("context hello ≥ 2× Node.js vm (req/s)", f"{x:.2f}× ({r['rps']:,.0f} vs {n['rps']:,.0f})",
                         x >= 2, f"{x / 2:.2f} of target"))
        fp = self.sc.get("fetch-proxy", {}).get("best", {})
        for key, label in (("renga", "context"), ("renga-scope", "scope")):
            f, fn = fp.get(key), fp.get("nodevm")
            if f and fn and f["rps"] and fn["rps"]:
                x = f["rps"] / fn["rps"]
                rows.append((f"{label} fetch-proxy ≥ Node.js vm (req/s)",
                             f"{x:.2f}× ({f['rps']:,.0f} vs {fn['rps']:,.0f})", x >= 1, f"{x:.2f} of target"))
        sdens = self.sc.get("density", {}).get("targets", {}).get("renga-scope")
        if sdens:
            big = max((s for s in sdens["steps"] if "skipped" not in s), key=lambda s: s["n"], default=None)
            if big:
                rows.append((f"scope density: {big['n']:,} waiting requests on one node, all answered",
                             f"{big['ok']:,} / {big['n']:,} answered 200", big["ok"] == big["n"],
                             f"{100 * big['ok'] / big['n']:.1f} %"))
                if big.get("heap_live_mb") is not None:
                    heap, peak = big["heap_live_mb"], big.get("heap_peak_mb") or 0
                    rows.append((f"scope density: node heap ≤ 2 GiB at {big['n']:,}",
                                 f"live {heap:,.0f} MB, peak used {peak:,.0f} MB", heap <= 2048 and peak <= 2048,
                                 f"{max(heap, peak) / 2048:.2f}× the limit"))
        comp = self.sc.get("compute", {}).get("best", {})
        r, n = comp.get("renga"), comp.get("nodevm")
        if r and n and r["rps"] and n["rps"]:
            x = n["rps"] / r["rps"]
            cpu = ratio(r.get("cpu_ms_per_req"), n.get("cpu_ms_per_req"))
            rows.append(("compute ≤ 3× Node.js time (time per request = 1 / req/s at the same concurrency)",
                         f"{x:.2f}× (CPU per request: {fmt_ratio(cpu)})", x <= 3, f"{x / 3:.2f}× the limit"))
        dens = self.sc.get("density", {}).get("targets", {}).get("renga")
        if dens:
            st = next((s for s in dens["steps"] if s.get("n") == 10000 and "skipped" not in s), None)
            if st:
                heap = st.get("heap_live_mb")
                peak = st.get("heap_peak_mb")
                rows.append(("density: 10,000 waiting requests on one node, all answered",
                             f"{st['ok']:,} / 10,000 answered 200", st["ok"] == 10000,
                             f"{st['ok'] / 100:.1f} %"))
                if heap is not None:
                    rows.append(("density: node heap ≤ 2 GiB at 10,000",
                                 f"live {heap:,.0f} MB, peak used {peak:,.0f} MB", heap <= 2048 and peak <= 2048,
                                 f"{max(heap, peak) / 2048:.2f}× the limit"))
                if st.get("probe") and not st["probe"]["requests"]:
                    rows.append(("density: hello p99 during it ≤ 2× without",
                                 f"no hello answered within the {st['probe']['duration_us'] / 1e6:.0f} s probe "
                                 f"(alone: p99 {dens['baseline_probe']['p99_us'] / 1000:.1f} ms)", False, "∞"))
                if st.get("probe") and st["probe"]["requests"]:
                    x = st["probe"]["p99_us"] / dens["baseline_probe"]["p99_us"]
                    rows.append(("density: hello p99 during it ≤ 2× without",
                                 f"{x:.2f}× ({dens['baseline_probe']['p99_us'] / 1000:.1f} → "
                                 f"{st['probe']['p99_us'] / 1000:.1f} ms)", x <= 2, f"{x / 2:.2f}× the limit"))
        cw = self.sc.get("hello", {}).get("context_wait")
        idle = self.sc.get("hello", {}).get("context_wait_idle")
        # The summary's p50/p99 cover the node's last two minutes, so only the load that filled them gets them.
        wait = lambda w, pct: (f"mean {w['mean_us']:,.1f} µs" + (f", p50 {w['p50_us']:,.1f} µs, p99 {w['p99_us']:,.1f} µs"
                                                               if pct else "")
                               + f" over {w['requests']:,} requests, {w['pool_misses']:,} of them found the pool empty")
        if idle:
            rows.append(("pooled context creation < 100 µs (as seen by the request: the node's own timer, one request "
                         "at a time)", wait(idle, False), idle["mean_us"] < 100,
                         f"{idle['mean_us'] / 100:.2f}× the limit (mean)"))
        if cw:
            rows.append(("the same under hello's saturating load (64 connections; no idle CPU to fill the pool)",
                         wait(cw, True), None, f"{cw['mean_us'] / 100:.2f}× the limit (mean)"))
        per = self.jmh_per_request()
        if "pooledContextHello" in per:
            v = per["pooledContextHello"]
            fresh = per.get("freshContextHello")
            rows.append(("pooled context + hello run < 100 µs (JMH, interpreted: take, evaluate the handler, run it)",
                         f"{v:,.1f} µs" + (f" (fresh context: {fresh:,.1f} µs)" if fresh else ""),
                         None if idle else v < 100, f"{v / 100:.2f}× the limit"))
        elif not cw:
            rows.append(("pooled context creation < 100 µs", "not measured in this run (see JMH below)", None, ""))
        cold = self.sc.get("cold-start", {})
        if cold.get("first_30s_share") is not None:
            x = cold["first_30s_share"]
            rows.append(("cold start: hello in the first 30 s after ready ≥ 70 % of the last 30 s of the run",
                         f"{100 * x:.0f} % ({cold['first_30s_rps']:,.0f} vs {cold['steady_rps']:,.0f} req/s)", x >= 0.7,
                         f"{x / 0.7:.2f} of target"))
        if cold.get("one_at_a_time_p50_ms") is not None:
            v = cold["one_at_a_time_p50_ms"]
            rows.append(("cold start: one request at a time on a fresh cluster, p50 ≤ 10 ms", f"{v:.1f} ms", v <= 10,
                         f"{v / 10:.2f}× the limit"))
        rec = self.sc.get("recycle", {})
        if rec.get("share") is not None:
            x = rec["share"]
            rows.append((f"hello with recycles (quota {rec['quota']:,}) ≥ 80 % of hello without",
                         f"{100 * x:.0f} % ({rec['with_quota']['rps']:,.0f} vs {rec['no_quota']['rps']:,.0f} req/s, "
                         f"{rec['with_quota']['recycles']} recycles, {rec['with_quota']['errors']} errors)", x >= 0.8,
                         f"{x / 0.8:.2f} of target"))
        self.w("## Targets")
        self.w()
        self.w("| target | measured | met? | ratio to target |")
        self.w("|---|---|---|---|")
        for name, val, ok, rat in rows:
            self.w(f"| {name} | {val} | {'**met**' if ok else ('missed' if ok is False else '–')} | {rat} |")
        self.w()

    def jmh_per_request(self):
        """µs per request for each JMH benchmark (single-shot scores are per batch)."""
        b = self.sc.get("jmh", {}).get("benchmarks", {})
        return {name: x["score"] / (x["batch"] if x["mode"] == "ss" else 1) for name, x in b.items()}

    def jmh(self):
        s = self.sc.get("jmh")
        self.w("## JMH: context creation, first request of a new handler, memory per live context")
        self.w()
        if not s:
            self.w("Not part of this run (`bin/renga bench jmh` runs it: the module in `bench/jmh`, its own pom, "
                   "not a reactor module).")
            self.w()
            return
        if "failed" in s:
            self.w(f"**failed:** {s['failed']}")
            self.w()
            return
        self.w("`bench/jmh` (its own pom, not a reactor module) runs the node's own `JsEngine` and `runtime.js` "
               "from `node/target/classes` with the node's class path, so the engine mode is the node's (see the "
               "GraalJS line above). One fork; microseconds per request, ± the 99.9 % confidence half-width.")
        self.w()
        per = self.jmh_per_request()
        text = {
            "freshContextOnly": "create a context from the shared engine and close it",
            "freshContextHello": "a request without the pool: prepare a context (runtime.js run), bind the host "
                                 "bridge, evaluate the cached hello source, run, close",
            "firstRequestNewHandler": "the same with a never-seen handler source (parsed): first request of a new "
                                      "handler URL, without the fetch",
            "pooledContextHello": "the node's request path with renga.node.context-pool: take a context prepared "
                                  "ahead by the pool thread, bind the request's host bridge, evaluate the handler, "
                                  "run it (closing comes after the answer)",
        }
        self.w("| benchmark | what it measures | µs per request |")
        self.w("|---|---|---:|")
        order = ["freshContextOnly", "freshContextHello", "firstRequestNewHandler", "pooledContextHello"]
        for name, x in sorted(s["benchmarks"].items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9):
            div = x["batch"] if x["mode"] == "ss" else 1
            err = x["error"]
            err_txt = f" ± {err / div:,.1f}" if isinstance(err, (int, float)) and err == err else ""
            self.w(f"| `{name}` | {text.get(name, '')} | {per[name]:,.1f}{err_txt} |")
        m = s.get("memory") or {}
        if m:
            self.w()
            self.w(f"Memory per live context: {m['contexts']:,} contexts, each with `runtime.js` and a handler "
                   f"waiting on a timer, held at once: heap after full GC {m['heap_before_mb']:,.0f} → "
                   f"{m['heap_after_mb']:,.0f} MB, **{m['kb_per_context']:,.1f} KB per context** "
                   f"(created at {m['us_per_context_created']:,.0f} µs each, sequentially). At that rate 10,000 "
                   f"waiting requests need {m['kb_per_context'] * 10000 / 1024:,.0f} MB of heap for their contexts.")
        self.w()

    def warmth(self):
        cold, rec = self.sc.get("cold-start", {}), self.sc.get("recycle", {})
        if not cold.get("windows") and "share" not in rec:
            return
        self.w("## Cold start and recycles")
        self.w()
        if cold.get("windows"):
            self.w(f"A fresh cluster shaped like `bin/renga up` (a gateway, two launched nodes, default quota) was routed "
                   f"{cold['ready_s']} s after its first JVM started. One request at a time right after: p50 "
                   f"{fmt(cold['one_at_a_time_p50_ms'])} ms. Then `hello` at {cold['connections']} connections in "
                   f"consecutive {cold['window_s']} s windows:")
            self.w()
            parts = ("gateway", "serving", "standby")
            split = all(f"{part}_cpu_ms" in w for w in cold["windows"] for part in parts)
            if split:
                self.w("CPU per request in ms (of it, in the compiler threads) of the gateway, the serving node JVMs and "
                       "the standby JVMs:")
                self.w()
                self.w("| window ends at | req/s | gateway | serving nodes | standbys |")
                self.w("|---|---|---|---|---|")
            else:
                self.w("| window ends at | req/s |")
                self.w("|---|---|")
            for w in cold["windows"]:
                cpu = "".join(f" {fmt(w[f'{part}_cpu_ms'], 2)} ({fmt(w[f'{part}_compiling_ms'], 2)}) |" for part in parts)
                self.w(f"| {w['end_s']} s | {w['rps']:,.0f} |" + (cpu if split else ""))
            self.w()
        if "share" in rec:
            self.w(f"`hello` on a fresh gateway and node, {rec['warmup_s']} s of warm-up then {rec['seconds']} s measured, "
                   f"with `renga.node.max-requests={rec['quota']}` and without a quota: "
                   f"{rec['with_quota']['rps']:,.0f} vs {rec['no_quota']['rps']:,.0f} req/s ({rec['with_quota']['recycles']} "
                   f"recycles during the run, {rec['with_quota']['errors']} errors; p99 {rec['with_quota']['p99_us'] / 1000:.1f} vs "
                   f"{rec['no_quota']['p99_us'] / 1000:.1f} ms).")
            self.w()

    def charts_md(self, charts):
        self.w("## Charts")
        self.w()
        for name, title in charts:
            self.w(f"![{title}](bench/{name})")
            self.w()

    # ------------------------------------------------------------------ charts

    def charts(self, out):
        made = []
        scen = [s for s in THROUGHPUT if s in self.sc and "best" in self.sc[s]]
        if scen:
            fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
            order = ORDER
            width = 0.8 / len(order)
            for i, t in enumerate(order):
                xs, rps, p99 = [], [], []
                for j, s in enumerate(scen):
                    b = self.sc[s]["best"].get(t)
                    if b:
                        xs.append(j + (i - (len(order) - 1) / 2) * width)
                        rps.append(b["rps"])
                        p99.append(b["p99_us"] / 1000)
                if xs:
                    axes[0].bar(xs, rps, width, label=LABELS[t], color=COLORS[t])
                    axes[1].bar(xs, p99, width, label=LABELS[t], color=COLORS[t])
            for j, sname in enumerate(scen):
                if "renga" in self.sc[sname].get("unsupported", {}):
                    axes[0].annotate("Renga:\nnot supported", (j - 1.5 * width, 1), xycoords=("data", "axes fraction"),
                                     xytext=(0, -30), textcoords="offset points", ha="center", va="top", fontsize=7,
                                     color=COLORS["renga"])
            for ax, title in ((axes[0], "requests per second (log)"), (axes[1], "p99 latency, ms (log)")):
                ax.set_xticks(range(len(scen)))
                ax.set_xticklabels(scen)
                ax.set_yscale("log")
                ax.set_title(title)
                ax.grid(axis="y", alpha=0.3)
            axes[0].legend(fontsize=8)
            fig.suptitle("Renga and peers, same run, same 2 cores")
            fig.tight_layout()
            fig.savefig(os.path.join(out, "throughput.png"), dpi=110)
            plt.close(fig)
            made.append(("throughput.png", "Requests per second and p99 per scenario"))
        d = self.sc.get("density", {}).get("targets")
        if d:
            fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
            for t, e in ordered(d):
                steps = [s for s in e["steps"] if "skipped" not in s]
                if not steps:
                    continue
                ns = [s["n"] for s in steps]
                axes[0].plot(ns, [100 * s["ok"] / s["n"] for s in steps], "o-", label=LABELS.get(t, t),
                             color=COLORS.get(t))
                axes[1].plot(ns, [s.get("rss_peak_mb") or 0 for s in steps], "o-", label=f"{LABELS.get(t, t)} RSS",
                             color=COLORS.get(t))
                if t.startswith("renga"):
                    axes[1].plot(ns, [s.get("heap_live_mb") or 0 for s in steps], "s--",
                                 label=f"{LABELS.get(t, t)} live heap", color=COLORS.get(t))
            axes[0].set_title("waiting requests answered 200, %")
            axes[0].set_ylim(0, 105)
            axes[1].axhline(2048, color="black", lw=0.8, ls=":", label="2 GiB")
            axes[1].set_title("memory at peak, MB")
            axes[0].set_xscale("log")
            axes[1].set_xscale("log")
            for ax in axes:
                ax.set_xlabel("concurrent waiting requests")
                ax.grid(alpha=0.3)
                ax.legend(fontsize=8)
            fig.tight_layout()
            fig.savefig(os.path.join(out, "density.png"), dpi=110)
            plt.close(fig)
            made.append(("density.png", "Density: answered share and memory"))
        cold = self.sc.get("cold-start", {})
        if cold.get("windows"):
            fig, ax = plt.subplots(figsize=(8, 4))
            ax.plot([w["end_s"] for w in cold["windows"]], [w["rps"] for w in cold["windows"]], "o-",
                    color=COLORS["renga"])
            ax.set_xlabel("seconds after the cluster was ready")
            ax.set_ylabel("hello req/s")
            ax.set_title(f"Cold start: hello at {cold['connections']} connections, {cold['window_s']} s windows")
            ax.grid(alpha=0.3)
            fig.tight_layout()
            fig.savefig(os.path.join(out, "cold-start.png"), dpi=110)
            plt.close(fig)
            made.append(("cold-start.png", "Cold start: throughput per window after ready"))
        s = self.sc.get("noisy-neighbour")
        if s and "alone" in s:
            fig, ax = plt.subplots(figsize=(6, 4))
            labels = ["p50", "p99", "p99.9"]
            keys = ["p50_us", "p99_us", "p999_us"]
            xs = range(len(labels))
            ax.bar([x - 0.2 for x in xs], [s["alone"][k] / 1000 for k in keys], 0.4, label="alone", color="#27ae60")
            ax.bar([x + 0.2 for x in xs], [s["attacked"][k] / 1000 for k in keys], 0.4, label="under attack",
                   color="#c0392b")
            ax.set_xticks(list(xs))
            ax.set_xticklabels(labels)
            ax.set_ylabel("ms")
            ax.set_title("Good tenant's hello latency on Renga")
            ax.legend()
            ax.grid(axis="y", alpha=0.3)
            fig.tight_layout()
            fig.savefig(os.path.join(out, "noisy-neighbour.png"), dpi=110)
            plt.close(fig)
            made.append(("noisy-neighbour.png", "Noisy neighbour: good tenant latency"))
        return made

    def build(self, chart_dir):
        self.header()
        self.targets()
        self.peers_text()
        self.throughput_tables()
        self.db()
        self.density()
        self.noisy()
        self.warmth()
        self.jmh()
        self.charts_md(self.charts(chart_dir))
        ran = [x for x in SCENARIOS if x in self.sc]
        self.w(f"Scenarios in this run: {', '.join(ran)}. Reproduce with `bin/renga bench` (all, about 30 minutes) "
               "or `bin/renga bench SCENARIO...`; knobs: `BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_WARMUP`, "
               "`BENCH_CONNECTIONS`, `BENCH_DENSITY_STEPS`, `BENCH_DENSITY_WAIT_MS`, `BENCH_DENSITY_RATE` (see "
               "`bench/bench.py`).")
        return "\n".join(self.lines) + "\n"


def merged(latest_path, partial):
    """The last full run's results with a partial run's scenarios in place of its own, each marked with its run."""
    with open(latest_path) as f:
        results = json.load(f)
    for name, scenario in partial.get("scenarios", {}).items():
        results.setdefault("scenarios", {})[name] = scenario
        results.setdefault("merged", {})[name] = {
            "started": partial.get("started"), "load_at_start": partial.get("load_at_start"),
            "renga_commit": partial.get("facts", {}).get("renga_commit"),
            "renga_props": partial.get("facts", {}).get("renga_props"), "settle_s": partial.get("settle_s")}
    return results


def main(argv):
    results_path, out = argv[0], argv[1]
    docs = "--docs" in argv
    with open(results_path) as f:
        results = json.load(f)
    if docs:
        md_path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
        chart_dir = os.path.join(ROOT, "docs", "bench")
        os.makedirs(chart_dir, exist_ok=True)
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        latest = os.path.join(ROOT, "bench", "results", "latest.json")
        if "--merge" in argv and os.path.exists(latest):
            results = merged(latest, results)
            with open(latest, "w") as f:
                json.dump(results, f, indent=1, sort_keys=True)
        elif os.path.abspath(results_path) != os.path.abspath(latest):
            shutil.copyfile(results_path, latest)
    else:
        md_path = os.path.join(out, "BENCHMARKS.md")
        chart_dir = os.path.join(out, "bench")
        os.makedirs(chart_dir, exist_ok=True)
    text = Report(results).build(chart_dir)
    with open(md_path, "w") as f:
        f.write(text)
    print(f"report: {md_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
