#!/usr/bin/env python3
"""Rolling restart of two h2serve behind HAProxy under h2load (scripts/rolling.sh)."""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from interop import make_root  # noqa: E402

HAPROXY = """global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
  retry-on conn-failure empty-response response-timeout
frontend fe
  bind 127.0.0.1:{front} proto h2
  default_backend be
backend be
  balance roundrobin
  server s1 127.0.0.1:{p1} proto h2 check inter 200ms fall 1 rise 1
  server s2 127.0.0.1:{p2} proto h2 check inter 200ms fall 1 rise 1
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_backend(h2serve, root, port):
    p = subprocess.Popen([h2serve, "--root", root, "--host", "127.0.0.1", "--port", str(port), "--threads", "1",
                          "--log-level", "error"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if "listening" not in line:
        raise SystemExit("h2serve did not start on %d: %r" % (port, line))
    return p


def restart(h2serve, root, port, old):
    """The new process first (same port, SO_REUSEPORT), then SIGTERM to the old one; returns the
    new process and how long the old one took to drain."""
    new = start_backend(h2serve, root, port)
    t = time.monotonic()
    old.send_signal(signal.SIGTERM)
    old.wait(timeout=30)
    return new, time.monotonic() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("--seconds", type=int, default=40)
    args = ap.parse_args()
    root = make_root()
    with open(os.path.join(root, "small"), "w") as f:
        f.write("hello, rolling")
    front, p1, p2 = free_port(), free_port(), free_port()
    conf = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
    conf.write(HAPROXY.format(front=front, p1=p1, p2=p2))
    conf.close()
    backends = {p1: start_backend(args.h2serve, root, p1), p2: start_backend(args.h2serve, root, p2)}
    haproxy = subprocess.Popen(["haproxy", "-f", conf.name, "-db"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1)
    load = subprocess.Popen(["h2load", "-c", "8", "-m", "10", "-D", str(args.seconds),
                             "http://127.0.0.1:%d/small" % front], stdout=subprocess.PIPE, text=True)
    drains = []
    try:
        for k, port in enumerate((p1, p2)):
            time.sleep(args.seconds / 4)
            backends[port], took = restart(args.h2serve, root, port, backends[port])
            drains.append("backend %d restarted (old one drained in %.2f s)" % (k + 1, took))
            print(drains[-1], flush=True)
        out = load.communicate(timeout=args.seconds + 60)[0]
    finally:
        for p in [load, haproxy, *backends.values()]:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)
        os.unlink(conf.name)
        shutil.rmtree(root, ignore_errors=True)
    m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", out)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if not m or not codes:
        print(out)
        return 1
    done, failed = int(m.group(1)), int(m.group(3)) + int(m.group(4)) + int(m.group(5))
    non_2xx = sum(int(codes.group(k)) for k in (2, 3, 4))
    print("rolling restart through HAProxy: %d requests done, %d failed or errored, %d not 2xx"
          % (done, failed, non_2xx))
    return 0 if failed == 0 and non_2xx == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
