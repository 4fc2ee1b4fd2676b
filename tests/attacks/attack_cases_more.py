"""More of SECURITY-PLAN §3.3 over sockets: priority storms, empty header fields, stream-id
rules, header validation (smuggling), reconnect churn, and what a peer that never reads can
make us queue."""
import os
import socket
import struct
import time

from attack_cases import expect_goaway, frames_bound, FRAMES, H2_REQUESTS, requests_bound
from h2raw import HEADERS, PRIORITY, Conn, frame, request_fields
from harness import check


def priority(stream, parent, weight=15, exclusive=False):
    return frame(PRIORITY, 0, stream, struct.pack(">IB", parent | (0x80000000 if exclusive else 0), weight))


def sec10_priority_storm(h, ctx):
    """SEC-10a/b: PRIORITY frames reshuffling 100 open streams, and on a million idle ids."""
    f0 = h.metric(FRAMES)
    c = Conn(h.port)
    for _ in range(100):
        c.request("/64k.bin", end_stream=False)
    storm = b"".join(priority(2 * k + 1, 2 * ((k * 7) % 100) + 1, k % 256, k % 3 == 0) for k in range(100))
    storm += b"".join(priority(1001 + 2 * k, 0) for k in range(10000))
    c.send(storm * 20)
    expect_goaway(c, ["ENHANCE_YOUR_CALM"])
    frames_bound(h, f0, 400, "PRIORITY storm")


def sec11_empty_header_fields(h, ctx):
    """SEC-11: 10,000 empty fields in each of three encodings: refused, the table kept small."""
    for empty in (b"\x00\x00\x00", b"\x00\x80\x80", b"\x40\x00\x00"):
        c = Conn(h.port)
        block = b"\x82\x86\x84\x01\x09127.0.0.1" + empty * 5000  # 15 KiB: one frame
        c.send(frame(HEADERS, 0x5, 1, block))
        c.read_for(3, until=lambda c: 1 in c.resets or 1 in c.statuses or c.goaway is not None)
        check(c.statuses.get(1) in (400, 431) or 1 in c.resets or c.goaway is not None,
              "%r x 5000: accepted" % empty)
        print("%r x 5000: %s" % (empty, c.statuses.get(1) or c.resets.get(1) or c.goaway[0]))


def sec14_stream_id_rules(h, ctx):
    """SEC-14a/b: the highest stream id is served, any id after it is a PROTOCOL_ERROR; an even
    id, and a lower id after a higher one, too."""
    c = Conn(h.port)
    c.send(c.headers(0x7fffffff, request_fields()))
    c.read_for(3, until=lambda c: 0x7fffffff in c.ended)
    check(c.statuses.get(0x7fffffff) == 200, "stream 2^31-1: %s" % c.statuses.get(0x7fffffff))
    c.send(c.headers(1, request_fields()))
    expect_goaway(c, ["PROTOCOL_ERROR"])
    c = Conn(h.port)
    c.send(c.headers(2, request_fields()))
    expect_goaway(c, ["PROTOCOL_ERROR"])
    c = Conn(h.port)
    c.send(c.headers(5, request_fields()) + c.headers(3, request_fields()))
    expect_goaway(c, ["PROTOCOL_ERROR"])


SMUGGLING = [
    [("content-length", "5")],  # with a 10-octet body below
    [("transfer-encoding", "chunked")],
    [("connection", "close")],
    [("te", "gzip")],
    [("x", "a\r\nTransfer-Encoding: chunked")],
    [("x", " leading space")],
    [("X-Upper", "1")],
    [("x y", "1")],
    [(":status", "200")],
    [("host", "other.example")],  # disagrees with :authority
]


def sec18_header_validation(h, ctx):
    """SEC-18: each malformed request is a stream error before any of it reaches a handler, and
    the connection serves the next request."""
    r0 = h.metric(H2_REQUESTS)
    c = Conn(h.port)
    for extra in SMUGGLING:
        sid = c.next_id
        c.next_id += 2
        fields = request_fields("/echo", "POST", extra=extra)
        c.send(frame(HEADERS, 0x4, sid, c.encoder.encode(fields, huffman=False)) +
               frame(0, 0x1, sid, b"0123456789"))
        c.read_for(3, until=lambda c: sid in c.resets or sid in c.ended or c.goaway is not None)
        check(c.resets.get(sid) == "PROTOCOL_ERROR" or c.statuses.get(sid) == 400,
              "%r: %s %s" % (extra, c.resets.get(sid), c.statuses.get(sid)))
        check(c.get() == 200, "%r: the next request failed" % extra)
    requests_bound(h, r0, len(SMUGGLING), ctx, "malformed requests")


def sec19_reconnect_churn(h, ctx):
    """SEC-19c: 300 connections, each spending just under the overhead budget (8 PINGs after
    the free one) and closing: memory and sockets flat, the canary served."""
    for k in range(300):
        c = Conn(h.port)
        c.send(b"".join(frame(6, 0, 0, os.urandom(8)) for _ in range(9)))
        c.read_for(1, until=lambda c: sum(1 for f in c.frames if f.type == 6) >= 9 or c.goaway is not None)
        check(c.goaway is None, "connection %d was cut off under its budget" % k)
        c.close()


def sec20_never_reads_431s(h, ctx):
    """SEC-20: a peer that never reads makes us answer 431 over and over. Either the queue of
    answers trips the connection, or the server stops reading (backpressure) and the write
    timeout (3 s here) ends it; memory stays bounded either way (the harness checks it)."""
    c = Conn(h.port, rcvbuf=4096)
    c.send(frame(4, 1, 0))  # ACK the server's SETTINGS up front: this peer never reads
    c.sock.settimeout(2)
    big = [("x-big", "a" * 17000)]
    sent, outcome = 0, "the server stopped reading"
    try:
        for _ in range(100):
            batch = b"".join(c.headers(sid, request_fields(extra=big)) for sid in range(c.next_id, c.next_id + 400, 2))
            c.next_id += 400
            c.sock.sendall(batch)
            sent += 200
    except socket.timeout:
        pass
    except (BrokenPipeError, ConnectionResetError):
        outcome = "the connection was ended"
    print("%d requests of 17 KiB written before %s" % (sent, outcome))
    check(sent < 20000, "the server read 20,000 requests it could not answer")
    c.sock.settimeout(None)
    time.sleep(4)  # the write timeout
    check(c.read_for(10), "the connection stayed open")
    print("then closed: GOAWAY %s" % (c.goaway and c.goaway[0]))
