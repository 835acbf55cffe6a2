// What the component does with wasi:http, done from JavaScript against the host's classes:
// build a request, hand it to the outgoing handler, block, read the whole response.
import { Worker } from 'node:worker_threads';
import { outgoingHandler, types } from '../http.js';

export async function startServer(host = '127.0.0.1') {
  const counter = new SharedArrayBuffer(4);
  const worker = new Worker(new URL('./server.mjs', import.meta.url), { workerData: { counter, host } });
  const port = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    port,
    connections: () => Atomics.load(new Int32Array(counter), 0),
    stop: () => new Promise((resolve) => { worker.once('exit', resolve); worker.postMessage('stop'); }),
  };
}

/// {status, headers, body} or {error: <error-code>}; a refusal by `handle` itself is
/// {refused: <error-code>}.
export function send(origin, path, { method = 'get', body } = {}) {
  const url = new URL(origin);
  const request = new types.OutgoingRequest(types.Fields.fromList([]));
  request.setMethod({ tag: method });
  request.setScheme({ tag: url.protocol === 'https:' ? 'HTTPS' : 'HTTP' });
  request.setAuthority(url.host);
  request.setPathWithQuery(path);
  const outgoing = request.body();
  let pending;
  try {
    pending = outgoingHandler.handle(request, new types.RequestOptions());
  } catch (e) {
    return { refused: e };
  }
  if (body) outgoing.write().write(body);
  types.OutgoingBody.finish(outgoing);
  pending.subscribe().block();
  const answer = pending.get().val;
  if (answer.tag === 'err') return { error: answer.val };
  const response = answer.val;
  const stream = response.consume().stream();
  const chunks = [];
  for (;;) {
    try {
      chunks.push(Buffer.from(stream.blockingRead(65536n)));
    } catch (e) {
      if (e.tag !== 'closed') throw e;
      break;
    }
  }
  const headers = Object.fromEntries(response.headers().entries().map(([n, v]) => [n, Buffer.from(v).toString()]));
  return { status: response.status(), headers, body: Buffer.concat(chunks) };
}
