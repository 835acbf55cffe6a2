"""Independent reader for the end-to-end tests: a table's DescribeTimeToLive, by boto3; with an
attribute name, TTL is first enabled on it.

Usage: boto_ttl.py ENDPOINT TABLE [ATTRIBUTE]   (credentials in BOTO_ACCESS_KEY / BOTO_SECRET_KEY)
"""
import json
import sys

from boto_common import session

endpoint, table = sys.argv[1:3]
client = session().client("dynamodb", endpoint_url=endpoint)
if len(sys.argv) > 3:
    client.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": sys.argv[3]},
    )
print(json.dumps(client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]))
