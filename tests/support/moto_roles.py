"""The IAM roles of the tenant-identity tests (tests/identity.rs), made in moto with signed calls
by the test user (moto_iam.py), and temporary credentials of those roles through boto3's STS.

Usage:
  moto_roles.py ENDPOINT setup SUFFIX
      -> {"withDynamodb": ARN, "withoutDynamodb": ARN, "webIdentity": ARN, "externalId": ...}
  moto_roles.py ENDPOINT assume ROLE_ARN EXTERNAL_ID
      -> {"accessKey": ..., "secretKey": ..., "sessionToken": ...}
Credentials of the calling user in BOTO_ACCESS_KEY / BOTO_SECRET_KEY.
"""
import json
import sys

from boto_common import session

endpoint, command = sys.argv[1:3]
boto = session()
iam = boto.client("iam", endpoint_url=endpoint)
sts = boto.client("sts", endpoint_url=endpoint)


def trust(principal, condition):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(action):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


def role(name, trust_policy, permissions):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=allow(permissions))
    return arn


if command == "setup":
    suffix = sys.argv[3]
    user_arn = iam.get_user()["User"]["Arn"]
    external_id = f"tenant-a-{suffix}"
    with_external_id = {"StringEquals": {"sts:ExternalId": external_id}}
    print(
        json.dumps(
            {
                "externalId": external_id,
                "withDynamodb": role(f"tenant-a-{suffix}", trust({"AWS": user_arn}, with_external_id), "dynamodb:*"),
                "withoutDynamodb": role(f"tenant-s3-{suffix}", trust({"AWS": user_arn}, with_external_id), "s3:ListBucket"),
                "webIdentity": role(
                    f"tenant-web-{suffix}", trust({"Federated": "accounts.example.com"}, {}), "dynamodb:*"
                ),
            }
        )
    )
elif command == "assume":
    role_arn, external_id = sys.argv[3:5]
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3-test", ExternalId=external_id)
    credentials = answer["Credentials"]
    print(
        json.dumps(
            {
                "accessKey": credentials["AccessKeyId"],
                "secretKey": credentials["SecretAccessKey"],
                "sessionToken": credentials["SessionToken"],
            }
        )
    )
else:
    sys.exit(f"unknown command {command}")
