"""The real peers of the WebSocket tests (websocket_interop.py runs them): headless Chromium
over TLS against h2serve, and libh2's client (examples/websocket_client) against h2serve and
against Node's http2 with enableConnectProtocol (node_ws_server.js)."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

from interop import Server, check, make_cert

HERE = os.path.dirname(os.path.abspath(__file__))


# --- Chromium -------------------------------------------------------------------------------

PAGE = """<!doctype html><title>ws</title><script>
const results = [];
const ws = new WebSocket("wss://" + location.host + "/ws/echo");
ws.binaryType = "arraybuffer";
const sent = [];
let got = 0, good = 0;
function message(i) {
  if (i === 99) { const b = new Uint8Array(1 << 20); for (let j = 0; j < b.length; j++) b[j] = (j * 7 + 3) & 255; return b; }
  if (i % 2) { const b = new Uint8Array(100 + i); for (let j = 0; j < b.length; j++) b[j] = (i + j) & 255; return b; }
  return "text message " + i + " \\u00e9";
}
function same(a, b) {
  if (typeof a === "string") return a === b;
  const v = new Uint8Array(b);
  if (v.length !== a.length) return false;
  for (let j = 0; j < v.length; j++) if (v[j] !== a[j]) return false;
  return true;
}
ws.onopen = () => { for (let i = 0; i < 100; i++) { sent.push(message(i)); ws.send(sent[i]); } };
ws.onmessage = (e) => {
  if (same(sent[got], e.data)) good++;
  got++;
  if (got === 100) ws.close(1000, "done");
};
ws.onclose = (e) => { location.href = "/done.html?good=" + good + "&code=" + e.code; };
ws.onerror = () => { location.href = "/done.html?error=1&good=" + good; };
</script>
"""


def case_chromium_wss_over_h2(s, chromium, access_log):
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    # The page loads over HTTP/2 first; the WebSocket then rides that connection (RFC 8441).
    url = s.tls_url + "/ws.html"
    cmd = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
           "--no-first-run", "--disable-extensions", "--disable-background-networking",
           "--user-data-dir=" + profile, url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        lines = []
        while time.monotonic() < deadline:
            with open(access_log) as f:
                lines = f.read().splitlines()
            if any("/done.html" in line for line in lines):
                break
            time.sleep(0.2)
        check(any("/done.html" in line for line in lines), "the page never reported: %r" % lines[-5:])
        done = next(line for line in lines if "/done.html" in line)
        check("good=100&code=1000" in done, "the page reported %r" % done)
        tunnels = [line for line in lines if '"CONNECT /ws/echo HTTP/2" 200' in line]
        check(len(tunnels) == 1, "no WebSocket over HTTP/2 in the access log: %r" % lines)
        check(not any("/ws/echo HTTP/1.1" in line for line in lines), "a WebSocket went over HTTP/1.1")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


# --- libh2's client (examples/websocket_client) -------------------------------------------

def run_client(client, *args):
    r = subprocess.run([client, *args], capture_output=True, text=True, timeout=60, check=False)
    check(r.returncode == 0, "websocket_client failed (%d): %s" % (r.returncode, r.stderr))
    return r.stdout


def expect_echoes(out, protocol):
    check(out.startswith("connected over %s\n" % protocol), "not over %s: %r" % (protocol, out))
    check("\nhello, peer\n" in out, "no text echo: %r" % out)
    check("binary 1000000 octets intact" in out, "the 1 MB message: %r" % out)
    check(out.endswith("closed: 1000\n"), "no clean close: %r" % out)


def case_client_against_node(client, root):
    """Node's http2 with enableConnectProtocol over TLS: the client's WebSocket is an extended CONNECT."""
    cert, key = make_cert(root)
    proc = subprocess.Popen(["node", os.path.join(HERE, "node_ws_server.js"), "0", cert, key],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("listening "):  # (its stderr is read only then: it ends with node)
            proc.kill()
            check(False, "node did not start: %r %s" % (line, proc.stderr.read()))
        port = int(line.split()[1])
        expect_echoes(run_client(client, "--ca", cert, "wss://127.0.0.1:%d/ws" % port, "hello, peer", "@1000000"),
                      "HTTP/2")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def case_client_against_h2serve(client, h2serve, root):
    """h2serve over TLS (HTTP/2) and h2c with prior knowledge; ws:// without it is HTTP/1.1."""
    log = root + ".access.log"
    s = Server(h2serve, root, "--access-log", log, tls=True)
    try:
        cert = os.path.join(root + ".tls", "cert.pem")
        port = s.tls_url.rsplit(":", 1)[1]
        expect_echoes(run_client(client, "--ca", cert, "wss://127.0.0.1:%s/ws/echo" % port, "hello, peer",
                                 "@1000000"), "HTTP/2")
        expect_echoes(run_client(client, "--prior-knowledge", "ws://127.0.0.1:%d/ws/echo" % s.port, "hello, peer",
                                 "@1000000"), "HTTP/2")
        expect_echoes(run_client(client, "ws://127.0.0.1:%d/ws/echo" % s.port, "hello, peer", "@1000000"),
                      "HTTP/1.1")
    finally:
        s.stop()
    with open(log) as f:
        lines = f.read().splitlines()
    check(sum('"CONNECT /ws/echo HTTP/2" 200' in line for line in lines) == 2, "access log: %r" % lines)
    check(sum('"GET /ws/echo HTTP/1.1" 101' in line for line in lines) == 1, "access log: %r" % lines)
