"""Independent reader for the end-to-end tests: every item of a table, read with boto3's
low-level client, printed as DynamoDB-typed JSON (binary as base64, numbers as strings).

Usage: boto_read.py ENDPOINT TABLE   (credentials in BOTO_ACCESS_KEY / BOTO_SECRET_KEY)
"""
import base64
import json
import os
import sys

import boto3

endpoint, table = sys.argv[1:3]
client = boto3.client(
    "dynamodb",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=os.environ["BOTO_ACCESS_KEY"],
    aws_secret_access_key=os.environ["BOTO_SECRET_KEY"],
)


def encode(value):
    (tag, inner), = value.items()
    if tag == "B":
        return {"B": base64.b64encode(inner).decode()}
    if tag == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if tag == "M":
        return {"M": {k: encode(v) for k, v in inner.items()}}
    if tag == "L":
        return {"L": [encode(v) for v in inner]}
    return {tag: inner}


items = []
for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
    items.extend({k: encode(v) for k, v in item.items()} for item in page["Items"])
print(json.dumps(items))
