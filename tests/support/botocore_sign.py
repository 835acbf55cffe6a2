"""Independent SigV4 signer for the unit tests: botocore's SigV4Auth.

Usage: botocore_sign.py OPERATION BODY REGION EPOCH_SECONDS URL
Credentials come from SIGN_ACCESS_KEY, SIGN_SECRET_KEY, SIGN_SESSION_TOKEN (may be empty).
Prints the Authorization header botocore computes for the DynamoDB JSON-protocol request.
"""
import datetime
import os
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

operation, body, region, epoch, url = sys.argv[1:6]
moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).replace(tzinfo=None)
# Pin botocore's clock to the moment the Rust side signed at.
if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = lambda *args, **kwargs: moment
else:  # older botocore
    class _Fixed(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return moment
    botocore.auth.datetime.datetime = _Fixed

request = AWSRequest(
    method="POST",
    url=url,
    data=body.encode("utf-8"),
    headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + operation,
    },
)
credentials = Credentials(
    os.environ["SIGN_ACCESS_KEY"],
    os.environ["SIGN_SECRET_KEY"],
    os.environ.get("SIGN_SESSION_TOKEN") or None,
)
botocore.auth.SigV4Auth(credentials, "dynamodb", region).add_auth(request)
print(request.headers["Authorization"])
