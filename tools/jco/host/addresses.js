// Which IP addresses a wildcard or default rule may reach: only globally routable ones
// (host-test/src/egress/address.rs). An IPv6 address that embeds an IPv4 one (mapped,
// compatible, NAT64, 6to4, Teredo) is judged by the address it embeds.
import { isIP } from 'node:net';

const V4 = [
  ['0.0.0.0', 8, 'this-network (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'shared CGNAT (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'link-local (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'documentation (192.0.2.0/24)'],
  ['192.88.99.0', 24, '6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0', 16, 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'documentation (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'documentation (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'reserved or broadcast (240.0.0.0/4)'],
];
const V6 = [
  ['::', 128, 'unspecified (::)'],
  ['::1', 128, 'loopback (::1)'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::', 64, 'discard-only (100::/64)'],
  ['2001::', 23, 'IETF protocol assignments (2001::/23)'],
  ['2001:db8::', 32, 'documentation (2001:db8::/32)'],
  ['3fff::', 20, 'documentation (3fff::/20)'],
  ['fc00::', 7, 'unique local (fc00::/7)'],
  ['fe80::', 10, 'link-local (fe80::/10)'],
  ['fec0::', 10, 'site-local (fec0::/10)'],
  ['ff00::', 8, 'multicast (ff00::/8)'],
];

const table = (rows, bits) => rows.map(([ip, prefix, why]) => [ipBits(ip), BigInt(bits - prefix), why]);
const V4_TABLE = table(V4, 32);
const V6_TABLE = table(V6, 128);
const find = (rows, value) => rows.find(([net, shift]) => value >> shift === net >> shift)?.[2] ?? null;

/// The IPv4 address (as 32 bits) an IPv6 address stands for, if it carries one.
function embeddedV4(bits) {
  const low32 = bits & 0xffffffffn;
  const top = (prefix) => bits >> BigInt(128 - prefix);
  if (top(96) === 0xffffn) return low32; // ::ffff:a.b.c.d
  if (top(96) === 0n && bits > 1n) return low32; // ::a.b.c.d (:: and ::1 excepted)
  if (top(96) === 0x0064ff9b0000000000000000n) return low32; // NAT64 64:ff9b::/96
  if (top(16) === 0x2002n) return (bits >> 80n) & 0xffffffffn; // 6to4
  if (top(32) === 0x20010000n) return ~low32 & 0xffffffffn; // Teredo, inverted
  return null;
}

/// Why `ip` may not be reached through a wildcard or default rule; null for a global address.
export function prohibited(ip) {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const bits = ipBits(ip);
  if (family === 4) return find(V4_TABLE, bits);
  const v4 = embeddedV4(bits);
  return v4 === null ? find(V6_TABLE, bits) : find(V4_TABLE, v4);
}

/// An IP address as a BigInt (IPv4 in 32 bits, IPv6 in 128).
export function ipBits(ip) {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(+o), 0n);
  let text = ip;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = ipBits(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
