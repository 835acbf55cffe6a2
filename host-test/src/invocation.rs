//! One invocation: a fresh sandbox, the call, and what it gave or why it failed.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::SemaphorePermit;
use wasmtime::Store;
use wasmtime::component::Instance;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use crate::egress::Egress;
use crate::sandbox::{Counters, InvocationState, SandboxSettings};
use crate::{ConnectorError, ConnectorHost, HostError, Tenant, wit};

/// What one invocation gave.
#[derive(Debug)]
pub struct Invocation<T> {
    /// The connector's answer.
    pub result: Result<T, ConnectorError>,
    /// HTTP requests the guest started (allowed or not).
    pub http_requests: u32,
    /// HTTP requests the egress policy refused.
    pub denied_requests: u32,
    /// The largest the guest's linear memory grew to, in bytes.
    pub memory_high_water: usize,
    /// Fuel the invocation used: about one unit per wasm instruction run.
    pub fuel_consumed: u64,
}

impl ConnectorHost {
    /// One of the host's invocation slots; more callers wait.
    pub(crate) async fn slot(&self) -> Result<SemaphorePermit<'_>, HostError> {
        self.slots
            .acquire()
            .await
            .map_err(|e| HostError::Setup(e.to_string()))
    }

    /// A fresh sandbox for `tenant`: its store (with the memory limiter and the fuel), the
    /// guest's stderr, and the invocation's HTTP counters.
    pub(crate) fn new_store(
        &self,
        tenant: &Tenant,
    ) -> Result<(Store<InvocationState>, MemoryOutputPipe, Arc<Counters>), HostError> {
        let (state, stderr, counters) = InvocationState::new(SandboxSettings {
            env: &tenant.env,
            egress: Egress {
                operator: self.config.egress.clone(),
                tenant: tenant.outbound.clone(),
                resolver: self.config.resolver.clone(),
            },
            memory_limit: self.config.memory_limit,
            max_fields_size: self.config.max_fields_size,
            max_response_body: self.config.max_response_body,
            pool: self.pool.clone(),
        });
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limits);
        store
            .set_fuel(self.config.fuel)
            .map_err(|e| HostError::Setup(format!("{e:#}")))?;
        Ok((store, stderr, counters))
    }

    /// Instantiates the component in a fresh sandbox and runs `call` on it. An error of the
    /// call (a trap, a host call's failure) is told apart here ([`HostError::of_invocation`]).
    pub(crate) async fn invoke<T>(
        &self,
        tenant: &Tenant,
        call: impl AsyncFnOnce(
            &Instance,
            &mut Store<InvocationState>,
        ) -> wasmtime::Result<Result<T, ConnectorError>>,
    ) -> Result<Invocation<T>, HostError> {
        let _slot = self.slot().await?;
        let (mut store, stderr, counters) = self.new_store(tenant)?;
        let outcome = async {
            // The exports were type-checked once, at load ([`crate::exports`]).
            let instance = self
                .pre
                .instance_pre()
                .instantiate_async(&mut store)
                .await?;
            call(&instance, &mut store).await
        }
        .await;
        let result = outcome.map_err(|e| {
            let stderr = String::from_utf8_lossy(&stderr.contents())
                .trim()
                .to_string();
            failure(&e, &store, &stderr)
        })?;
        Ok(Invocation {
            result,
            http_requests: counters.sent.load(Ordering::Relaxed),
            denied_requests: counters.denied.load(Ordering::Relaxed),
            memory_high_water: store.data().limits.memory_high_water,
            fuel_consumed: self.config.fuel - store.get_fuel().unwrap_or(0),
        })
    }
}

/// What a failed invocation in `store` was: its limiter says whether memory ran out.
pub(crate) fn failure(
    error: &wasmtime::Error,
    store: &Store<InvocationState>,
    stderr: &str,
) -> HostError {
    HostError::of_invocation(error, store.data().limits.memory_exhausted, stderr)
}

/// The guest's error, as the connector's own type.
pub(crate) fn from_wit_error(error: wit::ConnectorError) -> ConnectorError {
    match error {
        wit::ConnectorError::Configuration(e) => ConnectorError::Configuration {
            field: e.field,
            message: e.message,
        },
        wit::ConnectorError::Connection(e) => ConnectorError::Connection {
            message: e.message,
            attempts: e.attempts,
        },
        wit::ConnectorError::Execution(e) => ConnectorError::Execution {
            code: e.code,
            message: e.message,
            http_status: e.http_status,
            request_id: e.request_id,
            retryable: e.retryable,
            attempts: e.attempts,
            details: e
                .details_json
                .and_then(|d| serde_json::from_str(&d).ok())
                .map(Box::new),
        },
    }
}
