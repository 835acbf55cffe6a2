// wasi:clocks for the component under Node. A pollable of the monotonic clock sleeps the
// thread when blocked on (the component's retry back-off).
import { Pollable } from './io.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepUntil(deadline) {
  const left = Number(deadline - process.hrtime.bigint()) / 1e6;
  if (left > 0) Atomics.wait(sleeper, 0, 0, left);
}

const now = () => process.hrtime.bigint();

export const monotonicClock = {
  now,
  resolution: () => 1n,
  subscribeInstant: (when) => new Pollable(() => sleepUntil(when)),
  subscribeDuration: (nanos) => {
    const when = now() + nanos;
    return new Pollable(() => sleepUntil(when));
  },
};

export const wallClock = {
  now() {
    const ms = Date.now();
    return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
  },
  resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
};
