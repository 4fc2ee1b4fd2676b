#!/usr/bin/env python3
"""Client interop tests: h2get (libh2's client) against real servers on 127.0.0.1, one case per
invocation:

    client_interop.py --h2get PATH --h2serve PATH CASE

Servers: nghttpd (h2c prior knowledge, TLS), h2o 2.2 (h2c with Upgrade, TLS; generated config),
Node's http2 (prior knowledge, TLS, an echo endpoint), h2serve, and HTTP/1.1-only servers
(python's http.server, and a TLS one without h2). Each case starts the servers it needs and
ends them, by PID; every download is checked by sha256. Exit 0 = pass.
"""
import argparse
import hashlib
import http.server
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interop import TIMEOUT, check, make_cert, run, sha  # noqa: E402

H2GET = H2SERVE = None
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise AssertionError("server exited: %s" % (proc.stderr.read() if proc.stderr else proc.returncode))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("server did not listen on %d" % port)


class Servers:
    """The processes a case started, ended by PID at the end."""

    def __init__(self):
        self.procs = []

    def start(self, cmd, port):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(p)
        wait_port(port, p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def make_root():
    root = tempfile.mkdtemp(prefix="h2get-root-")
    for name, size in (("1m.bin", 1 << 20), ("100m.bin", 100 << 20)):
        with open(os.path.join(root, name), "wb") as f:
            f.write(os.urandom(size))
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<p>hello</p>\n")
    return root


def file_sha(root, name):
    with open(os.path.join(root, name), "rb") as f:
        return sha(f.read())


def h2get(*args, timeout=TIMEOUT):
    return subprocess.run([H2GET, *args], capture_output=True, timeout=timeout, check=False)


def download(url, root, name, *extra):
    out = os.path.join(root, "..", os.path.basename(root) + "-" + name + ".out")
    r = h2get(*extra, "-o", out, url + "/" + name)
    check(r.returncode == 0, "%s/%s: exit %d %s" % (url, name, r.returncode, r.stderr.decode()))
    with open(out, "rb") as f:
        check(sha(f.read()) == file_sha(root, name), "%s/%s: body differs" % (url, name))
    os.remove(out)


def upload_echo(url, root, *extra):
    body = os.path.join(root, "..", os.path.basename(root) + "-upload")
    with open(body, "wb") as f:
        f.write(os.urandom(10 << 20))
    r = h2get(*extra, "--data-binary", "@" + body, url + "/echo")
    with open(body, "rb") as f:
        want = sha(f.read())
    os.remove(body)
    check(r.returncode == 0, "upload: exit %d %s" % (r.returncode, r.stderr.decode()))
    check(sha(r.stdout) == want, "upload: echo differs (%d octets back)" % len(r.stdout))


# --- cases ---------------------------------------------------------------------------------

def case_nghttpd(root, servers, tls):
    port, tport = free_port(), free_port()
    servers.start(["nghttpd", "--no-tls", "-d", root, str(port)], port)
    servers.start(["nghttpd", "-d", root, str(tport), tls[1], tls[0]], tport)
    for name in ("1m.bin", "100m.bin"):
        download("http://127.0.0.1:%d" % port, root, name, "--h2c")
        download("https://127.0.0.1:%d" % tport, root, name, "-k")
    # Without --h2c: nghttpd answers an Upgrade request with its SETTINGS; h2get notices.
    download("http://127.0.0.1:%d" % port, root, "1m.bin")


def case_h2o(root, servers, tls):
    port, tport = free_port(), free_port()
    conf = os.path.join(root, "..", os.path.basename(root) + "-h2o.conf")
    with open(conf, "w") as f:
        f.write("num-threads: 1\n")
        if os.geteuid() == 0:
            f.write("user: root\n")
        f.write("listen:\n  host: 127.0.0.1\n  port: %d\n" % port)
        f.write("listen:\n  host: 127.0.0.1\n  port: %d\n  ssl:\n    certificate-file: %s\n    key-file: %s\n"
                % (tport, tls[0], tls[1]))
        f.write("hosts:\n  default:\n    paths:\n      /:\n        file.dir: %s\n" % root)
    servers.start(["h2o", "-c", conf], port)
    wait_port(tport, servers.procs[-1])
    for name in ("1m.bin", "100m.bin"):
        download("http://127.0.0.1:%d" % port, root, name)  # Upgrade: h2c
        download("https://127.0.0.1:%d" % tport, root, name, "-k")
    r = h2get("-i", "http://127.0.0.1:%d/index.html" % port)
    check(r.returncode == 0 and r.stdout.startswith(b"HTTP/2 200"), "h2o upgrade: %r" % r.stdout[:100])


def case_node(root, servers, tls):
    port, tport = free_port(), free_port()
    js = os.path.join(HERE, "node_h2_server.js")
    servers.start(["node", js, root, str(port)], port)
    servers.start(["node", js, root, str(tport), tls[0], tls[1]], tport)
    for url, extra in (("http://127.0.0.1:%d" % port, ["--h2c"]), ("https://127.0.0.1:%d" % tport, ["-k"])):
        download(url, root, "1m.bin", *extra)
        download(url, root, "100m.bin", *extra)
        upload_echo(url, root, *extra)


def case_h2serve(root, servers, tls):
    port, tport = free_port(), free_port()
    servers.start([H2SERVE, "--root", root, "--host", "127.0.0.1", "--port", str(port), "--tls-port", str(tport),
                   "--cert", tls[0], "--key", tls[1], "--max-concurrent-streams", "10"], port)
    for name in ("1m.bin", "100m.bin"):
        download("http://127.0.0.1:%d" % port, root, name)
        download("https://127.0.0.1:%d" % tport, root, name, "-k")
    upload_echo("http://127.0.0.1:%d" % port, root, "--h2c")
    upload_echo("https://127.0.0.1:%d" % tport, root, "-k")
    # 100 requests at once on one connection, the server allowing 10 at a time.
    r = h2get("-n", "100", "-c", "1", "-m", "100", "http://127.0.0.1:%d/index.html" % port)
    out = r.stdout.decode()
    check(r.returncode == 0 and "100 succeeded" in out, out + r.stderr.decode())


def case_http1_fallback(root, servers, tls):
    port = free_port()
    servers.start([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, str(port)], port)
    r = h2get("-i", "http://127.0.0.1:%d/index.html" % port)
    check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.1 200") and b"<p>hello</p>" in r.stdout,
          "http.server: %r %s" % (r.stdout[:200], r.stderr.decode()))
    download("http://127.0.0.1:%d" % port, root, "1m.bin")
    # TLS without h2 in ALPN: HTTP/1.1 through TLS.
    tport = free_port()
    ready = threading.Event()

    def serve_tls():
        class Quiet(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def __init__(self, *a, **kw):
                super().__init__(*a, directory=root, **kw)

            def log_message(self, *a):
                pass
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", tport), Quiet)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        ctx.set_alpn_protocols(["http/1.1"])
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        servers.tls_httpd = httpd
        ready.set()
        httpd.serve_forever()
    t = threading.Thread(target=serve_tls, daemon=True)
    t.start()
    ready.wait(10)
    try:
        r = h2get("-k", "-i", "https://127.0.0.1:%d/index.html" % tport)
        check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.1 200"), "TLS http/1.1: %r %s"
              % (r.stdout[:100], r.stderr.decode()))
        download("https://127.0.0.1:%d" % tport, root, "1m.bin", "-k")
    finally:
        servers.tls_httpd.shutdown()


