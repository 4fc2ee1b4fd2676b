#!/usr/bin/env python3
"""WebSockets against h2serve's echo at /ws/echo: over HTTP/2 (RFC 8441 extended CONNECT, with
a raw HTTP/2 client: tests/attacks/h2raw.py), over HTTP/1.1 (RFC 6455 Upgrade, raw socket),
from headless Chromium over TLS; and libh2's client (examples/websocket_client) against h2serve
and against Node's http2 with enableConnectProtocol. One case per invocation:

    websocket_interop.py --h2serve PATH [--chromium PATH] [--client PATH] CASE

Each case starts its own h2serve and ends it (and anything else it started) by PID. Exit 0 =
pass, 77 = the case cannot run here (no Chromium).
"""
import argparse
import os
import shutil
import socket
import ssl
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "attacks"))
import h2raw  # noqa: E402
import wsframe  # noqa: E402
from interop import Server, check, make_root  # noqa: E402
from websocket_peers import PAGE, case_chromium_wss_over_h2, case_client_against_h2serve, case_client_against_node  # noqa: E402,E501

ENABLE_CONNECT_PROTOCOL = 0x8


class H2WebSocket:
    """One WebSocket over a stream of a raw HTTP/2 connection (several may share `conn`)."""

    def __init__(self, conn, path="/ws/echo", version="13", protocol="websocket"):
        self.c = conn
        self.sid = conn.next_id
        conn.next_id += 2
        fields = [(":method", "CONNECT"), (":protocol", protocol), (":scheme", "http"), (":path", path),
                  (":authority", "127.0.0.1"), ("sec-websocket-version", version)]
        conn.send(conn.headers(self.sid, fields, end_stream=False))
        conn.read_for(10, until=lambda c: self.sid in c.statuses or self.sid in c.resets or c.goaway)
        self.status = conn.statuses.get(self.sid)
        self.fields = dict(conn.blocks[self.sid][0]) if self.sid in conn.blocks else {}
        self.reader, self.fed, self.sent = wsframe.Reader(), 0, 0

    def _window(self):
        """What we may still send on this stream and the connection (RFC 9113 §6.9)."""
        stream_initial, conn_window, stream_window, sent_total = 65535, 65535, 0, 0
        for f in self.c.frames:
            if f.type == h2raw.SETTINGS and not f.flags & h2raw.ACK:
                for i in range(0, len(f.payload), 6):
                    key, value = struct.unpack(">HI", f.payload[i:i + 6])
                    if key == h2raw.INITIAL_WINDOW_SIZE:
                        stream_initial = value
            elif f.type == h2raw.WINDOW_UPDATE:
                inc = struct.unpack(">I", f.payload)[0] & 0x7fffffff
                if f.stream == 0:
                    conn_window += inc
                elif f.stream == self.sid:
                    stream_window += inc
        sent_total = getattr(self.c, "data_sent", 0)
        return min(stream_initial + stream_window - self.sent, conn_window - sent_total)

    def send(self, octets, seconds=20):
        deadline = time.monotonic() + seconds
        while octets:
            room = min(self._window(), 16384, len(octets))
            if room <= 0:
                check(time.monotonic() < deadline, "no window to send in")
                self.c.read_for(0.05)
                continue
            self.c.send(h2raw.data(self.sid, octets[:room]))
            self.sent += room
            self.c.data_sent = getattr(self.c, "data_sent", 0) + room
            octets = octets[room:]

    def _feed(self):
        frames = self.c.frames
        while self.fed < len(frames):
            f = frames[self.fed]
            self.fed += 1
            if f.stream == self.sid and f.type == h2raw.DATA:
                self.reader.feed(f.payload)

    def message(self, seconds=20):
        """The next message or control frame (opcode, payload), None if none came."""
        def ready(c):
            self._feed()
            return bool(self.reader.out) or self.sid in c.resets or self.sid in c.ended

        self.c.read_for(seconds, until=ready)
        self._feed()
        return self.reader.out.pop(0) if self.reader.out else None


