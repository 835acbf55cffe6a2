// wasi:random for the component under Node: the operating system's generator.
import { randomBytes, randomFillSync } from 'node:crypto';

const word = new BigUint64Array(1);

export const random = {
  getRandomBytes: (len) => randomBytes(Number(len)),
  getRandomU64: () => {
    randomFillSync(word);
    return word[0];
  },
};
export const insecure = random;
export const insecureSeed = {
  insecureSeed: () => {
    const pair = new BigUint64Array(2);
    randomFillSync(pair);
    return [pair[0], pair[1]];
  },
};
