// One peer of bench/node_bench.mjs, in a process of its own: warm-up, then `calls` timed calls
// one at a time (p50, p99, CPU per call), then `load` calls at 1, 8 and 64 in flight, three
// rounds, the median of each level.
// Prints {p50, p99, cpu, throughput: {1, 8, 64}} as JSON.
// usage: node node_bench_peer.mjs PEER '{"op", "port", "dir", "warm", "calls", "load"}'
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [peer, argText] = process.argv.slice(2);
const args = JSON.parse(argText);
const endpoint = `http://127.0.0.1:${args.port}`;
const item = { id: 'k1', n: 42, flag: true, payload: 'x'.repeat(960) };
const credentials = { accessKey: 'AKIDBENCHMARK', secretKey: 'bench-secret-key' };

function connectorRequest(op) {
  const input = op === 'GetItem'
    ? { operationGroup: 'itemOperation', itemOperation: 'getItem', tableName: 'bench', primaryKeyComponents: { id: 'k1' } }
    : { operationGroup: 'itemOperation', itemOperation: 'addItem', tableName: 'bench', item };
  return JSON.stringify({
    authentication: { type: 'credentials', ...credentials },
    configuration: { region: 'us-east-1', endpoint },
    input,
  });
}

/// Every answer is checked: a peer that fails fast would otherwise look fast.
function checkConnector(text) {
  const result = JSON.parse(text);
  if (result.status !== 'OK') throw new Error(`unexpected answer ${text.slice(0, 200)}`);
  if (args.op === 'GetItem' && result.response?.payload?.S?.length !== 960) throw new Error('wrong item');
}

async function connectorCall() {
  const request = connectorRequest(args.op);
  if (peer === 'pool') {
    const { createPool } = await import(`${args.dir}/pool.js`);
    const pool = createPool({ allowedOrigins: [endpoint] });
    return { call: async () => checkConnector(await pool.executeJson(request)), close: () => pool.close() };
  }
  const { connector } = await import(`${args.dir}/ddb_connector.js`);
  if (peer === 'ours') {
    const { configure } = await import(`${args.dir}/index.js`);
    configure({ allowedOrigins: [endpoint] });
  }
  return { call: () => checkConnector(connector.executeJson(request)) };
}

async function sdkCall() {
  const require = createRequire(join(ROOT, 'tools', 'node-bench', 'package.json'));
  const { DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    region: 'us-east-1', endpoint,
    credentials: { accessKeyId: credentials.accessKey, secretAccessKey: credentials.secretKey },
  });
  const typed = { id: { S: 'k1' }, n: { N: '42' }, flag: { BOOL: true }, payload: { S: item.payload } };
  if (args.op === 'GetItem') {
    return {
      call: async () => {
        const out = await client.send(new GetItemCommand({ TableName: 'bench', Key: { id: { S: 'k1' } } }));
        if (out.Item?.payload?.S?.length !== 960) throw new Error('wrong item');
      },
    };
  }
  return { call: async () => { await client.send(new PutItemCommand({ TableName: 'bench', Item: typed })); } };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function latency(call) {
  for (let i = 0; i < args.warm; i += 1) await call();
  const times = new Float64Array(args.calls);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < args.calls; i += 1) {
    const t0 = process.hrtime.bigint();
    await call();
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort();
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpu: (cpu.user + cpu.system) / args.calls };
}

async function throughput(call, inFlight) {
  let left = args.load;
  const lane = async () => {
    while (left > 0) {
      left -= 1;
      await call();
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return args.load / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const { call, close } = peer === 'sdk' ? await sdkCall() : await connectorCall();
const result = await latency(call);
// Three rounds of 1, 8, 64 in flight, interleaved, and each level's median: the machine is
// shared, and a burst of other load should not decide a level alone.
const rounds = { 1: [], 8: [], 64: [] };
for (let round = 0; round < 3; round += 1) {
  for (const n of [1, 8, 64]) rounds[n].push(await throughput(call, n));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[1];
result.throughput = Object.fromEntries(Object.entries(rounds).map(([n, xs]) => [n, median(xs)]));
await close?.();
process.stdout.write(JSON.stringify(result));
process.exit(0);
