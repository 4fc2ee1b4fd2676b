"""WebSocket frames (RFC 6455 §5) for the tests: a client's (masked) and a parser of a server's."""
import base64
import hashlib
import os
import struct

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_of(key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def client_frame(opcode, payload=b"", fin=True):
    """A masked frame, as a client must send it (RFC 6455 §5.3)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, mask)
    return head + mask + masked


def _mask_fast(payload, mask):
    whole = (mask * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(whole, "big")).to_bytes(len(payload), "big")


def close_frame(code=1000, reason=b""):
    return client_frame(CLOSE, struct.pack(">H", code) + reason)


class Reader:
    """Server frames from a byte stream: feed() octets, then messages() gives
    (opcode, payload) for each whole message (fragments joined; control frames as they come)."""

    def __init__(self):
        self.buf = b""
        self.partial_op, self.partial = None, b""
        self.out = []

    def feed(self, octets):
        self.buf += octets
        while True:
            frame = self._one()
            if frame is None:
                return
            fin, opcode, payload = frame
            if opcode >= 0x8:
                self.out.append((opcode, payload))
            elif opcode == 0:
                self.partial += payload
                if fin:
                    self.out.append((self.partial_op, self.partial))
                    self.partial_op, self.partial = None, b""
            elif fin:
                self.out.append((opcode, payload))
            else:
                self.partial_op, self.partial = opcode, payload

    def _one(self):
        if len(self.buf) < 2:
            return None
        b0, b1 = self.buf[0], self.buf[1]
        if b1 & 0x80:
            raise AssertionError("a server frame is masked")
        n, at = b1 & 0x7F, 2
        if n == 126:
            if len(self.buf) < 4:
                return None
            n, at = struct.unpack(">H", self.buf[2:4])[0], 4
        elif n == 127:
            if len(self.buf) < 10:
                return None
            n, at = struct.unpack(">Q", self.buf[2:10])[0], 10
        if len(self.buf) < at + n:
            return None
        payload = self.buf[at:at + n]
        self.buf = self.buf[at + n:]
        return bool(b0 & 0x80), b0 & 0x0F, payload
