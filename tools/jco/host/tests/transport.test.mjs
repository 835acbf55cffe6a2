// HTTP through the worker: keep-alive reuse, error answers, large bodies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { configure } from '../egress.js';
import { send, startServer } from './helpers.mjs';

let server;
let origin;
before(async () => {
  server = await startServer();
  origin = `http://127.0.0.1:${server.port}`;
  configure({ allowedOrigins: [origin] });
});
after(async () => { configure({ allowedOrigins: null }); await server.stop(); });

test('consecutive requests reuse one keep-alive connection', () => {
  const before = server.connections();
  for (let i = 0; i < 25; i += 1) assert.equal(send(origin, '/').status, 200);
  assert.equal(server.connections() - before, 1);
});

test('an error answer comes back as the server sent it', () => {
  const answer = send(origin, '/fail');
  assert.equal(answer.status, 500);
  assert.equal(answer.headers['x-why'], 'failure');
  assert.equal(answer.body.toString(), '{"__type":"InternalServerError"}');
});

test('a closed port is connection-refused, not a crash', async () => {
  const gone = await startServer();
  await gone.stop();
  configure({ allowedOrigins: [origin, `http://127.0.0.1:${gone.port}`] });
  assert.deepEqual(send(`http://127.0.0.1:${gone.port}`, '/').error, { tag: 'connection-refused' });
  assert.equal(send(origin, '/').status, 200);
});

test('large bodies arrive whole, both ways', () => {
  const n = 8 << 20;
  const big = send(origin, `/big?n=${n}`);
  assert.equal(big.body.length, n);
  assert.ok(big.body.every((b, i) => b === i % 251));
  // The host takes the written bytes (a WASI list<u8> is passed by value): hash them first.
  const payload = Buffer.alloc(3 << 20, 'abc');
  const digest = (b) => createHash('sha256').update(b).digest('hex');
  const sent = digest(payload);
  const echoed = send(origin, '/echo', { method: 'post', body: payload });
  assert.equal(echoed.status, 200);
  assert.equal(echoed.body.length, 3 << 20);
  assert.equal(digest(echoed.body), sent);
});

test('a late wake-up is not taken for the answer', async () => {
  // The worker's notify for an earlier request can land while this thread waits for the next
  // one: the wait must go on until the state says RESPONSE.
  const { awaitResponse } = await import('../transport.js');
  const { REQUEST, RESPONSE } = await import('../shared.js');
  const control = new Int32Array(new SharedArrayBuffer(16));
  Atomics.store(control, 0, REQUEST);
  const { Worker } = await import('node:worker_threads');
  const helper = new Worker(`
    const { workerData: c } = require('node:worker_threads');
    const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    nap(200); Atomics.notify(c, 0);
    nap(200); Atomics.store(c, 0, ${RESPONSE}); Atomics.notify(c, 0);`, { eval: true, workerData: control });
  assert.equal(awaitResponse(control, 30_000), true);
  assert.equal(Atomics.load(control, 0), RESPONSE);
  await new Promise((resolve) => helper.once('exit', resolve));
});
