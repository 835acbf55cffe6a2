//! Size and startup of a component: compiling it, a cold start from its precompiled artifact
//! (in three parts), and instantiation in the pooled and the unpooled host.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, HostConfig, Tenant};
use wasmtime::component::Component;

use crate::args::Plan;
use crate::hosts::loopback;
use crate::measure::percentile;
use crate::runtimes::current_thread;

/// Startup numbers of one component.
#[derive(Debug)]
pub struct Startup {
    /// Bytes of the `.wasm`.
    pub wasm_bytes: u64,
    /// Bytes of its precompiled artifact.
    pub cwasm_bytes: usize,
    /// Compiling it (Cranelift, this machine).
    pub compile: Duration,
    /// A pooled engine's creation (once per process).
    pub engine_new: Duration,
    /// From the precompiled artifact to a first instance: load, link, instantiate (median).
    pub cold_start: Duration,
    /// The cold start's parts (medians of each): loading the `.cwasm`, building the host
    /// (linker, pre-instantiation, TLS settings), the first instance.
    pub cold_parts: ColdParts,
    /// Fresh store + instantiate from the pre-instantiated component (median): pooled, unpooled.
    pub instantiate: [Duration; 2],
    /// Linear memory right after instantiation.
    pub initial_memory: usize,
}

/// The parts of a cold start.
#[derive(Debug, Clone, Copy, Default)]
pub struct ColdParts {
    /// `Component::deserialize_file`.
    pub load: Duration,
    /// `ConnectorHost::from_component`.
    pub host: Duration,
    /// The first `instantiate_only`.
    pub instance: Duration,
}

/// A precompiled artifact on disk, for cold starts; removed when dropped.
pub struct ColdStart {
    artifact: PathBuf,
    /// How long the precompilation took (not the writing of the file).
    pub compile: Duration,
    /// The artifact's size in bytes.
    pub bytes: usize,
}

impl ColdStart {
    /// Precompiles `wasm` with `host`'s engine into `artifact`.
    pub fn prepare(host: &ConnectorHost, wasm: &[u8], artifact: PathBuf) -> Result<Self, String> {
        let started = Instant::now();
        let cwasm = host
            .engine()
            .precompile_component(wasm)
            .map_err(|e| format!("{e:#}"))?;
        let compile = started.elapsed();
        std::fs::write(&artifact, &cwasm).map_err(|e| e.to_string())?;
        Ok(Self {
            artifact,
            compile,
            bytes: cwasm.len(),
        })
    }

    /// One cold start: a new engine (timed apart), then the artifact loaded, the host built
    /// and a first instance made.
    pub async fn once(&self, config: HostConfig) -> Result<(Duration, ColdParts), String> {
        let err = |e: wasmtime::Error| format!("{e:#}");
        let started = Instant::now();
        let engine = wasmtime::Engine::new(&config.engine_config()).map_err(err)?;
        let engine_new = started.elapsed();
        let started = Instant::now();
        // SAFETY: written by `prepare` with an engine of the same configuration.
        let component =
            unsafe { Component::deserialize_file(&engine, &self.artifact) }.map_err(err)?;
        let load = started.elapsed();
        let host =
            ConnectorHost::from_component(engine, component, config).map_err(|e| e.to_string())?;
        let built = started.elapsed();
        host.instantiate_only(&Tenant::default())
            .await
            .map_err(|e| e.to_string())?;
        let parts = ColdParts {
            load,
            host: built - load,
            instance: started.elapsed() - built,
        };
        Ok((engine_new, parts))
    }
}

impl Drop for ColdStart {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.artifact);
    }
}

/// Measures the component at `path`; `pooled` is the pooled host already made from it with
/// `host_config` (applied to the default and the unpooled settings for the other hosts made here).
pub fn startup(
    path: &Path,
    pooled: &ConnectorHost,
    host_config: fn(HostConfig) -> HostConfig,
    plan: Plan,
    out: &Path,
) -> Result<Startup, String> {
    let wasm = std::fs::read(path).map_err(|e| e.to_string())?;
    let runtime = current_thread()?;
    let artifact = out.join(format!(
        "{}.cwasm",
        path.file_stem().unwrap_or_default().to_string_lossy()
    ));
    let cold = ColdStart::prepare(pooled, &wasm, artifact)?;

    let mut samples = Vec::with_capacity(plan.cold_starts);
    for _ in 0..plan.cold_starts {
        samples.push(runtime.block_on(cold.once(loopback(host_config(HostConfig::default()))))?);
    }
    let median = |part: fn(&(Duration, ColdParts)) -> Duration| {
        let mut values: Vec<Duration> = samples.iter().map(part).collect();
        values.sort();
        percentile(&values, 0.5)
    };
    let cold_parts = ColdParts {
        load: median(|s| s.1.load),
        host: median(|s| s.1.host),
        instance: median(|s| s.1.instance),
    };

    let unpooled = ConnectorHost::from_file(path, loopback(host_config(HostConfig::unpooled())))
        .map_err(|e| format!("{e:#}"))?;
    let mut instantiate = [Duration::ZERO; 2];
    let mut initial_memory = 0;
    for (slot, host) in [pooled, &unpooled].into_iter().enumerate() {
        let mut samples = Vec::with_capacity(plan.instantiations);
        for _ in 0..plan.instantiations {
            let started = Instant::now();
            initial_memory = runtime
                .block_on(host.instantiate_only(&Tenant::default()))
                .map_err(|e| format!("{e:#}"))?;
            samples.push(started.elapsed());
        }
        samples.sort();
        instantiate[slot] = percentile(&samples, 0.5);
    }
    Ok(Startup {
        wasm_bytes: wasm.len() as u64,
        cwasm_bytes: cold.bytes,
        compile: cold.compile,
        engine_new: median(|s| s.0),
        cold_start: median(|s| s.1.load + s.1.host + s.1.instance),
        cold_parts,
        instantiate,
        initial_memory,
    })
}
