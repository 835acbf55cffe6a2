//! The on-disk cache of precompiled components (`.cwasm`), keyed by the component and the
//! engine's compatibility settings.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::error::Context as _;

/// Loads `path` through the cache directory: a precompiled artifact named by the hash of the
/// component's bytes and of the engine's compatibility settings, made on first use.
pub(crate) fn load(engine: &Engine, path: &Path, cache: &Path) -> wasmtime::Result<Component> {
    use sha2::Digest as _;
    use std::hash::{Hash as _, Hasher};

    /// Feeds what `Hash` writes into SHA-256: a key stable across processes and builds.
    struct Sha256Hasher(sha2::Sha256);
    impl Hasher for Sha256Hasher {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        fn finish(&self) -> u64 {
            0
        }
    }

    let wasm =
        std::fs::read(path).with_context(|| format!("reading the component {}", path.display()))?;
    let mut hasher = Sha256Hasher(sha2::Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(&wasm);
    let key: String = hasher
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let artifact = cache.join(format!("{key}.cwasm"));
    if artifact.exists() {
        // SAFETY: the artifact was written by `precompile_component` of an engine with the same
        // compatibility hash, into the host's own cache directory; wasmtime also checks its
        // header and refuses an artifact of another configuration.
        match unsafe { Component::deserialize_file(engine, &artifact) } {
            Ok(component) => return Ok(component),
            // A damaged or foreign artifact is rebuilt below.
            Err(_) => {
                let _ = std::fs::remove_file(&artifact);
            }
        }
    }
    let compiled = engine.precompile_component(&wasm)?;
    std::fs::create_dir_all(cache)
        .with_context(|| format!("creating the cache directory {}", cache.display()))?;
    // Written aside and renamed, so a concurrent loader never sees half an artifact. The aside
    // name is the writer's own: the hosts of one process (a test binary's threads) load at once,
    // and a name shared by them lets one rename the other's file away before it renames it.
    static WRITERS: AtomicU64 = AtomicU64::new(0);
    let writer = WRITERS.fetch_add(1, Ordering::Relaxed);
    let partial = cache.join(format!("{key}.{}.{writer}.partial", std::process::id()));
    std::fs::write(&partial, &compiled)
        .with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &artifact)
        .with_context(|| format!("writing {}", artifact.display()))?;
    // SAFETY: just written by this engine's `precompile_component`.
    unsafe { Component::deserialize(engine, &compiled) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hosts of one process loading the same new component at once each get it, and the cache
    /// ends with the artifact alone (no writer's aside file left behind).
    #[test]
    fn concurrent_loaders_of_one_process_all_succeed() {
        let dir = std::env::temp_dir().join(format!("ddb-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let wasm = dir.join("empty.wat");
        std::fs::write(&wasm, "(component)").unwrap();
        let cache = dir.join("cache");
        let engine = Engine::default();
        let loaders = 8;
        let start = std::sync::Barrier::new(loaders);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..loaders)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        load(&engine, &wasm, &cache)
                            .map(drop)
                            .map_err(|e| format!("{e:#}"))
                    })
                })
                .collect();
            for handle in handles {
                assert_eq!(handle.join().unwrap(), Ok(()));
            }
        });
        let left: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].ends_with(".cwasm"), "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
