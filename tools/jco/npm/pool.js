// Concurrency for the npm package: calls are synchronous in the thread that makes them, so
// calls in flight together run in a pool of worker threads, each with its own instance of the
// component (and its own HTTP worker, transport.js). Each call goes to the worker with the
// fewest calls waiting.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/// A pool of `size` threads (default: the machine's parallelism), each configured with
/// `allowedOrigins` and `environment` as `configure` takes them. `executeJson` and `execute`
/// answer promises; `close()` ends the threads.
export function createPool({ size = availableParallelism(), allowedOrigins, environment } = {}) {
  const lanes = Array.from({ length: Math.max(1, size) }, () => startLane({ allowedOrigins, environment }));
  const call = (kind, request) => {
    let lane = lanes[0];
    for (const other of lanes) if (other.waiting.size < lane.waiting.size) lane = other;
    return lane.call(kind, request);
  };
  return {
    executeJson: (request) => call('json', typeof request === 'string' ? request : JSON.stringify(request)),
    execute: (request) => call('typed', request),
    close: () => Promise.all(lanes.map((lane) => lane.worker.terminate())).then(() => {}),
  };
}

function startLane(configuration) {
  const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: configuration });
  const waiting = new Map();
  let next = 0;
  worker.on('message', ({ id, ok, payload, message }) => {
    const { resolve, reject } = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    if (message === undefined) return resolve(ok);
    const error = new Error(message);
    if (payload !== undefined) error.payload = payload;
    return reject(error);
  });
  worker.on('error', (err) => {
    for (const { reject } of waiting.values()) reject(err);
    waiting.clear();
  });
  worker.unref();
  const call = (kind, request) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, kind, request });
  });
  return { worker, waiting, call };
}
