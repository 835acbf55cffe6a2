// Runs requests through the component transpiled by jco, under Node with the WASI preview2 shim,
// or, given ALLOWED (a JSON array of outbound rules), in the npm package's form (its own host,
// tools/jco/host/, whose egress is then set to ALLOWED).
// usage: node run.mjs TRANSPILED_DIR [ALLOWED] < cases.json > results.json
// cases: [{"entry": "json", "request": "<request JSON text>"} | {"entry": "typed", "request": {…jco shape…}}];
// in a typed request a string "<digits>n" is a BigInt (how jco takes a WIT u64).
// results, one per case: {"ok": <result>} or {"err": {"<kind>": {<WIT field names>: …}}}, the
// error in the WIT's own names (kebab-case, none as null) so that any host's can be compared.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'transpiled');
const { connector } = await import(pathToFileURL(join(dir, 'ddb_connector.js')).href);
if (process.argv[3]) {
  const { configure } = await import(pathToFileURL(join(dir, 'index.js')).href);
  configure({ allowedOrigins: JSON.parse(process.argv[3]) });
}

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const witError = ({ tag, val }) => ({
  [tag]: Object.fromEntries(Object.entries(val).map(([k, v]) => [kebab(k), v ?? null])),
});

function run({ entry, request }) {
  try {
    if (entry === 'json') return { ok: JSON.parse(connector.executeJson(request)) };
    const response = connector.execute(request);
    return { ok: { action: response.action, status: response.status, response: JSON.parse(response.responseJson) } };
  } catch (e) {
    if (e && Object.hasOwn(e, 'payload')) return { err: witError(e.payload) };
    throw e;
  }
}

const bigints = (_, v) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
const cases = JSON.parse(readFileSync(0, 'utf8'), bigints);
process.stdout.write(JSON.stringify(cases.map(run)));
