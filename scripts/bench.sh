#!/usr/bin/env bash
# The benchmark of BENCHMARKS.md, in one command: builds the component, aws-sdk-dynamodb for
# wasm32-wasip2 (bench/sdk-wasip2, from crates.io) and the harness, installs boto3 and moto,
# starts moto (signatures verified), runs every peer against the canned server and against moto,
# and stops moto. The report is printed and written to target/bench/report.md. Then the Node
# peer (bench/node_bench.mjs): the npm package, jco's stock shim and @aws-sdk/client-dynamodb
# against a canned server, written to target/bench/node.md.
#   scripts/bench.sh           the full run (a few minutes once built)
#   scripts/bench.sh --quick   a smoke run of every path (what scripts/test.sh runs)
# Further arguments go to `ddb-bench run`, e.g. `--plots-dir bench/plots` to refresh the plots
# BENCHMARKS.md embeds (they are always written to target/bench/ too).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

QUICK=()
PROFILE=benchmark
if [ "${1:-}" = "--quick" ]; then
    QUICK=(--quick)
    # The smoke reuses the test build (dev profile, optimised dependencies).
    PROFILE=dev
    shift
fi

install_wasm_target
install_moto
build_component
log "building aws-sdk-dynamodb for wasm32-wasip2 (bench/sdk-wasip2)"
cargo build --manifest-path bench/sdk-wasip2/Cargo.toml --target wasm32-wasip2 --release \
    --target-dir "$ROOT/target/sdk-wasip2" >&2
SDK_COMPONENT="$ROOT/target/sdk-wasip2/wasm32-wasip2/release/ddb_sdk_wasip2_peer.wasm"
log "building the harness (profile $PROFILE)"
cargo build --profile "$PROFILE" -p ddb-connector-bench >&2
BIN_DIR=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

trap stop_servers EXIT
start_moto

log "running the benchmark"
"$ROOT/target/$BIN_DIR/ddb-bench" run "${QUICK[@]}" \
    --component "$DDB_CONNECTOR_COMPONENT" \
    --sdk-component "$SDK_COMPONENT" \
    --python "$VENV/bin/python" \
    --moto "$@"

install_jco
install_jco_package
install_node_bench
log "the Node peer (bench/node_bench.mjs): the npm package, jco's stock shim, the JavaScript SDK"
node "$ROOT/bench/node_bench.mjs" "${QUICK[@]}"
