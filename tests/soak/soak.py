#!/usr/bin/env python3
"""h2serve under h2load for a long time, attacks mixed in (scripts/soak.sh). See that script."""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "attacks"))
import attack_cases as a  # noqa: E402
import attack_cases_2026 as b  # noqa: E402
from harness import Harness  # noqa: E402

# (name, h2load arguments, path): one load phase each, in turn.
LOADS = [("h2c small", ["-c", "16", "-m", "32"], "/small", False),
         ("h2c 1 MiB", ["-c", "4", "-m", "2"], "/1m.bin", False),
         ("TLS small", ["-c", "16", "-m", "32"], "/small", True),
         ("TLS 1 MiB", ["-c", "4", "-m", "2"], "/1m.bin", True)]
ATTACKS = [("PING flood", a.sec01_ping_flood_not_reading), ("rapid reset", a.sec04_rapid_reset),
           ("CONTINUATION flood", a.sec06_continuation_flood), ("HPACK bomb", a.sec12_hpack_bomb),
           ("pinned behind closed windows", b.pinned_behind_closed_windows),
           ("half-open TLS handshakes", b.tls_half_open_handshakes), ("data dribble", a.sec08_data_dribble)]


def open_fds(pid):
    """(sockets, other descriptors) open in `pid`."""
    d, sockets, other = "/proc/%d/fd" % pid, 0, 0
    for name in os.listdir(d):
        try:
            is_socket = os.readlink(os.path.join(d, name)).startswith("socket:")
        except FileNotFoundError:
            continue
        sockets, other = sockets + is_socket, other + (not is_socket)
    return sockets, other


def h2load(h, args, path, tls, seconds):
    port = h.tls_port if tls else h.port
    url = "%s://127.0.0.1:%d%s" % ("https" if tls else "http", port, path)
    out = subprocess.run(["h2load", *args, "-D", str(seconds), url], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", out)
    if not m:
        return 0, 1, "h2load printed no summary"
    done, failed, errored, timeout = (int(m.group(k)) for k in (1, 3, 4, 5))
    return done, failed + errored + timeout, ""


def run_attack(h, name, fn, results):
    try:
        fn(h, {"canary_started": time.monotonic()})
        results.append((name, "reaction as expected"))
    except AssertionError as e:
        results.append((name, "check failed: %s" % e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("--minutes", type=float, default=30)
    args = ap.parse_args()
    h = Harness(args.h2serve, False, ("--handshake-timeout", "2", "--stream-stall-timeout", "2",
                                      "--idle-timeout", "3", "--log-level", "error"), tls=True)
    h.shared = True  # the attacks' frame and request counts include the load's
    start, rss0, fds0 = time.monotonic(), h.rss_kib(), open_fds(h.pid)
    end = start + args.minutes * 60
    requests = errors = phases = 0
    attacks, attack_threads, notes = [], [], []
    next_attack = start + 60
    samples = []  # (minute, RSS MiB) after each load phase: flat once warm, or growing?
    try:
        while time.monotonic() < end:
            name, load_args, path, tls = LOADS[phases % len(LOADS)]
            if time.monotonic() >= next_attack:
                aname, fn = ATTACKS[len(attack_threads) % len(ATTACKS)]
                t = threading.Thread(target=run_attack, args=(h, aname, fn, attacks))
                t.start()
                attack_threads.append(t)
                next_attack += 180
            seconds = max(1, min(15, int(end - time.monotonic())))
            done, bad, note = h2load(h, load_args, path, tls, seconds)
            requests, errors, phases = requests + done, errors + bad, phases + 1
            samples.append(((time.monotonic() - start) / 60, h.rss_kib() / 1024))
            if bad:
                notes.append("%s: %d errors %s" % (name, bad, note))
            if not h.alive():
                notes.append("h2serve died")
                break
        for t in attack_threads:
            t.join()
        time.sleep(4)  # the attack connections' deadlines pass
        rss1, fds1 = h.rss_kib(), open_fds(h.pid)
    finally:
        h.stop()
    lines = ["# Soak: %.0f min, %d load phases (h2c and TLS, small and 1 MiB), %d attacks mixed in"
             % (args.minutes, phases, len(attacks)), "",
             "| | start | end |", "|---|---|---|",
             "| h2serve RSS | %.1f MiB | %.1f MiB |" % (rss0 / 1024, rss1 / 1024),
             "| open sockets | %d | %d |" % (fds0[0], fds1[0]),
             "| other file descriptors (files cached per worker) | %d | %d |" % (fds0[1], fds1[1]), "",
             "requests: %d, errors: %d" % (requests, errors), "",
             "RSS (MiB) by minute, after each load phase: " + ", ".join(
                 "%.0f: %.1f" % m for m in samples[::max(1, len(samples) // 12)]), ""]
    lines += ["- attack %s: %s" % r for r in attacks] + ["- " + n for n in notes]
    report = "\n".join(lines)
    print(report)
    os.makedirs("build/soak", exist_ok=True)
    with open("build/soak/report.md", "w") as f:
        f.write(report + "\n")
    return 0 if errors == 0 and all(r[1] == "reaction as expected" for r in attacks) else 1


if __name__ == "__main__":
    sys.exit(main())
