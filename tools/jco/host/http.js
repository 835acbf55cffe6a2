// wasi:http for the component under Node: the request is gathered in memory (headers, body),
// checked against the egress rules (egress.js), and sent in ONE synchronous round trip to a
// worker thread that owns Node's keep-alive http/https agents (transport.js, worker.js); the
// response comes back whole. The component blocks on its future-incoming-response once, which
// is where the round trip happens (after it has written and finished the body).
import { isIP } from 'node:net';
import { decide, prohibited } from './egress.js';
import { InputStream, OutputStream, Pollable } from './io.js';
import { roundTrip } from './transport.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const latin1 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

export class Fields {
  #entries = [];
  static fromList(entries) {
    const fields = new Fields();
    for (const [name, value] of entries) fields.append(name, value);
    return fields;
  }
  static #fromRaw(raw) {
    const fields = new Fields();
    for (let i = 0; i < raw.length; i += 2) fields.#entries.push([raw[i].toLowerCase(), Buffer.from(raw[i + 1], 'latin1')]);
    return fields;
  }
  static fromRawHeaders(raw) {
    return Fields.#fromRaw(raw);
  }
  get(name) {
    const lower = name.toLowerCase();
    return this.#entries.filter(([n]) => n === lower).map(([, v]) => v);
  }
  has(name) {
    return this.get(name).length > 0;
  }
  set(name, values) {
    this.delete(name);
    for (const value of values) this.append(name, value);
  }
  delete(name) {
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n !== lower);
  }
  append(name, value) {
    if (!TOKEN.test(name)) throw { tag: 'invalid-syntax' };
    if (value.some((b) => b === 0 || b === 10 || b === 13)) throw { tag: 'invalid-syntax' };
    this.#entries.push([name.toLowerCase(), value]);
  }
  entries() {
    return this.#entries.map(([n, v]) => [n, v]);
  }
  clone() {
    return Fields.fromList(this.#entries);
  }
  /// Flat [name, value, …] strings, as Node's http takes headers.
  toRaw() {
    return this.#entries.flatMap(([n, v]) => [n, latin1(v)]);
  }
}

export class RequestOptions {
  connect;
  firstByte;
  betweenBytes;
  connectTimeout() { return this.connect; }
  setConnectTimeout(nanos) { this.connect = nanos; }
  firstByteTimeout() { return this.firstByte; }
  setFirstByteTimeout(nanos) { this.firstByte = nanos; }
  betweenBytesTimeout() { return this.betweenBytes; }
  setBetweenBytesTimeout(nanos) { this.betweenBytes = nanos; }
}

