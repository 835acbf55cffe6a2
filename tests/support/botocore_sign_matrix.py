"""Independent SigV4 signer for tests/sigv4_matrix.rs: botocore's SigV4Auth, many requests at once.

Reads a JSON list of requests on stdin, each {url, target, body_hex, region, epoch, access_key,
secret_key, token (or null)}; prints the JSON list of the Authorization headers botocore computes
for the DynamoDB JSON-protocol request (POST, Content-Type and X-Amz-Target set).
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

moment = None


def pinned(*args, **kwargs):
    return moment


# Pin botocore's clock to the moment the Rust side signed at (botocore >= 1.31 reads it here).
assert hasattr(botocore.auth, "get_current_datetime"), "botocore too old for this script"
botocore.auth.get_current_datetime = pinned

headers = []
for case in json.load(sys.stdin):
    moment = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    request = AWSRequest(
        method="POST",
        url=case["url"],
        data=bytes.fromhex(case["body_hex"]),
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": case["target"]},
    )
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"])
    botocore.auth.SigV4Auth(credentials, "dynamodb", case["region"]).add_auth(request)
    headers.append(request.headers["Authorization"])
json.dump(headers, sys.stdout)
