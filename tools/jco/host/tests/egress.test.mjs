// Egress: which origins the host lets the component reach (egress.js through http.js).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configure, decide, parseRule, prohibited } from '../egress.js';
import { send, startServer } from './helpers.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { configure({ allowedOrigins: null }); await server.stop(); });

test('the default allows the AWS endpoints and refuses loopback before any connection', () => {
  configure({ allowedOrigins: null });
  assert.equal(decide('https', 'dynamodb.us-east-1.amazonaws.com', 443), 'wildcard');
  assert.equal(decide('https', 'sts.amazonaws.com', 443), 'wildcard');
  assert.equal(decide('http', 'dynamodb.us-east-1.amazonaws.com', 80), null);
  assert.equal(decide('https', 'dynamodb.us-east-1.amazonaws.com.evil.example', 443), null);
  const before = server.connections();
  assert.deepEqual(send(`http://127.0.0.1:${server.port}`, '/').refused, { tag: 'HTTP-request-denied' });
  assert.equal(server.connections(), before);
});

test('an exact rule reaches loopback; another port stays refused', () => {
  configure({ allowedOrigins: [`http://127.0.0.1:${server.port}`] });
  const answer = send(`http://127.0.0.1:${server.port}`, '/');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.toString(), 'ok');
  assert.equal(answer.headers['x-host-seen'], `127.0.0.1:${server.port}`);
  assert.deepEqual(send(`http://127.0.0.1:${server.port + 1}`, '/').refused, { tag: 'HTTP-request-denied' });
  configure({ allowedOrigins: [`http://localhost:${server.port}`] });
  assert.equal(send(`http://localhost:${server.port}`, '/').status, 200);
});

test('a wildcard rule never reaches loopback, by address or by name', () => {
  const before = server.connections();
  configure({ allowedOrigins: [`http://*:${server.port}`, `*://*.localhost:${server.port}`] });
  assert.deepEqual(send(`http://127.0.0.1:${server.port}`, '/').refused, { tag: 'destination-IP-prohibited' });
  assert.deepEqual(send(`http://[::ffff:127.0.0.1]:${server.port}`, '/').refused, { tag: 'destination-IP-prohibited' });
  assert.deepEqual(send(`http://localhost:${server.port}`, '/').error, { tag: 'destination-IP-prohibited' });
  assert.equal(server.connections(), before);
});

test('addresses and rules are read as the wasmtime host reads them', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', '::ffff:10.0.0.1', 'fd00::1', '2002:7f00:1::']) {
    assert.ok(prohibited(ip), ip);
  }
  for (const ip of ['52.94.0.1', '8.8.8.8', '2600:1f18::1']) assert.equal(prohibited(ip), null, ip);
  assert.throws(() => parseRule('ftp://x'), /the scheme must be http, https or \*/);
  assert.throws(() => parseRule('http://x/path'), /paths/);
  assert.throws(() => configure({ allowedOrigins: ['*://x'] }), /needs a port/);
  configure({ allowedOrigins: ['http://10.0.0.0/8:80'] });
  assert.equal(decide('http', '10.9.9.9', 80), 'exact');
  assert.equal(decide('http', '11.0.0.1', 80), null);
  assert.throws(() => parseRule('http://0x7f.1'), /numeric address/);
});