export class OutgoingBody {
  chunks = [];
  finished = false;
  #stream;
  write() {
    if (this.#stream) throw undefined;
    this.#stream = new OutputStream((bytes) => this.chunks.push(bytes));
    return this.#stream;
  }
  static finish(body, trailers) {
    if (trailers) throw { tag: 'internal-error', val: 'trailers are not supported' };
    body.#stream?.close();
    body.finished = true;
  }
}

export class OutgoingRequest {
  #headers;
  #body;
  line = { method: { tag: 'get' }, scheme: undefined, authority: undefined, path: undefined };
  constructor(headers) {
    this.#headers = headers;
  }
  body() {
    if (this.#body) throw undefined;
    this.#body = new OutgoingBody();
    return this.#body;
  }
  outgoingBody() { return this.#body; }
  headers() { return this.#headers; }
  method() { return this.line.method; }
  setMethod(m) { this.line.method = m; }
  scheme() { return this.line.scheme; }
  setScheme(s) { this.line.scheme = s; }
  authority() { return this.line.authority; }
  setAuthority(a) { this.line.authority = a; }
  pathWithQuery() { return this.line.path; }
  setPathWithQuery(p) { this.line.path = p; }
}

export class IncomingBody {
  #stream;
  #bytes;
  constructor(bytes) {
    this.#bytes = bytes;
  }
  stream() {
    if (this.#stream) throw undefined;
    this.#stream = new InputStream(this.#bytes);
    return this.#stream;
  }
  static finish() {
    return new FutureTrailers();
  }
}

export class FutureTrailers {
  subscribe() { return new Pollable(); }
  get() { return { tag: 'ok', val: { tag: 'ok', val: undefined } }; }
}

export class IncomingResponse {
  #status;
  #headers;
  #body;
  constructor(status, rawHeaders, body) {
    this.#status = status;
    this.#headers = Fields.fromRawHeaders(rawHeaders);
    this.#body = new IncomingBody(body);
  }
  status() { return this.#status; }
  headers() { return this.#headers; }
  consume() {
    const body = this.#body;
    if (!body) throw undefined;
    this.#body = undefined;
    return body;
  }
}

export class FutureIncomingResponse {
  #send;
  #result;
  #taken = false;
  constructor(send) {
    this.#send = send;
  }
  #resolve() {
    if (this.#result === undefined) this.#result = this.#send();
  }
  subscribe() {
    return this.#result === undefined ? new Pollable(() => this.#resolve()) : new Pollable();
  }
  get() {
    this.#resolve();
    if (this.#taken) return { tag: 'err' };
    this.#taken = true;
    return { tag: 'ok', val: this.#result };
  }
}

// The server side of wasi:http (the component's incoming-handler export) is not driven by this
// host; the types exist so that the component links.
class Unsupported {
  constructor() {
    throw new Error('wasi:http server types are not provided by this host');
  }
}
export class IncomingRequest extends Unsupported {}
export class OutgoingResponse extends Unsupported {}
export class ResponseOutparam extends Unsupported {}

const SCHEMES = { HTTP: 'http', HTTPS: 'https' };
const METHODS = { get: 'GET', head: 'HEAD', post: 'POST', put: 'PUT', delete: 'DELETE', connect: 'CONNECT', options: 'OPTIONS', trace: 'TRACE', patch: 'PATCH' };
const millis = (nanos, fallback) => (nanos === undefined ? fallback : Math.max(1, Number(nanos / 1_000_000n)));

/// `scheme://authority` split into host (IPv6 bracketed) and port.
function splitAuthority(authority, scheme) {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
  if (!m || m[1] === '') return null;
  const port = m[2] === undefined ? (scheme === 'https' ? 443 : 80) : Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : null;
}

function handle(request, options) {
  const line = request.line;
  const scheme = SCHEMES[line.scheme?.tag ?? 'HTTPS'];
  const method = line.method.tag === 'other' ? line.method.val : METHODS[line.method.tag];
  if (!scheme) throw { tag: 'HTTP-protocol-error' };
  const target = splitAuthority(line.authority ?? '', scheme);
  if (!target || !method) throw { tag: 'HTTP-request-URI-invalid' };
  const guard = decide(scheme, target.host, target.port);
  if (!guard) throw { tag: 'HTTP-request-denied' };
  const bare = target.host.replace(/^\[|\]$/g, '');
  // An IP literal a wildcard rule matched must be global (a name is checked as it resolves).
  if (guard === 'wildcard' && isIP(bare) && prohibited(bare)) throw { tag: 'destination-IP-prohibited' };
  const headers = request.headers().toRaw();
  // The component signs the authority as its Host: send it as written (Node would drop :443).
  if (!request.headers().has('host')) headers.push('host', line.authority);
  const outgoing = request.outgoingBody();
  return new FutureIncomingResponse(() => send({
    method, scheme, host: bare, port: target.port, path: line.path ?? '/', headers, outgoing, guard,
    connectMs: millis(options?.connect, 10_000),
    firstByteMs: millis(options?.firstByte, 60_000),
    betweenMs: millis(options?.betweenBytes, 60_000),
  }));
}

function send({ outgoing, ...request }) {
  const chunks = outgoing?.chunks ?? [];
  request.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  const answer = roundTrip(request);
  if (answer.error) return { tag: 'err', val: answer.error };
  return { tag: 'ok', val: new IncomingResponse(answer.status, answer.headers, answer.body) };
}

export const types = {
  Fields, RequestOptions, OutgoingBody, OutgoingRequest, IncomingBody, FutureTrailers,
  IncomingResponse, FutureIncomingResponse, IncomingRequest, OutgoingResponse, ResponseOutparam,
};
export const outgoingHandler = { handle };
