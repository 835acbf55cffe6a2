"""Creates the IAM user whose key signs every later call to a moto server started with
INITIAL_NO_AUTH_ACTION_COUNT=3 (these three calls are the unauthenticated ones).

Usage: moto_iam.py ENDPOINT  -> prints {"accessKey": ..., "secretKey": ...}
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
iam = boto3.client(
    "iam",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="bootstrap",
    aws_secret_access_key="bootstrap",
)
iam.create_user(UserName="connector-tests")
iam.put_user_policy(
    UserName="connector-tests",
    PolicyName="dynamodb-all",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="connector-tests")["AccessKey"]
print(json.dumps({"accessKey": key["AccessKeyId"], "secretKey": key["SecretAccessKey"]}))
