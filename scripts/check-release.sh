#!/usr/bin/env bash
# Checks what scripts/package.sh wrote to dist/, as a user would use it: the checksums, the
# component's metadata and WIT package, the npm tarball installed into an empty directory and
# run (a getItem against moto), and the component under the stock wasmtime CLI (a getItem
# of the same item). Needs moto running (start_moto) and the wasmtime CLI and wasm-tools installed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
DIST="$ROOT/dist"
VERSION=$(cargo_field version)
COMPONENT="$DIST/ddb-connector-$VERSION.wasm"

log "release: checksums"
(cd "$DIST" && sha256sum --quiet -c SHA256SUMS)

log "release: the component's metadata"
"$WASM_TOOLS" metadata show --json "$COMPONENT" | python3 -c '
import json, sys
meta = json.load(sys.stdin)
meta = meta["component"]["metadata"]
want = {"name": "ddb-connector", "version": sys.argv[1]}
if sys.argv[2]:
    want["source"] = sys.argv[2]
for key, value in want.items():
    assert meta.get(key) == value, f"{key}: {meta.get(key)!r}"
for key in ("description", "licenses", "revision"):
    assert meta.get(key), f"no {key} in {meta}"
' "$VERSION" "$(cargo_field repository)"
"$WASM_TOOLS" component wit "$DIST"/connectors-dynamodb-*.wasm | grep -q '^package connectors:dynamodb@'

log "release: the npm package installed into an empty directory and run under Node"
APP=$(mktemp -d)
trap 'rm -rf "$APP"' EXIT
(cd "$APP" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$DIST/ddb-connector-$VERSION.tgz" >&2)
test -f "$APP/node_modules/ddb-connector/ddb_connector.d.ts"
test -f "$APP/node_modules/ddb-connector/index.d.ts"
cp "$ROOT/tools/jco/release-smoke.mjs" "$APP/"
TABLE="release-smoke-$$"
node "$APP/release-smoke.mjs" "$DDB_TEST_MOTO_ENDPOINT" "$DDB_TEST_MOTO_ACCESS_KEY" \
    "$DDB_TEST_MOTO_SECRET_KEY" "$TABLE" >"$APP/node.json"
grep -q '"status":"OK"' "$APP/node.json"

log "release: the component under the stock wasmtime CLI"
CALL=$(python3 -c '
import json, sys
endpoint, access_key, secret_key, table = sys.argv[1:]
request = json.dumps({
    "authentication": {"type": "credentials", "accessKey": access_key, "secretKey": secret_key},
    "configuration": {"region": "us-east-1", "endpoint": endpoint},
    "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": table,
              "primaryKeyComponents": {"id": "k1"}}})
# A WAVE string literal: quotes and backslashes escaped.
print("execute-json(\"" + request.replace("\\", "\\\\").replace("\"", "\\\"") + "\")")
' "$DDB_TEST_MOTO_ENDPOINT" "$DDB_TEST_MOTO_ACCESS_KEY" "$DDB_TEST_MOTO_SECRET_KEY" "$TABLE")
"$DDB_TEST_WASMTIME_CLI" run -S http --invoke "$CALL" "$COMPONENT" >"$APP/wasmtime.txt"
grep -q '^ok(' "$APP/wasmtime.txt" && grep -qF '\"n\":{\"N\":\"7\"}' "$APP/wasmtime.txt" \
    || { cat "$APP/wasmtime.txt" >&2; log "the dist/ component under wasmtime did not read the item"; exit 1; }
for secret in "$DDB_TEST_MOTO_SECRET_KEY"; do
    if grep -qF -- "$secret" "$APP/node.json" "$APP/wasmtime.txt"; then
        log "a secret appears in a release check's output"; exit 1
    fi
done
log "release: dist/ installs and runs"
