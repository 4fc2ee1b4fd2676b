"""The socket attack suite's harness: an h2serve of its own per case, a canary, and the server's
memory, file descriptors and metrics before and after.

The canary is SECURITY-PLAN §0.4's: `h2load -c 2 -m 1 --rps 25` for small files on another
connection while the attack runs. It passes when every request succeeded with a 2xx and its p99
latency stayed within max(3 x the baseline measured just before, a floor).
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from interop import Server, check, make_root, rss_kib  # noqa: E402


def socket_count(pid):
    """Open sockets (each worker's file cache keeps its own file descriptors: not counted)."""
    d = "/proc/%d/fd" % pid
    count = 0
    for name in os.listdir(d):
        try:
            count += os.readlink(os.path.join(d, name)).startswith("socket:")
        except FileNotFoundError:
            pass
    return count


class Canary:
    """h2load at a steady rate for `seconds`, in a thread; `result()` waits and returns
    (requests done, failures, p99 in ms)."""

    def __init__(self, port, seconds):
        self.log = tempfile.NamedTemporaryFile(prefix="canary-", suffix=".log", delete=False).name
        cmd = ["h2load", "-c", "2", "-m", "1", "--rps", "25", "-D", str(seconds), "--log-file", self.log,
               "http://127.0.0.1:%d/small" % port]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.out = ""
        self.done = None
        self.thread = threading.Thread(target=self._wait)
        self.thread.start()

    def _wait(self):
        self.out = self.proc.communicate(timeout=120)[0]

    def result(self):
        self.thread.join()
        m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                      r"(\d+) errored, (\d+) timeout", self.out)
        check(m is not None, "h2load printed no summary: %s" % self.out[-500:])
        done, succeeded = int(m.group(2)), int(m.group(3))
        codes = re.search(r"status codes: (\d+) 2xx", self.out)
        latencies = []
        with open(self.log) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    latencies.append(int(parts[2]) / 1000.0)
        os.unlink(self.log)
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("inf")
        two_xx = int(codes.group(1)) if codes else 0
        return done, done - min(succeeded, two_xx), p99


class Harness:
    """One h2serve with a docroot holding `small` (13 octets), 64k.bin and 1m.bin."""

    def __init__(self, h2serve, sanitized, flags=(), tls=False, prefix=()):
        self.sanitized = sanitized
        if sanitized:  # ASan keeps freed memory in quarantine: keep it small, or RSS means nothing
            os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8"
        self.root = make_root()
        with open(os.path.join(self.root, "small"), "w") as f:
            f.write("hello, canary")
        with open(os.path.join(self.root, "64k.bin"), "wb") as f:
            f.write(os.urandom(64 << 10))
        self.server = Server(h2serve, self.root, "--metrics-path", "/metrics", *flags, tls=tls, prefix=prefix)
        self.log = []  # what h2serve writes, read all along (a full pipe would block it)
        for pipe in (self.server.proc.stdout, self.server.proc.stderr):
            threading.Thread(target=lambda p=pipe: self.log.extend(p), daemon=True).start()
        self.port = self.server.port
        self.pid = self.server.proc.pid
        self.tls_port = int(self.server.tls_url.rsplit(":", 1)[1]) if tls else None

    def metrics(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.port, timeout=10) as r:
            text = r.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def metric(self, name):
        return self.metrics().get(name, 0.0)

    def rss_kib(self):
        return rss_kib(self.pid)

    def sockets(self):
        return socket_count(self.pid)

    def alive(self):
        return self.server.proc.poll() is None

    def stop(self):
        self.server.stop()


class Case:
    """What one attack needs: its function, how long the canary runs beside it, the memory it may
    add to the server, and the h2serve flags it runs with."""

    def __init__(self, fn, seconds=2, rss_mib=16, flags=(), tls=False, prefix=(), sanitizers=True):
        self.fn, self.seconds, self.rss_mib, self.flags, self.tls = fn, seconds, rss_mib, flags, tls
        self.sanitizers = sanitizers  # False: not run under sanitizers (reported as skipped)
        self.prefix = prefix  # a command h2serve runs under (prlimit)


def run_case(case, h2serve, sanitized):
    h = Harness(h2serve, sanitized, case.flags, case.tls, case.prefix)
    try:
        base_done, base_failed, base_p99 = Canary(h.port, 1).result()
        check(base_failed == 0 and base_done > 0, "the canary failed before the attack")
        time.sleep(0.2)
        sockets0, rss0 = h.sockets(), h.rss_kib()
        canary = Canary(h.port, case.seconds)
        started = time.monotonic()
        ctx = {"canary_started": started}
        case.fn(h, ctx)
        peak = max(h.rss_kib(), ctx.get("peak_rss_kib", 0))
        done, failed, p99 = canary.result()
        check(h.alive(), "h2serve died")
        floor_ms = 1000.0 if sanitized else 250.0
        limit = max(3 * base_p99, floor_ms)
        print("canary: baseline p99 %.1f ms; during the attack %d requests, %d failed, p99 %.1f ms (limit %.0f)"
              % (base_p99, done, failed, p99, limit))
        check(failed == 0, "the canary had %d failed requests:\n%s" % (failed, canary.out))
        check(p99 <= limit, "the canary's p99 %.1f ms is over %.0f ms" % (p99, limit))
        grown = (peak - rss0) / 1024.0
        bound = case.rss_mib * (2 if sanitized else 1)  # ASan's redzones and quarantine
        print("server RSS: %.1f MiB before, +%.1f MiB at the peak (bound %d MiB)" % (rss0 / 1024.0, grown, bound))
        check(grown <= bound, "server RSS grew by %.1f MiB" % grown)
        deadline = time.monotonic() + 5
        while h.sockets() > sockets0 and time.monotonic() < deadline:
            time.sleep(0.1)
        check(h.sockets() <= sockets0, "open sockets: %d before, %d after" % (sockets0, h.sockets()))
    except BaseException:
        print("h2serve %s; the last of what it wrote:\n%s" % ("is running" if h.alive() else "has exited (status %s)"
              % h.server.proc.returncode, "".join(h.log[-30:])))
        raise
    finally:
        h.stop()
