#!/usr/bin/env python3
"""Writes dynamodb-connector.json, the connector's Camunda element template (kept in git).

usage: generate.py [--check]   (--check: fail when the file in git is not what this writes)

Camunda's eight operations, its authentication, awsCredential and configuration properties
are built as in Camunda's latest DynamoDB template (version 12 of
io.camunda.connectors.AWSDynamoDB.v1): the same ids, bindings, types, conditions and
choices, so a process can switch between the two templates without losing values
(tests/element_templates.rs checks this against Camunda's own file). Our eleven operations,
the role types of authentication and the shared options follow the same pattern: one
property per field, shown while its operation is chosen, bound to `input.<field>`.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("dynamodb-connector.json")

TABLE, ITEM = "tableOperation", "itemOperation"
CAMUNDA_TABLE_OPS = ["createTable", "deleteTable", "describeTable", "scanTable"]
CAMUNDA_ITEM_OPS = ["addItem", "deleteItem", "getItem", "updateItem"]
# Ours, in src/ops/registry.rs's order (executeAction, of either group, is offered as a table one).
OUR_TABLE_OPS = ["listTables", "updateTable", "describeTimeToLive", "readStream", "executeAction"]
OUR_ITEM_OPS = ["query", "batchGetItems", "batchWriteItems", "transactWriteItems",
                "transactGetItems", "executeStatement"]
BOOLEAN = [("True", "true"), ("False", "false")]
RETURN_VALUES_PUT_DELETE = ["NONE", "ALL_OLD"]
RETURN_VALUES_UPDATE = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]
SELECT = ["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"]
# Every item read and write takes it (src/ops/consumed_capacity.rs).
CONSUMED = [("returnConsumedCapacity", "d", "Return consumed capacity", ["NONE", "TOTAL", "INDEXES"])]


def simple(prop, **test):
    return {"property": prop, **test, "type": "simple"}


def when_op(group, op):
    """Camunda's condition for an operation's field: the operation, then its group."""
    return {"allMatch": [simple(f"input.{group}", equals=op),
                         simple("input.operationGroup", equals=group)]}


def no_credential():
    return simple("awsCredential", isEmpty=True)


def prop(pid, label, binding, kind, group="input", condition=None, **extra):
    p = {"id": pid, "label": label, **extra, "group": group,
         "binding": {"name": binding, "type": "zeebe:input"}}
    if condition:
        p["condition"] = condition
    p["type"] = kind
    return p


def text(pid, label, binding, condition=None, required=False, feel="optional", kind="String", **extra):
    """A text field: FEEL optional (a value or `=expression`), or required for maps and lists."""
    flags = ({"optional": False, "constraints": {"notEmpty": True}} if required
             else {"optional": True})
    return prop(pid, label, binding, kind, condition=condition, **flags, feel=feel, **extra)


def number(pid, label, binding, condition=None, required=False):
    flags = ({"optional": False, "constraints": {"notEmpty": True}} if required
             else {"optional": True})
    return prop(pid, label, binding, "Number", condition=condition, **flags, feel="static")


def dropdown(pid, label, binding, choices, condition=None, required=False, value=None, group="input",
             says_optional=True):
    flags = {"optional": not required} if says_optional else {}
    if value is not None:
        flags["value"] = value
    if required:
        flags["constraints"] = {"notEmpty": True}
    choices = [{"name": n, "value": v} for n, v in
               (c if isinstance(c, tuple) else (c, c) for c in choices)]
    return prop(pid, label, binding, "Dropdown", group=group, condition=condition, **flags, choices=choices)


def operation_properties():
    op_choice = lambda ops: [(op[0].upper() + "".join(" " + c.lower() if c.isupper() else c for c in op[1:]), op) for op in ops]
    return [
        {"value": "ddb-connector:dynamodb:1", "binding": {"property": "type", "type": "zeebe:taskDefinition"}, "type": "Hidden"},
        prop("input.operationGroup", "Operation group", "input.operationGroup", "Dropdown", group="operation",
             choices=[{"name": "Table", "value": TABLE}, {"name": "Item", "value": ITEM}]),
        prop("input.tableOperation", "Table operation", "input.tableOperation", "Dropdown", group="operation",
             condition=simple("input.operationGroup", equals=TABLE),
             choices=[{"name": n, "value": v} for n, v in op_choice(CAMUNDA_TABLE_OPS + OUR_TABLE_OPS)]),
        prop("input.itemOperation", "Item operation", "input.itemOperation", "Dropdown", group="operation",
             condition=simple("input.operationGroup", equals=ITEM),
             choices=[{"name": n, "value": v} for n, v in op_choice(CAMUNDA_ITEM_OPS + OUR_ITEM_OPS)]),
    ]


def authentication_properties():
    def when_type(kind):
        return {"allMatch": [simple("authentication.type", equals=kind), no_credential()]}

    secret = {"secret": True}
    keys_label = "the keys that call STS (none: the sandbox's environment)"
    return [
        prop("awsCredential", "AWS credential", "awsCredential", "Configuration", group="authentication",
             description="A saved AWS credential: its authentication and default region replace the ones below.",
             optional=True, configurationTemplate="io.camunda:aws-credential:1"),
        dropdown("authentication.type", "Authentication", "authentication.type",
                 [("Default Credentials Chain (Hybrid/Self-Managed only)", "defaultCredentialsChain"),
                  ("Credentials", "credentials"), ("Assume role (STS)", "assumeRole"),
                  ("Web identity (STS)", "webIdentity")],
                 condition=no_credential(), value="credentials", group="authentication", says_optional=False),
        {**text("authentication.accessKey", "Access key", "authentication.accessKey", when_type("credentials"),
                required=True, **secret), "group": "authentication"},
        {**text("authentication.secretKey", "Secret key", "authentication.secretKey", when_type("credentials"),
                required=True, **secret), "group": "authentication"},
        {**text("authentication.credentials.sessionToken", "Session token", "authentication.sessionToken",
                when_type("credentials"), **secret), "group": "authentication"},
    ] + [
        {**p, "group": "authentication"} for p in [
            text("authentication.assumeRole.roleArn", "Role ARN", "authentication.roleArn", when_type("assumeRole"), required=True),
            text("authentication.assumeRole.externalId", "External ID", "authentication.externalId", when_type("assumeRole")),
            text("authentication.assumeRole.roleSessionName", "Session name", "authentication.roleSessionName", when_type("assumeRole")),
            number("authentication.assumeRole.durationSeconds", "Duration (seconds)", "authentication.durationSeconds", when_type("assumeRole")),
            text("authentication.assumeRole.policy", "Session policy (JSON)", "authentication.policy", when_type("assumeRole"), feel="required"),
            text("authentication.assumeRole.accessKey", f"Access key: {keys_label}", "authentication.accessKey", when_type("assumeRole"), **secret),
            text("authentication.assumeRole.secretKey", "Secret key", "authentication.secretKey", when_type("assumeRole"), **secret),
            text("authentication.assumeRole.sessionToken", "Session token", "authentication.sessionToken", when_type("assumeRole"), **secret),
            text("authentication.webIdentity.roleArn", "Role ARN", "authentication.roleArn", when_type("webIdentity"), required=True),
            text("authentication.webIdentity.webIdentityToken", "Web identity token (none: the sandbox's AWS_WEB_IDENTITY_TOKEN)",
                 "authentication.webIdentityToken", when_type("webIdentity"), **secret),
            text("authentication.webIdentity.roleSessionName", "Session name", "authentication.roleSessionName", when_type("webIdentity")),
            number("authentication.webIdentity.durationSeconds", "Duration (seconds)", "authentication.durationSeconds", when_type("webIdentity")),
        ]
    ]


def configuration_properties():
    def cfg(p):
        return {**p, "group": "configuration"}

    return [
        cfg(text("configuration.region", "Region", "configuration.region", no_credential(), required=True)),
        # Camunda's is Hidden (no form field); ours is a field: a VPC endpoint, a local server.
        cfg(text("configuration.endpoint", "Endpoint", "configuration.endpoint", no_credential(),
                 description="Default: the region's DynamoDB endpoint")),
        cfg(text("regionOverride", "Region", "configuration.region", simple("awsCredential", isEmpty=False),
                 description="Overrides the default region of the selected credential. Required when it has none.")),
        cfg(text("configuration.credential.endpoint", "Endpoint", "configuration.endpoint",
                 simple("awsCredential", isEmpty=False), description="Default: the region's DynamoDB endpoint")),
        cfg(text("configuration.streamsEndpoint", "DynamoDB Streams endpoint", "configuration.streamsEndpoint")),
        cfg(text("configuration.stsEndpoint", "STS endpoint (role authentication)", "configuration.stsEndpoint")),
        cfg(number("configuration.maxAttempts", "Attempts per call (1 to 10, default 3)", "configuration.maxAttempts")),
        cfg(number("configuration.timeoutMs", "Bound on one call in ms (default 30000)", "configuration.timeoutMs")),
    ]


def camunda_operation_fields():
    """Camunda's eight operations' fields, as in its template 12 (ids, bindings, conditions)."""
    ct, st = when_op(TABLE, "createTable"), when_op(TABLE, "scanTable")
    key_roles, key_types = ["HASH", "RANGE"], [("Binary", "B"), ("Number", "N"), ("String", "S")]
    return [
        text("input.createTable.tableName", "Table name", "input.tableName", ct, required=True),
        text("input.partitionKey", "Partition key", "input.partitionKey", ct, required=True),
        dropdown("input.partitionKeyRole", "Partition key role", "input.partitionKeyRole", key_roles, ct, required=True),
        dropdown("input.partitionKeyType", "Partition key type", "input.partitionKeyType", key_types, ct, required=True),
        text("input.sortKey", "Sort key", "input.sortKey", ct),
        dropdown("input.sortKeyRole", "Sort key role", "input.sortKeyRole", key_roles, ct),
        dropdown("input.sortKeyType", "Sort key type", "input.sortKeyType", key_types, ct),
        number("input.readCapacityUnits", "Read capacity units", "input.readCapacityUnits", ct, required=True),
        number("input.writeCapacityUnits", "Write capacity units", "input.writeCapacityUnits", ct, required=True),
        dropdown("input.billingModeStr", "Billing mode", "input.billingModeStr", ["PROVISIONED", "PAY_PER_REQUEST"], ct, required=True),
        dropdown("input.deletionProtection", "Deletion protection", "input.deletionProtection", BOOLEAN, ct, required=True, value="false"),
        text("input.deleteTable.tableName", "Table name", "input.tableName", when_op(TABLE, "deleteTable"), required=True),
        text("input.describeTable.tableName", "Table name", "input.tableName", when_op(TABLE, "describeTable"), required=True),
        text("input.scanTable.tableName", "Table name", "input.tableName", st, required=True),
        text("input.filterExpression", "Filter expression", "input.filterExpression", st),
        text("input.projectionExpression", "Projection expression", "input.projectionExpression", st, placeholder="Artist, SongTitle, Genre"),
        text("input.expressionAttributeNames", "Expression attribute names", "input.expressionAttributeNames", st, feel="required"),
        text("input.expressionAttributeValues", "Expression attribute values", "input.expressionAttributeValues", st, feel="required"),
        text("input.addItem.tableName", "Table name", "input.tableName", when_op(ITEM, "addItem"), required=True),
        text("input.item", "Item", "input.item", when_op(ITEM, "addItem"), required=True, feel="required"),
        text("input.deleteItem.tableName", "Table name", "input.tableName", when_op(ITEM, "deleteItem"), required=True),
        text("input.deleteItem.primaryKeyComponents", "Primary key components", "input.primaryKeyComponents", when_op(ITEM, "deleteItem"), required=True, feel="required"),
        text("input.getItem.tableName", "Table name", "input.tableName", when_op(ITEM, "getItem"), required=True),
        text("input.getItem.primaryKeyComponents", "Primary key components", "input.primaryKeyComponents", when_op(ITEM, "getItem"), required=True, feel="required"),
        # Camunda's id for updateItem's table name says updateTable: kept, as the id is what a
        # template switch matches.
        text("input.updateTable.tableName", "Table name", "input.tableName", when_op(ITEM, "updateItem"), required=True),
        text("input.updateItem.primaryKeyComponents", "Primary key components", "input.primaryKeyComponents", when_op(ITEM, "updateItem"), required=True, feel="required"),
        text("input.keyAttributes", "Key attributes", "input.keyAttributes", when_op(ITEM, "updateItem"), required=True, feel="required"),
        dropdown("input.attributeAction", "Attribute action", "input.attributeAction", [("PUT", "put"), ("DELETE", "delete")], when_op(ITEM, "updateItem"), required=True),
    ]


def fields(group, op, specs):
    """Our fields of `op`: (field, kind, label[, choices]) with kind s (text), t (long text),
    S (required text), j (FEEL map or list), J (required), n (number), b (boolean), d (choice)."""
    condition, out = when_op(group, op), []
    for field, kind, label, *choices in specs:
        pid, binding = f"input.{op}.{field}", f"input.{field}"
        if pid == "input.updateTable.tableName":  # Camunda's id of updateItem's table name
            pid = f"input.{group}.{op}.{field}"
        if kind in "sSt":
            out.append(text(pid, label, binding, condition, required=kind == "S", kind="Text" if kind == "t" else "String"))
        elif kind in "jJ":
            out.append(text(pid, label, binding, condition, required=kind == "J", feel="required"))
        elif kind == "n":
            out.append(number(pid, label, binding, condition))
        elif kind == "b":
            out.append(dropdown(pid, label, binding, BOOLEAN, condition))
        else:
            out.append(dropdown(pid, label, binding, choices[0], condition))
    return out


PAGING = [("limit", "n", "Items per page"), ("exclusiveStartKey", "j", "Exclusive start key (lastEvaluatedKey of a previous result)"),
          ("maxItems", "n", "Maximum items"), ("maxPages", "n", "Maximum pages"), ("maxResultBytes", "n", "Maximum result bytes")]


def write_options(return_values):
    return [("conditionExpression", "t", "Condition expression"), ("expressionAttributeNames", "j", "Expression attribute names"),
            ("expressionAttributeValues", "j", "Expression attribute values"), ("returnValues", "d", "Return values", return_values),
            ("returnValuesOnConditionCheckFailure", "d", "Return values on condition check failure", RETURN_VALUES_PUT_DELETE)]


def our_operation_fields():
    return (
        fields(TABLE, "scanTable", [("indexName", "s", "Index name"), ("consistentRead", "b", "Consistent read"),
                                    ("segment", "n", "Segment (parallel scan)"), ("totalSegments", "n", "Total segments (parallel scan)"),
                                    ("select", "d", "Select", SELECT)] + PAGING + CONSUMED)
        + fields(TABLE, "listTables", [("exclusiveStartTableName", "s", "Start after table"), ("limit", "n", "Tables per page")])
        + fields(TABLE, "updateTable", [("tableName", "S", "Table name"),
                                        ("billingModeStr", "d", "Billing mode", ["PROVISIONED", "PAY_PER_REQUEST"]),
                                        ("readCapacityUnits", "n", "Read capacity units"), ("writeCapacityUnits", "n", "Write capacity units"),
                                        ("deletionProtection", "b", "Deletion protection"),
                                        ("timeToLiveAttribute", "s", "Time-to-live attribute"), ("timeToLiveEnabled", "b", "Time to live enabled")])
        + fields(TABLE, "describeTimeToLive", [("tableName", "S", "Table name")])
        + fields(TABLE, "readStream", [("tableName", "s", "Table name (its latest stream)"), ("streamArn", "s", "Stream ARN"),
                                       ("checkpoint", "j", "Checkpoint (of the previous result)"),
                                       ("startingPosition", "d", "Starting position", ["TRIM_HORIZON", "LATEST"]),
                                       ("maxRecords", "n", "Maximum records"), ("maxResultBytes", "n", "Maximum result bytes")])
        + fields(TABLE, "executeAction", [("action", "S", "Action (DynamoDB or Streams API name)"), ("request", "j", "Request body")])
        + fields(ITEM, "addItem", write_options(RETURN_VALUES_PUT_DELETE) + CONSUMED)
        + fields(ITEM, "deleteItem", write_options(RETURN_VALUES_PUT_DELETE) + CONSUMED)
        + fields(ITEM, "getItem", [("projectionExpression", "s", "Projection expression"),
                                   ("expressionAttributeNames", "j", "Expression attribute names"), ("consistentRead", "b", "Consistent read")]
                   + CONSUMED)
        + fields(ITEM, "updateItem", [("updateExpression", "t", "Update expression (instead of key attributes)")] + write_options(RETURN_VALUES_UPDATE) + CONSUMED)
        + fields(ITEM, "query", [("tableName", "S", "Table name"), ("indexName", "s", "Index name"),
                                 ("keyConditionExpression", "t", "Key condition expression"),
                                 ("filterExpression", "t", "Filter expression"), ("projectionExpression", "s", "Projection expression"),
                                 ("expressionAttributeNames", "j", "Expression attribute names"),
                                 ("expressionAttributeValues", "j", "Expression attribute values"),
                                 ("scanIndexForward", "b", "Ascending (scan index forward)"), ("consistentRead", "b", "Consistent read"),
                                 ("select", "d", "Select", SELECT)] + PAGING + CONSUMED)
        + fields(ITEM, "batchGetItems", [("requestItems", "J", "Request items")] + CONSUMED)
        + fields(ITEM, "batchWriteItems", [("requestItems", "J", "Request items")] + CONSUMED)
        + fields(ITEM, "transactWriteItems", [("transactItems", "J", "Transact items"), ("clientRequestToken", "s", "Client request token")]
                 + CONSUMED)
        + fields(ITEM, "transactGetItems", [("transactItems", "J", "Transact items")] + CONSUMED)
        + fields(ITEM, "executeStatement", [("statement", "S", "Statement (PartiQL)"), ("parameters", "j", "Parameters"),
                                            ("consistentRead", "b", "Consistent read"), ("nextToken", "s", "Next token"),
                                            ("limit", "n", "Limit")] + CONSUMED)
    )


def option_properties():
    def opt(p):
        return {**p, "group": "options"}

    return [
        opt(dropdown("input.valueFormat", "Values in the input", "input.valueFormat", [("Plain JSON", "plain"), ("DynamoDB typed", "typed")])),
        opt(dropdown("input.outputFormat", "Items in the result", "input.outputFormat", [("DynamoDB typed", "typed"), ("Plain JSON", "plain")])),
        opt(number("input.waitTimeoutMs", "Table wait bound in ms (default 60000)", "input.waitTimeoutMs")),
    ]


def connector_properties():
    def header(pid, label, group, key, kind="String", **extra):
        return {"id": pid, "label": label, **extra, "group": group, "binding": {"key": key, "type": "zeebe:taskHeader"}, "type": kind}

    return [
        header("version", "Version", "connector", "elementTemplateVersion", "Hidden", value="1"),
        header("id", "ID", "connector", "elementTemplateId", "Hidden", value="ddb-connector.dynamodb.v1"),
        header("resultVariable", "Result variable", "output", "resultVariable"),
        header("resultExpression", "Result expression", "output", "resultExpression", "Text", feel="required"),
        header("errorExpression", "Error expression", "error", "errorExpression", "Text", feel="required"),
        {"id": "retryCount", "label": "Retries", "value": "3", "feel": "optional", "group": "retries",
         "binding": {"property": "retries", "type": "zeebe:taskDefinition"}, "type": "String"},
        header("retryBackoff", "Retry backoff", "retries", "retryBackoff", value="PT30S"),
    ]


def camunda_credential_template():
    """io.camunda:aws-credential:1 as Camunda's template 12 defines it: a saved credential is
    shared by every AWS connector, so it is Camunda's (two types); ours reads all four."""
    def cp(pid, label, group, kind, **extra):
        return {"id": pid, "label": label, **extra, "group": group, "binding": {"name": pid, "type": "property"}, "type": kind}

    when_keys = simple("authentication.type", equals="credentials")
    return [{
        "id": "io.camunda:aws-credential:1", "kind": "CREDENTIAL", "version": 2, "name": "AWS Credential",
        "properties": [
            cp("authentication.type", "Authentication", "authentication", "Dropdown", value="credentials",
               choices=[{"name": "Default Credentials Chain (Hybrid/Self-Managed only)", "value": "defaultCredentialsChain"},
                        {"name": "Credentials", "value": "credentials"}]),
            cp("authentication.accessKey", "Access key", "authentication", "String", constraints={"notEmpty": True}, condition=when_keys, secret=True),
            cp("authentication.secretKey", "Secret key", "authentication", "String", constraints={"notEmpty": True}, condition=when_keys, secret=True),
            cp("region", "Default region", "configuration", "String", description="Used when a connector does not specify a region override."),
        ],
    }]


