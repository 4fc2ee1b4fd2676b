"""WebSockets as an attack: tunnels that never say anything. A tunnel's reads have no stall
limit (a quiet WebSocket is legitimate), so what bounds them is the WebSocket's idle timeout
(a ping at half of it, a reset at all of it) and SETTINGS_MAX_CONCURRENT_STREAMS."""
import time

from h2raw import Conn
from harness import check

CONNECTIONS = 20


def connect_fields():
    return [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"), (":path", "/ws/echo"),
            (":authority", "127.0.0.1"), ("sec-websocket-version", "13")]


def silent_websockets(h, ctx):
    """20 connections each open 40 WebSockets and never send a frame nor answer a ping: every
    one is accepted, pinged, and reset with CANCEL at the idle timeout (2 s here); memory stays
    bounded meanwhile (the harness checks the peak) and the connections still serve. (With 100
    each, the 2,000 timeouts falling due together held a worker for 0.4 s on a busy machine and
    over a second under ASan: the canary's p99 limit is not what this case is about.)"""
    sockets = 40
    conns = []
    for _ in range(CONNECTIONS):
        c = Conn(h.port)
        for sid in range(1, 2 * sockets, 2):
            c.send(c.headers(sid, connect_fields(), end_stream=False))
        c.next_id = 2 * sockets + 1
        conns.append(c)
    start = time.monotonic()
    peak = 0
    while time.monotonic() - start < 30 and not all(len(c.resets) >= sockets for c in conns):
        peak = max(peak, h.rss_kib())
        for c in conns:
            c.read_for(0.01)
    ctx["peak_rss_kib"] = peak
    took = time.monotonic() - start
    accepted = sum(sum(1 for s in c.statuses.values() if s == 200) for c in conns)
    cancelled = sum(sum(1 for code in c.resets.values() if code == "CANCEL") for c in conns)
    print("%d WebSockets accepted, %d reset with CANCEL after %.1f s" % (accepted, cancelled, took))
    check(accepted == CONNECTIONS * sockets, "only %d WebSockets were accepted" % accepted)
    check(cancelled == CONNECTIONS * sockets, "only %d silent WebSockets were reset" % cancelled)
    # At the idle timeout (2 s), not before; after it, the time to write 2,000 pings and resets
    # (about 0.2 s here, seconds under sanitizers on a busy machine: all must be reset by 30 s).
    check(took >= 1.5, "the silent WebSockets were reset before their idle timeout (%.1f s)" % took)
    for c in conns:
        check(c.goaway is None, "a connection was ended: %r" % (c.goaway,))
        check(c.get("/small") == 200, "a connection stopped serving")
        c.close()
