// A loopback HTTP server for the host's tests, on a worker thread of its own (the thread under
// test blocks while its request is out). Counts connections in a shared counter.
//   POST /echo        answers the request body
//   GET  /big?n=N     answers N bytes (i % 251)
//   GET  /fail        answers 500 with a JSON error
//   anything else     answers "ok"
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const counter = new Int32Array(workerData.counter);
const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/echo') return res.end(Buffer.concat(chunks));
    if (url.pathname === '/big') {
      const n = Number(url.searchParams.get('n'));
      return res.end(Buffer.from(Uint8Array.from({ length: n }, (_, i) => i % 251)));
    }
    if (url.pathname === '/fail') {
      res.writeHead(500, { 'content-type': 'application/json', 'x-why': 'failure' });
      return res.end('{"__type":"InternalServerError"}');
    }
    res.setHeader('x-host-seen', req.headers.host ?? '');
    return res.end('ok');
  });
});
server.on('connection', () => Atomics.add(counter, 0, 1));
server.listen(0, workerData.host ?? '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
