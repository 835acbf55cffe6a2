// The synchronous side of HTTP: the component calls wasi:http synchronously and Node 20 has no
// JSPI, so each request is ONE round trip to a worker thread (worker.js) that owns Node's
// keep-alive agents: post the request, sleep on a shared flag (Atomics.wait), take the whole
// response from a message port. The worker starts on the first request and never keeps the
// process alive.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

/// Extra wait beyond the request's own timeouts before the worker is declared lost.
const GRACE_MS = 5_000;

let lane = null;

function start() {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { flag, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    lane = null;
  });
  return { flag, port: port1, worker };
}

/// Sends `request` ({method, scheme, host, port, path, headers, body, guard, *Ms}) and waits
/// for its answer: {status, headers (flat), body} or {error: <wasi:http error-code>}.
export function roundTrip(request) {
  lane ??= start();
  const { flag, port, worker } = lane;
  Atomics.store(flag, 0, 0);
  const body = request.body;
  const transfer = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && !(body.buffer instanceof SharedArrayBuffer) ? [body.buffer] : [];
  worker.postMessage(request, transfer);
  const limit = request.connectMs + request.firstByteMs + request.betweenMs + GRACE_MS;
  if (Atomics.wait(flag, 0, 0, limit) === 'timed-out') {
    lane = null;
    worker.terminate();
    return { error: { tag: 'internal-error', val: 'the HTTP worker did not answer' } };
  }
  const reply = receiveMessageOnPort(port);
  if (!reply) return { error: { tag: 'internal-error', val: 'the HTTP worker answered nothing' } };
  return reply.message;
}
