#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm target, moto, dynalite), builds the
# component, starts moto (signatures verified) and dynalite on loopback, runs the unit and
# end-to-end tests and the lints, and stops the servers.
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
cargo test --workspace --no-fail-fast

log "format and lints (host and guest)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-wasip2 --lib -- -D warnings
