#!/usr/bin/python3
"""Renga's benchmark driver (run it through `bin/renga bench [SCENARIO...] [-Dkey=value ...]`).

Starts, on loopback only, a Renga gateway and node (bin/renga gateway / bin/renga node with -D overrides and
ports of their own), a static origin for handlers, and the peers (raw Pekko HTTP, Node.js vm, workerd); runs
bounded load against each side by side; writes the figures as JSON, a Markdown report and PNG charts.
Every process it starts is stopped when it ends, whatever happens (signals included).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
JAVA_HOME = os.environ["JAVA_HOME"]
# noisy-neighbour last: its never-ending requests stay on the node until the request time limit.
ALL_SCENARIOS = ["hello", "echo", "fetch-proxy", "db", "compute", "density", "jmh", "cold-start", "recycle",
                 "noisy-neighbour"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env_num(name, default):
    return type(default)(os.environ.get(name, default))


# Every knob has a default that keeps a full run under 35 minutes on 2 cores (cold-start and recycle take 12 of them).
SECONDS = env_num("BENCH_SECONDS", 10)  # measured wrk run
WARMUP = env_num("BENCH_WARMUP", 5)  # wrk warm-up before the first round of each target
# Before any scenario: GraalJS on the JVM needs about a minute of load to reach steady state (the peers need
# seconds). Seconds of hello, echo and compute for Renga; each peer gets a share of it too.
GLOBAL_WARMUP = env_num("BENCH_GLOBAL_WARMUP", 100)
# After it, at most this long for the Renga instances to go quiet while idle: their launchers' standbys warm up (niced)
# once the serving node has settled, and a round that overlaps one measures the standby's compiling beside the node.
SETTLE_S = env_num("BENCH_SETTLE_S", 240)
ROUNDS = env_num("BENCH_ROUNDS", 2)  # rounds per scenario, targets alternating; the best round is reported
CONNECTIONS = env_num("BENCH_CONNECTIONS", 64)
COMPUTE_CONNECTIONS = env_num("BENCH_COMPUTE_CONNECTIONS", 8)
DENSITY_STEPS = [int(x) for x in os.environ.get("BENCH_DENSITY_STEPS", "1000,10000,20000").split(",")]
# The peers are one process each, and a process may hold 20,000 file descriptors here: Node.js needs one per
# connection, workerd two, so workerd's 10,000 step runs with 9,000.
DENSITY_PEER_MAX = {"nodevm": 10000, "workerd": 9000}
DENSITY_WAIT_MS = env_num("BENCH_DENSITY_WAIT_MS", 20000)
DENSITY_RATE = env_num("BENCH_DENSITY_RATE", 1500)  # new waiting requests per second
# Isolation `scope` holds a waiting request in about 1.5 KB instead of a realm of about 80 KB: its node takes this many
# more waiting requests, in one step of their own (a longer wait, so every request is open at once, and as many
# gateways as the file descriptors of one process require).
DENSITY_SCOPE_STEP = env_num("BENCH_DENSITY_SCOPE_STEP", 100000)
# What this machine sustains with six gateways, the node and 24 client processes on 2 cores (it opened 340/s when
# asked for 500).
DENSITY_SCOPE_RATE = env_num("BENCH_DENSITY_SCOPE_RATE", 300)
# The step's requests are all held until this long after the planned end of their opening (wait-long.js).
DENSITY_SCOPE_HOLD_MS = env_num("BENCH_DENSITY_SCOPE_HOLD_MS", 30000)
GATEWAY_CONNECTIONS = 18000  # client connections one gateway holds at most (20,000 file descriptors per process)
# The Renga instances every scenario runs (one gateway and one node each): isolation `context` and `scope`.
ISOLATIONS = os.environ.get("BENCH_ISOLATIONS", "context,scope").split(",")
RENGA_TARGETS = ["renga" if i == "context" else "renga-" + i for i in ISOLATIONS]
PROBE_CONNECTIONS = env_num("BENCH_PROBE_CONNECTIONS", 8)  # the hello probe beside density and attackers
NOISY_CONNECTIONS = env_num("BENCH_NOISY_CONNECTIONS", 16)
ECHO_BYTES = 4096
WORKERD = os.environ.get("BENCH_WORKERD", "")
# The db scenario: npm packages (bench/run installs `pg` there) for Renga's renga.handlers.packages and the Node.js
# peer's require; fewer connections than hello, as each request opens a PostgreSQL connection (a backend process).
PACKAGES = os.environ.get("BENCH_PACKAGES", os.path.join(BENCH, ".tools"))
DB_CONNECTIONS = env_num("BENCH_DB_CONNECTIONS", 16)
DB_POOL = env_num("BENCH_DB_POOL", 8)  # connections of the Node.js peer's pg Pool (the already-open variant)
DB_WARMUP = env_num("BENCH_DB_WARMUP", 30)  # seconds of db load per target before the rounds
DB_SEQUENTIAL = env_num("BENCH_DB_SEQUENTIAL", 200)  # one-at-a-time requests per target and handler
# A scenario that would not end within this many seconds of the start (by its usual duration) is skipped, so an
# unattended run ends within about 45 minutes.
BUDGET_S = env_num("BENCH_BUDGET_S", 1500 + 390 + 360 + 290)
# cold-start and recycle start clusters of their own (the main one idles meanwhile): a fresh `bin/renga up`-like
# cluster measured in consecutive windows from its ready line, and hello on a node with a request quota against one
# without, both of the same age.
COLD_START_S = env_num("BENCH_COLD_START_S", 300)
COLD_START_WINDOW_S = env_num("BENCH_COLD_START_WINDOW_S", 10)
# Scenarios that start Renga clusters of their own (run before the shared instances start).
OWN_CLUSTER_SCENARIOS = ("cold-start", "recycle")
RECYCLE_QUOTA = env_num("BENCH_RECYCLE_QUOTA", 20000)
RECYCLE_WARMUP_S = env_num("BENCH_RECYCLE_WARMUP_S", 60)
RECYCLE_S = env_num("BENCH_RECYCLE_S", 60)
USUAL_S = {"hello": 130, "echo": 100, "fetch-proxy": 80, "db": 260, "compute": 100, "density": 850, "noisy-neighbour": 60,
           "jmh": 150, "cold-start": COLD_START_S + 90, "recycle": 2 * (RECYCLE_WARMUP_S + RECYCLE_S + 60)}


def log(*args):
    print("bench:", *args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- processes

class Processes:
    """Every process the bench started, each in a process group of its own, stopped in reverse order."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.procs = []
        self.pidfile = os.environ.get("BENCH_PIDFILE") or os.path.join(run_dir, "pids")

    def start(self, name, argv, env=None, cwd=ROOT):
        out = open(os.path.join(self.run_dir, name + ".log"), "w")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True)
        proc.bench_name = name
        self.procs.append(proc)
        with open(self.pidfile, "a") as f:
            f.write(f"{proc.pid}\n")
        return proc

    def stop(self, proc, grace=10):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # leftovers in the group (a launcher's node JVM)
        except ProcessLookupError:
            pass
        proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)
        with open(self.pidfile, "w") as f:  # only live groups stay listed for bench/run's trap
            f.writelines(f"{p.pid}\n" for p in self.procs)

    def stop_all(self):
        for proc in reversed(list(self.procs)):
            self.stop(proc)


def wait_until(check, timeout, what, procs=()):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.bench_name} exited ({p.returncode}) while waiting for {what}")
        time.sleep(0.3)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


def http_get(url, headers=None, timeout=10, data=None):
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)


# ---------------------------------------------------------------------------------------------- /proc

def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (FileNotFoundError, ProcessLookupError):
        return 0


# Threads that compile: HotSpot's C1/C2, Graal's JIT compiling Java, Truffle's compiling JavaScript (names cut to 15).
COMPILER_THREADS = ("C1 CompilerThre", "C2 CompilerThre", "JVMCI-native Co", "JVMCI CompilerT", "TruffleCompiler")


