// A DynamoDB stand-in for the Node benchmark (bench/node_bench.mjs), as bench/src/canned_server.rs
// answers: fixed GetItem and PutItem answers from memory, HTTP/1.1 keep-alive, `x-amz-crc32` on
// every body. Prints its port on stdout, then serves until killed.
// usage: node node_canned_server.mjs
import http from 'node:http';
import { crc32 } from 'node:zlib';

const item = { id: { S: 'k1' }, n: { N: '42' }, flag: { BOOL: true }, payload: { S: 'x'.repeat(960) } };
const answers = {
  'DynamoDB_20120810.GetItem': Buffer.from(JSON.stringify({ Item: item })),
  'DynamoDB_20120810.PutItem': Buffer.from('{}'),
};
const unknown = Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException' }));

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const body = answers[req.headers['x-amz-target']];
    res.writeHead(body ? 200 : 400, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': (body ?? unknown).length,
      'x-amz-crc32': String(crc32(body ?? unknown)),
      'x-amzn-requestid': 'canned',
    });
    res.end(body ?? unknown);
  });
});
server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
