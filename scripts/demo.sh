#!/usr/bin/env bash
# The main job: builds the component and the host, starts moto on loopback (signatures
# verified), and runs the connector through a table's whole life, printing every result.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

install_wasm_target
install_moto
build_component
log "building the host"
cargo build -p ddb-connector-cli >&2

trap stop_servers EXIT
start_moto

CLI="$ROOT/target/debug/ddb-connector"
TABLE="demo-orders-$$"
request() {
    cat <<JSON
{"authentication": {"type": "credentials", "accessKey": "$DDB_TEST_MOTO_ACCESS_KEY", "secretKey": "$DDB_TEST_MOTO_SECRET_KEY"},
 "configuration": {"region": "us-east-1", "endpoint": "$DDB_TEST_MOTO_ENDPOINT"},
 "input": $1}
JSON
}
step() {
    log "$1"
    request "$2" | "$CLI" invoke --allow-outbound "$DDB_TEST_MOTO_ENDPOINT" --pretty
}

step "createTable" '{"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "'"$TABLE"'",
  "partitionKey": "ID", "partitionKeyRole": "HASH", "partitionKeyType": "N", "billingModeStr": "PAY_PER_REQUEST"}'
step "addItem" '{"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "'"$TABLE"'",
  "item": {"ID": 3, "price": 10, "name": "lamp", "tags": ["desk", "led"]}}'
step "getItem" '{"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "'"$TABLE"'",
  "primaryKeyComponents": {"ID": 3}}'
step "updateItem" '{"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "'"$TABLE"'",
  "primaryKeyComponents": {"ID": 3}, "keyAttributes": {"price": 12}, "attributeAction": "PUT"}'
step "scanTable" '{"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "'"$TABLE"'",
  "filterExpression": "price > :min", "expressionAttributeValues": {":min": 5}}'
step "deleteItem" '{"operationGroup": "itemOperation", "itemOperation": "deleteItem", "tableName": "'"$TABLE"'",
  "primaryKeyComponents": {"ID": 3}}'
step "deleteTable" '{"operationGroup": "tableOperation", "tableOperation": "deleteTable", "tableName": "'"$TABLE"'"}'
log "done"
