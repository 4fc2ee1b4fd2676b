#!/usr/bin/env python3
"""Side-by-side benchmark: h2serve, h2o and nghttpd on the same machine, files and load.

    bench/servers.py --h2serve build/tools/h2serve [--duration 10] [--rounds 3] [--out DIR]

Each server gets one worker thread and is pinned to CPU 0 (taskset); h2load runs on CPU 1.
Workloads (h2c with prior knowledge unless marked TLS), run in interleaved rounds across the
servers; medians and min-max are reported:

    A  13-octet file, h2load -c 16 -m 32        B  same file, -c 100 -m 100
    C  16 KiB file, -c 16 -m 16                 D  10 MiB file, -c 4 -m 1
    E  13-octet file, -c 200 -m 1 -n 200000     A-TLS, D-TLS: A and D over TLS (ALPN h2)
    F  VmRSS idle and with 1,000 idle HTTP/2 connections (per connection: the difference / 1000),
       then with 1,000 connections each holding one open stream (a 10 MiB GET behind a zero window)

Floors (issue 13): for C and D, the CPU bench/floor.cpp spends pushing the same bytes through a
loopback socket with nothing else (one write(2) of 16 KiB; one sendfile(2) of the 10 MiB file),
run twice in every round beside the servers; the least of the runs is the floor, printed beside
h2serve's figure as "h2serve at Nx the floor" (with the median of the runs).

and, for A, user-space instructions per request under callgrind (warm-up 2,000 requests, zero
the counters, 20,000 requests, dump), which is repeatable whatever else the machine does.

The main figure is server CPU time per request: utime+stime of the server process (/proc) over
the run, divided by the requests h2load completed. A figure is only reported when h2load saw
no failed or errored request. Output (DIR defaults to build/bench): DIR/servers.md (also printed) and DIR/cpu-per-request.png
(gnuplot). Not part of CI; nothing here asserts on timings.
"""
import argparse
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SERVERS = ["h2serve", "h2o", "nghttpd"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Workload:
    def __init__(self, name, path, args, tls=False, fixed_count=None):
        self.name, self.path, self.args, self.tls, self.fixed_count = name, path, args, tls, fixed_count


WORKLOADS = [
    Workload("A", "/a.txt", ["-c", "16", "-m", "32"]),
    Workload("B", "/a.txt", ["-c", "100", "-m", "100"]),
    Workload("C", "/16k.bin", ["-c", "16", "-m", "16"]),
    Workload("D", "/10m.bin", ["-c", "4", "-m", "1"]),
    Workload("E", "/a.txt", ["-c", "200", "-m", "1"], fixed_count=200000),
    Workload("A-TLS", "/a.txt", ["-c", "16", "-m", "32"], tls=True),
    Workload("D-TLS", "/10m.bin", ["-c", "4", "-m", "1"], tls=True),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not listen on %d" % port)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def core_times():
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            m = re.match(r"cpu(\d+) (.*)", line)
            if m:
                v = [int(x) for x in m.group(2).split()]
                out[int(m.group(1))] = (sum(v), v[3] + v[4])  # total, idle + iowait
    return out


def busy_percent(before, after):
    res = {}
    for cpu in (0, 1):
        if cpu in before and cpu in after:
            total = after[cpu][0] - before[cpu][0]
            idle = after[cpu][1] - before[cpu][1]
            res[cpu] = 100.0 * (total - idle) / total if total else 0.0
    return res


class Server:
    """One server process, pinned to CPU 0, cleartext and TLS ports."""

    def __init__(self, kind, binary, root, cert, key, workdir, under_callgrind=None):
        self.kind, self.port, self.tls_port = kind, free_port(), free_port()
        self.procs = []
        pin = ["taskset", "-c", "0"]
        vg = []
        if under_callgrind:
            vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + under_callgrind]
        if kind == "h2serve":
            cmd = [binary, "--root", root, "--host", "127.0.0.1", "--port", str(self.port), "--threads", "1",
                   "--log-level", "error", "--max-concurrent-streams", "100"]
            if not under_callgrind:
                cmd += ["--tls-port", str(self.tls_port), "--cert", cert, "--key", key]
            self.procs.append(subprocess.Popen(pin + vg + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        elif kind == "h2o":
            conf = os.path.join(workdir, "h2o-%d.conf" % self.port)
            with open(conf, "w") as f:
                f.write("num-threads: 1\n")
                if os.geteuid() == 0:
                    f.write("user: root\n")
                f.write("listen:\n  host: 127.0.0.1\n  port: %d\n" % self.port)
                if not under_callgrind:
                    f.write("listen:\n  host: 127.0.0.1\n  port: %d\n  ssl:\n    certificate-file: %s\n"
                            "    key-file: %s\n" % (self.tls_port, cert, key))
                f.write("hosts:\n  default:\n    paths:\n      /:\n        file.dir: %s\n" % root)
            self.procs.append(subprocess.Popen(pin + vg + ["h2o", "-c", conf], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
        else:  # nghttpd: one process per port
            self.procs.append(subprocess.Popen(pin + vg + ["nghttpd", "--no-tls", "-n", "1", "-d", root, str(self.port)],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            if not under_callgrind:
                self.tls_proc = subprocess.Popen(pin + ["nghttpd", "-n", "1", "-d", root, str(self.tls_port), key, cert],
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.procs.append(self.tls_proc)
        wait_for_port(self.port, self.procs[0], 120 if under_callgrind else 30)
        if not under_callgrind:
            wait_for_port(self.tls_port, self.procs[-1])

    def pid(self, tls):
        return (self.procs[-1] if tls else self.procs[0]).pid

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def parse_h2load(text):
    r = {}
    m = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s, ([\d.]+)([KMG]?B)/s", text)
    if m:
        scale = {"B": 1e-6, "KB": 1e-3, "MB": 1.0, "GB": 1e3}[m.group(4)]
        r["seconds"], r["rps"], r["mbps"] = float(m.group(1)), float(m.group(2)), float(m.group(3)) * scale
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text)
    if m:
        r["done"], r["succeeded"], r["failed"], r["errored"] = (int(m.group(i)) for i in (3, 4, 5, 6))
    return r


def h2load(url, args, duration=None, count=None):
    cmd = ["taskset", "-c", "1", "h2load"] + args
    if count:
        cmd += ["-n", str(count)]
    else:
        cmd += ["-D", str(duration)]
    cmd.append(url)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=(duration or 0) + 600)
    return parse_h2load(p.stdout), p.stdout


def run_one(server, w, duration):
    pid = server.pid(w.tls)
    url = "%s://127.0.0.1:%d%s" % ("https" if w.tls else "http", server.tls_port if w.tls else server.port, w.path)
    cpu0, cores0 = cpu_seconds(pid), core_times()
    r, raw = h2load(url, w.args, duration=duration, count=w.fixed_count)
    cpu1, cores1 = cpu_seconds(pid), core_times()
    if "succeeded" not in r or r["failed"] or r["errored"] or r["succeeded"] == 0:
        return {"error": raw.strip().splitlines()[-6:] if raw else ["h2load printed nothing"]}
    r["cpu_us"] = 1e6 * (cpu1 - cpu0) / r["succeeded"]
    r["busy"] = busy_percent(cores0, cores1)
    return r


# A GET of /10m.bin on stream 1 (HEADERS, END_STREAM | END_HEADERS): :method GET, :scheme http,
# :path and :authority as literals without indexing.
OPEN_STREAM = (bytes([0, 0, 23, 1, 5, 0, 0, 0, 1, 0x82, 0x86, 0x04, 8]) + b"/10m.bin" + bytes([0x01, 9]) + b"127.0.0.1")


def idle_connections(port, n, open_stream=False):
    """n HTTP/2 connections that send the preface and SETTINGS, then stay idle; with
    open_stream, each asks for /10m.bin with a zero window (SETTINGS_INITIAL_WINDOW_SIZE 0), so
    one stream stays open with its response held back."""
    socks = []
    settings = bytes([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0]) if open_stream else bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + settings + (OPEN_STREAM if open_stream else b"")
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(preface)
        socks.append(s)
    time.sleep(1.0)
    ack = bytes([0, 0, 0, 4, 1, 0, 0, 0, 0])
    for s in socks:  # acknowledge the server's SETTINGS (read what it sent)
        s.setblocking(False)
        try:
            s.recv(65536)
        except OSError:
            pass
        try:
            s.sendall(ack)
        except OSError:
            pass
    time.sleep(1.0)
    return socks


def measure_memory(start):
    """F: start(kind) gives a fresh server; each figure is measured on a process of its own,
    since memory freed by one phase stays in the process and the next phase would reuse it
    (measured after the idle phase, the open-stream phase looked cheaper than idle)."""
    res = {}
    for name in SERVERS:
        out = {}
        for key_, open_stream in (("per_conn_kib", False), ("per_stream_conn_kib", True)):
            srv = start(name)
            try:
                pid = srv.pid(False)
                idle = rss_kib(pid)
                out.setdefault("idle_kib", idle)
                socks = idle_connections(srv.port, 1000, open_stream=open_stream)
                out[key_] = (rss_kib(pid) - idle) / 1000.0
                for s in socks:
                    s.close()
            finally:
                srv.stop()
        res[name] = out
    return res


def build_floor(work):
    """bench/floor.cpp, built once; returns (binary, error)."""
    binary = os.path.join(work, "floor")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "floor.cpp")
    r = subprocess.run(["g++", "-O2", "-std=c++20", "-pthread", "-o", binary, src], capture_output=True, text=True)
    if r.returncode != 0:
        return None, "floor.cpp did not build: " + r.stderr[-300:]
    return binary, ""


FLOOR_ARGS = {"C": lambda root: ["write", str(16 << 10), "200000"],
              "D": lambda root: ["sendfile", os.path.join(root, "10m.bin"), "200"]}


def floor_once(binary, name, root):
    """The CPU a minimal program spends on C's or D's bytes alone (bench/floor.cpp): one
    write(2) of 16 KiB from memory, or one sendfile(2) of the 10 MiB file, through loopback,
    in microseconds per request. Run in every round beside the servers: this machine's kernel
    costs move by 2x from one minute to the next, and the floor is the least of its runs."""
    r = subprocess.run([binary, *FLOOR_ARGS[name](root)], capture_output=True, text=True, check=True)
    return float(r.stdout)


def callgrind_instructions(kind, binary, root, cert, key, workdir):
    out = os.path.join(workdir, "callgrind.%s.out" % kind)
    srv = Server(kind, binary, root, cert, key, workdir, under_callgrind=out)
    try:
        url = "http://127.0.0.1:%d/a.txt" % srv.port
        warm, raw = h2load(url, ["-c", "16", "-m", "32"], count=2000)
        if warm.get("succeeded") != 2000:
            return None, "warm-up failed: %s" % raw[-300:]
        pid = srv.procs[0].pid
        subprocess.run(["callgrind_control", "-z", str(pid)], capture_output=True, timeout=120)
        r, raw = h2load(url, ["-c", "16", "-m", "32"], count=20000)
        if r.get("succeeded") != 20000:
            return None, "run failed: %s" % raw[-300:]
        for f in os.listdir(workdir):
            if f.startswith("callgrind.%s.out" % kind):
                os.remove(os.path.join(workdir, f))
        subprocess.run(["callgrind_control", "-d", str(pid)], capture_output=True, timeout=120)
        time.sleep(1)
        total = 0
        for f in os.listdir(workdir):
            if f.startswith("callgrind.%s.out" % kind):
                with open(os.path.join(workdir, f)) as fh:
                    for line in fh:
                        m = re.match(r"(summary|totals): (\d+)", line)
                        if m:
                            total = max(total, int(m.group(2)))
        return total / 20000.0, None
    finally:
        srv.stop()


def fmt(v, digits=2):
    return "-" if v is None else ("%.*f" % (digits, v))


def med(values):
    return statistics.median(values) if values else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS))
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--callgrind-only", action="store_true",
                    help="only the instructions per request of A (to judge an optimisation)")
    ap.add_argument("--servers", default=",".join(SERVERS), help="for --callgrind-only: which servers")
    a = ap.parse_args()
    chosen = [w for w in WORKLOADS if w.name in a.workloads.split(",")]
    os.makedirs(a.out, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))

    work = tempfile.mkdtemp(prefix="libh2-bench-")
    root = os.path.join(work, "root")
    os.makedirs(root)
    with open(os.path.join(root, "a.txt"), "wb") as f:
        f.write(b"hello, world\n")  # 13 octets
    with open(os.path.join(root, "16k.bin"), "wb") as f:
        f.write(os.urandom(16 << 10))
    with open(os.path.join(root, "10m.bin"), "wb") as f:
        f.write(os.urandom(10 << 20))
    os.chmod(work, 0o755)
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"], check=True, capture_output=True)
    versions = {
        "h2o": subprocess.run(["h2o", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        "nghttpd": subprocess.run(["nghttpd", "--version"], capture_output=True, text=True).stdout.strip(),
        "h2load": subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout.strip(),
    }
    if a.callgrind_only:
        for s in a.servers.split(","):
            v, err = callgrind_instructions(s, a.h2serve, root, cert, key, work)
            print("callgrind A %-8s %s instructions/request%s" % (s, fmt(v, 0), " (%s)" % err if err else ""))
        shutil.rmtree(work, ignore_errors=True)
        return 0
    results = {w.name: {s: [] for s in SERVERS} for w in chosen}
    errors = []
    servers = {}
    floor = {}  # workload -> the floor's runs
    try:
        floor_binary, floor_error = build_floor(work)
        if floor_error:
            errors.append(floor_error)
        memory = measure_memory(lambda kind: Server(kind, a.h2serve, root, cert, key, work))
        servers = {s: Server(s, a.h2serve, root, cert, key, work) for s in SERVERS}
        for rnd in range(a.rounds):
            for w in chosen:
                if floor_binary and w.name in FLOOR_ARGS:
                    floor.setdefault(w.name, []).extend(floor_once(floor_binary, w.name, root) for _ in range(2))
                for s in SERVERS:
                    r = run_one(servers[s], w, a.duration)
                    if "error" in r:
                        errors.append("round %d %s %s: %s" % (rnd + 1, w.name, s, " | ".join(r["error"])))
                    else:
                        results[w.name][s].append(r)
                    print("round %d %-6s %-8s %s" % (rnd + 1, w.name, s,
                          "ERROR" if "error" in r else "%.0f req/s, %.2f us CPU/req, busy %s" % (
                              r["rps"], r["cpu_us"], " ".join("cpu%d %.0f%%" % kv for kv in sorted(r["busy"].items())))),
                          flush=True)
    finally:
        for srv in servers.values():
            srv.stop()

    instr = {}
    if not a.no_callgrind and "A" in [w.name for w in chosen]:
        for s in SERVERS:
            v, err = callgrind_instructions(s, a.h2serve, root, cert, key, work)
            instr[s] = v
            if err:
                errors.append("callgrind %s: %s" % (s, err))
            print("callgrind A %-8s %s instructions/request" % (s, fmt(v, 0)), flush=True)

    lines = ["# h2serve vs h2o vs nghttpd", "",
             "Run on %s, %d cores; %d round(s) of %d s per workload; servers on CPU 0 with one worker, "
             "h2load on CPU 1. %s; %s; %s." % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), a.rounds, a.duration,
                                               versions["h2o"], versions["nghttpd"], versions["h2load"]), "",
             "Median (min-max) over the rounds. CPU/req = server utime+stime / requests completed.", "",
             "| workload | figure | h2serve | h2o | nghttpd | h2serve/h2o | h2serve/nghttpd |",
             "|---|---|---|---|---|---|---|"]
    chart = []
    for w in chosen:
        rows = [("req/s", "rps", 0), ("MB/s", "mbps", 1), ("CPU us/req", "cpu_us", 2)]
        for label, key_, digits in rows:
            cells, meds = [], {}
            for s in SERVERS:
                vals = [r[key_] for r in results[w.name][s]]
                meds[s] = med(vals)
                cells.append("%s (%s-%s)" % (fmt(meds[s], digits), fmt(min(vals), digits), fmt(max(vals), digits))
                             if vals else "failed")
            ratio = lambda o: fmt(meds["h2serve"] / meds[o], 2) if meds["h2serve"] and meds[o] else "-"
            lines.append("| %s | %s | %s | %s | %s |" % (w.name, label, " | ".join(cells), ratio("h2o"), ratio("nghttpd")))
            if key_ == "cpu_us":
                chart.append((w.name, [meds[s] for s in SERVERS]))
        busy = []
        for s in SERVERS:
            b = [r["busy"] for r in results[w.name][s]]
            if b:
                busy.append("%s cpu0 %.0f%% cpu1 %.0f%%" % (s, med([x.get(0, 0) for x in b]), med([x.get(1, 0) for x in b])))
        lines.append("| %s | cores busy | %s | | | | |" % (w.name, "; ".join(busy)))
        if w.name in floor and results[w.name]["h2serve"]:
            h2serve_cpu = med([r["cpu_us"] for r in results[w.name]["h2serve"]])
            what = "one write(2) of 16 KiB" if w.name == "C" else "one sendfile(2) of the 10 MiB file"
            least = min(floor[w.name])
            lines.append("| %s | floor: CPU us/req of %s, no HTTP/2 (least of %d runs; median %s) | %s | | | "
                         "h2serve at %sx the floor | |" % (w.name, what, len(floor[w.name]), fmt(med(floor[w.name]), 2),
                                                          fmt(least, 2), fmt(h2serve_cpu / least, 2)))
    if instr:
        ratio = lambda o: fmt(instr["h2serve"] / instr[o], 2) if instr.get("h2serve") and instr.get(o) else "-"
        lines.append("| A | instructions/req (callgrind) | %s | %s | %s | %s | %s |" % (
            fmt(instr.get("h2serve"), 0), fmt(instr.get("h2o"), 0), fmt(instr.get("nghttpd"), 0), ratio("h2o"), ratio("nghttpd")))
    for key_, label in (("idle_kib", "F: VmRSS idle (KiB)"), ("per_conn_kib", "F: KiB per idle HTTP/2 connection"),
                        ("per_stream_conn_kib", "F: KiB per connection with one open stream (zero window)")):
        vals = [memory[s][key_] for s in SERVERS]
        ratio = lambda i: fmt(vals[0] / vals[i], 2) if vals[i] else "-"
        lines.append("| F | %s | %s | %s | %s |" % (label, " | ".join(fmt(v, 1) for v in vals), ratio(1), ratio(2)))
    if errors:
        lines += ["", "Not reported (failed or errored requests, or a run that did not finish):", ""]
        lines += ["- " + e for e in errors]
    table = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "servers.md"), "w") as f:
        f.write(table)
    print()
    print(table)

    if chart and shutil.which("gnuplot"):
        data = os.path.join(work, "chart.dat")
        with open(data, "w") as f:
            f.write("workload h2serve h2o nghttpd\n")
            for name, vals in chart:
                f.write("%s %s\n" % (name, " ".join("%.3f" % (v or 0) for v in vals)))
        png = os.path.abspath(os.path.join(a.out, "cpu-per-request.png"))
        script = ("set terminal pngcairo size 900,500 noenhanced\nset output '%s'\n"
                  "set title 'Server CPU time per request (us, lower is better)'\nset style data histograms\n"
                  "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\nset logscale y\n"
                  "set ylabel 'us per request (log scale)'\nset key top left\n"
                  "plot '%s' using 2:xtic(1) title columnheader(2), '' using 3 title columnheader(3), "
                  "'' using 4 title columnheader(4)\n" % (png, data))
        subprocess.run(["gnuplot"], input=script, text=True, check=False)
        print("chart:", png)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
