// Runs from a directory where the packed npm package is installed, as a Node user would:
// createTable, addItem and getItem against moto through `executeJson`, then getItem four at a
// time through `createPool`. Moto listens on
// loopback, which the package's default egress (AWS endpoints only) refuses: the smoke run
// first checks that refusal, then allows moto's origin explicitly, as an embedder would.
// usage: node release-smoke.mjs ENDPOINT ACCESS_KEY SECRET_KEY TABLE
import { configure, createPool, executeJson } from 'ddb-connector';

const [endpoint, accessKey, secretKey, table] = process.argv.slice(2);
const run = (input) => {
  const request = {
    authentication: { type: 'credentials', accessKey, secretKey },
    configuration: { region: 'us-east-1', endpoint },
    input,
  };
  try {
    return JSON.parse(executeJson(JSON.stringify(request)));
  } catch (e) {
    throw new Error(`${input.tableOperation ?? input.itemOperation}: ${JSON.stringify(e.payload ?? String(e))}`);
  }
};
const create = { operationGroup: 'tableOperation', tableOperation: 'createTable', tableName: table,
                 partitionKey: 'id', partitionKeyType: 'S', billingModeStr: 'PAY_PER_REQUEST' };
let refused;
try {
  run(create);
} catch (e) {
  refused = e.message;
}
if (!refused?.includes('HttpRequestDenied')) throw new Error(`the default egress let ${endpoint} through: ${refused}`);

configure({ allowedOrigins: [new URL(endpoint).origin] });
run(create);
run({ operationGroup: 'itemOperation', itemOperation: 'addItem', tableName: table, item: { id: 'k1', n: 7 } });
const got = run({ operationGroup: 'itemOperation', itemOperation: 'getItem', tableName: table,
                  primaryKeyComponents: { id: 'k1' } });
if (got.response?.n?.N !== '7') throw new Error(`getItem answered ${JSON.stringify(got)}`);

// The same read through a pool of two threads, four in flight.
const pool = createPool({ size: 2, allowedOrigins: [new URL(endpoint).origin] });
const getItem = JSON.stringify({
  authentication: { type: 'credentials', accessKey, secretKey },
  configuration: { region: 'us-east-1', endpoint },
  input: { operationGroup: 'itemOperation', itemOperation: 'getItem', tableName: table, primaryKeyComponents: { id: 'k1' } },
});
const pooled = await Promise.all([1, 2, 3, 4].map(() => pool.executeJson(getItem)));
await pool.close();
for (const text of pooled) {
  if (JSON.parse(text).response?.n?.N !== '7') throw new Error(`pooled getItem answered ${text}`);
}
console.log(JSON.stringify(got));
