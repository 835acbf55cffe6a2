//! The per-call and throughput sweeps over the peers of a full run.

use std::sync::Arc;

use ddb_connector_host::ConnectorHost;

use crate::args::{CONCURRENCY, Plan};
use crate::measure::{latency, throughput};
use crate::peers::{Op, Peer, Target};
use crate::report::Report;
use crate::runtimes::{current_thread, two_workers};

/// The peers made inside a runtime (SDK clients hold connections spawned on it).
pub type PeerMaker<'a> = Box<dyn Fn() -> Result<Arc<Peer>, String> + 'a>;

/// The component in `host`, calling `target`.
pub fn component<'a>(host: &Arc<ConnectorHost>, target: &Target) -> PeerMaker<'a> {
    let host = host.clone();
    let target = target.clone();
    Box::new(move || Ok(Arc::new(Peer::component(host.clone(), &target))))
}

/// The native AWS SDK calling `target`, trusting `ca_pem` besides the public roots.
pub fn native_sdk<'a>(target: &Target, ca_pem: Option<Vec<u8>>) -> PeerMaker<'a> {
    let target = target.clone();
    Box::new(move || Ok(Arc::new(Peer::native_sdk(&target, ca_pem.as_deref()))))
}

/// Per-call latency of each peer, one call at a time, on a current-thread runtime.
pub fn latencies(
    peers: &[(&str, PeerMaker)],
    plan: Plan,
    report: &mut Report,
) -> Result<(), String> {
    for (name, make) in peers {
        let runtime = current_thread()?;
        for op in Op::ALL {
            let measured = runtime.block_on(async {
                let peer = make()?;
                let first = peer.call(op).await?;
                let latency = latency(plan.warmup, plan.calls, || {
                    let peer = peer.clone();
                    async move { peer.call(op).await.map(|_| ()) }
                })
                .await?;
                Ok::<_, String>((latency, first))
            });
            let (latency, first) = measured.map_err(|e| format!("{name} {}: {e}", op.name()))?;
            eprintln!("{name} {}: {latency:?}", op.name());
            report.latency(name, op, latency, first);
        }
    }
    Ok(())
}

/// GetItem throughput of each peer at each concurrency, on two worker threads.
pub fn throughputs(
    peers: &[(&str, PeerMaker)],
    plan: Plan,
    report: &mut Report,
) -> Result<(), String> {
    for (name, make) in peers {
        let runtime = two_workers()?;
        let mut rates = Vec::new();
        for concurrency in CONCURRENCY {
            let rate = runtime
                .block_on(async {
                    let peer = make()?;
                    throughput(concurrency, plan.throughput_for, move || {
                        let peer = peer.clone();
                        async move { peer.call(Op::GetItem).await.map(|_| ()) }
                    })
                    .await
                })
                .map_err(|e| format!("{name} throughput at {concurrency}: {e}"))?;
            eprintln!("{name} GetItem at concurrency {concurrency}: {rate:.0}/s");
            rates.push(rate);
        }
        report.throughput(name, rates);
    }
    Ok(())
}
