// The shared-memory message of transport.js and worker.js: a JSON head and a byte body in one
// shared buffer. control[0] is the state (IDLE, REQUEST, RESPONSE), control[1] the head's
// length, control[2] the body's length, or -1 when the body went by message port (too large).

export const IDLE = 0;
export const REQUEST = 1;
export const RESPONSE = 2;
/// The shared buffer's size: a DynamoDB answer of up to about 1 MB fits.
export const CAPACITY = 2 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/// Writes `head` (JSON) and `body` (bytes) to `data`; a body that does not fit is posted on
/// `port` instead, a head that does not fit is an error.
export function encode(control, data, port, head, body) {
  const text = JSON.stringify(head);
  const { read, written } = encoder.encodeInto(text, data);
  if (read < text.length) throw new Error('an HTTP head larger than the shared buffer');
  control[1] = written;
  if (body.length <= data.length - written) {
    data.set(body, written);
    control[2] = body.length;
  } else {
    port.postMessage(body);
    control[2] = -1;
  }
}

/// Reads what `encode` wrote; `take()` receives a body that went by port. The body is a copy:
/// the shared buffer is reused by the next message.
export function decode(control, data, take) {
  const headLength = control[1];
  const bodyLength = control[2];
  const head = JSON.parse(decoder.decode(data.slice(0, headLength)));
  const body = bodyLength < 0 ? take() : data.slice(headLength, headLength + bodyLength);
  return { head, body };
}
