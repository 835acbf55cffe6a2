#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm target, moto, dynalite), builds the
# component, starts moto (signatures verified) and dynalite on loopback, runs the unit and
# end-to-end tests, a smoke run of the benchmark harness and the lints, and stops the servers.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

install_wasm_target
install_moto
install_dynalite
build_component

trap stop_servers EXIT
start_moto
start_dynalite

log "unit and end-to-end tests"
mkdir -p "$TOOLS/logs"
TEST_LOG="$TOOLS/logs/tests.log"
cargo test --workspace --no-fail-fast -- --nocapture 2>&1 | tee "$TEST_LOG"

log "no secret in any test output"
# Every secret the suites use; none may appear in what they printed.
SECRETS=("$DDB_TEST_MOTO_SECRET_KEY" never-shown-secret definitely-the-wrong-secret-key cli-wrong-secret-0123456789
         tenant-b-wrong-secret hostile-secret fault-secret dynalite-secret-key TOPSECRET)
for secret in "${SECRETS[@]}"; do
    if grep -qF -- "$secret" "$TEST_LOG"; then
        log "a secret appears in the test output"; exit 1
    fi
done

fuzz_smoke

log "benchmark harness smoke (every peer, a few calls; not a measurement)"
"$ROOT/scripts/bench.sh" --quick


log "format and lints (host and guest)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-wasip2 --lib -- -D warnings
