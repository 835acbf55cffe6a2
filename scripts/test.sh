#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm target, moto, dynalite, the wasmtime CLI,
# jco, wasm-tools, the element-template validator), builds the component, starts moto
# (signatures verified) and dynalite on loopback, runs the unit and end-to-end tests (among them
# the component under the wasmtime CLI and under Node through jco, and the element templates),
# validates the element template, packages and checks the release (dist/) and tests the npm
# package's Node host (node --test tools/jco/host/), a smoke run of the
# benchmark harness and the lints, and stops the servers.
set -euo pipefail
# The whole run is bounded (CI takes about 37 min): a hung step fails it instead of holding the
# machine to the CI runner's own limit. `timeout` signals the run's whole process group, which it
# takes out of the terminal's: at a terminal, Ctrl-C is the bound instead.
if [ -z "${DDB_TEST_BOUNDED:-}" ] && [ ! -t 0 ]; then
    export DDB_TEST_BOUNDED=1
    exec timeout --kill-after=60 "${DDB_TEST_TIMEOUT_SECONDS:-5400}" "$0" "$@"
fi
trap 'exit 143' TERM

# Runs a step within `seconds` (its own bound, within the whole run's), but at a terminal.
bounded_step() {
    local seconds=$1; shift
    if [ -t 0 ]; then "$@"; else timeout --kill-after=30 "$seconds" "$@"; fi
}
source "$(dirname "$0")/env.sh"
cd "$ROOT"

install_wasm_target
install_moto
install_dynalite
install_wasmtime_cli
install_jco
install_jco_package
install_node_bench
install_wasm_tools
install_element_templates
build_component

trap stop_servers EXIT
start_moto
start_moto_tls
start_dynalite

log "unit and end-to-end tests"
# The tests write every secret they use or are issued under $DDB_TEST_LOG_DIR/secrets, and what
# the stock hosts print under $DDB_TEST_LOG_DIR/outputs (tests/common/mod.rs).
export DDB_TEST_LOG_DIR="$TOOLS/logs"
rm -rf "$DDB_TEST_LOG_DIR/secrets" "$DDB_TEST_LOG_DIR/outputs"
mkdir -p "$DDB_TEST_LOG_DIR/secrets" "$DDB_TEST_LOG_DIR/outputs"
TEST_LOG="$TOOLS/logs/tests.log"
# The guest's unit tests alone: built with exactly the component's features (a workspace build
# would unify the host's serde_json features in); then every other package.
{
    bounded_step 600 cargo test -p ddb-connector --no-fail-fast -- --nocapture
    bounded_step 3600 cargo test --workspace --exclude ddb-connector --no-fail-fast -- --nocapture
} 2>&1 | tee "$TEST_LOG"

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

log "no secret in any output of the tests"
# Every secret the suites used or received: the servers' users' (env.sh), the ones the tests
# made (each distinctive, generated per run) or STS issued them this run. None may appear in
# the cargo log, the stock hosts' and the runner's outputs. File names only: never the secret.
SECRETS_FILE="$DDB_TEST_LOG_DIR/secrets/all"
{ printf '%s\n' "$DDB_TEST_MOTO_SECRET_KEY" "$DDB_TEST_MOTO_TLS_SECRET_KEY"
  cat "$DDB_TEST_LOG_DIR"/secrets/*.txt 2>/dev/null || true; } | grep -v '^$' | sort -u >"$SECRETS_FILE.tmp"
mv "$SECRETS_FILE.tmp" "$SECRETS_FILE"
# A scan with nothing to look for would pass whatever was printed.
if [ "$(wc -l <"$SECRETS_FILE")" -lt 20 ]; then
    log "the tests recorded too few secrets ($(wc -l <"$SECRETS_FILE")): is DDB_TEST_LOG_DIR passed on?"; exit 1
fi
if leaks=$(grep -rlF -f "$SECRETS_FILE" "$TEST_LOG" "$DDB_TEST_LOG_DIR/outputs" "$TOOLS"/logs/cli-*.json); then
    log "a secret appears in: $leaks"; exit 1
fi

log "element templates: ours is what generate.py writes, and the Modeler's validator passes it"
python3 "$ROOT/element-templates/generate.py" --check
node "$ROOT/tools/element-templates/validate.mjs" "$ROOT/element-templates/dynamodb-connector.json"

log "release: scripts/package.sh, then dist/ as users take it (npm tarball, wasmtime CLI)"
"$ROOT/scripts/package.sh"
"$ROOT/scripts/check-release.sh"
log "the npm package's Node host: egress, keep-alive reuse, error answers, large bodies"
bounded_step 300 node --test "$ROOT/tools/jco/host/"

fuzz_smoke

log "benchmark harness smoke (every peer, a few calls; not a measurement)"
"$ROOT/scripts/bench.sh" --quick


log "format and lints (host and guest)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-wasip2 --lib -- -D warnings
