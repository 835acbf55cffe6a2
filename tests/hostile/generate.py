"""Writes the hostile-input corpus: one request per file, and expected.json naming the field
each one's configuration error must name (null where the request is not even an object).

Run from the repository root: python3 tests/hostile/generate.py
The files are committed; this script is how they were made and how to add more.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ENDPOINT = "http://127.0.0.1:1"  # nothing listens there; the test also counts requests


def base(input_):
    return {
        "authentication": {"type": "credentials", "accessKey": "AKIDHOSTILE", "secretKey": "hostile-secret"},
        "configuration": {"region": "us-east-1", "endpoint": ENDPOINT},
        "input": input_,
    }


def item_op(op, **fields):
    return base({"operationGroup": "itemOperation", "itemOperation": op, "tableName": "orders", **fields})


def bare_item_op(op, **fields):
    """Item operations that name their tables inside (batches, transactions, PartiQL)."""
    return base({"operationGroup": "itemOperation", "itemOperation": op, **fields})


def table_op(op, **fields):
    return base({"operationGroup": "tableOperation", "tableOperation": op, **fields})


def with_(request, path, value, delete=False):
    request = copy.deepcopy(request)
    *parents, last = path.split(".")
    node = request
    for p in parents:
        node = node[p]
    if delete:
        del node[last]
    else:
        node[last] = value
    return request


def nested(depth, leaf=1):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_typed(depth):
    value = {"N": "1"}
    for _ in range(depth):
        value = {"L": [value]}
    return value


cases = []  # (name, text or object, expected field or None)


def case(name, request, field):
    cases.append((name, request, field))


# Not JSON, or not an object.
for i, text in enumerate(["", "{", "[", "nul", '{"a":}', '{"a":1,}', "\ufeff{}", "\u0000", "[" * 10000 + "]" * 10000,
                          '{"authentication": "\\ud800"}', "1e999999", '"just a string"', "[1, 2]", "42", "true", "null"]):
    case(f"not-a-request-{i}", text if isinstance(text, str) else json.dumps(text), None)

good_put = item_op("addItem", item={"id": 1})
# Sections.
for section in ["authentication", "configuration", "input"]:
    case(f"missing-{section}", with_(good_put, section, None, delete=True), section)
    for j, wrong in enumerate(["text", 5, [1], True]):
        case(f"{section}-wrong-type-{j}", with_(good_put, section, wrong), section)
case("unknown-top-level-field", with_(good_put, "extra", {}), "extra")

# Authentication.
case("auth-no-type-no-keys", with_(good_put, "authentication", {}), "authentication.type")
case("auth-bad-type", with_(good_put, "authentication.type", "password"), "authentication.type")
case("auth-type-number", with_(good_put, "authentication.type", 1), "authentication.type")
case("auth-missing-access-key", with_(good_put, "authentication.accessKey", None, delete=True), "authentication.accessKey")
case("auth-missing-secret-key", with_(good_put, "authentication.secretKey", None, delete=True), "authentication.secretKey")
case("auth-empty-secret-key", with_(good_put, "authentication.secretKey", "  "), "authentication.secretKey")
case("auth-access-key-space", with_(good_put, "authentication.accessKey", "AK ID"), "authentication.accessKey")
case("auth-secret-control-char", with_(good_put, "authentication.secretKey", "abc\u0007"), "authentication.secretKey")
case("auth-token-wrong-type", with_(good_put, "authentication.sessionToken", ["t"]), "authentication.sessionToken")
case("auth-token-control-char", with_(good_put, "authentication.sessionToken", "t\n"), "authentication.sessionToken")
case("auth-unknown-field", with_(good_put, "authentication.password", "x"), "authentication.password")

# Roles through STS (assumeRole, webIdentity): every field checked before STS is called.
ROLE = "arn:aws:iam::123456789012:role/tenant-a"
assume = with_(good_put, "authentication", {"type": "assumeRole", "roleArn": ROLE, "externalId": "tenant-a-ext"})
web = with_(good_put, "authentication", {"type": "webIdentity", "roleArn": ROLE, "webIdentityToken": "eyJ.hostile.token"})
case("role-missing-arn", with_(assume, "authentication.roleArn", None, delete=True), "authentication.roleArn")
for j, arn in enumerate(["arn:aws:iam::123456789012:user/bob", "arn:aws:iam::1234:role/r", "arn:aws:s3:::bucket", "role/r",
                         "arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role/a b", 42, "",
                         "arn:aws:iam::123456789012:role/" + "r" * 65, "arn:AWS:iam::123456789012:role/r"]):
    case(f"role-bad-arn-{j}", with_(assume, "authentication.roleArn", arn), "authentication.roleArn")
for j, external_id in enumerate(["x", "has space", "e" * 1225, "ü-tenant", ["a"]]):
    case(f"role-bad-external-id-{j}", with_(assume, "authentication.externalId", external_id), "authentication.externalId")
for j, name in enumerate(["a", "s" * 65, "has:colon", "tab\tname", 7]):
    case(f"role-bad-session-name-{j}", with_(assume, "authentication.roleSessionName", name), "authentication.roleSessionName")
for j, seconds in enumerate([899, 43201, -1, "1h", 1.5]):
    case(f"role-bad-duration-{j}", with_(assume, "authentication.durationSeconds", seconds), "authentication.durationSeconds")
for j, policy in enumerate(["not json", "[1]", {"Statement": "x" * 2048}, 5]):
    case(f"role-bad-policy-{j}", with_(assume, "authentication.policy", policy), "authentication.policy")
case("role-token-without-keys", with_(assume, "authentication.sessionToken", "t"), "authentication.sessionToken")
case("role-access-key-without-secret", with_(assume, "authentication.accessKey", "AKID"), "authentication.secretKey")
case("role-web-token-on-assume-role", with_(assume, "authentication.webIdentityToken", "eyJ.x.y"), "authentication.webIdentityToken")
for j, token in enumerate(["abc", "t" * 20001, "has space", "line\nbreak", {"t": 1}]):
    case(f"web-bad-token-{j}", with_(web, "authentication.webIdentityToken", token), "authentication.webIdentityToken")
case("web-external-id", with_(web, "authentication.externalId", "tenant-a-ext"), "authentication.externalId")
case("web-caller-keys", with_(web, "authentication.accessKey", "AKID"), "authentication.accessKey")
case("web-missing-arn", with_(web, "authentication.roleArn", None, delete=True), "authentication.roleArn")
for j, endpoint in enumerate(["ftp://sts.example.com", "http://user:pw@127.0.0.1:1", "http://127.0.0.1:1/path", "", 5]):
    case(f"config-bad-sts-endpoint-{j}", with_(assume, "configuration.stsEndpoint", endpoint), "configuration.stsEndpoint")

# Configuration.
case("config-missing-region", with_(good_put, "configuration.region", None, delete=True), "configuration.region")
for j, region in enumerate([5, "US-EAST-1", "us east 1", "us-east-1-", "-us", "a" * 40, "", "us_east_1", "üs-east-1"]):
    case(f"config-bad-region-{j}", with_(good_put, "configuration.region", region), "configuration.region")
for j, endpoint in enumerate(["ftp://127.0.0.1:1", "file:///etc/passwd", "javascript:alert(1)", "127.0.0.1:1", "//127.0.0.1:1",
                              "http://user:pw@127.0.0.1:1", "http://127.0.0.1:1/admin", "http://127.0.0.1:1/?x=1",
                              "http://127.0.0.1:1/#frag", "", "http://", "http://exa mple.com", 42, "http://:80"]):
    case(f"config-bad-endpoint-{j}", with_(good_put, "configuration.endpoint", endpoint), "configuration.endpoint")
case("config-unknown-field", with_(good_put, "configuration.proxy", "x"), "configuration.proxy")
for j, attempts in enumerate([0, 11, "x", -1, 1.5]):
    case(f"config-bad-max-attempts-{j}", with_(good_put, "configuration.maxAttempts", attempts), "configuration.maxAttempts")
for j, timeout in enumerate([5, "abc", 10**12]):
    case(f"config-bad-timeout-{j}", with_(good_put, "configuration.timeoutMs", timeout), "configuration.timeoutMs")

# Operation choice and common options.
case("input-missing-group", base({"itemOperation": "addItem", "tableName": "orders", "item": {}}), "input.operationGroup")
case("input-bad-group", with_(good_put, "input.operationGroup", "adminOperation"), "input.operationGroup")
case("input-group-number", with_(good_put, "input.operationGroup", 3), "input.operationGroup")
for j, op in enumerate(["truncateTable", "dropTable", "", "ADDITEM", "__proto__", "a" * 300]):
    case(f"input-unknown-operation-{j}", with_(good_put, "input.itemOperation", op), "input.itemOperation")
case("input-missing-operation", with_(good_put, "input.itemOperation", None, delete=True), "input.itemOperation")
case("input-item-op-in-table-group", table_op("getItem", tableName="orders"), "input.tableOperation")
case("input-table-op-in-item-group", item_op("createTable"), "input.itemOperation")
case("input-unknown-field", with_(good_put, "input.itme", {}), "input.itme")
case("input-bad-value-format", with_(good_put, "input.valueFormat", "xml"), "input.valueFormat")
case("input-bad-output-format", with_(good_put, "input.outputFormat", 1), "input.outputFormat")
case("input-wait-too-long", with_(good_put, "input.waitTimeoutMs", 10**9), "input.waitTimeoutMs")
case("input-wait-negative", with_(good_put, "input.waitTimeoutMs", -5), "input.waitTimeoutMs")

# Table names.
for j, name in enumerate(["ab", "a" * 256, "has space", "slash/name", "ünï", "🦀🦀🦀", "semi;colon", 5, ["orders"], {"n": 1}, True, ""]):
    case(f"table-name-{j}", with_(good_put, "input.tableName", name), "input.tableName")
case("table-name-missing", with_(good_put, "input.tableName", None, delete=True), "input.tableName")

# createTable.
create = table_op("createTable", tableName="orders", partitionKey="id", partitionKeyType="S", billingModeStr="PAY_PER_REQUEST")
case("create-missing-partition-key", with_(create, "input.partitionKey", None, delete=True), "input.partitionKey")
case("create-missing-key-type", with_(create, "input.partitionKeyType", None, delete=True), "input.partitionKeyType")
case("create-bad-key-type", with_(create, "input.partitionKeyType", "X"), "input.partitionKeyType")
case("create-bad-role", with_(create, "input.partitionKeyRole", "PRIMARY"), "input.partitionKeyRole")
case("create-only-key-range", with_(create, "input.partitionKeyRole", "RANGE"), "input.partitionKeyRole")
case("create-two-hash", with_(with_(with_(create, "input.sortKey", "at"), "input.sortKeyType", "S"), "input.sortKeyRole", "HASH"), "input.sortKeyRole")
case("create-same-names", with_(with_(create, "input.sortKey", "id"), "input.sortKeyType", "S"), "input.sortKey")
case("create-sort-key-no-type", with_(create, "input.sortKey", "at"), "input.sortKeyType")
case("create-key-name-too-long", with_(create, "input.partitionKey", "k" * 256), "input.partitionKey")
provisioned = with_(create, "input.billingModeStr", "PROVISIONED")
case("create-provisioned-no-capacity", provisioned, "input.readCapacityUnits")
for j, units in enumerate([0, 40001, "many", -1, 2.5]):
    case(f"create-bad-capacity-{j}", with_(with_(provisioned, "input.writeCapacityUnits", 1), "input.readCapacityUnits", units), "input.readCapacityUnits")
case("create-bad-billing", with_(create, "input.billingModeStr", "FREE"), "input.billingModeStr")
case("create-bad-protection", with_(create, "input.deletionProtection", "maybe"), "input.deletionProtection")

# Items and values.
for j, item in enumerate([42, [1], "{\"id\": ", "[1, 2]", True]):
    case(f"item-not-an-object-{j}", item_op("addItem", item=item), "input.item")
case("item-missing", item_op("addItem"), "input.item")
case("item-empty-attribute-name", item_op("addItem", item={"": 1}), "input.item.")
NUMBERS = ["123456789012345678901234567890123456789", "1e126", "1e-131", "-1e200", "1E+999"]
for j, number in enumerate(NUMBERS):
    case(f"item-plain-number-{j}", f'{{"authentication": {{"type": "credentials", "accessKey": "AK", "secretKey": "SK"}}, "configuration": {{"region": "us-east-1", "endpoint": "{ENDPOINT}"}}, "input": {{"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders", "item": {{"n": {number}}}}}}}', "input.item.n")
TYPED = [
    ({"SS": []}, "input.item.v"), ({"NS": []}, "input.item.v"), ({"BS": []}, "input.item.v"),
    ({"SS": ["a", "a"]}, "input.item.v[1]"), ({"NS": ["1", "1"]}, "input.item.v[1]"),
    ({"B": "***"}, "input.item.v"), ({"B": 5}, "input.item.v"), ({"BS": ["AA==", "!!"]}, "input.item.v[1]"),
    ({"N": "abc"}, "input.item.v"), ({"N": ""}, "input.item.v"), ({"N": "1.2.3"}, "input.item.v"),
    ({"N": "NaN"}, "input.item.v"), ({"N": "Infinity"}, "input.item.v"), ({"NS": ["1", "x"]}, "input.item.v[1]"),
    ({"N": "1" * 39}, "input.item.v"), ({"N": "1e126"}, "input.item.v"), ({"N": "1e-131"}, "input.item.v"),
    ({"X": "1"}, "input.item.v"), ({"S": "a", "N": "1"}, "input.item.v"), ({}, "input.item.v"),
    ({"NULL": False}, "input.item.v"), ({"BOOL": "yes"}, "input.item.v"), ({"L": {}}, "input.item.v"),
    ({"M": []}, "input.item.v"), ({"S": 5}, "input.item.v"), ("bare", "input.item.v"),
    ({"SS": "a"}, "input.item.v"), ({"L": [{"Q": 1}]}, "input.item.v[0]"),
]
for j, (value, field) in enumerate(TYPED):
    case(f"item-typed-{j}", item_op("addItem", valueFormat="typed", item={"id": {"N": "1"}, "v": value}), field)
case("item-nesting-33-plain", item_op("addItem", item={"id": 1, "deep": nested(33)}), "input.item.deep" + "[0]" * 32)
case("item-nesting-33-typed", item_op("addItem", valueFormat="typed", item={"id": {"N": "1"}, "deep": nested_typed(33)}), "input.item.deep" + "[0]" * 32)
case("item-over-400-kb", item_op("addItem", item={"id": 1, "blob": "x" * (401 * 1024)}), "input.item")

# Keys.
case("key-missing", item_op("getItem"), "input.primaryKeyComponents")
case("key-empty", item_op("getItem", primaryKeyComponents={}), "input.primaryKeyComponents")
case("key-three-attributes", item_op("getItem", primaryKeyComponents={"a": 1, "b": 2, "c": 3}), "input.primaryKeyComponents")
for j, value in enumerate([[1], {"m": 1}, True, None]):
    case(f"key-attribute-not-scalar-{j}", item_op("deleteItem", primaryKeyComponents={"id": value}), "input.primaryKeyComponents.id")
case("key-typed-set", item_op("getItem", valueFormat="typed", primaryKeyComponents={"id": {"SS": ["a"]}}), "input.primaryKeyComponents.id")

# updateItem.
update = item_op("updateItem", primaryKeyComponents={"id": 1}, keyAttributes={"a": 1}, attributeAction="PUT")
case("update-bad-action", with_(update, "input.attributeAction", "MERGE"), "input.attributeAction")
case("update-missing-action", with_(update, "input.attributeAction", None, delete=True), "input.attributeAction")
case("update-missing-attributes", with_(update, "input.keyAttributes", None, delete=True), "input.keyAttributes")
case("update-empty-attributes", with_(update, "input.keyAttributes", {}), "input.keyAttributes")
case("update-changes-key", with_(update, "input.keyAttributes", {"id": 2}), "input.keyAttributes.id")
case("update-both-forms", with_(update, "input.updateExpression", "SET a = :a"), "input.updateExpression")
case("update-expression-too-long", with_(with_(update, "input.keyAttributes", None, delete=True), "input.updateExpression", "SET a = :a" + " " * 5000), "input.updateExpression")
case("update-bad-return-values", with_(update, "input.returnValues", "EVERYTHING"), "input.returnValues")
case("add-return-all-new", item_op("addItem", item={"id": 1}, returnValues="ALL_NEW"), "input.returnValues")
case("delete-bad-return-on-failure", item_op("deleteItem", primaryKeyComponents={"id": 1}, returnValuesOnConditionCheckFailure="SOME"), "input.returnValuesOnConditionCheckFailure")

# scanTable and query.
scan = table_op("scanTable", tableName="orders")
case("scan-segment-alone", with_(scan, "input.segment", 1), "input.totalSegments")
case("scan-total-alone", with_(scan, "input.totalSegments", 2), "input.segment")
case("scan-segment-past-total", with_(with_(scan, "input.segment", 2), "input.totalSegments", 2), "input.segment")
case("scan-limit-zero", with_(scan, "input.limit", 0), "input.limit")
case("scan-limit-text", with_(scan, "input.limit", "ten"), "input.limit")
case("scan-max-items-zero", with_(scan, "input.maxItems", 0), "input.maxItems")
case("scan-max-bytes-tiny", with_(scan, "input.maxResultBytes", 10), "input.maxResultBytes")
case("scan-start-key-plain", with_(scan, "input.exclusiveStartKey", {"id": 1}), "input.exclusiveStartKey.id")
case("scan-bad-select", with_(scan, "input.select", "SOME"), "input.select")
case("scan-name-placeholder-no-hash", with_(scan, "input.expressionAttributeNames", {"n": "name"}), "input.expressionAttributeNames.n")
case("scan-name-empty", with_(scan, "input.expressionAttributeNames", {"#n": ""}), "input.expressionAttributeNames.#n")
case("scan-value-placeholder-no-colon", with_(scan, "input.expressionAttributeValues", {"v": 1}), "input.expressionAttributeValues.v")
case("scan-filter-too-long", with_(scan, "input.filterExpression", "a = :v" + " " * 5000), "input.filterExpression")
case("scan-bad-index-name", with_(scan, "input.indexName", "bad index"), "input.indexName")
case("query-missing-key-condition", item_op("query"), "input.keyConditionExpression")
case("query-bad-forward", item_op("query", keyConditionExpression="id = :id", scanIndexForward="sideways"), "input.scanIndexForward")

# Batches.
case("batch-get-missing", bare_item_op("batchGetItems"), "input.requestItems")
case("batch-get-empty", bare_item_op("batchGetItems", requestItems={}), "input.requestItems")
case("batch-get-bad-table", bare_item_op("batchGetItems", requestItems={"x y": {"keys": [{"id": 1}]}}), "input.requestItems.x y")
case("batch-get-no-keys", bare_item_op("batchGetItems", requestItems={"orders": {}}), "input.requestItems.orders.keys")
case("batch-get-empty-keys", bare_item_op("batchGetItems", requestItems={"orders": {"keys": []}}), "input.requestItems.orders.keys")
case("batch-get-bad-key", bare_item_op("batchGetItems", requestItems={"orders": {"keys": [{"id": [1]}]}}), "input.requestItems.orders.keys[0].id")
case("batch-write-empty", bare_item_op("batchWriteItems", requestItems={"orders": []}), "input.requestItems")
case("batch-write-not-list", bare_item_op("batchWriteItems", requestItems={"orders": {"put": {}}}), "input.requestItems.orders")
case("batch-write-neither", bare_item_op("batchWriteItems", requestItems={"orders": [{}]}), "input.requestItems.orders[0]")
case("batch-write-both", bare_item_op("batchWriteItems", requestItems={"orders": [{"put": {"id": 1}, "delete": {"id": 1}}]}), "input.requestItems.orders[0]")
case("batch-write-put-not-object", bare_item_op("batchWriteItems", requestItems={"orders": [{"put": 5}]}), "input.requestItems.orders[0].put")
case("batch-write-bad-delete-key", bare_item_op("batchWriteItems", requestItems={"orders": [{"delete": {"id": None}}]}), "input.requestItems.orders[0].delete.id")
case("batch-write-unknown-kind", bare_item_op("batchWriteItems", requestItems={"orders": [{"upsert": {"id": 1}}]}), "input.requestItems.orders[0].upsert")

# Transactions.
put = {"put": {"tableName": "orders", "item": {"id": 1}}}
case("transact-missing", bare_item_op("transactWriteItems"), "input.transactItems")
case("transact-empty", bare_item_op("transactWriteItems", transactItems=[]), "input.transactItems")
case("transact-101", bare_item_op("transactWriteItems", transactItems=[put] * 101), "input.transactItems")
case("transact-unknown-kind", bare_item_op("transactWriteItems", transactItems=[{"upsert": {"tableName": "orders"}}]), "input.transactItems[0].upsert")
case("transact-two-kinds", bare_item_op("transactWriteItems", transactItems=[{**put, "delete": {"tableName": "orders", "key": {"id": 1}}}]), "input.transactItems[0]")
case("transact-missing-table", bare_item_op("transactWriteItems", transactItems=[{"put": {"item": {"id": 1}}}]), "input.transactItems[0].put.tableName")
case("transact-update-no-expression", bare_item_op("transactWriteItems", transactItems=[{"update": {"tableName": "orders", "key": {"id": 1}}}]), "input.transactItems[0].update.updateExpression")
case("transact-check-no-condition", bare_item_op("transactWriteItems", transactItems=[{"conditionCheck": {"tableName": "orders", "key": {"id": 1}}}]), "input.transactItems[0].conditionCheck.conditionExpression")
case("transact-token-too-long", bare_item_op("transactWriteItems", transactItems=[put], clientRequestToken="t" * 37), "input.clientRequestToken")
case("transact-get-in-write", bare_item_op("transactWriteItems", transactItems=[{"get": {"tableName": "orders", "key": {"id": 1}}}]), "input.transactItems[0].get")
case("transact-get-put", bare_item_op("transactGetItems", transactItems=[put]), "input.transactItems[0].put")

# PartiQL, listTables, updateTable, describeTimeToLive.
case("statement-missing", bare_item_op("executeStatement"), "input.statement")
case("statement-empty", bare_item_op("executeStatement", statement=" "), "input.statement")
case("statement-too-long", bare_item_op("executeStatement", statement="SELECT * FROM t" + " " * 9000), "input.statement")
case("statement-parameters-not-list", bare_item_op("executeStatement", statement="SELECT 1", parameters={"a": 1}), "input.parameters")
case("statement-bad-parameter", bare_item_op("executeStatement", statement="SELECT 1", valueFormat="typed", parameters=[{"N": "x"}]), "input.parameters[0]")
case("list-limit-zero", table_op("listTables", limit=0), "input.limit")
case("list-limit-101", table_op("listTables", limit=101), "input.limit")
case("list-unknown-field", table_op("listTables", tableName="orders"), "input.tableName")
case("update-table-nothing", table_op("updateTable", tableName="orders"), "input.tableName")
case("update-table-one-capacity", table_op("updateTable", tableName="orders", readCapacityUnits=5), "input.writeCapacityUnits")
case("update-table-ttl-enabled-alone", table_op("updateTable", tableName="orders", timeToLiveEnabled=False), "input.timeToLiveAttribute")
case("update-table-bad-billing", table_op("updateTable", tableName="orders", billingModeStr="FREE"), "input.billingModeStr")
case("describe-ttl-unknown-field", table_op("describeTimeToLive", tableName="orders", timeToLiveAttribute="expires"), "input.timeToLiveAttribute")

# readStream, executeAction, configuration.streamsEndpoint, attribute name limits (issue 14).
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
CHECKPOINT = {"version": 1, "streamArn": ARN, "shards": {}}
stream = table_op("readStream", tableName="orders")
case("stream-no-table-or-arn", table_op("readStream"), "input.tableName")
case("stream-table-and-arn", with_(stream, "input.streamArn", ARN), "input.streamArn")
case("stream-bad-arn", table_op("readStream", streamArn="arn:aws:s3:::bucket"), "input.streamArn")
case("stream-arn-number", table_op("readStream", streamArn=5), "input.streamArn")
case("stream-bad-table", with_(stream, "input.tableName", "a b"), "input.tableName")
case("stream-bad-position", with_(stream, "input.startingPosition", "AT_TIMESTAMP"), "input.startingPosition")
case("stream-position-with-checkpoint", with_(with_(stream, "input.checkpoint", CHECKPOINT), "input.startingPosition", "LATEST"), "input.startingPosition")
case("stream-checkpoint-not-json", with_(stream, "input.checkpoint", "{oops"), "input.checkpoint")
case("stream-checkpoint-list", with_(stream, "input.checkpoint", [CHECKPOINT]), "input.checkpoint")
case("stream-checkpoint-version", with_(stream, "input.checkpoint", {**CHECKPOINT, "version": 9}), "input.checkpoint")
case("stream-checkpoint-other-table", with_(stream, "input.checkpoint", {**CHECKPOINT, "streamArn": ARN.replace("orders", "payments")}), "input.checkpoint")
case("stream-checkpoint-bad-sequence", with_(stream, "input.checkpoint", {**CHECKPOINT, "shards": {"s-1": {"after": "12; DROP"}}}), "input.checkpoint")
case("stream-checkpoint-huge-iterator", with_(stream, "input.checkpoint", {**CHECKPOINT, "shards": {"s-1": {"iterator": "i" * 5000}}}), "input.checkpoint")
case("stream-checkpoint-unknown-member", with_(stream, "input.checkpoint", {**CHECKPOINT, "position": 1}), "input.checkpoint")
case("stream-max-records-negative", with_(stream, "input.maxRecords", -1), "input.maxRecords")
case("stream-max-records-text", with_(stream, "input.maxRecords", "all"), "input.maxRecords")
case("stream-max-records-huge", with_(stream, "input.maxRecords", 10**7), "input.maxRecords")
case("stream-max-bytes-tiny", with_(stream, "input.maxResultBytes", 10), "input.maxResultBytes")
case("stream-unknown-field", with_(stream, "input.shardId", "s-1"), "input.shardId")
case("stream-in-item-group", item_op("readStream"), "input.itemOperation")
action = table_op("executeAction", action="DescribeLimits")
case("action-missing", table_op("executeAction"), "input.action")
case("action-unknown", with_(action, "input.action", "DropAllTables"), "input.action")
case("action-wrong-case", with_(action, "input.action", "describelimits"), "input.action")
case("action-number", with_(action, "input.action", 7), "input.action")
case("action-other-service", with_(action, "input.action", "ListBuckets"), "input.action")
case("action-request-list", with_(action, "input.request", [1]), "input.request")
case("action-request-not-json", with_(action, "input.request", "{oops"), "input.request")
case("action-request-number", with_(action, "input.request", 5), "input.request")
case("action-unknown-field", with_(action, "input.body", {}), "input.body")
case("action-item-group-unknown", bare_item_op("executeAction", action="Truncate"), "input.action")
for j, endpoint in enumerate(["ftp://127.0.0.1:1", "http://user:pw@127.0.0.1:1", "http://127.0.0.1:1/streams", "", 5]):
    case(f"config-bad-streams-endpoint-{j}", with_(good_put, "configuration.streamsEndpoint", endpoint), "configuration.streamsEndpoint")
case("item-attribute-name-70000", item_op("addItem", item={"id": 1, "n" * 70000: 1}), "input.item")
case("item-nested-name-70000", item_op("addItem", item={"id": 1, "m": {"n" * 70000: 1}}), "input.item.m")
case("key-name-256", item_op("getItem", primaryKeyComponents={"k" * 256: 1}), "input.primaryKeyComponents")
case("scan-name-placeholder-70000", with_(scan, "input.expressionAttributeNames", {"#n": "n" * 70000}), "input.expressionAttributeNames.#n")

# returnConsumedCapacity and readStream's maxRecords 0 (issue 23).
case("consumed-capacity-unknown", item_op("getItem", primaryKeyComponents={"id": 1}, returnConsumedCapacity="ALL"), "input.returnConsumedCapacity")
case("consumed-capacity-number", with_(scan, "input.returnConsumedCapacity", 1), "input.returnConsumedCapacity")
case("consumed-capacity-not-taken", table_op("describeTable", tableName="orders", returnConsumedCapacity="TOTAL"), "input.returnConsumedCapacity")
case("stream-end-with-trim-horizon", with_(with_(stream, "input.maxRecords", 0), "input.startingPosition", "TRIM_HORIZON"), "input.maxRecords")

# awsCredential, Camunda 8.10's reusable credential (issue 24): its own shape, its authentication
# (each of the four types), its region (read even when configuration.region overrides it), and
# beside an inline authentication, which is then not read.
KEYS = {"type": "credentials", "accessKey": "AKIDHOSTILE", "secretKey": "hostile-secret"}
cred = with_(with_(good_put, "authentication", None, delete=True), "awsCredential", {"authentication": KEYS, "region": "us-east-1"})
cred_assume = with_(cred, "awsCredential.authentication", {"type": "assumeRole", "roleArn": ROLE, "externalId": "tenant-a-ext"})
cred_web = with_(cred, "awsCredential.authentication", {"type": "webIdentity", "roleArn": ROLE, "webIdentityToken": "eyJ.hostile.token"})
for j, wrong in enumerate(["text", 5, [KEYS], True]):
    case(f"cred-wrong-type-{j}", with_(cred, "awsCredential", wrong), "awsCredential")
case("cred-null-and-no-inline", with_(cred, "awsCredential", None), "authentication")
case("cred-missing-authentication", with_(cred, "awsCredential.authentication", None, delete=True), "awsCredential.authentication")
for j, wrong in enumerate(["text", [KEYS], 0]):
    case(f"cred-authentication-wrong-type-{j}", with_(cred, "awsCredential.authentication", wrong), "awsCredential.authentication")
case("cred-unknown-member", with_(cred, "awsCredential.endpoint", ENDPOINT), "awsCredential.endpoint")
case("cred-configuration-member", with_(cred, "awsCredential.configuration", {"region": "us-east-1"}), "awsCredential.configuration")
for j, region in enumerate([5, {"name": "us-east-1"}, ["us-east-1"], True]):
    case(f"cred-region-wrong-type-overridden-{j}", with_(cred, "awsCredential.region", region), "awsCredential.region")
no_config_region = with_(cred, "configuration.region", None, delete=True)
case("cred-region-wrong-type-alone", with_(no_config_region, "awsCredential.region", 5), "awsCredential.region")
case("cred-region-missing", with_(no_config_region, "awsCredential.region", None, delete=True), "awsCredential.region")
case("cred-region-blank", with_(no_config_region, "awsCredential.region", " "), "awsCredential.region")
for j, region in enumerate(["US-EAST-1", "us east 1", "üs-east-1"]):
    case(f"cred-bad-region-{j}", with_(no_config_region, "awsCredential.region", region), "awsCredential.region")
case("cred-no-configuration-no-region", with_(with_(cred, "configuration", None, delete=True), "awsCredential.region", None, delete=True), "awsCredential.region")
case("cred-bad-configuration-region", with_(cred, "configuration.region", "Nowhere 1"), "configuration.region")
case("cred-configuration-wrong-type", with_(cred, "configuration", "text"), "configuration")
case("cred-bad-endpoint", with_(cred, "configuration.endpoint", "ftp://127.0.0.1:1"), "configuration.endpoint")
case("cred-auth-no-type-no-keys", with_(cred, "awsCredential.authentication", {}), "awsCredential.authentication.type")
case("cred-auth-bad-type", with_(cred, "awsCredential.authentication.type", "password"), "awsCredential.authentication.type")
case("cred-auth-type-number", with_(cred, "awsCredential.authentication.type", 1), "awsCredential.authentication.type")
case("cred-keys-missing-secret", with_(cred, "awsCredential.authentication.secretKey", None, delete=True), "awsCredential.authentication.secretKey")
case("cred-keys-missing-access-key", with_(cred, "awsCredential.authentication.accessKey", None, delete=True), "awsCredential.authentication.accessKey")
case("cred-keys-access-key-space", with_(cred, "awsCredential.authentication.accessKey", "AK ID"), "awsCredential.authentication.accessKey")
case("cred-keys-token-wrong-type", with_(cred, "awsCredential.authentication.sessionToken", ["t"]), "awsCredential.authentication.sessionToken")
case("cred-keys-unknown-field", with_(cred, "awsCredential.authentication.password", "x"), "awsCredential.authentication.password")
case("cred-chain-unknown-field", with_(cred, "awsCredential.authentication", {"type": "defaultCredentialsChain", "roleArn": ROLE}), "awsCredential.authentication.roleArn")
case("cred-role-missing-arn", with_(cred_assume, "awsCredential.authentication.roleArn", None, delete=True), "awsCredential.authentication.roleArn")
case("cred-role-bad-arn", with_(cred_assume, "awsCredential.authentication.roleArn", "arn:aws:iam::123456789012:user/bob"), "awsCredential.authentication.roleArn")
case("cred-role-bad-external-id", with_(cred_assume, "awsCredential.authentication.externalId", "has space"), "awsCredential.authentication.externalId")
case("cred-role-bad-session-name", with_(cred_assume, "awsCredential.authentication.roleSessionName", "has:colon"), "awsCredential.authentication.roleSessionName")
case("cred-role-bad-duration", with_(cred_assume, "awsCredential.authentication.durationSeconds", 899), "awsCredential.authentication.durationSeconds")
case("cred-role-bad-policy", with_(cred_assume, "awsCredential.authentication.policy", "not json"), "awsCredential.authentication.policy")
case("cred-role-token-without-keys", with_(cred_assume, "awsCredential.authentication.sessionToken", "t"), "awsCredential.authentication.sessionToken")
case("cred-role-bad-sts-endpoint", with_(cred_assume, "configuration.stsEndpoint", "ftp://sts.example.com"), "configuration.stsEndpoint")
case("cred-web-bad-token", with_(cred_web, "awsCredential.authentication.webIdentityToken", "has space"), "awsCredential.authentication.webIdentityToken")
case("cred-web-external-id", with_(cred_web, "awsCredential.authentication.externalId", "tenant-a-ext"), "awsCredential.authentication.externalId")
case("cred-web-missing-arn", with_(cred_web, "awsCredential.authentication.roleArn", None, delete=True), "awsCredential.authentication.roleArn")
# Both: the inline authentication is not read, so the credential's fault is the one named.
both = with_(cred, "authentication", KEYS)
case("cred-and-inline-bad-credential-type", with_(both, "awsCredential.authentication.type", "password"), "awsCredential.authentication.type")
case("cred-and-inline-both-broken", with_(with_(both, "authentication", {"type": "password"}), "awsCredential.authentication.secretKey", None, delete=True), "awsCredential.authentication.secretKey")
case("cred-and-inline-region-wrong-type", with_(with_(both, "authentication.region", "us-east-1"), "awsCredential.region", 7), "awsCredential.region")
case("cred-and-inline-input-bad", with_(both, "input.tableName", "a b"), "input.tableName")

# The inline authentication's legacy region: read, and so type-checked, even when overridden.
for j, region in enumerate([5, {"name": "us-east-1"}, ["us-east-1"], True]):
    case(f"inline-region-wrong-type-overridden-{j}", with_(good_put, "authentication.region", region), "authentication.region")

for old in os.listdir(HERE):
    if old.endswith(".json"):
        os.remove(os.path.join(HERE, old))
expected = {}
for i, (name, request, field) in enumerate(cases):
    file = f"{i:03}-{name}.json"
    text = request if isinstance(request, str) else json.dumps(request, ensure_ascii=False)
    with open(os.path.join(HERE, file), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    expected[file] = field
with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
print(f"{len(cases)} cases")