def h2_conn(port):
    c = h2raw.Conn(port)
    c.auto_window = True
    c.read_for(10, until=lambda c: any(f.type == h2raw.SETTINGS and not f.flags & h2raw.ACK for f in c.frames))
    return c


def server_settings(conn):
    for f in conn.frames:
        if f.type == h2raw.SETTINGS and not f.flags & h2raw.ACK:
            return {struct.unpack(">H", f.payload[i:i + 2])[0]: struct.unpack(">I", f.payload[i + 2:i + 6])[0]
                    for i in range(0, len(f.payload), 6)}
    return {}


def echo_round(ws, opcode, payload):
    ws.send(wsframe.client_frame(opcode, payload))
    got = ws.message()
    check(got == (opcode, payload), "echo of %d octets (opcode %d): got %r" %
          (len(payload), opcode, None if got is None else (got[0], len(got[1]))))


# --- HTTP/2 ---------------------------------------------------------------------------------

def case_h2c_echo(s):
    c = h2_conn(s.port)
    check(server_settings(c).get(ENABLE_CONNECT_PROTOCOL) == 1, "no SETTINGS_ENABLE_CONNECT_PROTOCOL=1")
    ws = H2WebSocket(c)
    check(ws.status == 200, "extended CONNECT answered %r" % ws.status)
    check("sec-websocket-accept" not in ws.fields and "upgrade" not in ws.fields,
          "HTTP/1.1 handshake fields in an HTTP/2 answer: %r" % ws.fields)
    echo_round(ws, wsframe.TEXT, "héllo, h2".encode())
    echo_round(ws, wsframe.BINARY, os.urandom(1000))
    echo_round(ws, wsframe.BINARY, os.urandom(1 << 20))  # beyond every window: credit both ways
    # A fragmented message comes back whole.
    ws.send(wsframe.client_frame(wsframe.TEXT, b"frag", fin=False) + wsframe.client_frame(0, b"mented"))
    check(ws.message() == (wsframe.TEXT, b"fragmented"), "fragmented message")
    ws.send(wsframe.client_frame(wsframe.PING, b"are you there"))
    check(ws.message() == (wsframe.PONG, b"are you there"), "ping not answered with its pong")
    # Plain requests share the connection meanwhile.
    check(c.get("/index.html") == 200, "a GET beside the WebSocket failed")
    ws.send(wsframe.close_frame(1000, b"bye"))
    got = ws.message()
    check(got is not None and got[0] == wsframe.CLOSE and got[1][:2] == struct.pack(">H", 1000),
          "close not echoed with 1000: %r" % (got,))
    c.send(h2raw.data(ws.sid, b"", end_stream=True))
    check(c.read_for(10, until=lambda c: ws.sid in c.ended or ws.sid in c.resets), "stream not ended after close")
    check(ws.sid in c.ended and ws.sid not in c.resets, "the stream was reset: %r" % c.resets.get(ws.sid))
    check(c.goaway is None, "GOAWAY: %r" % (c.goaway,))


def case_h2c_many_sockets_on_one_connection(s):
    c = h2_conn(s.port)
    sockets = [H2WebSocket(c) for _ in range(10)]
    check(all(ws.status == 200 for ws in sockets), "statuses %r" % [ws.status for ws in sockets])
    for round_ in range(20):
        for i, ws in enumerate(sockets):
            ws.send(wsframe.client_frame(wsframe.TEXT, b"socket %d round %d" % (i, round_)))
        for i, ws in enumerate(sockets):
            check(ws.message() == (wsframe.TEXT, b"socket %d round %d" % (i, round_)), "socket %d mixed up" % i)
    for ws in sockets:
        ws.send(wsframe.close_frame(1001))
        got = ws.message()
        check(got is not None and got[0] == wsframe.CLOSE, "no close on %d" % ws.sid)


