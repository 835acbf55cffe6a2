#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm target, moto, dynalite, the wasmtime CLI,
# jco, wasm-tools, the element-template validator), builds the component, starts moto
# (signatures verified) and dynalite on loopback, runs the unit and end-to-end tests (among them
# the component under the wasmtime CLI and under Node through jco, and the element templates),
# validates the element template, packages and checks the release (dist/), a smoke run of the
# benchmark harness and the lints, and stops the servers.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

install_wasm_target
install_moto
install_dynalite
install_wasmtime_cli
install_jco
install_wasm_tools
install_element_templates
build_component

trap stop_servers EXIT
start_moto
start_moto_tls
start_dynalite

log "unit and end-to-end tests"
mkdir -p "$TOOLS/logs"
TEST_LOG="$TOOLS/logs/tests.log"
# The guest's unit tests alone: built with exactly the component's features (a workspace build
# would unify the host's serde_json features in); then every other package.
{
    cargo test -p ddb-connector --no-fail-fast -- --nocapture
    cargo test --workspace --exclude ddb-connector --no-fail-fast -- --nocapture
} 2>&1 | tee "$TEST_LOG"

log "no secret in any test output"
# Every secret the suites use; none may appear in what they printed.
SECRETS=("$DDB_TEST_MOTO_SECRET_KEY" "$DDB_TEST_MOTO_TLS_SECRET_KEY" tls-test-secret-key oversize-secret never-shown-secret definitely-the-wrong-secret-key cli-wrong-secret-0123456789
         tenant-b-wrong-secret hostile-secret fault-secret dynalite-secret-key TOPSECRET
         served-wrong-secret-0123456789 served-secret-never-echoed stale-inline-secret-0000)
for secret in "${SECRETS[@]}"; do
    if grep -qF -- "$secret" "$TEST_LOG"; then
        log "a secret appears in the test output"; exit 1
    fi
done

log "the runner built alone (its own feature set) over https, trusting the test CA"
# The workspace build unifies a second rustls crypto provider in (the benchmark's AWS SDK);
# built alone it has only ring. Both must behave the same: an https call, no panic.
cargo build -p ddb-connector-cli --bin ddb-connector >&2
printf '{"authentication": {"type": "credentials", "accessKey": "%s", "secretKey": "%s"},
  "configuration": {"region": "us-east-1", "endpoint": "%s"},
  "input": {"operationGroup": "tableOperation", "tableOperation": "listTables"}}' \
    "$DDB_TEST_MOTO_TLS_ACCESS_KEY" "$DDB_TEST_MOTO_TLS_SECRET_KEY" "$DDB_TEST_MOTO_TLS_ENDPOINT" \
    | "$ROOT/target/debug/ddb-connector" invoke --allow-outbound "$DDB_TEST_MOTO_TLS_ENDPOINT" \
        --ca-file "$DDB_TEST_TLS_CA" >"$TOOLS/logs/cli-https.json"
grep -q '"status":"OK"' "$TOOLS/logs/cli-https.json" || { cat "$TOOLS/logs/cli-https.json"; exit 1; }
if grep -qF -- "$DDB_TEST_MOTO_TLS_SECRET_KEY" "$TOOLS/logs/cli-https.json"; then
    log "a secret appears in the runner's output"; exit 1
fi

log "element templates: ours is what generate.py writes, and the Modeler's validator passes it"
python3 "$ROOT/element-templates/generate.py" --check
node "$ROOT/tools/element-templates/validate.mjs" "$ROOT/element-templates/dynamodb-connector.json"

log "release: scripts/package.sh, then dist/ as users take it (npm tarball, wasmtime CLI)"
"$ROOT/scripts/package.sh"
"$ROOT/scripts/check-release.sh"

fuzz_smoke

log "benchmark harness smoke (every peer, a few calls; not a measurement)"
"$ROOT/scripts/bench.sh" --quick


log "format and lints (host and guest)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-wasip2 --lib -- -D warnings
