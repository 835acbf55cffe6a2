//! The Python and moto peers: boto3 through `bench/boto3_bench.py`, and the same calls
//! against moto (server-bound numbers, for orientation).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use ddb_connector_host::{ConnectorHost, Tenant};
use serde_json::{Value, json};

use crate::args::{Args, Plan};
use crate::measure::{Latency, latency};
use crate::peers::{Op, Peer, Target};
use crate::report::Report;
use crate::runtimes::current_thread;

/// Runs `bench/boto3_bench.py`; its JSON answer.
pub fn boto3(
    python: &Path,
    target: &Target,
    plan: Plan,
    against_moto: bool,
) -> Result<Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("boto3_bench.py");
    let calls = if against_moto {
        plan.moto_calls
    } else {
        plan.calls
    };
    let mut command = Command::new(python);
    command
        .arg(script)
        .args(["--endpoint", &target.endpoint, "--table", &target.table])
        .args(["--warmup", &plan.warmup.min(calls).to_string()])
        .args(["--calls", &calls.to_string()])
        .args(["--duration", &plan.throughput_for.as_secs_f64().to_string()])
        .env("AWS_ACCESS_KEY_ID", &target.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &target.secret_key);
    if against_moto {
        command.arg("--no-throughput");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running boto3: {e}"))?;
    if !output.status.success() {
        return Err(format!("boto3 benchmark failed: {}", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("boto3 benchmark output: {e}"))
}

/// The same calls against moto: server-bound, for orientation only.
pub fn moto_run(
    args: &Args,
    ours: &Arc<ConnectorHost>,
    sdk_wasm: Option<&Arc<ConnectorHost>>,
    report: &mut Report,
) -> Result<(), String> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("--moto needs {name}"));
    let target = Target {
        endpoint: env("DDB_TEST_MOTO_ENDPOINT")?,
        access_key: env("DDB_TEST_MOTO_ACCESS_KEY")?,
        secret_key: env("DDB_TEST_MOTO_SECRET_KEY")?,
        table: format!("bench-{}", std::process::id()),
    };
    let runtime = current_thread()?;
    let create = target.request(json!({
        "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": target.table,
        "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}));
    runtime
        .block_on(ours.execute_json(&create, &Tenant::default()))
        .map_err(|e| format!("{e:#}"))?
        .result
        .map_err(|e| format!("creating the moto table: {e}"))?;
    let mut peers: Vec<(&str, Peer)> = vec![
        (
            "this component, pooled host",
            Peer::component(ours.clone(), &target),
        ),
        ("aws-sdk-dynamodb, native", Peer::native_sdk(&target, None)),
    ];
    if let Some(host) = sdk_wasm {
        peers.push((
            "aws-sdk-dynamodb on wasip2, pooled host",
            Peer::component(host.clone(), &target),
        ));
    }
    let plan = args.plan;
    let warmup = plan.warmup.min(plan.moto_calls);
    for (name, peer) in &peers {
        // PutItem first: GetItem then finds the item.
        for op in [Op::PutItem, Op::GetItem] {
            let measured: Latency = runtime
                .block_on(latency(warmup, plan.moto_calls, || async move {
                    peer.call(op).await.map(|_| ())
                }))
                .map_err(|e| format!("{name} {} on moto: {e}", op.name()))?;
            eprintln!("moto: {name} {}: {measured:?}", op.name());
            report.moto_latency(name, op, measured);
        }
    }
    if let Some(python) = &args.python {
        let boto3 = boto3(python, &target, plan, true)?;
        report.boto3(&boto3, true)?;
    }
    Ok(())
}
