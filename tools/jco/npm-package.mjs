// Writes package.json for the npm package scripts/package.sh makes from jco's output and the
// host of tools/jco/host/ (no WASI shim dependency: the package brings its own host).
// usage: node npm-package.mjs DIR VERSION DESCRIPTION LICENSE [SOURCE]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, version, description, license, source] = process.argv.slice(2);
const pkg = {
  name: 'ddb-connector',
  version,
  description,
  license,
  type: 'module',
  main: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', import: './index.js' },
    './component': { types: './ddb_connector.d.ts', import: './ddb_connector.js' },
  },
  files: ['index.js', 'index.d.ts', 'pool.js', 'pool-worker.js', 'ddb_connector.js', 'ddb_connector.d.ts', '*.core.wasm', 'interfaces/', 'host/', 'README.md'],
  // Worker threads, SharedArrayBuffer and Atomics.wait: Node 20 and later.
  engines: { node: '>=20' },
  keywords: ['dynamodb', 'webassembly', 'wasm-component', 'camunda', 'connector'],
};
if (source) pkg.repository = { type: 'git', url: source };
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