def case_exit_statuses(root, servers, tls):
    port, tport = free_port(), free_port()
    servers.start([H2SERVE, "--root", root, "--host", "127.0.0.1", "--port", str(port), "--tls-port", str(tport),
                   "--cert", tls[0], "--key", tls[1]], port)
    silent = socket.socket()  # accepts, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    dead = free_port()
    cases = [
        (["https://127.0.0.1:%d/index.html" % tport], 35, "certificate verification failed"),
        (["http://127.0.0.1:%d/missing" % port], 22, "404"),
        (["http://127.0.0.1:%d/" % dead], 7, "cannot connect"),
        (["--timeout", "1", "--h2c", "http://127.0.0.1:%d/" % silent.getsockname()[1]], 28, "request_timeout"),
        (["ftp://127.0.0.1/"], 3, "scheme"),
        (["--bogus", "http://127.0.0.1/"], 2, "--bogus"),
        (["-k", "https://127.0.0.1:%d/index.html" % tport], 0, ""),
    ]
    for args, status, text in cases:
        r = h2get(*args, timeout=20)
        err = r.stderr.decode()
        check(r.returncode == status, "%s: exit %d, wanted %d (%s)" % (args, r.returncode, status, err))
        if status:
            check(text in err and err.count("\n") == 1, "%s: %r" % (args, err))
    silent.close()


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2get", required=True)
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    global H2GET, H2SERVE
    H2GET, H2SERVE = a.h2get, a.h2serve
    root = make_root()
    tls = make_cert(root + ".tls") if os.makedirs(root + ".tls") is None else None
    servers = Servers()
    try:
        CASES[a.case](root, servers, tls)
    except AssertionError as e:
        print("FAIL:", e)
        return 1
    finally:
        servers.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root + ".tls", ignore_errors=True)
        for f in os.listdir(os.path.dirname(root)):
            if f.startswith(os.path.basename(root) + "-"):
                os.remove(os.path.join(os.path.dirname(root), f))
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
