"""The attacks of SECURITY-PLAN.md §3.3, each as a misbehaving client over a real socket.

Each function gets the harness (h2serve, its metrics) and checks the server's reaction: the GOAWAY
code, how many of the attacker's frames the server processed (h2serve_frames_received_total), how
long it took, and that the server stopped serving that connection.
"""
import os
import time

from h2raw import (CONTINUATION, END_HEADERS, HEADERS, INITIAL_WINDOW_SIZE, Conn, data, frame, ping,
                   request_fields, rst_stream, settings, window_update)
from harness import check

FRAMES = "h2serve_frames_received_total"
H2_REQUESTS = 'h2serve_requests_total{protocol="h2"}'


def expect_goaway(c, codes, seconds=3):
    c.read_for(seconds, until=lambda c: c.goaway is not None or c.closed)
    check(c.goaway is not None, "no GOAWAY (connection %s)" % ("closed" if c.closed else "open"))
    check(c.goaway[0] in codes, "GOAWAY %s, expected %s (%r)" % (c.goaway[0], codes, c.goaway[2]))
    check(c.wait_closed(2), "the connection stayed open after GOAWAY")
    print("GOAWAY %s %r" % (c.goaway[0], c.goaway[2][:80]))


def flood(c, batch, batches):
    """Writes `batch` up to `batches` times, without reading; returns the batches written."""
    sent = 0
    while sent < batches and c.send(batch):
        sent += 1
    return sent


def settled(h, name, before, seconds=3):
    """The engine's counters reach the metrics when a connection has ended on the server's side,
    a moment after the client saw it close: waits for `name` to move from `before`."""
    deadline = time.monotonic() + seconds
    while h.metric(name) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    return h.metric(name)


def frames_bound(h, before, bound, what):
    if getattr(h, "shared", False):  # the soak's server: other connections count too
        return
    n = settled(h, FRAMES, before) - before
    print("%s: the server processed %d frames (bound %d)" % (what, n, bound))
    check(n <= bound, "%s: %d frames processed, bound %d" % (what, n, bound))


def requests_bound(h, before, bound, ctx, what):
    # The canary's requests count too: at 25/s per client for the case's duration at most.
    if getattr(h, "shared", False):
        return
    n = h.metric(H2_REQUESTS) - before
    canary = 2 * 25 * (time.monotonic() - ctx["canary_started"] + 1)
    print("%s: %d requests reached handlers, the canary's included (bound %d + %d)" % (what, n, bound, canary))
    check(n <= bound + canary, "%s: %d requests reached handlers" % (what, n))


def sec01_ping_flood_not_reading(h, ctx):
    f0 = h.metric(FRAMES)
    c = Conn(h.port, rcvbuf=4096)
    sent = flood(c, ping() * 1000, 1000)
    print("wrote %d batches of 1000 PINGs" % sent)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 20, "PING flood")


def sec02_oversized_settings(h, ctx):
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    flood(c, settings(*[(0x7777, 1)] * 2730), 100)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 10, "oversized SETTINGS")


def sec03_reset_flood_malformed_requests(h, ctx):
    f0, r0 = h.metric(FRAMES), h.metric(H2_REQUESTS)
    c = Conn(h.port, rcvbuf=4096)
    batch = b"".join(c.headers(sid, request_fields(extra=[("X-A", "1")]), huffman=False)
                     for sid in range(1, 2001, 2))
    flood(c, batch, 1)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 10, "malformed requests")
    requests_bound(h, r0, 0, ctx, "malformed requests")


def sec04_rapid_reset(h, ctx):
    f0, r0 = h.metric(FRAMES), h.metric(H2_REQUESTS)
    c = Conn(h.port)
    for first in range(1, 200001, 2000):  # 100,000 HEADERS + RST_STREAM pairs
        batch = b"".join(c.headers(sid, request_fields("/64k.bin")) + rst_stream(sid)
                         for sid in range(first, first + 2000, 2))
        if not c.send(batch):
            break
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    requests_bound(h, r0, 110, ctx, "rapid reset")
    frames_bound(h, f0, 20, "rapid reset")


