// The synchronous side of HTTP: the component calls wasi:http synchronously and Node 20 has no
// JSPI, so each request is ONE round trip to a worker thread (worker.js) that owns Node's
// keep-alive agents. The request and the response travel through shared memory (no message
// serialisation): the request is written to the shared buffer, the state flag set to REQUEST
// and the worker woken (it waits with Atomics.waitAsync); this thread sleeps in Atomics.wait
// until the worker has written the response and set RESPONSE. A body too large for the buffer
// goes by message port instead. The worker starts on the first request and never keeps the
// process alive.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { CAPACITY, REQUEST, decode, encode } from './shared.js';

/// Extra wait beyond the request's own timeouts before the worker is declared lost.
const GRACE_MS = 5_000;

let lane = null;

function start() {
  const control = new Int32Array(new SharedArrayBuffer(16));
  const data = new Uint8Array(new SharedArrayBuffer(CAPACITY));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { control, data, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    lane = null;
  });
  return { control, data, port: port1, worker };
}

/// Sleeps until the state leaves REQUEST, or `limit` ms pass (false). A wake-up is not proof of
/// an answer: the worker's notify for the previous request can arrive late (after this thread
/// saw RESPONSE without sleeping and went on to the next request), so the state is checked.
export function awaitResponse(control, limit) {
  const deadline = performance.now() + limit;
  while (Atomics.load(control, 0) === REQUEST) {
    const left = deadline - performance.now();
    if (left <= 0 || Atomics.wait(control, 0, REQUEST, left) === 'timed-out') return Atomics.load(control, 0) !== REQUEST;
  }
  return true;
}

/// Sends `request` ({method, scheme, host, port, path, headers, body, guard, *Ms}) and waits
/// for its answer: {status, headers (flat), body} or {error: <wasi:http error-code>}.
export function roundTrip(request) {
  lane ??= start();
  const { control, data, port, worker } = lane;
  const { body, ...head } = request;
  encode(control, data, port, head, body);
  Atomics.store(control, 0, REQUEST);
  Atomics.notify(control, 0);
  if (!awaitResponse(control, request.connectMs + request.firstByteMs + request.betweenMs + GRACE_MS)) {
    lane = null;
    worker.terminate();
    return { error: { tag: 'internal-error', val: 'the HTTP worker did not answer' } };
  }
  const { head: answer, body: bytes } = decode(control, data, () => receiveMessageOnPort(port)?.message);
  return { ...answer, body: bytes };
}
