"""What the boto3 support scripts share: a session with the test user's keys, and DynamoDB's
typed values as JSON.

Credentials come from BOTO_ACCESS_KEY / BOTO_SECRET_KEY (tests/common/mod.rs sets them).
"""
import base64
import os

import boto3


def session():
    """A boto3 session in us-east-1 with the test user's keys."""
    return boto3.session.Session(
        region_name="us-east-1",
        aws_access_key_id=os.environ["BOTO_ACCESS_KEY"],
        aws_secret_access_key=os.environ["BOTO_SECRET_KEY"],
    )


def encode(value):
    """A typed value boto3's low-level client returned, as JSON (binary as base64)."""
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
