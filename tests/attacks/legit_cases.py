"""The false-positive side (SECURITY-PLAN §3.8): heavy but legitimate use is never cut off."""
import random
import time

from h2raw import Conn, data, ping, request_fields, rst_stream
from harness import check


def no_goaway(c, what):
    c.read_for(0.3)
    check(c.goaway is None and not c.closed, "%s: the connection was ended (%s)" % (what, c.goaway))


def grpc_style_small_messages(h, ctx):
    """20 streams on one connection, each 500 DATA frames of 5 to 40 octets (10,000 in all),
    echoed back: every octet comes back and the connection is never taken for an attack."""
    c = Conn(h.port)
    c.auto_window = True
    for _ in range(20):
        sid = c.next_id
        c.next_id += 2
        sizes = [random.randint(5, 40) for _ in range(500)]
        c.send(c.headers(sid, request_fields("/echo", "POST", extra=[("content-type", "application/grpc")]),
                         end_stream=False))
        for k, n in enumerate(sizes):
            c.send(data(sid, b"m" * n, end_stream=k == len(sizes) - 1))
            if k % 50 == 0:
                c.read_for(0.001)
        check(c.read_for(10, until=lambda c: sid in c.ended or c.goaway is not None), "stream %d hung" % sid)
        check(c.statuses.get(sid) == 200, "stream %d: status %s" % (sid, c.statuses.get(sid)))
        check(c.body_octets.get(sid) == sum(sizes), "stream %d: %s of %d octets echoed"
              % (sid, c.body_octets.get(sid), sum(sizes)))
    no_goaway(c, "small DATA frames")


def keepalive_pings(h, ctx):
    """A PING a second for 12 s on a connection with nothing else to do (a keepalive client)."""
    c = Conn(h.port)
    for k in range(12):
        c.send(ping(b"keep%04d" % k))
        c.read_for(1.0, until=lambda c: c.goaway is not None)
    no_goaway(c, "keepalive PINGs")
    check(c.get() == 200, "a request after the PINGs failed")


def browser_burst(h, ctx):
    """Five bursts of 100 requests at once on one connection, as a browser loading a page."""
    c = Conn(h.port)
    c.auto_window = True
    for _ in range(5):
        ids = [c.request(random.choice(["/small", "/64k.bin", "/index.html"])) for _ in range(100)]
        check(c.read_for(20, until=lambda c: all(i in c.ended for i in ids) or c.goaway is not None),
              "a burst did not complete")
        check(all(c.statuses.get(i) == 200 for i in ids), "a request in the burst failed")
    no_goaway(c, "bursts of 100 requests")


def long_lived_with_cancels(h, ctx):
    """One connection kept for three idle timeouts (2 s here) by a request every 0.5 s, a fifth
    of them cancelled by the client (RST_STREAM CANCEL, LEG-02)."""
    c = Conn(h.port)
    c.auto_window = True
    end = time.monotonic() + 6.5
    n = 0
    while time.monotonic() < end:
        sid = c.request("/64k.bin")
        n += 1
        if n % 5 == 0:
            c.send(rst_stream(sid))
        else:
            check(c.read_for(5, until=lambda c: sid in c.ended), "request %d did not complete" % n)
            check(c.statuses.get(sid) == 200, "request %d: %s" % (n, c.statuses.get(sid)))
        c.read_for(0.5, until=lambda c: c.goaway is not None)
    no_goaway(c, "a long-lived connection")
