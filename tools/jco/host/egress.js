// Egress for the component under Node, as the project's wasmtime host decides it
// (host-test/src/egress/): outbound rules in Spin's `scheme://host[:port]` syntax that the
// embedder passes to `configure({ allowedOrigins })`; without any, only the official AWS
// endpoints of DynamoDB, DynamoDB Streams and STS over https on 443. A rule that names a host or
// address exactly allows it; a wildcard rule (`*`, `*.suffix`) and the AWS default reach only
// globally routable addresses, checked on every address a name resolves to.
import { isIP } from 'node:net';
import { ipBits } from './addresses.js';
import { isDefaultEndpoint } from './aws.js';

export { prohibited } from './addresses.js';

let rules = null; // null: the AWS default

/// Sets the outbound rules (replacing earlier ones). `allowedOrigins: null` restores the AWS
/// default. A malformed rule throws, naming it, and leaves the rules as they were.
export function configure({ allowedOrigins } = {}) {
  if (allowedOrigins === undefined || allowedOrigins === null) {
    rules = null;
    return;
  }
  if (!Array.isArray(allowedOrigins)) throw new TypeError('allowedOrigins: an array of rules');
  rules = allowedOrigins.map(parseRule);
}

/// The rules in force, as written (null: the AWS default).
export function allowedOrigins() {
  return rules && rules.map((r) => r.text);
}

function ruleError(text, why) {
  return new Error(`outbound rule ${JSON.stringify(text)}: ${why}`);
}

export function parseRule(text) {
  if (typeof text !== 'string') throw ruleError(text, 'expected a string');
  const at = text.indexOf('://');
  if (at < 0) throw ruleError(text, 'expected scheme://host[:port]');
  let scheme = text.slice(0, at).toLowerCase();
  if (scheme === '*') scheme = null;
  else if (scheme !== 'http' && scheme !== 'https') throw ruleError(text, 'the scheme must be http, https or *');
  let rest = text.slice(at + 3);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  try {
    const [host, port] = splitPort(rest);
    if (/[/?#@]/.test(rest) && !cidr(host)) throw new Error('paths, queries, fragments and user info are not allowed');
    let ports;
    if (port !== undefined) ports = parsePorts(port);
    else if (scheme === 'http') ports = [80, 81];
    else if (scheme === 'https') ports = [443, 444];
    else throw new Error('a rule for any scheme needs a port');
    return { text, scheme, host: hostPattern(host), ports };
  } catch (e) {
    throw ruleError(text, e.message);
  }
}

function splitPort(rest) {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new Error('an IPv6 address needs its closing ]');
    const after = rest.slice(close + 1);
    if (after === '') return [rest.slice(1, close), undefined];
    if (!after.startsWith(':')) throw new Error('unexpected text after ]');
    return [rest.slice(1, close), after.slice(1)];
  }
  const colon = rest.lastIndexOf(':');
  return colon < 0 ? [rest, undefined] : [rest.slice(0, colon), rest.slice(colon + 1)];
}

function parsePorts(port) {
  const number = (p) => {
    if (!/^\d{1,5}$/.test(p) || +p < 1 || +p > 65535) throw new Error(`${JSON.stringify(p)} is not a port (1 to 65535)`);
    return +p;
  };
  if (port === '*') return [1, 65536];
  const range = port.indexOf('..');
  if (range >= 0) {
    const [start, end] = [number(port.slice(0, range)), number(port.slice(range + 2))];
    if (start >= end) throw new Error(`the port range ${port} is empty (the end is excluded)`);
    return [start, end];
  }
  const n = number(port);
  return [n, n + 1];
}

/// `a.b.c.d/n` or `x::y/n` (or a bare address): [family, BigInt network, prefix], else null.
function cidr(text) {
  const slash = text.indexOf('/');
  const ip = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(ip);
  if (!family) return null;
  const bits = family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || +prefixText > bits) return null;
  const prefix = +prefixText;
  return [family, ipBits(ip) & mask(bits, prefix), prefix];
}

const mask = (bits, prefix) => ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);

function hostPattern(host) {
  if (host === '') throw new Error('the host is empty');
  if (host === '*') return { kind: 'any' };
  const net = cidr(host);
  if (net) return { kind: 'net', net };
  if (host.startsWith('*.')) return { kind: 'sub', suffix: `.${normalizeName(host.slice(2))}` };
  return { kind: 'name', name: normalizeName(host) };
}

/// Lowercase, no trailing dot, DNS labels; numbers in disguise (`2130706433`, `0x7f.1`,
/// `127.1`) are refused: resolvers read them as IPv4 addresses.
export function normalizeName(raw) {
  const name = (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase();
  const labels = name.split('.');
  const labelOk = (l) => l.length > 0 && l.length <= 63 && /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/.test(l);
  if (name === '' || name.length > 253 || !labels.every(labelOk)) {
    throw new Error(`${JSON.stringify(name)} is not a valid host name`);
  }
  const last = labels[labels.length - 1];
  if (/^\d+$/.test(last) || /^0x[0-9a-f]*$/.test(last)) {
    throw new Error(`${JSON.stringify(name)} is a numeric address in a non-standard form; write it as a dotted IPv4 address`);
  }
  return name;
}

/// How the rules in force let `scheme://host:port` through: 'exact', 'wildcard' or null.
/// `host` is the URL's host (IPv6 bracketed). A malformed host is refused (null).
export function decide(scheme, host, port) {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let target;
  if (isIP(bare)) target = { ip: bare };
  else {
    try {
      target = { name: normalizeName(bare) };
    } catch {
      return null;
    }
  }
  if (rules === null) {
    return scheme === 'https' && port === 443 && target.name && isDefaultEndpoint(target.name) ? 'wildcard' : null;
  }
  let found = null;
  for (const rule of rules) {
    const how = matches(rule, scheme, target, port);
    if (how === 'exact') return how;
    if (how) found = how;
  }
  return found;
}

function matches(rule, scheme, target, port) {
  if ((rule.scheme && rule.scheme !== scheme) || port < rule.ports[0] || port >= rule.ports[1]) return null;
  const { host } = rule;
  if (host.kind === 'any') return 'wildcard';
  if (host.kind === 'sub') return target.name?.endsWith(host.suffix) && target.name.length > host.suffix.length ? 'wildcard' : null;
  if (host.kind === 'name') return target.name === host.name ? 'exact' : null;
  if (!target.ip) return null;
  const [family, network, prefix] = host.net;
  if (isIP(target.ip) !== family) return null;
  return (ipBits(target.ip) & mask(family === 4 ? 32 : 128, prefix)) === network ? 'exact' : null;
}
