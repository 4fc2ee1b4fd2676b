"""The 2026 attack classes (memory pinned behind closed windows, the h2c upgrade body, half-open
TLS handshakes) and the RFC's answers that must keep holding over sockets."""
import socket
import time

from attack_cases import expect_goaway, frames_bound, FRAMES
from h2raw import (HEADERS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, PREFACE, Conn, data, frame, ping, request_fields,
                   settings, window_update)
from harness import check


def pinned_behind_closed_windows(h, ctx):
    """The second half of the 2026 'HTTP/2 Bomb': 20 connections with a zero stream window ask for
    99 x 64 KiB each. Nothing may be copied up front, every stream is reaped at the stall timeout
    (2 s here) with the reason counted, and the idle connections then close (idle timeout 3 s)."""
    reaped0 = h.metric('h2serve_stalled_streams_total{held_by="stream_window"}')
    conns = []
    for _ in range(20):
        c = Conn(h.port, peer_settings=[(INITIAL_WINDOW_SIZE, 0)])
        for _ in range(99):
            c.request("/64k.bin")
        conns.append(c)
    start = time.monotonic()
    peak = 0
    while time.monotonic() - start < 3:
        peak = max(peak, h.rss_kib())
        for c in conns:
            c.read_for(0.01)
    ctx["peak_rss_kib"] = peak
    for c in conns:
        check(c.read_for(12), "a connection holding stalled streams stayed open: %d resets, %d statuses, %s, %d frames" % (len(c.resets), len(c.statuses), c.goaway, len(c.frames)))
    took = time.monotonic() - start
    reaped = h.metric('h2serve_stalled_streams_total{held_by="stream_window"}') - reaped0
    resets = sum(len(c.resets) for c in conns)
    print("%d streams reaped as held by the stream window (%d RST_STREAM seen); all 20 connections "
          "closed after %.1f s" % (reaped, resets, took))
    check(reaped >= 20 * 99, "only %d streams were reaped" % reaped)
    check(took <= 9, "the connections were held %.1f s" % took)


def upgrade_with_body_is_not_switched(h, ctx):
    """nghttpx CVE-2026-58055 class: an Upgrade: h2c request with a body gets an HTTP/1.1 answer,
    and its body (HTTP/2 frames here) stays a body."""
    body = PREFACE + settings() + frame(HEADERS, 0x5, 1, b"\x82\x86\x84")
    s = socket.create_connection(("127.0.0.1", h.port), timeout=5)
    s.sendall(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    reply = b""
    while not reply.endswith(b"\r\n\r\n") or b"\r\n0\r\n" not in reply:  # to the last chunk's end
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    s.close()
    check(reply.startswith(b"HTTP/1.1 200"), "reply: %r" % reply[:60])
    check(dechunk(reply.split(b"\r\n\r\n", 1)[1]) == body, "the body did not come back as a body")


def dechunk(octets):
    out = b""
    while True:
        size, rest = octets.split(b"\r\n", 1)
        n = int(size.split(b";")[0], 16)
        if n == 0:
            return out
        out, octets = out + rest[:n], rest[n + 2:]


def tls_half_open_handshakes(h, ctx):
    """SEC-15j: 200 TLS handshakes that stop after part of a ClientHello are all closed at the
    handshake deadline (2 s), while the canary is served."""
    socks = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", h.tls_port), timeout=5)
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        socks.append(s)
    start = time.monotonic()
    for s in socks:
        s.settimeout(max(0.1, 6 - (time.monotonic() - start)))
        try:
            check(s.recv(100) == b"", "the server answered a partial ClientHello")
        except ConnectionResetError:
            pass
        s.close()
    took = time.monotonic() - start
    print("200 half-open TLS handshakes closed after %.2f s (handshake timeout 2 s)" % took)
    check(took <= 4, "half-open handshakes held %.2f s" % took)


def window_overflow_churn(h, ctx):
    """SEC-16a: 500 connections each overflowing the connection window: each gets
    FLOW_CONTROL_ERROR, and nothing stays behind (the harness checks memory and descriptors)."""
    for _ in range(500):
        c = Conn(h.port)
        c.send(window_update(0, 0x7fffffff) * 2)
        c.read_for(3, until=lambda c: c.goaway is not None or c.closed)
        check(c.goaway is not None and c.goaway[0] == "FLOW_CONTROL_ERROR", "no FLOW_CONTROL_ERROR")
        c.close()


def settings_out_of_range(h, ctx):
    for pair, code in [((MAX_FRAME_SIZE, 0), "PROTOCOL_ERROR"), ((MAX_FRAME_SIZE, 16383), "PROTOCOL_ERROR"),
                       ((MAX_FRAME_SIZE, 1 << 24), "PROTOCOL_ERROR"), ((0x2, 2), "PROTOCOL_ERROR"),
                       ((INITIAL_WINDOW_SIZE, 1 << 31), "FLOW_CONTROL_ERROR")]:
        c = Conn(h.port, peer_settings=[pair])
        expect_goaway(c, [code])


def huffman_bad_strings(h, ctx):
    """RFC 7541 §5.2: padding over 7 bits, padding that is not EOS's prefix, an EOS symbol."""
    for value in (b"\x81\xff", b"\x81\x18", b"\x84\xff\xff\xff\xff"):
        c = Conn(h.port)
        c.send(frame(HEADERS, 0x5, 1, b"\x82\x86\x84\x01\x09127.0.0.1\x00\x01x" + value))
        expect_goaway(c, ["COMPRESSION_ERROR"])


def frames_after_goaway(h, ctx):
    """After our GOAWAY the peer keeps writing requests, DATA, PINGs and SETTINGS: ignored."""
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    c.send(settings(*[(0x7777, 1)] * 100))
    junk = b"".join(c.headers(sid, request_fields()) + data(sid, b"x") + ping() + settings()
                    for sid in range(1, 4001, 2))
    c.send(junk)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 10, "frames after GOAWAY")
    check(Conn(h.port).get() == 200, "a new connection was not served")