def compile_ticks(pid):
    """CPU ticks of each of a process's compiler threads, by thread id (compiler threads come and go: a window counts
    the ones alive at its end, from their start or the window's)."""
    ticks = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return ticks
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        if comm.startswith(COMPILER_THREADS):
            fields = text.rsplit(")", 1)[1].split()
            ticks[tid] = int(fields[11]) + int(fields[12])
    return ticks


def tree_snapshot(*roots):
    """Every live descendant of the roots (roots included): {pid: {root, ppid, comm, start, ticks, compiling}}, with
    the compiler threads' ticks by thread, from one scan of /proc."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    text = f.read()
            except (FileNotFoundError, ProcessLookupError):
                continue
            fields = text.rsplit(")", 1)[1].split()
            stats[int(entry)] = {"ppid": int(fields[1]), "comm": text[text.index("(") + 1:text.rindex(")")],
                                 "start": int(fields[19]), "ticks": int(fields[11]) + int(fields[12])}
    children = {}
    for pid, st in stats.items():
        children.setdefault(st["ppid"], []).append(pid)
    snap = {}
    for root in roots:
        todo = [root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                snap[pid] = dict(stats[pid], root=root, compiling=compile_ticks(pid))
            todo.extend(children.get(pid, []))
    return snap


def node_roles(snap):
    """Each node JVM (a java process whose parent is a java launcher) as "serving" (the launcher's oldest) or
    "standby" (a younger one)."""
    jvms = {}
    for pid, st in snap.items():
        parent = snap.get(st["ppid"])
        if st["comm"] == "java" and parent is not None and parent["comm"] == "java":
            jvms.setdefault(st["ppid"], []).append(pid)
    roles = {}
    for pids in jvms.values():
        pids.sort(key=lambda pid: snap[pid]["start"])
        for i, pid in enumerate(pids):
            roles[pid] = "serving" if i == 0 else "standby"
    return roles


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return None


def jvm_heap_mb(pid):
    """Used heap (all generations) of a JVM, from jstat."""
    try:
        out = subprocess.run([os.path.join(JAVA_HOME, "bin", "jstat"), "-gc", str(pid)], capture_output=True,
                             text=True, timeout=30).stdout.split("\n")
        names, values = out[0].split(), out[1].split()
        row = dict(zip(names, values))
        return sum(float(row[k]) for k in ("S0U", "S1U", "EU", "OU") if k in row) / 1024
    except Exception as e:
        log("jstat failed:", e)
        return None


def jvm_gc(pid):
    subprocess.run([os.path.join(JAVA_HOME, "bin", "jcmd"), str(pid), "GC.run"], capture_output=True, timeout=60)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------------------------------------- PostgreSQL

class Postgres:
    """A PostgreSQL server for the db scenario, as the end-to-end tests run one: Debian's binaries, a fresh cluster in
    the run directory, loopback only, SCRAM-SHA-256 passwords, no TLS (loopback), durability off (a bench, not a
    store). It runs in the foreground under the bench's Processes (as the postgres user when the bench runs as root),
    so it stops with everything else."""

    USER = "renga"

    def __init__(self, run_dir, procs):
        self.root = os.path.join(run_dir, "postgres")
        self.data = os.path.join(self.root, "data")
        self.procs = procs
        self.port = free_port()
        self.password = "pw-" + os.urandom(12).hex()
        self.proc = None

    @staticmethod
    def binaries():
        base = "/usr/lib/postgresql"
        versions = sorted((v for v in os.listdir(base) if os.path.exists(os.path.join(base, v, "bin", "initdb"))),
                          key=lambda v: int(re.sub(r"\D", "0", v))) if os.path.isdir(base) else []
        if not versions:
            raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)")
        return os.path.join(base, versions[-1], "bin")

    def as_postgres(self, argv):
        return ["runuser", "-u", "postgres", "--"] + argv if os.geteuid() == 0 else argv

    def start(self):
        bin_dir = self.binaries()
        os.makedirs(self.root)
        pwfile = os.path.join(self.root, "password")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", self.root], check=True)
        subprocess.run(self.as_postgres([os.path.join(bin_dir, "initdb"), "-D", self.data, "-U", self.USER,
                                         f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8",
                                         "--no-instructions", "--locale=C"]),
                       check=True, capture_output=True, timeout=120)
        conf = ["listen_addresses = '127.0.0.1'", f"port = {self.port}", f"unix_socket_directories = '{self.data}'",
                "password_encryption = 'scram-sha-256'", "max_connections = 200", "shared_buffers = 64MB",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off", ""]
        subprocess.run(self.as_postgres(["sh", "-c", f"cat >> {self.data}/postgresql.auto.conf"]),
                       input="\n".join(conf), text=True, check=True)
        self.proc = self.procs.start("postgres", self.as_postgres([os.path.join(bin_dir, "postgres"), "-D", self.data]))
        env = {**os.environ, "PGPASSWORD": self.password}
        psql = [os.path.join(bin_dir, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER, "-X", "-q",
                "-v", "ON_ERROR_STOP=1"]
        wait_until(lambda: subprocess.run(psql + ["-d", "postgres", "-c", "SELECT 1"], env=env, capture_output=True,
                                          timeout=10).returncode == 0, 60, "PostgreSQL", [self.proc])
        subprocess.run(psql + ["-d", "postgres", "-c", "CREATE DATABASE renga"], env=env, check=True, timeout=30)
        subprocess.run(psql + ["-d", "renga", "-c", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); "
                               "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) AS i"],
                       env=env, check=True, timeout=30)

    def options(self):
        return {"host": "127.0.0.1", "port": self.port, "user": self.USER, "password": self.password,
                "database": "renga"}

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def cpu_ticks(self):
        """CPU of the whole server: the postmaster, its live backends, and (through the postmaster's cutime/cstime)
        every backend that has exited since it started."""
        pm = self.postmaster_pid()
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            pid, ppid = int(entry), int(fields[1])
            if pid == pm:
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            elif ppid == pm:
                total += int(fields[11]) + int(fields[12])
        return total


# ---------------------------------------------------------------------------------------------- targets

class Target:
    """A server under test: how to address a handler on it and which processes do its work."""

    def __init__(self, name, label, base, handler_origin=None, pids=None, renga=None):
        self.name, self.label, self.base, self.handler_origin = name, label, base, handler_origin
        self._pids = pids
        self.renga = renga  # the Renga instance (its node's admin endpoints), None for the peers

    def url(self, handler):
        return f"{self.base}/{handler}"

    def handler_header(self, handler, origin=None):
        origin = origin or self.handler_origin
        return f"{origin}/{handler}.js" if origin else ""

    def pids(self):
        return [p for p in self._pids() if p]


def wrk(target, handler, connections, seconds, body_bytes=0, threads=2, timeout_s=30, origin=None):
    env = {**os.environ, "BENCH_HANDLER": target.handler_header(handler, origin), "BENCH_BODY_BYTES": str(body_bytes)}
    argv = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", f"--timeout",
            f"{timeout_s}s", "-s", os.path.join(BENCH, "lib", "wrk-json.lua"), target.url(handler)]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds + timeout_s + 30).stdout
    for line in out.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON "):])
    raise RuntimeError(f"wrk printed no summary: {out[-500:]}")


ORIGIN_PID = None  # the handler origin (and fetch-proxy's upstream): its CPU is reported apart


def measured(target, fn):
    """Runs fn() and adds the CPU the target's processes used per request, their RSS and the machine's load. A target
    process's descendants count with it: `bin/renga gateway` stays the parent of its JVM while that JVM records the
    AOT cache (a first start of a build), and the JVM's CPU would otherwise go uncounted."""
    roots = target.pids()
    pids = list(tree_snapshot(*roots))
    before = {p: cpu_ticks(p) for p in pids}
    origin_before = cpu_ticks(ORIGIN_PID) if ORIGIN_PID else 0
    load_before = loadavg()
    result = fn()
    after = {p: cpu_ticks(p) for p in pids}
    ticks = sum(after[p] - before.get(p, 0) for p in after)
    answered = result["requests"]
    result["cpu_ms"] = ticks * 1000 / CLK_TCK
    result["cpu_ms_per_req"] = result["cpu_ms"] / answered if answered else None
    if ORIGIN_PID:
        origin_ms = (cpu_ticks(ORIGIN_PID) - origin_before) * 1000 / CLK_TCK
        result["origin_cpu_ms_per_req"] = origin_ms / answered if answered else None
    result["rps"] = answered / (result["duration_us"] / 1e6)
    result["errors"] = (result["connect_errors"] + result["read_errors"] + result["write_errors"]
                        + result["status_errors"] + result["timeouts"])
    result["rss_mb"] = {str(p): rss_mb(p) for p in pids}
    result["server_rss_mb"] = rss_mb(roots[-1]) if roots else None
    result["load_before"], result["load_after"] = load_before, loadavg()
    return result


# The longest the scope density step holds a request: the planned opening, the hold, and a minute for an opening that
# runs late (the machine opens fewer connections a second than planned).
DENSITY_SCOPE_WAIT_MS = int(DENSITY_SCOPE_STEP / DENSITY_SCOPE_RATE * 1000) + DENSITY_SCOPE_HOLD_MS + 60000


class Renga:
    """One Renga instance under test: a gateway and a node (under its launcher) in a cluster of their own."""

    def __init__(self, name, isolation):
        self.name, self.isolation = name, isolation
        self.cluster_port, self.gw_port, self.gw_admin, self.node_admin = (free_port() for _ in range(4))
        self.gateway = self.node = None
        # What sets this instance apart (every -D of it goes to its gateways and its node).
        self.extra = [f"-Drenga.cluster-name=renga-bench-{name}-{os.getpid()}",
                      f"-Drenga.seed-nodes=127.0.0.1:{self.cluster_port}",
                      f"-Drenga.sandbox.isolation={isolation}"]
        if isolation == "scope":
            # Density's big step: every request open at once on one node, each held past the ramp.
            self.extra += [f"-Drenga.node.max-concurrent={DENSITY_SCOPE_STEP + 10000}",
                           f"-Drenga.sandbox.request-timeout={DENSITY_SCOPE_WAIT_MS // 1000 + 60}s",
                           f"-Drenga.gateway.node-timeout={DENSITY_SCOPE_WAIT_MS // 1000 + 90}s",
                           f"-Drenga.gateway.queue.max={DENSITY_SCOPE_STEP + 10000}",
                           # Six gateways, the node and the clients opening 2,500 connections a second share 2 cores:
                           # heartbeats come late, and the default 3 s pause would have the cluster down its members.
                           "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=30s",
                           # The live-heap reading (jcmd GC.run) is a full collection of a heap holding ~90,000
                           # requests: it stopped the node for more than the default 10 s, which the watchdog takes
                           # for a blocked JS dispatcher.
                           "-Drenga.node.heartbeat.unhealthy-after=60s",
                           # The first requests opened wait the longest (the whole opening and the hold): above the
                           # 300 s every instance gets, the gateways' idle timeout would close their connections.
                           f"-Dpekko.http.server.idle-timeout={DENSITY_SCOPE_WAIT_MS // 1000 + 60}s"]

    def node_status(self):
        return json.loads(http_get(f"http://127.0.0.1:{self.node_admin}/admin/status", timeout=5)[1])

    def node_pid(self):
        try:
            return self.node_status()["pid"]
        except Exception:
            return None

    def node_metrics(self):
        """The node's Prometheus samples: {(name, quantile or None): value} (its only common label is role)."""
        text = http_get(f"http://127.0.0.1:{self.node_admin}/metrics", timeout=10)[1]
        samples = {}
        for line in text.splitlines():
            m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
            if m:
                q = re.search(r'quantile="([^"]+)"', m.group(2) or "")
                try:
                    samples[(m.group(1), q.group(1) if q else None)] = float(m.group(3))
                except ValueError:
                    pass
        return samples


# ---------------------------------------------------------------------------------------------- the run

class Bench:
    def __init__(self, scenarios, props, run_dir):
        self.scenarios = scenarios
        self.props = props
        self.run_dir = run_dir
        self.procs = Processes(run_dir)
        self.results = {"scenarios": {}, "skipped": {}, "notes": []}
        self.handler_dir = os.path.join(run_dir, "handlers")
        self.targets = {}
        self.rengas = {}
        # The db scenario's PostgreSQL, started before the handlers are written (they name its port and password).
        self.pg = Postgres(run_dir, self.procs) if "db" in scenarios else None
        self.pg_error = None

    # ------------------------------------------------------------------ start-up

    def prepare_handlers(self):
        os.makedirs(self.handler_dir)
        self.origin_ports = {name: free_port() for name in ("good", "spin", "membomb", "redos", "hang")}
        self.origin = f"http://127.0.0.1:{self.origin_ports['good']}"
        for name in os.listdir(os.path.join(BENCH, "handlers")):
            with open(os.path.join(BENCH, "handlers", name)) as f:
                text = f.read()
            text = text.replace("__UPSTREAM__", f"{self.origin}/upstream.txt")
            text = text.replace("__PG_PORT__", str(self.pg.port if self.pg else 0))
            text = text.replace("__PG_PASSWORD__", self.pg.password if self.pg else "")
            wait_ms = DENSITY_SCOPE_WAIT_MS if name == "wait-long.js" else DENSITY_WAIT_MS
            with open(os.path.join(self.handler_dir, name), "w") as f:
                f.write(text.replace("__WAIT_MS__", str(wait_ms)))
        with open(os.path.join(self.handler_dir, "upstream.txt"), "w") as f:
            f.write(("upstream " * 114)[:1024])  # 1 KiB

    def start_origin(self):
        self.origin_proc = self.procs.start(
            "origin", ["node", os.path.join(BENCH, "tools", "static-server.js"), self.handler_dir]
            + [str(p) for p in self.origin_ports.values()], env={"BENCH_PARENT_PID": str(os.getpid())})
        wait_until(lambda: http_get(f"{self.origin}/hello.js")[0] == 200, 30, "the origin", [self.origin_proc])
        global ORIGIN_PID
        ORIGIN_PID = self.origin_proc.pid

    def renga_props(self, extra=()):
        """The -D a JVM of a main Renga instance gets: the common ones, the instance's own (Renga.extra), then the
        command line's, each winning over the ones before it."""
        return [
            # Density holds requests for 20 s: the time limits must let them finish.
            "-Drenga.sandbox.request-timeout=60s",
            "-Drenga.gateway.node-timeout=90s",
            "-Drenga.gateway.queue.max=40000",
            # No quota recycle in the middle of a measurement.
            "-Drenga.node.max-requests=0",
            "-Drenga.sandbox.network.allow-private=true",
            "-Dpekko.http.server.max-connections=20000",
            "-Dpekko.http.server.backlog=4096",
            "-Dpekko.http.server.idle-timeout=300s",
        ] + self.packages_props() + list(extra) + self.props

    def packages_props(self):
        """The db scenario's npm packages as the node's package directory, when bench/run installed them."""
        return ([f"-Drenga.handlers.packages={PACKAGES}"]
                if os.path.isdir(os.path.join(PACKAGES, "node_modules", "pg")) else [])

    def start_gateway(self, name, http_port, admin_port, cluster_port, extra):
        env = {"RENGA_PORT": str(cluster_port), "RENGA_HTTP_PORT": str(http_port), "RENGA_ADMIN_PORT": str(admin_port),
               "RENGA_PARENT_PID": str(os.getpid())}
        return self.procs.start(name, [os.path.join(ROOT, "bin", "renga"), "gateway"] + self.renga_props(extra), env=env)

    def start_renga(self):
        """One gateway and one node per isolation level, each in a cluster of its own, started together."""
        for name, isolation in zip(RENGA_TARGETS, ISOLATIONS):
            r = Renga(name, isolation)
            suffix = "" if name == "renga" else "-" + isolation
            r.gateway = self.start_gateway("gateway" + suffix, r.gw_port, r.gw_admin, r.cluster_port, r.extra)
            r.node = self.procs.start(
                "node" + suffix, [os.path.join(ROOT, "bin", "renga"), "node", f"-Drenga.node.admin.port={r.node_admin}"]
                + self.renga_props(r.extra), env={"RENGA_PORT": "0", "RENGA_PARENT_PID": str(os.getpid())})
            self.rengas[name] = r
            label = "Renga" if isolation == "context" else f"Renga ({isolation})"
            self.targets[name] = Target(name, label, f"http://127.0.0.1:{r.gw_port}", self.origin,
                                        lambda r=r: [r.gateway.pid, r.node_pid()], renga=r)
        for name, r in self.rengas.items():
            wait_until(lambda: http_get(f"http://127.0.0.1:{r.gw_admin}/readyz", timeout=2)[0] == 200, 240,
                       f"the {name} gateway to see its node", [r.gateway, r.node])
            status, body, _ = http_get(self.targets[name].url("hello"), {"x-haiku-handler": f"{self.origin}/hello.js"})
            if status != 200:
                raise RuntimeError(f"{name} did not answer hello: {status} {body}")

    def renga(self):
        """The first Renga target (isolation context unless BENCH_ISOLATIONS says otherwise)."""
        return self.targets[RENGA_TARGETS[0]]

    def start_peers(self):
        # Raw Pekko HTTP, compiled against the gateway's class path.
        classes = os.path.join(self.run_dir, "pekko-hello")
        lib = os.path.join(ROOT, "gateway", "target", "lib", "*")
        subprocess.run([os.path.join(JAVA_HOME, "bin", "javac"), "-d", classes, "-cp", lib,
                        os.path.join(BENCH, "peers", "PekkoHello.java")], check=True)
        port = free_port()
        pekko = self.procs.start("pekko", [
            os.path.join(JAVA_HOME, "bin", "java"), "-Xms256m", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", f"-Dlogback.configurationFile={ROOT}/conf/logback.xml",
            "-cp", f"{classes}:{lib}", "PekkoHello", str(port)])
        self.targets["pekko"] = Target("pekko", "raw Pekko HTTP", f"http://127.0.0.1:{port}", None, lambda: [pekko.pid])
        # Node.js, a vm context per request.
        port = free_port()
        env = {"BENCH_PARENT_PID": str(os.getpid())}
        if self.packages_props():
            env["BENCH_PACKAGES"] = PACKAGES
            if self.pg and not self.pg_error:
                env["BENCH_PG"] = json.dumps({**self.pg.options(), "max": DB_POOL})
        nodevm = self.procs.start("node-vm", ["node", os.path.join(BENCH, "peers", "node-vm-server.js"),
                                              self.handler_dir, str(port)], env=env)
        self.targets["nodevm"] = Target("nodevm", "Node.js vm", f"http://127.0.0.1:{port}", None, lambda: [nodevm.pid])
        # workerd, the same handlers as one Worker.
        if WORKERD and os.path.exists(WORKERD):
            port = free_port()
            out = os.path.join(self.run_dir, "workerd")
            subprocess.run(["node", os.path.join(BENCH, "peers", "workerd-gen.js"), self.handler_dir, out, str(port)],
                           check=True)
            wd = self.procs.start("workerd", [WORKERD, "serve", os.path.join(out, "config.capnp")])
            self.targets["workerd"] = Target("workerd", "workerd", f"http://127.0.0.1:{port}", None, lambda: [wd.pid])
        else:
            self.results["skipped"]["workerd"] = "workerd could not be installed from the npm registry"
        for t in [self.targets[n] for n in ("pekko", "nodevm", "workerd") if n in self.targets]:
            wait_until(lambda: http_get(t.url("hello"), timeout=2)[0] == 200, 60, t.label)

    def warm_up(self):
        """GLOBAL_WARMUP seconds of load for each Renga instance (hello, echo, compute), a share of it for each peer."""
        if GLOBAL_WARMUP <= 0:
            return
        t0 = time.time()
        plan = []
        for name in RENGA_TARGETS:
            renga = self.targets[name]
            plan += [(renga, "hello", CONNECTIONS, 0.6), (renga, "echo", CONNECTIONS, 0.15),
                     (renga, "compute", COMPUTE_CONNECTIONS, 0.25)]
        for name in ("nodevm", "workerd", "pekko"):
            if name in self.targets:
                plan.append((self.targets[name], "hello", CONNECTIONS, 0.1))
        for target, handler, conns, share in plan:
            seconds = max(1, round(GLOBAL_WARMUP * share))
            res = wrk(target, handler, conns, seconds, ECHO_BYTES if handler == "echo" else 0)
            log(f"warm-up {target.name} {handler} {seconds} s: {res['requests'] / seconds:.0f} req/s")
        self.results["warmup_s"] = round(time.time() - t0, 1)

    def settle(self):
        """Waits until the Renga instances, idle, use less than a quarter of a core together (their standbys warmed,
        their compilers caught up; two idle instances use about 0.14 cores: heartbeats, gossip, the watchdogs' ticks),
        for at most SETTLE_S: the rounds then measure the serving path alone."""
        roots = [p.pid for r in self.rengas.values() for p in (r.gateway, r.node)]
        t0, busy = time.time(), None
        while time.time() - t0 < SETTLE_S:
            before = {pid: st["ticks"] for pid, st in tree_snapshot(*roots).items()}
            time.sleep(5)
            after = {pid: st["ticks"] for pid, st in tree_snapshot(*roots).items()}
            busy = sum(t - before.get(pid, t) for pid, t in after.items()) / CLK_TCK / 5
            if busy < 0.25:
                break
        self.results["settle_s"] = round(time.time() - t0, 1)
        log(f"settled after {self.results['settle_s']} s (idle Renga processes: {busy:.2f} cores)")

    # ------------------------------------------------------------------ scenarios

    def throughput(self, scenario, handler, target_names, connections, body_bytes=0):
        """Rounds of wrk against each target in turn (order reversed every round); keeps every round."""
        targets = [self.targets[n] for n in target_names if n in self.targets]
        rounds = {t.name: [] for t in targets}
        for r in range(ROUNDS):
            for t in (targets if r % 2 == 0 else list(reversed(targets))):
                if r == 0 and WARMUP > 0:
                    wrk(t, handler, connections, WARMUP, body_bytes)
                res = measured(t, lambda: wrk(t, handler, connections, SECONDS, body_bytes))
                log(f"{scenario} {t.name} round {r + 1}: {res['rps']:.0f} req/s p99 {res['p99_us'] / 1000:.1f} ms "
                    f"errors {res['errors']} cpu {res['cpu_ms_per_req'] or 0:.3f} ms/req (load {res['load_before']})")
                rounds[t.name].append(res)
        best = {name: max(rs, key=lambda x: x["rps"]) for name, rs in rounds.items()}
        return {"connections": connections, "seconds": SECONDS, "rounds": rounds, "best": best}

    def context_wait(self, before, after):
        """What requests waited for their context between two scrapes (the node's own summary and pool counters)."""
        name = "renga_node_context_creation_seconds"
        delta = lambda key: after.get((key, None), 0) - before.get((key, None), 0)
        count = delta(name + "_count")
        if count <= 0:
            return None
        return {"requests": int(count),
                "mean_us": delta(name + "_sum") / count * 1e6,
                "p50_us": after.get((name, "0.5"), 0) * 1e6,
                "p99_us": after.get((name, "0.99"), 0) * 1e6,
                "pool_misses": int(delta("renga_node_context_pool_misses_total"))}

    def run_hello(self):
        rengas = [self.rengas[n] for n in RENGA_TARGETS]
        before = {r.name: r.node_metrics() for r in rengas}
        result = self.throughput("hello", "hello", RENGA_TARGETS + ["nodevm", "workerd", "pekko"], CONNECTIONS)
        result["context_wait"] = self.context_wait(before[RENGA_TARGETS[0]], rengas[0].node_metrics())
        result["context_wait_by_target"] = {r.name: self.context_wait(before[r.name], r.node_metrics()) for r in rengas}
        log(f"hello: context wait as seen by requests {result['context_wait_by_target']}")
        result["first_request_by_target"] = {}
        idle = {}
        for r in rengas:
            before = r.node_metrics()
            result["first_request_by_target"][r.name] = self.first_request(self.targets[r.name])
            idle[r.name] = self.context_wait(before, r.node_metrics())
        result["first_request"] = result["first_request_by_target"][RENGA_TARGETS[0]]
        result["context_wait_idle"] = idle[RENGA_TARGETS[0]]
        result["context_wait_idle_by_target"] = idle
        log(f"first requests: context wait as seen by requests {idle}")
        return result

    def first_request(self, renga, count=20):
        """Renga, one request at a time: a handler URL never seen before (a new query string) against a known one."""
        timings = {"new_url_ms": [], "known_url_ms": []}
        tag = int(time.time())
        for i in range(count):
            for key, url in (("new_url_ms", f"{self.origin}/hello.js?first={tag}-{i}"),
                             ("known_url_ms", f"{self.origin}/hello.js")):
                t0 = time.perf_counter()
                status, _, _ = http_get(renga.url("hello"), {"x-haiku-handler": url})
                if status == 200:
                    timings[key].append((time.perf_counter() - t0) * 1000)
        result = {k: sorted(v) for k, v in timings.items()}
        result["new_url_p50_ms"] = result["new_url_ms"][len(result["new_url_ms"]) // 2] if result["new_url_ms"] else None
        result["known_url_p50_ms"] = (result["known_url_ms"][len(result["known_url_ms"]) // 2]
                                      if result["known_url_ms"] else None)
        log(f"first request {renga.name}: new URL p50 {result['new_url_p50_ms']} ms, known URL p50 {result['known_url_p50_ms']} ms")
        return result

    def run_echo(self):
        return self.throughput("echo", "echo", RENGA_TARGETS + ["nodevm", "workerd"], CONNECTIONS, ECHO_BYTES)

    def run_fetch_proxy(self):
        names = RENGA_TARGETS + ["nodevm", "workerd"]
        unsupported = {}
        for name in RENGA_TARGETS:
            status, body, _ = http_get(self.targets[name].url("fetch-proxy"),
                                       {"x-haiku-handler": f"{self.origin}/fetch-proxy.js"})
            if status != 200:
                unsupported[name] = f"not supported yet (probe answered {status}: {body.strip()[:120]})"
                names.remove(name)
        result = self.throughput("fetch-proxy", "fetch-proxy", names, CONNECTIONS)
        if unsupported:
            result["unsupported"] = unsupported
        return result

    def run_db(self):
        """One `pg` query per request (db.js: connect, query, end) on Renga under both isolation levels and on the
        Node.js vm peer, and the same query on a connection the Node.js peer keeps open (db-pool.js): under load, and
        one request at a time. PostgreSQL's own CPU is measured apart (its backends included)."""
        if self.pg is None or self.pg_error:
            raise RuntimeError(self.pg_error or "PostgreSQL was not started")
        if not self.packages_props():
            raise RuntimeError(f"the pg package is not installed in {PACKAGES} (bench/run installs it)")
        runs = [(n, self.targets[n], "db") for n in RENGA_TARGETS + ["nodevm"] if n in self.targets]
        if "nodevm" in self.targets:
            runs.append(("nodevm-pool", self.targets["nodevm"], "db-pool"))
        unsupported = {}
        for key, t, handler in list(runs):
            headers = {"x-haiku-handler": t.handler_header(handler)} if t.handler_origin else {}
            status, body, _ = http_get(t.url(handler), headers, timeout=60)
            if status != 200 or '"name":"item ' not in body:
                unsupported[key] = f"the probe answered {status}: {body.strip()[:300]}"
                log(f"db on {key}: {unsupported[key]}")
                runs.remove((key, t, handler))
        if not runs:
            raise RuntimeError(f"no target answered db.js: {unsupported}")
        pg_ticks = self.pg.cpu_ticks

        def with_db_cpu(fn):
            before = pg_ticks()
            res = fn()
            res["db_cpu_ms"] = (pg_ticks() - before) * 1000 / CLK_TCK
            answered = res["requests"]
            res["db_cpu_ms_per_req"] = res["db_cpu_ms"] / answered if answered else None
            return res

        rounds = {key: [] for key, _, _ in runs}
        for key, t, handler in runs:
            res = wrk(t, handler, DB_CONNECTIONS, DB_WARMUP)
            log(f"db warm-up {key}: {res['requests'] / DB_WARMUP:.0f} req/s")
        for r in range(ROUNDS):
            for key, t, handler in (runs if r % 2 == 0 else list(reversed(runs))):
                res = with_db_cpu(lambda: measured(t, lambda: wrk(t, handler, DB_CONNECTIONS, SECONDS)))
                log(f"db {key} round {r + 1}: {res['rps']:.0f} req/s p99 {res['p99_us'] / 1000:.1f} ms errors "
                    f"{res['errors']} cpu {res['cpu_ms_per_req'] or 0:.3f} + PostgreSQL "
                    f"{res['db_cpu_ms_per_req'] or 0:.3f} ms/req (load {res['load_before']})")
                rounds[key].append(res)
        best = {key: max(rs, key=lambda x: x["rps"]) for key, rs in rounds.items()}
        sequential = {}
        for key, t, handler in runs:
            headers = {"x-haiku-handler": t.handler_header(handler)} if t.handler_origin else {}
            pids = t.pids()
            cpu_before = {p: cpu_ticks(p) for p in pids}
            pg_before = pg_ticks()
            latencies = []
            for _ in range(DB_SEQUENTIAL):
                t0 = time.perf_counter()
                status, _, _ = http_get(t.url(handler), headers, timeout=60)
                if status == 200:
                    latencies.append((time.perf_counter() - t0) * 1000)
            n = len(latencies) or 1
            latencies.sort()
            sequential[key] = {
                "requests": len(latencies), "failed": DB_SEQUENTIAL - len(latencies),
                "mean_ms": sum(latencies) / n, "p50_ms": latencies[len(latencies) // 2] if latencies else None,
                "p90_ms": latencies[int(len(latencies) * 0.9)] if latencies else None,
                "cpu_ms_per_req": sum(cpu_ticks(p) - cpu_before.get(p, 0) for p in pids) * 1000 / CLK_TCK / n,
                "db_cpu_ms_per_req": (pg_ticks() - pg_before) * 1000 / CLK_TCK / n}
            log(f"db one at a time {key}: mean {sequential[key]['mean_ms']:.2f} ms, p50 {sequential[key]['p50_ms']} ms, "
                f"cpu {sequential[key]['cpu_ms_per_req']:.3f} + PostgreSQL {sequential[key]['db_cpu_ms_per_req']:.3f} ms")
        return {"connections": DB_CONNECTIONS, "seconds": SECONDS, "pool": DB_POOL, "warmup_s": DB_WARMUP,
                "rounds": rounds, "best": best, "sequential": sequential, "unsupported": unsupported,
                "handlers": {key: handler for key, _, handler in runs}}

    def run_compute(self):
        for t in self.targets.values():
            if t.name != "pekko":
                status, body, _ = http_get(t.url("compute"), {"x-haiku-handler": t.handler_header("compute")} if
                                           t.handler_origin else {}, timeout=60)
                if status != 200 or len(body.strip()) != 64:
                    raise RuntimeError(f"compute on {t.name}: {status} {body[:200]}")
        return self.throughput("compute", "compute", RENGA_TARGETS + ["nodevm", "workerd"], COMPUTE_CONNECTIONS)

    def density_client(self, n, urls, header, wait_ms, rate, hold_ms=0):
        deadline = wait_ms + int(n / rate * 1000) + 60000
        # Every URL (gateway) gets the same number of client processes, so none holds more connections than it may.
        per_process = min(5000, -(-n // (len(urls) * max(1, -(-n // (len(urls) * 5000))))))
        argv = ["node", os.path.join(BENCH, "tools", "density-client.js"), "--n", str(n), "--url", ",".join(urls),
                "--rate", str(rate), "--deadline-ms", str(deadline), "--per-process", str(per_process)]
        if header:
            argv += ["--header", header]
        if hold_ms:
            argv += ["--hold-ms", str(hold_ms)]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True), deadline

    def density_step(self, target, n, urls, jvm_pid=None, wait_ms=DENSITY_WAIT_MS, rate=DENSITY_RATE,
                     handler="wait", hold_ms=0):
        header = f"x-haiku-handler: {target.handler_header(handler)}" if target.handler_origin else ""
        renga = target.renga
        pids = target.pids()
        cpu_before = {p: cpu_ticks(p) for p in pids}
        samples = {"rss": [], "inflight": []}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples["rss"].append(rss_mb(pids[-1]) or 0)
                if renga:
                    try:
                        samples["inflight"].append(renga.node_status()["inFlight"])
                    except Exception:
                        pass
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        contexts = ("renga_node_context_creation_seconds_count", None)
        contexts_before = renga.node_metrics().get(contexts, 0) if renga else 0
        client, deadline = self.density_client(n, urls, header, wait_ms, rate, hold_ms)
        t0 = time.time()
        ramp = n / rate
        # When the first answers come (s after the start): each request's own wait, or the moment all are released.
        answers_at = ramp + hold_ms / 1000 if hold_ms else wait_ms / 1000
        step = {"n": n, "wait_ms": wait_ms, "hold_ms": hold_ms, "rate_per_s": rate,
                "gateways": len(urls) if renga else None}
        try:
            # While every request is open and none has been answered yet: first the hello probe, then the heap. On
            # Renga, wait until every request the node took has its place to run and waits on its timer (a loaded
            # machine opens them slower than the client's pace, and the node runs a backlog of new requests after
            # accepting them), so the probe measures the waiting requests, not the opening of them.
            time.sleep(ramp + 0.5)
            if renga:
                waiting = min(n, renga.node_status()["capacity"])
                while time.time() - t0 < answers_at - 4:
                    try:
                        if renga.node_metrics().get(contexts, 0) - contexts_before >= waiting:
                            break
                    except Exception:
                        pass
                    time.sleep(0.25)
                step["all_waiting_s"] = round(time.time() - t0, 1)
            window = answers_at - (time.time() - t0) - 2
            probe_s = int(min(6, window))
            if probe_s >= 2:
                step["probe_started_s"] = round(time.time() - t0, 1)
                step["probe"] = measured(target, lambda: wrk(target, "hello", PROBE_CONNECTIONS, probe_s))
            if jvm_pid:
                step["heap_at_s"] = round(time.time() - t0, 1)
                step["heap_peak_mb"] = jvm_heap_mb(jvm_pid)
                jvm_gc(jvm_pid)
                step["heap_live_mb"] = jvm_heap_mb(jvm_pid)
                step["heap_done_s"] = round(time.time() - t0, 1)
            out, err = client.communicate(timeout=deadline / 1000 + 30)
        finally:
            if client.poll() is None:
                os.killpg(client.pid, signal.SIGKILL)
                client.wait()
            stop.set()
            sampler.join()
        line = [l for l in out.splitlines() if l.startswith("DENSITY_JSON ")]
        if not line:
            raise RuntimeError(f"density client printed no summary: {err[-500:]}")
        step.update(json.loads(line[0][len("DENSITY_JSON "):]))
        step["cpu_ms"] = sum(cpu_ticks(p) - cpu_before.get(p, 0) for p in pids) * 1000 / CLK_TCK
        step["rss_peak_mb"] = max(samples["rss"]) if samples["rss"] else None
        step["inflight_peak"] = max(samples["inflight"]) if samples["inflight"] else None
        step["all_answered"] = step["ok"] == n
        log(f"density {target.name} n={n}: ok {step['ok']}/{n} statuses {step['statuses']} errors {step['errors']} "
            f"heap peak {step.get('heap_peak_mb')} live {step.get('heap_live_mb')} MB rss {step['rss_peak_mb']} "
            f"probe p99 {step.get('probe', {}).get('p99_us', 0) / 1000:.1f} ms")
        return step

    def density_renga(self, name, steps, gateways_for):
        """Density steps on one Renga instance, with as many extra gateways as its biggest step needs."""
        r = self.rengas[name]
        extra = []
        try:
            for i in range(gateways_for(max(steps)) - 1):
                port, admin = free_port(), free_port()
                proc = self.start_gateway(f"gateway-{name}-{i + 2}", port, admin, free_port(), r.extra)
                extra.append((port, admin, proc))
            for port, admin, proc in extra:
                wait_until(lambda: http_get(f"http://127.0.0.1:{admin}/readyz", timeout=2)[0] == 200, 180,
                           f"gateway {port} of {name}", [proc])
            base = self.targets[name]
            target = Target(name, base.label, base.base, base.handler_origin,
                            lambda: [r.gateway.pid] + [p.pid for _, _, p in extra] + [r.node_pid()], renga=r)
            entry = {"baseline_probe": measured(target, lambda: wrk(target, "hello", PROBE_CONNECTIONS, 6)),
                     "steps": []}
            for n in steps:
                urls = [target.url("wait")] + [f"http://127.0.0.1:{port}/wait" for port, _, _ in extra][
                    :gateways_for(n) - 1]
                scope_step = n == DENSITY_SCOPE_STEP and r.isolation == "scope"
                # The big step holds every request until all of them are open (and the hold after).
                jvm = r.node_pid()
                if scope_step:
                    step = self.density_step(target, n, urls, jvm, DENSITY_SCOPE_WAIT_MS, DENSITY_SCOPE_RATE,
                                             "wait-long", DENSITY_SCOPE_HOLD_MS)
                else:
                    step = self.density_step(target, n, urls, jvm)
                step["node_pid_before"], step["node_pid_after"] = jvm, r.node_pid()
                entry["steps"].append(step)
                time.sleep(3)
            return entry
        finally:
            for _, _, proc in extra:
                self.procs.stop(proc)

    def run_density(self):
        result = {"wait_ms": DENSITY_WAIT_MS, "rate_per_s": DENSITY_RATE, "probe_connections": PROBE_CONNECTIONS,
                  "targets": {}}
        chosen = os.environ.get("BENCH_DENSITY_TARGETS", ",".join(RENGA_TARGETS + ["nodevm", "workerd"])).split(",")
        for name in RENGA_TARGETS:
            if name not in chosen:
                continue
            steps = list(DENSITY_STEPS)
            if self.rengas[name].isolation == "scope":
                steps.append(DENSITY_SCOPE_STEP)
                gateways_for = lambda n: max(2, -(-n // GATEWAY_CONNECTIONS))
            else:
                # A second gateway from 5,000 on, as before: no process holds more than 10,000 client connections.
                gateways_for = lambda n: 2 if n > 5000 else 1
            result["targets"][name] = self.density_renga(name, steps, gateways_for)
        for t in [self.targets[n] for n in ("nodevm", "workerd") if n in self.targets and n in chosen]:
            entry = {"baseline_probe": measured(t, lambda: wrk(t, "hello", PROBE_CONNECTIONS, 6)), "steps": []}
            done = set()
            for n in DENSITY_STEPS:
                cap = DENSITY_PEER_MAX.get(t.name)
                capped_from = None
                if cap and n > cap:
                    if cap in done:
                        entry["steps"].append({"n": n, "skipped": "a process may hold 20,000 file descriptors "
                                               f"here: {t.label} can hold about {cap:,} connections"})
                        continue
                    capped_from, n = n, cap
                done.add(n)
                entry["steps"].append(self.density_step(t, n, [t.url("wait")]))
                if capped_from:
                    entry["steps"][-1]["capped_from"] = capped_from
                time.sleep(3)
            result["targets"][t.name] = entry
        return result

    def start_cluster(self, name, nodes, props):
        """A fresh gateway and `nodes` launched nodes, as `bin/renga up` starts them, in a cluster of their own.
        Returns (Target, processes, seconds from the first start to every node routed)."""
        cluster, http, admin = free_port(), free_port(), free_port()
        extra = [f"-Drenga.cluster-name=renga-{name}-{os.getpid()}", f"-Drenga.seed-nodes=127.0.0.1:{cluster}",
                 "-Drenga.sandbox.network.allow-private=true"] + props + self.props
        t0 = time.time()
        procs = [self.procs.start(f"{name}-gateway", [os.path.join(ROOT, "bin", "renga"), "gateway"] + extra,
                                  env={"RENGA_PORT": str(cluster), "RENGA_HTTP_PORT": str(http),
                                       "RENGA_ADMIN_PORT": str(admin), "RENGA_PARENT_PID": str(os.getpid())})]
        for i in range(nodes):
            procs.append(self.procs.start(f"{name}-node-{i}", [os.path.join(ROOT, "bin", "renga"), "node"] + extra,
                                          env={"RENGA_PORT": "0", "RENGA_NODE_ADMIN_PORT": "0",
                                               "RENGA_PARENT_PID": str(os.getpid())}))

        def routed():
            nodes_json = json.loads(http_get(f"http://127.0.0.1:{admin}/admin/nodes", timeout=2)[1])
            return sum(1 for n in nodes_json["nodes"] if n.get("routed")) >= nodes

        # A launcher's first node warms up (renga.node.warm-up.budget, 120 s) before it joins.
        wait_until(routed, 400, f"the {name} cluster's {nodes} node(s) to be routed", procs)
        ready_s = time.time() - t0
        target = Target(name, f"Renga ({name})", f"http://127.0.0.1:{http}", self.origin, lambda: [])
        return target, procs, ready_s

    def stop_cluster(self, procs):
        for proc in reversed(procs):
            self.procs.stop(proc, grace=60)

    def run_cold_start(self):
        """`bin/renga up`'s shape (a gateway, two nodes, default quota): from the ready line, one request at a time,
        then hello in consecutive windows."""
        target, procs, ready_s = self.start_cluster("cold", 2, [])
        try:
            latencies = []
            for _ in range(20):
                t0 = time.perf_counter()
                status, _, _ = http_get(target.url("hello"), {"x-haiku-handler": f"{self.origin}/hello.js"})
                if status == 200:
                    latencies.append((time.perf_counter() - t0) * 1000)
            latencies.sort()
            windows = []
            # CPU per request in each window, the gateway apart from the nodes (launchers, serving and standby JVMs):
            # which side is still cold. Descendants that ended within a window (a recycled node) are not counted.
            gateway, nodes = procs[0].pid, [p.pid for p in procs[1:]]
            for i in range(max(1, COLD_START_S // COLD_START_WINDOW_S)):
                before = tree_snapshot(gateway, *nodes)
                res = wrk(target, "hello", CONNECTIONS, COLD_START_WINDOW_S)
                after = tree_snapshot(gateway, *nodes)
                rps = res["requests"] / (res["duration_us"] / 1e6)
                roles = node_roles(after)
                used = {}  # (part, all or compiling) -> ticks, per process alive across the whole window
                for pid, st in after.items():
                    if pid in before and before[pid]["start"] == st["start"]:
                        part = "gateway" if st["root"] == gateway else roles.get(pid, "launchers")
                        compiling = sum(t - before[pid]["compiling"].get(tid, 0) for tid, t in st["compiling"].items())
                        used[(part, "ticks")] = used.get((part, "ticks"), 0) + st["ticks"] - before[pid]["ticks"]
                        used[(part, "compiling")] = used.get((part, "compiling"), 0) + compiling
                per_req = lambda ticks: ticks * 1000 / CLK_TCK / res["requests"] if res["requests"] else None
                window = {"end_s": (i + 1) * COLD_START_WINDOW_S, "rps": rps,
                          "p99_us": res.get("p99_us"), "errors": res["status_errors"] + res["timeouts"],
                          "gateway_cpu_ms_per_req": per_req(used.get(("gateway", "ticks"), 0)),
                          "nodes_cpu_ms_per_req": per_req(sum(v for (part, kind), v in used.items()
                                                              if part != "gateway" and kind == "ticks"))}
                for part in ("gateway", "serving", "standby", "launchers"):
                    window[f"{part}_cpu_ms"] = per_req(used.get((part, "ticks"), 0))
                    window[f"{part}_compiling_ms"] = per_req(used.get((part, "compiling"), 0))
                windows.append(window)
                log(f"cold-start window {i + 1}: {rps:.0f} req/s, CPU per request (ms, of it compiling): "
                    + ", ".join(f"{part} {window[f'{part}_cpu_ms'] or 0:.2f} ({window[f'{part}_compiling_ms'] or 0:.2f})"
                                for part in ("gateway", "serving", "standby", "launchers")))
        finally:
            self.stop_cluster(procs)
        first30 = [w["rps"] for w in windows if w["end_s"] <= 30]
        steady = [w["rps"] for w in windows[-3:]]
        result = {"ready_s": round(ready_s, 1), "connections": CONNECTIONS, "window_s": COLD_START_WINDOW_S,
                  "windows": windows, "one_at_a_time_ms": latencies,
                  "one_at_a_time_p50_ms": latencies[len(latencies) // 2] if latencies else None,
                  "first_30s_rps": sum(first30) / len(first30) if first30 else None,
                  "steady_rps": sum(steady) / len(steady) if steady else None}
        if result["first_30s_rps"] and result["steady_rps"]:
            result["first_30s_share"] = result["first_30s_rps"] / result["steady_rps"]
        log(f"cold-start: ready after {ready_s:.0f} s, one at a time p50 {result['one_at_a_time_p50_ms']} ms, "
            f"first 30 s {result['first_30s_rps'] or 0:.0f} req/s, last 30 s {result['steady_rps'] or 0:.0f} req/s")
        return result

    def run_recycle(self):
        """hello on a node with a request quota (it recycles under the load) against one without, each on a fresh
        cluster of one gateway and one node, warmed and measured for the same time."""
        result = {"quota": RECYCLE_QUOTA, "warmup_s": RECYCLE_WARMUP_S, "seconds": RECYCLE_S,
                  "connections": CONNECTIONS}
        for key, quota in (("no_quota", 0), ("with_quota", RECYCLE_QUOTA)):
            target, procs, _ = self.start_cluster(f"recycle-{quota}", 1, [f"-Drenga.node.max-requests={quota}"])
            try:
                wrk(target, "hello", CONNECTIONS, RECYCLE_WARMUP_S)
                res = wrk(target, "hello", CONNECTIONS, RECYCLE_S)
                res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
                res["errors"] = (res["connect_errors"] + res["read_errors"] + res["write_errors"]
                                 + res["status_errors"] + res["timeouts"])
                log_text = open(os.path.join(self.run_dir, f"recycle-{quota}-node-0.log")).read()
                res["recycles"] = log_text.count("exited 0 after")
                result[key] = res
                log(f"recycle {key}: {res['rps']:.0f} req/s, p99 {res['p99_us'] / 1000:.1f} ms, "
                    f"{res['errors']} errors, {res['recycles']} recycles")
            finally:
                self.stop_cluster(procs)
        result["share"] = result["with_quota"]["rps"] / result["no_quota"]["rps"] if result["no_quota"]["rps"] else None
        return result

    def run_noisy_neighbour(self):
        renga = self.renga()
        result = {"connections": NOISY_CONNECTIONS, "seconds": SECONDS, "target": renga.name}
        pid_before = renga.renga.node_pid()
        wrk(renga, "hello", NOISY_CONNECTIONS, 3)
        result["alone"] = measured(renga, lambda: wrk(renga, "hello", NOISY_CONNECTIONS, SECONDS))
        attack_s = SECONDS + 8
        attackers = {  # handler: (connections, origin port), each attacker a tenant of its own
            "spin": 2, "membomb": 1, "redos": 2, "hang": 500}
        threads, outcomes = [], {}
        for name, conns in attackers.items():
            origin = f"http://127.0.0.1:{self.origin_ports[name]}"

            def attack(name=name, conns=conns, origin=origin):
                try:
                    outcomes[name] = wrk(renga, name, conns, attack_s, threads=1, timeout_s=120, origin=origin)
                    outcomes[name]["connections"] = conns
                except Exception as e:
                    outcomes[name] = {"error": str(e)}

            th = threading.Thread(target=attack, daemon=True)
            th.start()
            threads.append(th)
        time.sleep(5)
        result["attacked"] = measured(renga, lambda: wrk(renga, "hello", NOISY_CONNECTIONS, SECONDS))
        for th in threads:
            th.join(attack_s + 200)
        result["attackers"] = outcomes
        result["node_pid_before"], result["node_pid_after"] = pid_before, renga.renga.node_pid()
        result["node_restarted"] = pid_before != result["node_pid_after"]
        log(f"noisy-neighbour: alone p50 {result['alone']['p50_us'] / 1000:.1f} p99 {result['alone']['p99_us'] / 1000:.1f}"
            f" ms; attacked p50 {result['attacked']['p50_us'] / 1000:.1f} p99 {result['attacked']['p99_us'] / 1000:.1f}"
            f" ms; attackers {json.dumps(outcomes)[:400]}")
        return result

    def run_jmh(self):
        """The JMH module in bench/jmh (its own pom) on the node's class path, then memory per live context."""
        out = os.path.join(self.run_dir, "jmh")
        with open(os.path.join(self.run_dir, "jmh.log"), "w") as f:
            p = subprocess.run([os.path.join(BENCH, "jmh", "run"), out], stdout=f, stderr=subprocess.STDOUT,
                               timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"bench/jmh/run failed ({p.returncode}); see {os.path.relpath(f.name, ROOT)}")
        result = {"benchmarks": {}}
        with open(os.path.join(out, "jmh.json")) as f:
            for b in json.load(f):
                name = b["benchmark"].rsplit(".", 1)[1]
                m = b["primaryMetric"]
                result["benchmarks"][name] = {"mode": b["mode"], "score": m["score"], "error": m["scoreError"],
                                              "unit": m["scoreUnit"], "batch": b.get("measurementBatchSize", 1)}
        with open(os.path.join(out, "memory.json")) as f:
            result["memory"] = json.loads(f.read().strip() or "{}")
        log(f"jmh: {json.dumps(result)[:600]}")
        return result

    # ------------------------------------------------------------------ facts and main

    def facts(self):
        def cmd(argv):
            try:
                p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
                return (p.stdout + p.stderr).strip()
            except Exception as e:
                return f"unavailable ({e})"

        cpu = ""
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
        graal = ""
        node_log = os.path.join(self.run_dir, "node.log")
        if os.path.exists(node_log):
            with open(node_log) as f:
                m = re.search(r"GraalJS (.+?) on (.+?) \((.+?)\)", f.read())
                if m:
                    graal = {"version": m.group(1), "implementation": m.group(2), "java": m.group(3)}
        jars = os.listdir(os.path.join(ROOT, "gateway", "target", "lib"))
        pom = open(os.path.join(ROOT, "pom.xml")).read()
        m = re.search(r"<graaljs.version>(.+?)</graaljs.version>", pom)
        return {
            "cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": os.uname().release,
            "jdk": cmd([os.path.join(JAVA_HOME, "bin", "java"), "-version"]).splitlines()[1:2],
            "graaljs": graal, "graaljs_artifact": m.group(1) if m else None,
            "jit": bool(graal) and graal.get("implementation") != "Interpreted",
            "pekko": sorted(j for j in jars if j.startswith("pekko-actor_") or j.startswith("pekko-http_")),
            "node": cmd(["node", "--version"]), "workerd": cmd([WORKERD, "--version"]) if WORKERD else None,
            "wrk": cmd(["wrk", "--version"]).splitlines()[0] if shutil.which("wrk") else None,
            "renga_commit": cmd(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
            "renga_dirty": bool(cmd(["git", "-C", ROOT, "status", "--porcelain", "--", "core", "node", "gateway"])),
            "renga_props": self.renga_props(),
            "isolations": {n: r.extra for n, r in self.rengas.items()},
            "node_java_opts": os.environ.get("RENGA_NODE_JAVA_OPTS", "-Xms512m -Xmx2g"),
            "gateway_java_opts": os.environ.get("RENGA_GATEWAY_JAVA_OPTS", "-Xms256m -Xmx1g"),
            "knobs": {"seconds": SECONDS, "warmup": WARMUP, "rounds": ROUNDS, "connections": CONNECTIONS,
                      "compute_connections": COMPUTE_CONNECTIONS, "density_steps": DENSITY_STEPS,
                      "density_wait_ms": DENSITY_WAIT_MS, "density_rate": DENSITY_RATE},
        }

    def run(self):
        started = time.time()
        self.results["started"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        self.results["load_at_start"] = open("/proc/loadavg").read().split()[:3]
        self.prepare_handlers()
        self.start_origin()
        if self.pg:
            try:
                self.pg.start()
                log(f"PostgreSQL on 127.0.0.1:{self.pg.port}")
            except Exception as e:
                self.pg_error = f"PostgreSQL did not start: {e}"
                log(self.pg_error)
        # Scenarios that start clusters of their own run first, while no other JVM on the machine warms up (the
        # shared instances' standbys would: they took a quarter of a core each and halved a cold start's warm-up).
        own = [s for s in self.scenarios if s in OWN_CLUSTER_SCENARIOS]
        for scenario in own:
            self.run_scenario(scenario, started)
        shared = [s for s in self.scenarios if s not in OWN_CLUSTER_SCENARIOS]
        if shared:
            log("starting Renga (gateway + 1 node) and the peers...")
            self.start_peers()
            self.start_renga()
        self.results["facts"] = self.facts()
        if shared:
            log(f"ready after {time.time() - started:.0f} s; GraalJS {self.results['facts']['graaljs']}")
            self.warm_up()
            self.settle()
        for scenario in shared:
            self.run_scenario(scenario, started)
        self.results["wall_s"] = round(time.time() - started, 1)
        self.results["load_at_end"] = open("/proc/loadavg").read().split()[:3]
        self.save()

    def run_scenario(self, scenario, started):
        t0 = time.time()
        if t0 - started + USUAL_S[scenario] > BUDGET_S:
            log(f"--- {scenario}: skipped, the run is past its time budget ({BUDGET_S} s)")
            self.results["scenarios"][scenario] = {"failed": f"skipped: the run was past its time budget of "
                                                             f"{BUDGET_S} s"}
            return
        log(f"--- {scenario}")
        try:
            self.results["scenarios"][scenario] = getattr(self, "run_" + scenario.replace("-", "_"))()
        except Exception as e:
            log(f"{scenario} failed: {e}")
            self.results["scenarios"][scenario] = {"failed": str(e)}
        self.results["scenarios"][scenario]["wall_s"] = round(time.time() - t0, 1)
        self.save()

    def save(self):
        with open(os.path.join(self.run_dir, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1, sort_keys=True)


def main(argv):
    scenarios, props = [], []
    for a in argv:
        if a.startswith("-D"):
            props.append(a)
        elif a in ALL_SCENARIOS:
            scenarios.append(a)
        else:
            print(f"bench: unknown scenario '{a}' (known: {' '.join(ALL_SCENARIOS)})", file=sys.stderr)
            return 2
    full = not scenarios
    scenarios = [s for s in ALL_SCENARIOS if s in scenarios] if scenarios else ALL_SCENARIOS
    run_dir = os.path.join(ROOT, "run", "bench", time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(run_dir)
    log(f"scenarios: {' '.join(scenarios)}; logs and results in {os.path.relpath(run_dir, ROOT)}/")
    bench = Bench(scenarios, props, run_dir)

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        bench.run()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); stopping everything")
        return 130
    except Exception as e:
        log(f"failed: {e}")
        bench.results["failed"] = str(e)
        bench.save()
        return 1
    finally:
        bench.procs.stop_all()
    report = [sys.executable, os.path.join(BENCH, "report.py"), os.path.join(run_dir, "results.json"), run_dir]
    subprocess.run(report, check=True)
    if full or os.environ.get("BENCH_WRITE_DOCS") == "1":
        # A partial run replaces only its own scenarios in bench/results/latest.json; the others keep their figures.
        subprocess.run(report + (["--docs"] if full else ["--docs", "--merge"]), check=True)
        log("wrote docs/BENCHMARKS.md, docs/bench/*.png and bench/results/latest.json")
    else:
        log(f"a partial run: the report is in {os.path.relpath(run_dir, ROOT)}/BENCHMARKS.md "
            "(BENCH_WRITE_DOCS=1 writes docs/ too)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
