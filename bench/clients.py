#!/usr/bin/env python3
"""h2get's load mode beside h2load (nghttp2), against the same h2serve, on the same machine:
the server on CPU 0, the client on CPU 1 (taskset). For small responses (-c 16 -m 32), client
CPU time per request (utime+stime of the client process, from wait4); for a 10 MiB file,
MB/s. Rounds are interleaved; medians are reported. Writes build/bench/clients.md.

    bench/clients.py --h2serve build/tools/h2serve --h2get build/tools/h2get [--rounds 3]
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_client(cmd):
    """Runs a client pinned to CPU 1; returns (seconds of CPU, wall seconds, stdout)."""
    start = time.time()
    p = subprocess.Popen(["taskset", "-c", "1"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("%s failed (%d): %s %s" % (cmd[0], p.returncode, out, p.stderr.read()))
    return usage.ru_utime + usage.ru_stime, time.time() - start, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("--h2get", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--out", default="build/bench")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="bench-clients-")
    with open(os.path.join(root, "small.txt"), "w") as f:
        f.write("hello, world\n")
    with open(os.path.join(root, "10m.bin"), "wb") as f:
        f.write(os.urandom(10 << 20))
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", "0", a.h2serve, "--root", root, "--host", "127.0.0.1", "--port",
                               str(port), "--threads", "1", "--log-level", "error"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    small = "http://127.0.0.1:%d/small.txt" % port
    big = "http://127.0.0.1:%d/10m.bin" % port
    n = a.requests
    cases = {
        ("small", "h2load"): ["h2load", "-n", str(n), "-c", "16", "-m", "32", small],
        ("small", "h2get"): [a.h2get, "--h2c", "-n", str(n), "-c", "16", "-m", "32", small],
        ("10 MiB", "h2load"): ["h2load", "-n", "100", "-c", "1", "-m", "1", big],
        ("10 MiB", "h2get"): [a.h2get, "--h2c", "-n", "100", "-c", "1", "-m", "1", big],
    }
    results = {k: [] for k in cases}
    try:
        for _ in range(a.rounds):
            for key, cmd in cases.items():
                cpu, wall, _ = run_client(cmd)
                results[key].append((cpu, wall))
    finally:
        server.terminate()
        server.wait()
    lines = ["# h2get beside h2load", "",
             "Against one h2serve (one thread, CPU 0), clients on CPU 1; medians of %d rounds. "
             "Small: %d requests of a 13-octet file, -c 16 -m 32; 10 MiB: 100 requests, -c 1 -m 1." % (a.rounds, n), "",
             "| workload | figure | h2get | h2load | h2get/h2load |", "|---|---|---|---|---|"]
    for w, count, size in (("small", n, 13), ("10 MiB", 100, 10 << 20)):
        g = statistics.median(c for c, _ in results[(w, "h2get")]) / count * 1e6
        l = statistics.median(c for c, _ in results[(w, "h2load")]) / count * 1e6
        lines.append("| %s | client CPU us/request | %.2f | %.2f | %.2f |" % (w, g, l, g / l))
        gw = statistics.median(t for _, t in results[(w, "h2get")])
        lw = statistics.median(t for _, t in results[(w, "h2load")])
        if w == "small":
            lines.append("| %s | requests/s | %.0f | %.0f | %.2f |" % (w, count / gw, count / lw, lw / gw))
        else:
            lines.append("| %s | MB/s | %.0f | %.0f | %.2f |" % (w, count * size / gw / 1e6, count * size / lw / 1e6, lw / gw))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "clients.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