def case_h2c_message_too_big(s):
    c = h2_conn(s.port)
    ws = H2WebSocket(c)
    check(ws.status == 200, "status %r" % ws.status)
    ws.send(wsframe.client_frame(wsframe.BINARY, os.urandom(2000)))  # --ws-max-message 1000
    got = ws.message()
    check(got is not None and got[0] == wsframe.CLOSE and got[1][:2] == struct.pack(">H", 1009),
          "a message over the limit: %r, not close 1009" % (got,))
    check(c.get("/index.html") == 200, "the connection did not survive")


def case_h2c_bad_version_is_426(s):
    c = h2_conn(s.port)
    ws = H2WebSocket(c, version="8")
    check(ws.status == 426, "version 8 answered %r" % ws.status)
    check(ws.fields.get("sec-websocket-version") == "13", "426 without sec-websocket-version: 13: %r" % ws.fields)
    check(c.read_for(5, until=lambda c: ws.sid in c.ended), "the 426 did not end")
    check(ws.sid not in c.resets, "the 426 was followed by a reset")


def case_h2c_not_advertised_is_protocol_error(s):
    # --no-echo: no WebSocket route, so no SETTINGS_ENABLE_CONNECT_PROTOCOL, so :protocol is
    # malformed (RFC 8441 §4, RFC 9113 §8.1.1): RST_STREAM(PROTOCOL_ERROR).
    c = h2_conn(s.port)
    check(server_settings(c).get(ENABLE_CONNECT_PROTOCOL, 0) == 0, "advertised without a route")
    ws = H2WebSocket(c)
    check(c.resets.get(ws.sid) == "PROTOCOL_ERROR", "got %r / %r" % (ws.status, c.resets.get(ws.sid)))
    check(c.get("/index.html") == 200, "the connection did not survive")


def case_h2c_reset_mid_socket(s):
    c = h2_conn(s.port)
    ws = H2WebSocket(c)
    echo_round(ws, wsframe.TEXT, b"before")
    c.send(h2raw.rst_stream(ws.sid, 8))
    ws2 = H2WebSocket(c)
    echo_round(ws2, wsframe.TEXT, b"after")
    check(c.goaway is None, "GOAWAY after a reset WebSocket")


def case_h2c_silent_socket_is_pinged_then_reset(s):
    # --ws-idle-timeout 2: Beast pings after 1 s of silence; a peer that never answers (nor
    # sends anything) has its stream reset at 2 s, and the connection keeps serving.
    c = h2_conn(s.port)
    ws = H2WebSocket(c)
    check(ws.status == 200, "status %r" % ws.status)
    started = time.monotonic()
    got = ws.message(seconds=5)
    check(got is not None and got[0] == wsframe.PING, "no ping on a silent WebSocket: %r" % (got,))
    check(c.read_for(5, until=lambda c: ws.sid in c.resets), "a silent WebSocket was kept")
    took = time.monotonic() - started
    check(c.resets[ws.sid] == "CANCEL" and 1.5 < took < 4, "reset %s after %.1f s" % (c.resets[ws.sid], took))
    check(c.get("/index.html") == 200, "the connection did not survive")
    check(c.goaway is None, "GOAWAY: %r" % (c.goaway,))


# --- HTTP/1.1 -------------------------------------------------------------------------------

