//! The product's reference host for the DynamoDB connector component (the folder is named
//! `host-test/` for history: tests, benchmarks and the command-line runner all use it).
//!
//! It loads the component once, and runs each invocation in a fresh `wasmtime::Store` that
//! holds exactly what the connector may use (`sandbox`): outgoing HTTP where the operator's
//! egress policy allows (`egress`), over the host's own TLS client (`tls`); clocks, random,
//! and the tenant's environment (its credentials chain). No files, no sockets, no inherited
//! stdio. Memory, CPU and the request's size are capped per invocation.
//!
//! Speed comes from what invocations share, never from sharing a sandbox: the compiled
//! component (optionally cached on disk as a precompiled artifact, `compiled_cache`), the
//! pre-linked `InstancePre`, the pooling allocator's reserved slots, and a pool of keep-alive
//! connections (`connection_pool`).
//!
//! The other modules, one job each: `config` the limits and settings ([`HostConfig`]),
//! `tenant` a tenant's share ([`Tenant`]), `host` the loaded component and its entry points
//! ([`ConnectorHost`]), `invocation` one sandboxed run ([`Invocation`]), `incoming` the served
//! form, `request_size` the size cap, `bindings` the WIT world ([`wit`]), `exports` the two
//! functions found once per component, `error` the one error type ([`HostError`]).

mod bindings;
mod compiled_cache;
mod config;
mod connection_pool;
mod egress;
mod error;
mod exports;
mod host;
mod incoming;
mod invocation;
mod request_size;
mod sandbox;
mod tenant;
mod tls;

/// The connector's WIT types, as the host sees them (for the typed `execute`).
pub use bindings::connectors::dynamodb::types as wit;
pub use config::{
    DEFAULT_FUEL, DEFAULT_MAX_CONCURRENT_INVOCATIONS, DEFAULT_MAX_FIELDS_SIZE,
    DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_MEMORY_LIMIT, HostConfig,
};
pub use connection_pool::{ConnectionPool, PoolConfig};
pub use ddb_connector::ConnectorError;
pub use egress::{CachingResolver, EgressPolicy, Resolve, SystemResolver};
pub use error::HostError;
pub use host::ConnectorHost;
pub use invocation::Invocation;
pub use tenant::Tenant;
pub use tls::TlsTrust;
