// A WebSocket echo over Node's http2 (RFC 8441): SETTINGS_ENABLE_CONNECT_PROTOCOL, and each
// CONNECT with :protocol websocket answered 200, its stream carrying WebSocket frames (parsed
// and written here: Node has no WebSocket server of its own). TLS (ALPN h2) with CERT and KEY,
// else h2c with prior knowledge. Prints "listening PORT".
//   node node_ws_server.js PORT [CERT KEY]
'use strict';
const http2 = require('http2');
const fs = require('fs');

const [port, cert, key] = process.argv.slice(2);
const settings = {enableConnectProtocol: true};
const server = cert ? http2.createSecureServer({cert: fs.readFileSync(cert), key: fs.readFileSync(key), settings})
                    : http2.createServer({settings});

function frame(opcode, payload) {  // a server frame: unmasked
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n])
             : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255])
             : Buffer.concat([Buffer.from([0x80 | opcode, 127, 0, 0, 0, 0]), Buffer.from([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255])]);
  return Buffer.concat([head, payload]);
}

server.on('stream', (stream, headers) => {
  if (headers[':method'] !== 'CONNECT' || headers[':protocol'] !== 'websocket') {
    stream.respond({':status': 404});
    stream.end();
    return;
  }
  if (headers['sec-websocket-version'] !== '13') {
    stream.respond({':status': 426, 'sec-websocket-version': '13'});
    stream.end();
    return;
  }
  stream.respond({':status': 200});
  let buf = Buffer.alloc(0), message = [], opcode = 0;
  stream.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      let n = buf[1] & 127, at = 2;
      if (n === 126) { if (buf.length < 4) return; n = buf.readUInt16BE(2); at = 4; }
      else if (n === 127) { if (buf.length < 10) return; n = Number(buf.readBigUInt64BE(2)); at = 10; }
      if (!(buf[1] & 0x80)) { stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR); return; }  // clients mask
      if (buf.length < at + 4 + n) return;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + n));
      for (let i = 0; i < n; i++) payload[i] ^= mask[i & 3];
      const fin = buf[0] & 0x80, op = buf[0] & 15;
      buf = buf.subarray(at + 4 + n);
      if (op === 9) { stream.write(frame(10, payload)); continue; }
      if (op === 8) { stream.write(frame(8, payload.subarray(0, 2))); stream.end(); continue; }
      if (op !== 0) opcode = op;
      message.push(payload);
      if (fin) { stream.write(frame(opcode, Buffer.concat(message))); message = []; }
    }
  });
  stream.on('error', () => {});
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
