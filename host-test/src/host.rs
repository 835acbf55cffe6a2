//! The loaded component and what a caller asks of it: one request per fresh sandbox.

use std::path::Path;
use std::sync::Arc;

use tokio::sync::Semaphore;
use wasmtime::Engine;
use wasmtime::component::{Component, Linker};
use wasmtime::error::Context as _;

use crate::bindings::DynamodbConnectorPre;
use crate::exports::ConnectorExports;
use crate::request_size::{oversize, typed_size};
use crate::sandbox::{self, InvocationState};
use crate::{ConnectionPool, HostConfig, HostError, Invocation, PoolConfig, Tenant};
use crate::{compiled_cache, incoming, wit};

/// The loaded component, ready to be instantiated once per invocation.
///
/// Use a host from one tokio runtime. Its pooled connections are driven by tasks of the runtime
/// that opened them: a call from another runtime can take such a connection, and when the opening
/// runtime shuts down mid-call, the answer is lost after the server acted on the request.
pub struct ConnectorHost {
    pub(crate) engine: Engine,
    pub(crate) pre: DynamodbConnectorPre<InvocationState>,
    pub(crate) exports: ConnectorExports,
    pub(crate) handler: Option<wasmtime_wasi_http::p2::bindings::ProxyIndices>,
    pub(crate) config: HostConfig,
    pub(crate) slots: Semaphore,
    pub(crate) pool: Arc<ConnectionPool>,
}

impl ConnectorHost {
    /// Loads the component from a `.wasm` file, through the compiled cache when the
    /// configuration names one.
    pub fn from_file(path: impl AsRef<Path>, config: HostConfig) -> Result<Self, HostError> {
        let path = path.as_ref();
        let engine = Engine::new(&config.engine_config()).map_err(HostError::Load)?;
        let component = match &config.compiled_cache {
            Some(cache) => compiled_cache::load(&engine, path, cache),
            None => Component::from_file(&engine, path)
                .with_context(|| format!("loading the component {}", path.display())),
        }
        .map_err(HostError::Load)?;
        Self::from_component(engine, component, config)
    }

    /// Uses an already compiled component. The engine must have been made from
    /// [`HostConfig::engine_config`] of the same `config`.
    pub fn from_component(
        engine: Engine,
        component: Component,
        config: HostConfig,
    ) -> Result<Self, HostError> {
        let link = || -> wasmtime::Result<_> {
            let mut linker = Linker::<InvocationState>::new(&engine);
            sandbox::link(&mut linker, config.link_all_of_wasi)?;
            let pre = DynamodbConnectorPre::new(linker.instantiate_pre(&component)?)?;
            let exports = ConnectorExports::new(pre.instance_pre())?;
            Ok((pre, exports))
        };
        let (pre, exports) = link().map_err(HostError::Load)?;
        let handler = incoming::find_handler(pre.instance_pre());
        let tls = config.tls.client_config()?;
        // Unpooled: the same sender, keeping no connection.
        let pool_config = config.connection_pool.clone().unwrap_or(PoolConfig {
            max_idle_per_authority: 0,
            ..PoolConfig::default()
        });
        Ok(Self {
            engine,
            pre,
            exports,
            handler,
            slots: Semaphore::new(config.max_concurrent_invocations as usize),
            pool: ConnectionPool::new(pool_config, tls),
            config,
        })
    }

    /// The engine, for precompiling or loading more components.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The shared connection pool (it keeps no connection when the host is unpooled).
    pub fn connection_pool(&self) -> &Arc<ConnectionPool> {
        &self.pool
    }

    /// The names of the interfaces the component imports: what it asks of its sandbox.
    pub fn component_imports(&self) -> Vec<String> {
        let component = self.pre.instance_pre().component();
        component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// The names of the interfaces the component exports: the connector, and
    /// `wasi:http/incoming-handler` for the served form ([`ConnectorHost::handle_http`]).
    pub fn component_exports(&self) -> Vec<String> {
        let component = self.pre.instance_pre().component();
        component
            .component_type()
            .exports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Runs one request given as JSON text (`execute-json`). `Err` is a host failure or a
    /// guest trap ([`HostError::code`] says which); connector errors are in
    /// [`Invocation::result`].
    pub async fn execute_json(
        &self,
        request: &str,
        tenant: &Tenant,
    ) -> Result<Invocation<String>, HostError> {
        if let Some(refused) = oversize(request.len(), self.config.max_request_bytes) {
            return Ok(refused);
        }
        self.invoke(tenant, async |instance, store| {
            let execute_json = self.exports.execute_json(&mut *store, instance)?;
            let (answer,) = execute_json.call_async(store, (request,)).await?;
            Ok(answer.map_err(crate::invocation::from_wit_error))
        })
        .await
    }

    /// Runs one typed request (`execute`).
    pub async fn execute(
        &self,
        request: wit::Request,
        tenant: &Tenant,
    ) -> Result<Invocation<wit::Response>, HostError> {
        if let Some(refused) = oversize(typed_size(&request), self.config.max_request_bytes) {
            return Ok(refused);
        }
        self.invoke(tenant, async |instance, store| {
            let execute = self.exports.execute(&mut *store, instance)?;
            let (answer,) = execute.call_async(store, (&request,)).await?;
            Ok(answer.map_err(crate::invocation::from_wit_error))
        })
        .await
    }

    /// Creates a fresh sandbox and instantiates the component in it, without calling it: the
    /// per-invocation setup cost alone (for benchmarks). Returns the memory high-water.
    pub async fn instantiate_only(&self, tenant: &Tenant) -> Result<usize, HostError> {
        let _slot = self.slot().await?;
        let (mut store, _, _) = self.new_store(tenant)?;
        let instantiated = self.pre.instance_pre().instantiate_async(&mut store).await;
        let memory = store.data().limits.memory_high_water;
        match instantiated {
            Ok(_) => Ok(memory),
            Err(e) => Err(crate::invocation::failure(&e, &store, "")),
        }
    }
}