def sec05_made_you_reset(h, ctx):
    """MadeYouReset primitive P1: an open request, then WINDOW_UPDATE(id, 0) makes us reset it."""
    r0 = h.metric(H2_REQUESTS)
    c = Conn(h.port)
    batch = b"".join(c.headers(sid, request_fields("/64k.bin"), end_stream=False) + window_update(sid, 0)
                     for sid in range(1, 2001, 2))
    flood(c, batch, 1)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    requests_bound(h, r0, 110, ctx, "MadeYouReset")


def literal_fields(size):
    """Fresh literal fields (without indexing) filling `size` octets of header block."""
    out = bytearray()
    n = 0
    while len(out) < size - 40:
        name, value = b"x-%d" % n, os.urandom(12).hex().encode()
        out += bytes([0, len(name)]) + name + bytes([len(value)]) + value
        n += 1
    return bytes(out)


def sec06_continuation_flood(h, ctx):
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    c.send(frame(HEADERS, 0, 1, c.encoder.encode(request_fields(), huffman=False)))
    flood(c, frame(CONTINUATION, 0, 1, literal_fields(16384)), 1000)
    expect_goaway(c, ["ENHANCE_YOUR_CALM", "PROTOCOL_ERROR"])
    frames_bound(h, f0, 40, "CONTINUATION flood")


def sec06b_empty_continuations(h, ctx):
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    c.send(frame(HEADERS, 0, 1, c.encoder.encode(request_fields())))
    flood(c, frame(CONTINUATION, 0, 1) * 10000, 100)
    expect_goaway(c, ["ENHANCE_YOUR_CALM", "PROTOCOL_ERROR"])
    frames_bound(h, f0, 40, "empty CONTINUATIONs")


def sec07_empty_data_flood(h, ctx):
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    c.send(c.headers(1, request_fields("/echo", "POST"), end_stream=False))
    flood(c, data(1) * 10000, 100)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 10, "empty DATA")


def sec08_data_dribble(h, ctx):
    c = Conn(h.port, peer_settings=[(INITIAL_WINDOW_SIZE, 1)])
    ids = [c.request("/1m.bin") for _ in range(100)]
    seen = 0
    deadline = time.monotonic() + 10
    while c.goaway is None and not c.closed and time.monotonic() < deadline:
        c.read_for(0.05)
        for f in c.frames[seen:]:
            if f.type == 0 and f.payload:  # every 1-octet DATA gets 1 octet of window back
                c.send(window_update(0, len(f.payload)) + window_update(f.stream, len(f.payload)))
        seen = len(c.frames)
    check(len(ids) == 100, "requests not sent")
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])


def sec09_never_reads_large_windows(h, ctx):
    """CVE-2019-9517: windows opened wide, 100 x 1 MiB asked for, nothing read: the server must
    not buffer it all, and the write timeout (3 s here) ends the connection."""
    c = Conn(h.port, rcvbuf=4096, peer_settings=[(INITIAL_WINDOW_SIZE, 0x7fffffff)])
    c.send(window_update(0, 0x7fffffff - 65535))
    for _ in range(100):
        c.request("/1m.bin")
    start = time.monotonic()
    peak = 0
    while time.monotonic() - start < 6:
        peak = max(peak, h.rss_kib())
        time.sleep(0.2)
    ctx["peak_rss_kib"] = peak
    check(c.read_for(20), "the connection was not closed")
    print("closed; the connection was held at most %.1f s by the server" % (time.monotonic() - start))


