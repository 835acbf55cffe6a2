//! The connector's two exported functions, found and type-checked once per loaded component.
//!
//! The generated `DynamodbConnectorPre::instantiate_async` type-checks every export again in
//! every instance (`get_typed_func` walks the WIT request type); an invocation is one fresh
//! instance, so that check was part of every call's cost (BENCHMARKS.md). Here the check runs
//! once, when [`ConnectorExports::new`] is given the pre-instantiation that
//! `DynamodbConnectorPre::new` has already type-checked, and each instance only looks its two
//! functions up by index.

use wasmtime::component::{ComponentExportIndex, Func, Instance, InstancePre, TypedFunc};
use wasmtime::error::Context as _;
use wasmtime::{AsContextMut, Result};

use crate::bindings::connectors::dynamodb::types as wit;

/// The exported interface's name.
const CONNECTOR: &str = "connectors:dynamodb/connector@0.1.0";

/// `execute`: a typed request to its typed answer.
pub type Execute<'a> =
    TypedFunc<(&'a wit::Request,), (Result<wit::Response, wit::ConnectorError>,)>;
/// `execute-json`: request text to result text.
pub type ExecuteJson<'a> = TypedFunc<(&'a str,), (Result<String, wit::ConnectorError>,)>;

/// Where `execute` and `execute-json` are among the component's exports.
#[derive(Clone, Copy)]
pub struct ConnectorExports {
    execute: ComponentExportIndex,
    execute_json: ComponentExportIndex,
}

impl ConnectorExports {
    /// Finds both functions in `pre`'s component. `pre` must come from a successful
    /// `DynamodbConnectorPre::new`, which checked their types against the world's.
    pub fn new<T>(pre: &InstancePre<T>) -> Result<Self> {
        let component = pre.component();
        let interface = component
            .get_export_index(None, CONNECTOR)
            .with_context(|| format!("the component does not export {CONNECTOR}"))?;
        let function = |name: &str| {
            component
                .get_export_index(Some(&interface), name)
                .with_context(|| format!("{CONNECTOR} has no function {name}"))
        };
        Ok(Self {
            execute: function("execute")?,
            execute_json: function("execute-json")?,
        })
    }

    /// `execute` of `instance`.
    pub fn execute<'a>(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<Execute<'a>> {
        let func = self.func(store, instance, self.execute, "execute")?;
        // SAFETY: `DynamodbConnectorPre::new` checked this export's type against these
        // parameter and result types (the same world, borrowed parameters) for this component.
        Ok(unsafe { TypedFunc::new_unchecked(func) })
    }

    /// `execute-json` of `instance`.
    pub fn execute_json<'a>(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<ExecuteJson<'a>> {
        let func = self.func(store, instance, self.execute_json, "execute-json")?;
        // SAFETY: as for `execute`.
        Ok(unsafe { TypedFunc::new_unchecked(func) })
    }

    fn func(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
        index: ComponentExportIndex,
        name: &str,
    ) -> Result<Func> {
        instance
            .get_func(store, index)
            .with_context(|| format!("{CONNECTOR} has no function {name}"))
    }
}
