#!/usr/bin/env bash
# Measures `ddb-connector export` on a table of N items (default 100,000, ~100 bytes each) in
# moto on loopback: wall time and the runner's peak memory (/usr/bin/time -v). Seeds the table
# through the runner itself (batchWriteItems, 5,000 items per invocation), then exports it once per
# segment count in SEGMENTS (default "1": a plain scan; "1 2 4 8" runs --segments 2, 4, 8 too).
# Not part of test.sh.
# usage: [SEGMENTS="1 2 4 8"] scripts/export-measure.sh [N]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
N=${1:-100000}
SEGMENTS=${SEGMENTS:-1}

install_wasm_target
install_moto
build_component
# The dev profile builds every dependency (wasmtime, Cranelift) at opt-level 2 (Cargo.toml), so
# the runner is as fast as it needs to be without a release build of wasmtime;
# PROFILE=release measures that instead.
PROFILE=${PROFILE:-dev}
log "building the runner (profile $PROFILE)"
cargo build --profile "$PROFILE" -p ddb-connector-cli --bin ddb-connector >&2
RUNNER="$ROOT/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")/ddb-connector"

trap stop_servers EXIT
start_moto
WORK=$(mktemp -d)
# A copy: a build during the measurement does not change the runner measured.
cp "$RUNNER" "$WORK/ddb-connector" && RUNNER="$WORK/ddb-connector"
request() { # input JSON on stdin -> a whole request on stdout
    "$VENV/bin/python" -c 'import json, os, sys
print(json.dumps({"authentication": {"type": "credentials", "accessKey": os.environ["DDB_TEST_MOTO_ACCESS_KEY"],
    "secretKey": os.environ["DDB_TEST_MOTO_SECRET_KEY"]},
    "configuration": {"region": "us-east-1", "endpoint": os.environ["DDB_TEST_MOTO_ENDPOINT"]},
    "input": json.load(sys.stdin)}))'
}
invoke() { request | "$RUNNER" invoke --allow-outbound "$DDB_TEST_MOTO_ENDPOINT" >/dev/null; }

log "seeding $N items"
echo '{"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "export",
  "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}' | invoke
for ((start = 0; start < N; start += 5000)); do
    "$VENV/bin/python" -c 'import json, sys
start, n = int(sys.argv[1]), int(sys.argv[2])
puts = [{"put": {"id": "item-%07d" % i, "n": i, "pad": "x" * 60}} for i in range(start, min(start + 5000, n))]
print(json.dumps({"operationGroup": "itemOperation", "itemOperation": "batchWriteItems", "requestItems": {"export": puts}}))' \
        "$start" "$N" | invoke
done

echo '{"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "export"}' \
    | request >"$WORK/scan.json"
for segments in $SEGMENTS; do
    log "exporting with $segments segment(s)"
    /usr/bin/time -v "$RUNNER" export --input "$WORK/scan.json" --allow-outbound "$DDB_TEST_MOTO_ENDPOINT" \
        --segments "$segments" >"$WORK/items.ndjson" 2>"$WORK/time.txt"
    grep -E "exported|Elapsed|User time|System time|Maximum resident" "$WORK/time.txt"
    printf 'lines: %s, distinct ids: %s\n' "$(wc -l <"$WORK/items.ndjson")" \
        "$(grep -o '"id":{"S":"[^"]*"' "$WORK/items.ndjson" | sort -u | wc -l)"
done
rm -rf "$WORK"
