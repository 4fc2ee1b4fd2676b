#!/usr/bin/env python3
"""gRPC interop, both ways, with Debian's python3-grpcio (generic methods, raw-byte messages):

    grpc_interop.py --server PATH          grpcio's client calls examples/grpc_echo_server: the
                                           four call kinds, an error status, deadlines, size
                                           limits, a long stream of small messages
    grpc_interop.py --client PATH          examples/grpc_echo_client calls a grpcio server with
                                           the same methods (and, to compare, libh2's server)
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "attacks"))
from h2raw import Conn, data, request_fields  # noqa: E402


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_status(call, code, details=None):
    try:
        call()
    except grpc.RpcError as e:
        check(e.code() == code, "status %s, wanted %s (%s)" % (e.code(), code, e.details()))
        if details is not None:
            check(e.details() == details, "details %r, wanted %r" % (e.details(), details))
        return
    raise AssertionError("no error, wanted %s" % code)


def run(port):
    ch = grpc.insecure_channel("127.0.0.1:%d" % port)
    unary = ch.unary_unary("/echo.Echo/Unary")
    check(unary(b"hello", timeout=10) == b"hello", "unary")
    check(unary(b"", timeout=10) == b"", "unary, empty message")
    big = os.urandom(3 << 20)
    check(unary(big, timeout=20) == big, "unary, 3 MiB")
    replies = list(ch.unary_stream("/echo.Echo/ServerStream")(b"100", timeout=10))
    check(replies == [str(i).encode() for i in range(100)], "server streaming: %d replies" % len(replies))
    parts = [os.urandom(1000) for _ in range(50)]
    check(ch.stream_unary("/echo.Echo/ClientStream")(iter(parts), timeout=10) == b"".join(parts),
          "client streaming")
    small = [b"m%05d" % i for i in range(10000)]  # a long stream of small messages
    check(list(ch.stream_stream("/echo.Echo/Bidi")(iter(small), timeout=60)) == small, "bidi")
    expect_status(lambda: ch.unary_unary("/echo.Echo/Fail")(b"x", timeout=10), grpc.StatusCode.INVALID_ARGUMENT,
                  "bad request: 100% wrong")
    expect_status(lambda: ch.unary_unary("/echo.Nope/Missing")(b"x", timeout=10), grpc.StatusCode.UNIMPLEMENTED)
    expect_status(lambda: unary(os.urandom(5 << 20), timeout=20), grpc.StatusCode.RESOURCE_EXHAUSTED)
    start = time.monotonic()
    expect_status(lambda: ch.unary_unary("/echo.Echo/Slow")(b"x", timeout=0.5), grpc.StatusCode.DEADLINE_EXCEEDED)
    check(time.monotonic() - start < 3, "the deadline took %.1f s" % (time.monotonic() - start))
    ch.close()
    print("grpcio: unary, server/client streaming, bidi (10,000 messages), statuses, deadline: ok")


def server_side_deadline(port):
    """The server itself ends a call past its grpc-timeout with DEADLINE_EXCEEDED (grpcio's client
    would report its own deadline either way): seen with a raw client that has no deadline."""
    c = Conn(port)
    fields = request_fields("/echo.Echo/Slow", "POST", extra=[("content-type", "application/grpc"), ("te", "trailers"),
                                                             ("grpc-timeout", "300m")])
    c.send(c.headers(1, fields, end_stream=False) + data(1, bytes([0, 0, 0, 0, 1]) + b"x", end_stream=True))
    start = time.monotonic()
    c.read_for(5, until=lambda c: 1 in c.ended or 1 in c.resets)
    took = time.monotonic() - start
    blocks = [dict(b) for b in c.blocks.get(1, [])]
    status = [b.get("grpc-status") for b in blocks if "grpc-status" in b]
    check(status == ["4"], "server-side deadline: %r after %.2f s" % (blocks, took))
    check(took < 2, "the server took %.2f s for a 300 ms deadline" % took)
    print("server-side deadline: grpc-status 4 after %.2f s" % took)


def grpcio_server():
    """A grpcio server with the methods of examples/grpc_echo_server."""
    def server_stream(request, context):
        for i in range(int(request)):
            yield str(i).encode()

    def bidi(requests, context):
        for m in requests:
            yield m

    def fail(request, context):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "bad request: 100% wrong")

    def slow(request, context):
        time.sleep(2)
        return b"too late"

    handlers = {"Unary": grpc.unary_unary_rpc_method_handler(lambda request, context: request),
                "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream),
                "ClientStream": grpc.stream_unary_rpc_method_handler(lambda requests, context: b"".join(requests)),
                "Bidi": grpc.stream_stream_rpc_method_handler(bidi),
                "Fail": grpc.unary_unary_rpc_method_handler(fail),
                "Slow": grpc.unary_unary_rpc_method_handler(slow)}
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("echo.Echo", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def run_client(client):
    server, port = grpcio_server()
    try:
        r = subprocess.run([client, str(port)], capture_output=True, text=True, timeout=120)
    finally:
        server.stop(grace=None)
    print(r.stdout, end="")
    check(r.returncode == 0, "libh2's client against grpcio: exit %d %s" % (r.returncode, r.stderr))
    print("libh2's gRPC client against a grpcio server: ok")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server")
    ap.add_argument("--client")
    args = ap.parse_args()
    if args.client:
        try:
            run_client(args.client)
        except AssertionError as e:
            print("FAIL:", e)
            return 1
        print("ok")
        return 0
    p = subprocess.Popen([args.server, "0"], stdout=subprocess.PIPE, text=True)
    try:
        m = re.search(r"listening on (\d+)", p.stdout.readline())
        check(m is not None, "the server did not start")
        port = int(m.group(1))
        run(port)
        server_side_deadline(port)
    except AssertionError as e:
        print("FAIL:", e)
        return 1
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=15)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
