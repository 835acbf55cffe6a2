// The HTTP worker of transport.js: does each request with Node's keep-alive agents, reads the
// whole response, writes it to the shared buffer (shared.js) and wakes the waiting thread. Requests allowed by
// a wildcard rule (or the AWS default) resolve through a lookup that drops addresses that are
// not global (egress.js); they use agents of their own, so that no connection opened for an
// exact rule is reused for them.
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { prohibited } from './addresses.js';
import { REQUEST, RESPONSE, decode, encode } from './shared.js';

const { control, data, port } = workerData;
const options = { keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' };
const agents = {
  exact: { http: new http.Agent(options), https: new https.Agent(options) },
  wildcard: { http: new http.Agent(options), https: new https.Agent(options) },
};

/// Resolves `name` and keeps only global addresses; none left: EPROHIBITED.
function guardedLookup(name, opts, callback) {
  dnsLookup(name, { ...opts, all: true }, (err, addresses) => {
    if (err) return callback(err);
    const allowed = addresses.filter(({ address }) => prohibited(address) === null);
    if (allowed.length === 0) {
      const refused = new Error(`${name} resolves only to addresses that are not allowed`);
      refused.code = 'EPROHIBITED';
      return callback(refused);
    }
    if (opts.all) return callback(null, allowed);
    return callback(null, allowed[0].address, allowed[0].family);
  });
}

const CERTIFICATE = /CERT|UNABLE_TO_VERIFY|SELF_SIGNED|ERR_TLS_CERT/;

/// A Node error as a wasi:http error-code.
function errorCode(err) {
  if (err.wasi) return err.wasi;
  const code = err.code ?? '';
  if (code === 'EPROHIBITED') return { tag: 'destination-IP-prohibited' };
  if (code === 'ECONNREFUSED') return { tag: 'connection-refused' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return { tag: 'DNS-error', val: { rcode: code, infoCode: undefined } };
  if (code === 'ETIMEDOUT') return { tag: 'connection-timeout' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return { tag: 'connection-terminated' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { tag: 'destination-unavailable' };
  if (CERTIFICATE.test(code)) return { tag: 'TLS-certificate-error' };
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return { tag: 'TLS-protocol-error' };
  return { tag: 'internal-error', val: `${code || err.name}: ${err.message}` };
}

function failure(tag) {
  const err = new Error(tag);
  err.wasi = { tag };
  return err;
}

function reply({ body, ...head }) {
  encode(control, data, port, head, body ?? new Uint8Array(0));
  Atomics.store(control, 0, RESPONSE);
  Atomics.notify(control, 0);
}

function send(request, done) {
  const { scheme, guard } = request;
  const req = (scheme === 'https' ? https : http).request({
    method: request.method, host: request.host, port: request.port, path: request.path,
    headers: request.headers, agent: agents[guard][scheme], setHost: false,
    lookup: guard === 'wildcard' ? guardedLookup : undefined,
  });
  let timer = null;
  const arm = (ms, tag) => {
    clearTimeout(timer);
    timer = setTimeout(() => req.destroy(failure(tag)), ms);
  };
  const finish = (result) => {
    clearTimeout(timer);
    done(result);
    done = () => {};
  };
  req.on('socket', (socket) => {
    if (socket.connecting) {
      arm(request.connectMs, 'connection-timeout');
      socket.once('connect', () => arm(request.firstByteMs, 'connection-read-timeout'));
    } else arm(request.firstByteMs, 'connection-read-timeout');
  });
  req.on('error', (err) => finish({ error: errorCode(err) }));
  req.on('response', (res) => readResponse(res, request, arm, finish));
  req.end(request.body);
}

function readResponse(res, request, arm, finish) {
  const chunks = [];
  let size = 0;
  arm(request.betweenMs, 'connection-read-timeout');
  res.on('data', (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
    arm(request.betweenMs, 'connection-read-timeout');
  });
  res.on('error', (err) => finish({ error: errorCode(err) }));
  res.on('aborted', () => finish({ error: { tag: 'connection-terminated' } }));
  res.on('end', () => {
    // A body of its own (not Node's pooled slab), so that it can be moved, not copied.
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.length;
    }
    finish({ status: res.statusCode, headers: res.rawHeaders, body });
  });
}

/// Waits (without blocking this thread's loop) for each REQUEST, sends it, replies.
async function serve() {
  for (;;) {
    const state = Atomics.load(control, 0);
    if (state !== REQUEST) {
      const wait = Atomics.waitAsync(control, 0, state);
      if (wait.async) await wait.value;
      continue;
    }
    const { head, body } = decode(control, data, () => receiveMessageOnPort(port)?.message);
    await new Promise((done) => send({ ...head, body }, (result) => done(reply(result))));
  }
}

// A pending Atomics.waitAsync does not keep a thread's loop alive: this timer does (the
// parent has unref'd this worker, so the process still exits when its own work is done).
setInterval(() => {}, 1 << 30);
serve();
