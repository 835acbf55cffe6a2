"""Independent writer for the readStream test: makes INSERTS inserts, UPDATES updates and
DELETES deletes with boto3's low-level client, one at a time, and prints every change it made as
DynamoDB Streams should report it, in order: {"eventName", "keys", "newImage", "oldImage"}, items
as DynamoDB-typed JSON (binary as base64). The images are what boto3 sent and what DynamoDB
answered (ReturnValues), not what the connector reads.

Usage: boto_stream_writes.py ENDPOINT TABLE INSERTS UPDATES DELETES
(credentials in BOTO_ACCESS_KEY / BOTO_SECRET_KEY; the table's key is `id`, a number)
"""
import json
import sys

from boto_common import encode, session

endpoint, table = sys.argv[1:3]
inserts, updates, deletes = (int(n) for n in sys.argv[3:6])
client = session().client("dynamodb", endpoint_url=endpoint)


def encoded(item):
    return {k: encode(v) for k, v in item.items()} if item is not None else None


def item(i):
    # Every type, and a 38-digit number.
    return {
        "id": {"N": str(i)},
        "name": {"S": f"item-{i} ünïcødé"},
        "price": {"N": "1234567890123456789012345678901234567." + str(i % 10)},
        "blob": {"B": bytes([i % 256, 0, 255])},
        "tags": {"SS": ["a", f"t{i}"]},
        "nested": {"M": {"list": {"L": [{"N": str(i)}, {"BOOL": i % 2 == 0}, {"NULL": True}]}}},
    }


changes = []
live = {}
for i in range(inserts):
    new = item(i)
    client.put_item(TableName=table, Item=new)
    live[i] = new
    changes.append({"eventName": "INSERT", "keys": {"id": {"N": str(i)}}, "newImage": encoded(new), "oldImage": None})
for i in range(updates):
    answer = client.update_item(
        TableName=table,
        Key={"id": {"N": str(i)}},
        UpdateExpression="SET #n = :n, version = :v REMOVE #b",
        ExpressionAttributeNames={"#n": "name", "#b": "blob"},
        ExpressionAttributeValues={":n": {"S": f"updated-{i}"}, ":v": {"N": "2"}},
        ReturnValues="ALL_NEW",
    )
    changes.append({"eventName": "MODIFY", "keys": {"id": {"N": str(i)}}, "newImage": encoded(answer["Attributes"]), "oldImage": encoded(live[i])})
    live[i] = answer["Attributes"]
for i in range(inserts - deletes, inserts):
    answer = client.delete_item(TableName=table, Key={"id": {"N": str(i)}}, ReturnValues="ALL_OLD")
    changes.append({"eventName": "REMOVE", "keys": {"id": {"N": str(i)}}, "newImage": None, "oldImage": encoded(answer["Attributes"])})
print(json.dumps(changes))
