"""A raw HTTP/2 client for the socket attack suite: it writes any frame, well-formed or not,
and reads what the server answers (frames, GOAWAY, end of connection), with deadlines.

Uses Debian's python3-hpack for header blocks; everything else is struct packing.
"""
import socket
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED = 0x1, 0x1, 0x4, 0x8
CODES = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
         "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
         "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE = 0x4, 0x5


def code_name(code):
    return CODES[code] if code < len(CODES) else "0x%x" % code


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def settings(*pairs):
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


def ping(data=b"12345678", ack=False):
    return frame(PING, ACK if ack else 0, 0, data)


def window_update(stream, increment):
    return frame(WINDOW_UPDATE, 0, stream, struct.pack(">I", increment))


def rst_stream(stream, code=8):
    return frame(RST_STREAM, 0, stream, struct.pack(">I", code))


def data(stream, payload=b"", end_stream=False):
    return frame(DATA, END_STREAM if end_stream else 0, stream, payload)


def request_fields(path="/small", method="GET", authority="127.0.0.1", extra=()):
    return [(":method", method), (":scheme", "http"), (":path", path), (":authority", authority), *extra]


class Frame:
    __slots__ = ("type", "flags", "stream", "payload")

    def __init__(self, ftype, flags, stream, payload):
        self.type, self.flags, self.stream, self.payload = ftype, flags, stream, payload


class Conn:
    """One connection. `frames` holds everything read so far; `goaway` is (code name, last stream
    id, debug data) once a GOAWAY arrived; `closed` once the server ended the connection."""

    def __init__(self, port, rcvbuf=None, handshake=True, peer_settings=(), host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect((host, port))
        self.encoder, self.decoder = hpack.Encoder(), hpack.Decoder()
        self.decoder.max_allowed_table_size = 65536
        self.buf = b""
        self.frames, self.goaway, self.closed = [], None, False
        self.resets, self.statuses, self.ended, self.body_octets = {}, {}, set(), {}
        self.blocks = {}  # stream id: every header block received on it, decoded
        self.block = {}
        self.next_id = 1
        self.auto_window, self.unacked = False, {}  # auto_window: give credit back as a client would
        if handshake:
            self.send(PREFACE + settings(*peer_settings))

    def send(self, octets):
        """Writes everything; False when the server has closed or reset the connection, or
        takes nothing within the socket's timeout (a server that stopped reading)."""
        try:
            self.sock.sendall(octets)
            return True
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return False

    def headers(self, stream, fields, end_stream=True, end_headers=True, huffman=True):
        block = self.encoder.encode(fields, huffman=huffman)
        flags = (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0)
        return frame(HEADERS, flags, stream, block)

    def request(self, path="/small", method="GET", end_stream=True, extra=()):
        """Sends a request's HEADERS on the next stream id and returns the id."""
        sid = self.next_id
        self.next_id += 2
        self.send(self.headers(sid, request_fields(path, method, extra=extra), end_stream))
        return sid

    def close(self):
        self.sock.close()

    # --- reading -------------------------------------------------------------------------
    def _on_frame(self, f):
        self.frames.append(f)
        if f.type == SETTINGS and not f.flags & ACK:
            self.send(frame(SETTINGS, ACK, 0))
        elif f.type == PING and not f.flags & ACK:
            self.send(ping(f.payload, ack=True))
        elif f.type == GOAWAY:
            last, code = struct.unpack(">II", f.payload[:8])
            self.goaway = (code_name(code), last & 0x7fffffff, f.payload[8:])
        elif f.type == RST_STREAM:
            self.resets[f.stream] = code_name(struct.unpack(">I", f.payload)[0])
        elif f.type in (HEADERS, CONTINUATION):
            self._on_block(f)
        if f.type in (DATA, HEADERS) and f.flags & END_STREAM:
            self.ended.add(f.stream)
        if f.type == DATA:
            self.body_octets[f.stream] = self.body_octets.get(f.stream, 0) + len(f.payload)
        if f.type == DATA and f.payload and self.auto_window:
            self._credit(f.stream, len(f.payload), f.flags & END_STREAM)

    def _credit(self, stream, n, ended):
        """Returns window in batches of 32 KiB, as nghttp2 and browsers do."""
        for sid in (0, stream):
            self.unacked[sid] = self.unacked.get(sid, 0) + n
            if self.unacked[sid] >= 32768 and not (sid and ended):
                self.send(window_update(sid, self.unacked.pop(sid)))

    def _on_block(self, f):
        payload = f.payload
        if f.type == HEADERS:
            if f.flags & PADDED:
                payload = payload[1:len(payload) - payload[0]]
            if f.flags & 0x20:
                payload = payload[5:]
        self.block[f.stream] = self.block.get(f.stream, b"") + payload
        if f.flags & END_HEADERS:
            fields = self.decoder.decode(self.block.pop(f.stream), raw=False)
            self.blocks.setdefault(f.stream, []).append(fields)
            for name, value in fields:
                if name == ":status" and f.stream not in self.statuses:
                    self.statuses[f.stream] = int(value)

    def _parse(self):
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[:3], "big")
            if len(self.buf) < 9 + length:
                return
            f = Frame(self.buf[3], self.buf[4], int.from_bytes(self.buf[5:9], "big") & 0x7fffffff,
                      self.buf[9:9 + length])
            self.buf = self.buf[9 + length:]
            self._on_frame(f)

    def read_for(self, seconds, until=None):
        """Reads until `until(self)` holds, the connection ends, or `seconds` pass.
        Returns True when `until` held (or, without `until`, when the connection ended)."""
        deadline = time.monotonic() + seconds
        while not self.closed:
            if until is not None and until(self):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                return False
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
            self._parse()
        return until(self) if until is not None else True

    def wait_closed(self, seconds):
        return self.read_for(seconds)

    def get(self, path="/small", seconds=5):
        """A request that must complete: returns its status (None if it did not end)."""
        sid = self.request(path)
        self.read_for(seconds, until=lambda c: sid in c.ended or sid in c.resets)
        return self.statuses.get(sid) if sid in self.ended else None