def template():
    return {
        "$schema": "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json",
        "name": "Amazon DynamoDB (ddb-connector)",
        "id": "ddb-connector.dynamodb.v1",
        "description": "Every DynamoDB operation of the ddb-connector WebAssembly component: Camunda's eight, "
                       "query, batches, transactions, PartiQL, streams and any DynamoDB action",
        "version": 1,
        "category": {"id": "connectors", "name": "Connectors"},
        "appliesTo": ["bpmn:Task"],
        "elementType": {"value": "bpmn:ServiceTask"},
        "engines": {"camunda": "^8.10"},
        "groups": [{"id": g, "label": l} for g, l in [
            ("operation", "Operation"), ("authentication", "Authentication"), ("configuration", "Configuration"),
            ("input", "Input"), ("options", "Options"), ("connector", "Connector"), ("output", "Output mapping"),
            ("error", "Error handling"), ("retries", "Retries")]],
        "properties": operation_properties() + authentication_properties() + configuration_properties()
                      + camunda_operation_fields() + our_operation_fields() + option_properties() + connector_properties(),
        "configurationTemplates": camunda_credential_template(),
    }


def main():
    text_out = json.dumps(template(), indent=2, ensure_ascii=False) + "\n"
    if sys.argv[1:] == ["--check"]:
        if not OUT.exists() or OUT.read_text() != text_out:
            sys.exit(f"{OUT} is not what {Path(__file__).name} writes: run it and commit the result")
        return
    OUT.write_text(text_out)


if __name__ == "__main__":
    main()
