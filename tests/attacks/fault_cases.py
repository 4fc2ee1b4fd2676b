"""Faults (SECURITY-PLAN §3.9): peers that vanish at each point of an exchange, half-closed
sockets, input split at every octet boundary, TLS garbage, the process out of descriptors.
The harness checks that nothing leaks (sockets back to baseline, memory bounded) and that the
canary, on its own connections, is served all along."""
import os
import socket
import struct
import time

from h2raw import PREFACE, Conn, data, request_fields, settings
from harness import check


def exchange(c, path="/1m.bin"):
    """Octets of a whole client exchange: preface, SETTINGS, a POST with a body, a GET."""
    return (PREFACE + settings() + c.headers(1, request_fields("/echo", "POST"), end_stream=False)
            + data(1, b"x" * 3000) + data(1, b"", end_stream=True) + c.headers(3, request_fields(path)))


def vanish_at_every_point(h, ctx):
    """A client that closes (or resets, SO_LINGER 0) after each prefix of an exchange, cut at 60
    points, while the server is in the middle of reading or answering it."""
    octets = exchange(Conn(h.port, handshake=False))
    cuts = sorted(set(range(0, len(octets), max(1, len(octets) // 60))) | {len(octets)})
    for k, cut in enumerate(cuts):
        s = socket.create_connection(("127.0.0.1", h.port))
        s.sendall(octets[:cut])
        if cut == len(octets):
            s.recv(30000)  # mid-response
        if k % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print("%d connections ended at cuts of a %d-octet exchange" % (len(cuts), len(octets)))
    check(Conn(h.port).get() == 200, "a new connection was not served")


def half_closed_clients(h, ctx):
    """A client that sends its request and shuts down its writing side: it still gets its
    response (HTTP/1.1 and HTTP/2), and the server closes the connection after."""
    for proto in ("h2", "http/1.1"):
        s = socket.create_connection(("127.0.0.1", h.port), timeout=5)
        if proto == "h2":
            c = Conn(h.port, handshake=False)
            s.sendall(PREFACE + settings() + c.headers(1, request_fields("/64k.bin")))
        else:
            s.sendall(b"GET /64k.bin HTTP/1.1\r\nHost: a\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        got = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        check(len(got) >= 65536, "%s: %d octets after a half-close" % (proto, len(got)))
        print("%s: the response (%d octets) came after the client's half-close" % (proto, len(got)))


def split_at_every_boundary(h, ctx):
    """One exchange cut in two at every octet boundary: each connection gets both responses."""
    c0 = Conn(h.port, handshake=False)
    octets = PREFACE + settings() + c0.headers(1, request_fields("/small")) + c0.headers(3, request_fields("/64k.bin"))
    for cut in range(1, len(octets)):
        c = Conn(h.port, handshake=False)
        c.auto_window = True
        c.send(octets[:cut])
        time.sleep(0.001)
        c.send(octets[cut:])
        c.read_for(5, until=lambda c: {1, 3} <= c.ended)
        check(c.statuses.get(1) == 200 and c.statuses.get(3) == 200, "cut at %d: %s" % (cut, c.statuses))
        c.close()
    print("%d cuts, every one served" % (len(octets) - 1))


def tls_garbage(h, ctx):
    """Garbage before the handshake, and garbage after a well-formed start of a ClientHello."""
    for octets in (os.urandom(2000), b"\x16\x03\x01\x00\x30" + os.urandom(48), b"GET / HTTP/1.1\r\n\r\n",
                   PREFACE + settings()):
        s = socket.create_connection(("127.0.0.1", h.tls_port), timeout=5)
        s.sendall(octets)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        s.close()
    print("4 kinds of garbage on the TLS port: each connection closed")


def out_of_descriptors(h, ctx):
    """h2serve runs with 64 descriptors: connections beyond them make accept(2) fail. The
    connections it has (the canary's) are served all along, and once the flood is gone it
    accepts again."""
    flood = []
    for _ in range(120):
        try:
            flood.append(socket.create_connection(("127.0.0.1", h.port), timeout=2))
        except OSError:
            break
    time.sleep(1.0)
    for s in flood:
        s.close()
    time.sleep(2.5)  # the handshake deadline (2 s) closes what was accepted; accept retries
    failures = h.metric("h2serve_accept_failures_total")
    print("%d connections opened against a 64-descriptor server; accept failures counted: %d"
          % (len(flood), failures))
    check(failures > 0, "accept never failed: the test did not exhaust descriptors")
    check(Conn(h.port).get() == 200, "the server did not recover")
