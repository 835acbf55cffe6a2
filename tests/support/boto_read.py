"""Independent reader for the end-to-end tests: every item of a table, read with boto3's
low-level client, printed as DynamoDB-typed JSON (binary as base64, numbers as strings).

Usage: boto_read.py ENDPOINT TABLE   (credentials in BOTO_ACCESS_KEY / BOTO_SECRET_KEY)
"""
import json
import sys

from boto_common import encode, session

endpoint, table = sys.argv[1:3]
client = session().client("dynamodb", endpoint_url=endpoint)


items = []
for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
    items.extend({k: encode(v) for k, v in item.items()} for item in page["Items"])
print(json.dumps(items))
