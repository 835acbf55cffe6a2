// Writes package.json for the npm package scripts/package.sh makes from jco's output.
// usage: node npm-package.mjs DIR VERSION DESCRIPTION LICENSE SHIM_VERSION [SOURCE]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, version, description, license, shimVersion, source] = process.argv.slice(2);
const pkg = {
  name: 'ddb-connector',
  version,
  description,
  license,
  type: 'module',
  main: './ddb_connector.js',
  types: './ddb_connector.d.ts',
  exports: { '.': { types: './ddb_connector.d.ts', import: './ddb_connector.js' } },
  // The generated module imports the WASI preview2 shim of the jco that wrote it.
  dependencies: { '@bytecodealliance/preview2-shim': shimVersion },
  engines: { node: '>=18' },
  keywords: ['dynamodb', 'webassembly', 'wasm-component', 'camunda', 'connector'],
};
if (source) pkg.repository = { type: 'git', url: source };
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
