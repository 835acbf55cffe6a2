import type { Request, Response } from './interfaces/connectors-dynamodb-types.js';
export type * from './interfaces/connectors-dynamodb-types.js';
export * as connector from './interfaces/connectors-dynamodb-connector.js';

export interface Configuration {
  /**
   * Outbound rules in Spin's syntax, `scheme://host[:port]` (`*` and `*.suffix` hosts, IP
   * literals and CIDRs, port ranges `a..b`). A rule naming a host or address exactly allows it;
   * a wildcard rule reaches only globally routable addresses (never loopback or private ones).
   * `null` restores the default: the official AWS endpoints of DynamoDB, Streams and STS.
   */
  allowedOrigins?: string[] | null;
  /** The environment the component sees (AWS_* for its default chain); `null`: the process's. */
  environment?: Record<string, string> | null;
}

/** Sets the egress rules and environment for every later call in this thread. */
export function configure(configuration: Configuration): void;
/** The rules in force as written; `null`: the AWS default. */
export function allowedOrigins(): string[] | null;
/** Request JSON (text or object) in, result JSON text out; throws with `payload` on failure. */
export function executeJson(request: string | object): string;
/** The typed request of the WIT interface; throws with `payload` on failure. */
export function execute(request: Request): Response;

export interface Pool {
  /** As `executeJson`, in one of the pool's threads. */
  executeJson(request: string | object): Promise<string>;
  /** As `execute`, in one of the pool's threads. */
  execute(request: Request): Promise<Response>;
  /** Ends the pool's threads. */
  close(): Promise<void>;
}

/**
 * Calls in flight together: a pool of worker threads, each with its own instance of the
 * component, configured as `configure` takes it (default size: the machine's parallelism).
 */
export function createPool(options?: Configuration & { size?: number }): Pool;
