// The npm package's entry: the component transpiled by jco (ddb_connector.js), run on this
// package's own WASI host (host/): HTTP on Node's keep-alive agents in a worker thread, and the
// egress rules the embedder sets with `configure`.
import { connector } from './ddb_connector.js';
import { setEnvironment } from './host/cli.js';
import { allowedOrigins, configure as configureEgress } from './host/egress.js';

export { connector, allowedOrigins };
export { createPool } from './pool.js';

/// `allowedOrigins`: outbound rules (`scheme://host[:port]`, Spin's syntax); null or absent
/// restores the default, the official AWS endpoints only. `environment`: the variables the
/// component sees (its default credentials chain reads AWS_*); null: the process's own.
export function configure({ allowedOrigins: rules, environment } = {}) {
  if (rules !== undefined) configureEgress({ allowedOrigins: rules });
  if (environment !== undefined) setEnvironment(environment);
}

/// The request JSON of Camunda's Amazon DynamoDB connector in, the result JSON out; a failure
/// throws an Error whose `payload` is {tag: 'configuration' | 'connection' | 'execution', val}.
export function executeJson(request) {
  return connector.executeJson(typeof request === 'string' ? request : JSON.stringify(request));
}

/// The typed request of the WIT interface (connectors:dynamodb/types).
export function execute(request) {
  return connector.execute(request);
}