def sec12_hpack_bomb(h, ctx):
    """One 4 KiB entry in the dynamic table, then header blocks of 16,000 references to it
    (64 MB each if decoded): each is refused (431 or reset) or the connection trips."""
    c = Conn(h.port)
    authority = b"\x01\x09127.0.0.1"
    entry = b"\x40\x03x-b" + b"\x7f" + bytes([(4061 - 127) & 0x7f | 0x80, (4061 - 127) >> 7]) + b"a" * 4061
    c.send(frame(HEADERS, 0x5, 1, b"\x82\x86\x84" + authority + entry))
    c.read_for(3, until=lambda c: 1 in c.ended)
    check(c.statuses.get(1) == 200, "the request that filled the table got %s" % c.statuses.get(1))
    refused = 0
    for sid in range(3, 203, 2):
        block = b"\x82\x86\x84" + authority + b"\xbe" * 16000
        if not c.send(frame(HEADERS, 0x1, sid, block[:16384]) + frame(CONTINUATION, END_HEADERS, sid, block[16384:])):
            break
        c.read_for(2, until=lambda c: sid in c.resets or sid in c.statuses or c.goaway is not None)
        if c.goaway is not None:
            break
        check(c.statuses.get(sid) == 431 or sid in c.resets, "stream %d: no 431 nor reset" % sid)
        refused += 1
    print("%d bombs refused one by one; GOAWAY: %s" % (refused, c.goaway and c.goaway[0]))
    check(refused > 0 or c.goaway is not None, "no reaction")


def sec13_header_list_limits(h, ctx):
    c = Conn(h.port)
    sid = c.request(extra=[("x-big", "a" * 17000)])
    c.read_for(3, until=lambda c: sid in c.ended or sid in c.resets)
    check(c.statuses.get(sid) == 431 or sid in c.resets, "17 KiB field: %s" % c.statuses.get(sid))
    sid = c.request(extra=[("x-f%d" % k, "v" * 8) for k in range(101)])
    c.read_for(3, until=lambda c: sid in c.ended or sid in c.resets)
    check(c.statuses.get(sid) == 431 or sid in c.resets, "101 fields: %s" % c.statuses.get(sid))
    sid = c.request(extra=[("cookie", "c%d=1" % k) for k in range(120)])  # each crumb is a field (§8.2.3)
    c.read_for(3, until=lambda c: sid in c.ended or sid in c.resets)
    check(c.statuses.get(sid) == 431 or sid in c.resets, "120 cookie crumbs: %s" % c.statuses.get(sid))
    check(c.get() == 200, "the next request on the connection failed")
    block = c.encoder.encode(request_fields(extra=[("x-big", os.urandom(20000).hex())]), huffman=False)
    frames = frame(HEADERS, 0x1, c.next_id, block[:16384])
    for k in range(16384, len(block), 16384):
        last = k + 16384 >= len(block)
        frames += frame(CONTINUATION, END_HEADERS if last else 0, c.next_id, block[k:k + 16384])
    c.send(frames)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])


def sec15_silent_connection(h, ctx):
    start = time.monotonic()
    c = Conn(h.port, handshake=False)
    check(c.read_for(6), "a silent connection stayed open")
    took = time.monotonic() - start
    print("silent connection closed after %.2f s (handshake timeout 2 s)" % took)
    check(1.5 <= took <= 3.0, "closed after %.2f s" % took)


def sec15_preface_drip(h, ctx):
    """One deadline for the whole handshake: a preface dripped a byte at a time does not extend it."""
    start = time.monotonic()
    c = Conn(h.port, handshake=False)
    for octet in (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + settings()):
        if not c.send(bytes([octet])) or c.read_for(0.4):
            break
    took = time.monotonic() - start
    c.read_for(3)
    print("dripped preface: closed after %.2f s (handshake timeout 2 s)" % took)
    check(c.closed and took <= 3.0, "the dripped handshake lasted %.2f s" % took)
    check(not c.frames or c.goaway is not None, "the server served a dripped handshake")


def sec15_idle_connection(h, ctx):
    start = time.monotonic()
    c = Conn(h.port)
    check(c.read_for(6), "an idle connection stayed open")
    took = time.monotonic() - start
    print("idle connection: GOAWAY %s, closed after %.2f s (idle timeout 2 s)" % (c.goaway and c.goaway[0], took))
    check(c.goaway is not None and c.goaway[0] == "NO_ERROR", "no GOAWAY(NO_ERROR)")
    check(1.8 <= took <= 3.5, "closed after %.2f s" % took)
