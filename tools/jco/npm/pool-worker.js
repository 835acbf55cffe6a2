// One thread of pool.js: its own instance of the component, configured once; runs each call
// it is sent and answers {id, ok} or {id, message, payload}.
import { parentPort, workerData } from 'node:worker_threads';
import { configure, execute, executeJson } from './index.js';

configure(workerData ?? {});
parentPort.on('message', ({ id, kind, request }) => {
  try {
    const ok = kind === 'json' ? executeJson(request) : execute(request);
    parentPort.postMessage({ id, ok });
  } catch (e) {
    parentPort.postMessage({ id, message: String(e?.message ?? e), payload: e?.payload });
  }
});
