// The Node peer of the benchmark: this component through jco (on the stock preview2-shim, and on
// the npm package's own host, tools/jco/host/) against @aws-sdk/client-dynamodb, GetItem and
// PutItem of a 1 KB item against a canned loopback server (bench/node_canned_server.mjs, its own
// process). Each peer runs in a process of its own: p50/p99 latency and CPU per call (the
// process's user + system time, worker threads included) at 1 in flight, then throughput at
// 1, 8 and 64 in flight. Prints a Markdown table and writes target/bench/node.{md,json}.
// usage: node bench/node_bench.mjs [--quick] [--peers a,b,c]
//   (from the repository root, after `cargo build --target wasm32-wasip2 --release` and
//   `npm ci` in tools/jco, tools/jco-package and tools/node-bench; scripts/bench.sh does all
//   that and runs this after the Rust harness)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'target', 'bench', 'node');
const COMPONENT = process.env.DDB_CONNECTOR_COMPONENT
  ?? join(ROOT, 'target', 'wasm32-wasip2', 'release', 'ddb_connector.wasm');
// The stock path: tools/jco's jco and shim; the package's: tools/jco-package's jco, as
// scripts/package.sh transpiles it.
const JCO = join(ROOT, 'tools', 'jco', 'node_modules', '.bin', 'jco');
const PACKAGE_JCO = join(ROOT, 'tools', 'jco-package', 'node_modules', '.bin', 'jco');

const PEERS = {
  stock: 'this component, jco + preview2-shim 0.26.1',
  ours: 'this component, the npm package (jco 1.11.3 + its host)',
  pool: 'this component, the package\'s host, worker pool',
  sdk: '@aws-sdk/client-dynamodb 3.1178.0',
};

/// The component transpiled twice: as jco does by default (the shim), and as the npm package
/// is (scripts/package.sh: the wasi imports mapped onto tools/jco/host/).
function stage(peers) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const stock = join(OUT, 'stock');
  if (peers.includes('stock')) execFileSync(JCO, ['transpile', COMPONENT, '--quiet', '--name', 'ddb_connector', '-o', stock]);
  // The shim jco was pinned with, where jco is installed.
  if (peers.includes('stock')) symlinkSync(dirname(dirname(JCO)), join(stock, 'node_modules'));
  const ours = join(OUT, 'ours');
  const maps = ['cli', 'clocks', 'http', 'io', 'random'].map((i) => `wasi:${i}/*=./host/${i}.js#*`);
  execFileSync(PACKAGE_JCO, ['transpile', COMPONENT, '--quiet', '--name', 'ddb_connector', '-o', ours, '-M', ...maps]);
  mkdirSync(join(ours, 'host'));
  cpSync(join(ROOT, 'tools', 'jco', 'host'), join(ours, 'host'), { recursive: true, filter: (p) => !p.includes('tests') });
  for (const f of ['index.js', 'index.d.ts', 'pool.js', 'pool-worker.js']) cpSync(join(ROOT, 'tools', 'jco', 'npm', f), join(ours, f));
  writeFileSync(join(ours, 'package.json'), '{"type":"module"}\n');
  return { stock, ours };
}

function startServer() {
  const server = spawn(process.execPath, [join(ROOT, 'bench', 'node_canned_server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveStart, reject) => {
    server.stdout.once('data', (d) => resolveStart({ port: Number(String(d).trim()), stop: () => server.kill() }));
    server.once('error', reject);
  });
}

function runPeer(peer, args) {
  const child = join(ROOT, 'bench', 'node_bench_peer.mjs');
  // --no-warnings: the SDK warns on every start that its releases from 2027 on need Node 22.
  const text = execFileSync(process.execPath, ['--no-warnings', child, peer, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(text);
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

function table(results) {
  const rows = ['| peer (Node ' + process.versions.node + ') | op | p50 µs | p99 µs | CPU µs/call | calls/s @1 | @8 | @64 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    const t = r.throughput;
    rows.push(`| ${PEERS[r.peer]} | ${r.op} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.cpu)} | ${fmt(t[1])} | ${fmt(t[8])} | ${fmt(t[64])} |`);
  }
  return rows.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--peers');
  const peers = at >= 0 ? argv[at + 1].split(',') : Object.keys(PEERS);
  const dirs = stage(peers);
  const server = await startServer();
  const counts = quick ? { warm: 20, calls: 50, load: 100 } : { warm: 300, calls: 3000, load: 2000 };
  const results = [];
  try {
    for (const op of ['GetItem', 'PutItem']) {
      for (const peer of peers) {
        const dir = peer === 'stock' ? dirs.stock : dirs.ours;
        const result = runPeer(peer, { op, port: server.port, dir: pathToFileURL(dir).href, ...counts });
        results.push({ peer, op, ...result });
        console.error(`${peer} ${op}: p50 ${fmt(result.p50)} µs, CPU ${fmt(result.cpu)} µs/call`);
      }
    }
  } finally {
    server.stop();
  }
  writeFileSync(join(ROOT, 'target', 'bench', 'node.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(ROOT, 'target', 'bench', 'node.md'), table(results) + '\n');
  console.log(table(results));
}

await main();
