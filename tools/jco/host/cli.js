// wasi:cli for the component under Node: the process's environment (where the component's
// default credentials chain reads AWS_* variables), stdout and stderr, no terminal, no stdin.
import { writeSync } from 'node:fs';
import { InputStream, OutputStream } from './io.js';

let variables = null; // null: process.env, read on each call

/// The environment the component sees: pairs, or null for the process's own.
export function setEnvironment(pairs) {
  variables = pairs && Object.entries(pairs).map(([k, v]) => [k, String(v)]);
}

export const environment = {
  getEnvironment: () => variables ?? Object.entries(process.env),
  getArguments: () => [],
  initialCwd: () => undefined,
};
export const exit = {
  exit: (status) => process.exit(status.tag === 'ok' ? 0 : 1),
};
const fdStream = (fd) => new OutputStream((bytes) => writeSync(fd, bytes));
export const stdin = { getStdin: () => new InputStream(new Uint8Array(0)) };
export const stdout = { getStdout: () => fdStream(1) };
export const stderr = { getStderr: () => fdStream(2) };

class TerminalInput {}
class TerminalOutput {}
export const terminalInput = { TerminalInput };
export const terminalOutput = { TerminalOutput };
export const terminalStdin = { getTerminalStdin: () => undefined };
export const terminalStdout = { getTerminalStdout: () => undefined };
export const terminalStderr = { getTerminalStderr: () => undefined };
