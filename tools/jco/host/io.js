// wasi:io for the component under Node: pollables, errors and streams over memory. Every
// stream the component sees is one of these: an HTTP body (filled or drained by http.js in one
// piece) or stdout/stderr (cli.js). Nothing here waits on I/O: the one wait per HTTP request is
// in transport.js, and a clock pollable sleeps (clocks.js).

export class IoError {
  constructor(message) {
    this.message = message;
  }
  toDebugString() {
    return this.message;
  }
}

/// Ready when `block` returns; `wait` (if any) is what blocking does, once.
export class Pollable {
  #wait;
  constructor(wait) {
    this.#wait = wait;
  }
  ready() {
    return this.#wait === undefined;
  }
  block() {
    const wait = this.#wait;
    this.#wait = undefined;
    if (wait) wait();
  }
}

const READY = () => new Pollable();

/// Reads from a byte array; `closed` after its end.
export class InputStream {
  #bytes;
  #at = 0;
  constructor(bytes) {
    this.#bytes = bytes;
  }
  read(len) {
    const n = Number(len);
    if (this.#at >= this.#bytes.length && n > 0) throw { tag: 'closed' };
    const end = Math.min(this.#bytes.length, this.#at + n);
    const chunk = this.#bytes.subarray(this.#at, end);
    this.#at = end;
    return chunk;
  }
  blockingRead(len) {
    return this.read(len);
  }
  skip(len) {
    return BigInt(this.read(len).length);
  }
  blockingSkip(len) {
    return this.skip(len);
  }
  subscribe() {
    return READY();
  }
}

/// How much `checkWrite` offers at once (the component writes in pieces of at most this).
const WRITE_BUDGET = 1n << 24n;

/// Writes to `sink(bytes)`, which keeps or sends each chunk; after `close()`, `closed`.
export class OutputStream {
  #sink;
  #closed = false;
  constructor(sink) {
    this.#sink = sink;
  }
  close() {
    this.#closed = true;
  }
  #check() {
    if (this.#closed) throw { tag: 'closed' };
  }
  checkWrite() {
    this.#check();
    return WRITE_BUDGET;
  }
  write(bytes) {
    this.#check();
    this.#sink(bytes);
  }
  blockingWriteAndFlush(bytes) {
    this.write(bytes);
  }
  flush() {
    this.#check();
  }
  blockingFlush() {
    this.#check();
  }
  writeZeroes(len) {
    this.write(new Uint8Array(Number(len)));
  }
  blockingWriteZeroesAndFlush(len) {
    this.writeZeroes(len);
  }
  splice(from, len) {
    const bytes = from.read(len);
    this.write(bytes);
    return BigInt(bytes.length);
  }
  blockingSplice(from, len) {
    return this.splice(from, len);
  }
  subscribe() {
    return READY();
  }
}

/// Blocks on each pollable in turn: all are ready afterwards.
function poll(list) {
  for (const p of list) p.block();
  return new Uint32Array(list.map((_, i) => i));
}

export const error = { Error: IoError };
export const poll$ = { Pollable, poll };
export { poll$ as poll };
export const streams = { InputStream, OutputStream };
