// A Node.js http2 server for the client interop tests: files from ROOT, POST /echo echoes the
// body. Cleartext is HTTP/2 with prior knowledge; with CERT and KEY it is TLS (ALPN h2). Prints
// "listening PORT" once it listens (port 0: the system picks).
//   node node_h2_server.js ROOT PORT [CERT KEY]
'use strict';
const http2 = require('http2');
const fs = require('fs');
const path = require('path');

const [root, port, cert, key] = process.argv.slice(2);
const handler = (req, res) => {
  if (req.method === 'POST' && req.url === '/echo') {
    res.writeHead(200, {'content-type': 'application/octet-stream'});
    req.pipe(res);
    return;
  }
  const file = path.join(root, path.normalize(req.url).replace(/^(\.\.[/\\])+/, ''));
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404);
      res.end('not found\n');
      return;
    }
    res.writeHead(200, {'content-length': st.size});
    fs.createReadStream(file).pipe(res);
  });
};
const server = cert ? http2.createSecureServer({cert: fs.readFileSync(cert), key: fs.readFileSync(key)}, handler)
                    : http2.createServer(handler);
server.listen(Number(port), '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