def h1_handshake(port, version="13", tls=False):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls:  # ALPN http/1.1 only: the WebSocket over HTTP/1.1 on the TLS port
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        context.set_alpn_protocols(["http/1.1"])
        sock = context.wrap_socket(sock, server_hostname="127.0.0.1")
        check(sock.selected_alpn_protocol() == "http/1.1", "ALPN chose %r" % sock.selected_alpn_protocol())
    key = "x3JJHMbDL1EzLkh9GBhXDw=="
    sock.sendall(("GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: %s\r\n\r\n" % (key, version)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        check(chunk, "closed during the handshake")
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return sock, int(lines[0].split()[1]), fields, key, rest


def case_h1_echo(s, tls=False):
    port = int(s.tls_url.rsplit(":", 1)[1]) if tls else s.port
    sock, status, fields, key, rest = h1_handshake(port, tls=tls)
    check(status == 101, "status %d" % status)
    check(fields.get("sec-websocket-accept") == wsframe.accept_of(key), "bad accept: %r" % fields)
    check(fields.get("upgrade", "").lower() == "websocket", "upgrade: %r" % fields)
    reader = wsframe.Reader()
    reader.feed(rest)

    def message():
        while not reader.out:
            chunk = sock.recv(65536)
            check(chunk, "closed")
            reader.feed(chunk)
        return reader.out.pop(0)

    for opcode, payload in ((wsframe.TEXT, b"hello, h1"), (wsframe.BINARY, os.urandom(1 << 20))):
        sock.sendall(wsframe.client_frame(opcode, payload))
        check(message() == (opcode, payload), "echo of %d octets" % len(payload))
    sock.sendall(wsframe.client_frame(wsframe.PING, b"p"))
    check(message() == (wsframe.PONG, b"p"), "no pong")
    sock.sendall(wsframe.close_frame(1000))
    got = message()
    check(got[0] == wsframe.CLOSE and got[1][:2] == struct.pack(">H", 1000), "close: %r" % (got,))
    sock.settimeout(10)
    try:
        check(sock.recv(100) == b"", "the server did not end the connection after the close")
    except ssl.SSLError:  # (a TLS connection may end without close_notify: an end all the same)
        pass
    sock.close()


def case_h1_tls_echo(s):
    case_h1_echo(s, tls=True)


def case_h1_bad_version_is_426(s):
    sock, status, fields, _, _ = h1_handshake(s.port, version="8")
    check(status == 426 and fields.get("sec-websocket-version") == "13", "%d %r" % (status, fields))
    sock.close()


CASES = {
    "h2c_echo": (case_h2c_echo, ()),
    "h2c_many_sockets_on_one_connection": (case_h2c_many_sockets_on_one_connection, ()),
    "h2c_message_too_big": (case_h2c_message_too_big, ("--ws-max-message", "1000")),
    "h2c_bad_version_is_426": (case_h2c_bad_version_is_426, ()),
    "h2c_not_advertised_is_protocol_error": (case_h2c_not_advertised_is_protocol_error, ("--no-echo",)),
    "h2c_reset_mid_socket": (case_h2c_reset_mid_socket, ()),
    "h2c_silent_socket_is_pinged_then_reset": (case_h2c_silent_socket_is_pinged_then_reset, ("--ws-idle-timeout", "2")),
    "h1_echo": (case_h1_echo, ()),
    "h1_bad_version_is_426": (case_h1_bad_version_is_426, ()),
    "h1_tls_echo": (case_h1_tls_echo, ()),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--client", help="examples/websocket_client, for the client_* cases")
    ap.add_argument("case")
    a = ap.parse_args()
    root = make_root()
    if a.case == "client_against_node":
        case_client_against_node(a.client, root)
    elif a.case == "client_against_h2serve":
        case_client_against_h2serve(a.client, a.h2serve, root)
    elif a.case == "chromium_wss_over_h2":
        chromium = shutil.which(a.chromium)
        if not chromium:
            print("SKIP: no chromium")
            return 77
        with open(os.path.join(root, "ws.html"), "w") as f:
            f.write(PAGE)
        with open(os.path.join(root, "done.html"), "w") as f:
            f.write("<!doctype html><p>done</p>\n")
        log = os.path.join(root + ".log")
        s = Server(a.h2serve, root, "--access-log", log, tls=True)
        try:
            case_chromium_wss_over_h2(s, chromium, log)
        finally:
            s.stop()
    else:
        fn, flags = CASES[a.case]
        s = Server(a.h2serve, root, *flags, tls=a.case.startswith("h1_tls"))
        try:
            fn(s)
        finally:
            s.stop()
    shutil.rmtree(root, ignore_errors=True)
    print("PASS", a.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
