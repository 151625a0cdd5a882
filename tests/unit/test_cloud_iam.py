"""The deploy's least-privilege IAM policy: rendered from its template, valid for IAM's API model."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.validate import ParamValidator

from hyperion.cloud import iam

POLICY_TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "iam" / "deploy-policy.json"
VALUES = {"Bucket": "hyperion-site", "AccountId": "123456789012", "DistributionId": "E2EXAMPLE"}


def test_policy_names_one_bucket_and_one_distribution_with_no_wildcard_action():
    policy = iam.render_policy(POLICY_TEMPLATE, **VALUES)
    resources = sorted(statement["Resource"] for statement in policy["Statement"])
    assert resources == [
        "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE",
        "arn:aws:s3:::hyperion-site",
        "arn:aws:s3:::hyperion-site/*",
    ]
    actions = [
        action for statement in policy["Statement"] for action in json.dumps(statement["Action"]).split()
    ]
    assert not any("*" in action for action in actions)
    assert iam.statements_allowing(policy, "s3:DeleteObject")[0]["Resource"] == "arn:aws:s3:::hyperion-site/*"
    assert iam.statements_allowing(policy, "s3:DeleteBucket") == []


def test_a_missing_value_is_a_clear_error():
    with pytest.raises(ValueError, match="DistributionId"):
        iam.render_policy(POLICY_TEMPLATE, Bucket="b", AccountId="1")


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("CreatePolicy", {"PolicyName": "hyperion-site-deploy"}),
        ("PutUserPolicy", {"UserName": "hyperion-deployer", "PolicyName": "hyperion-site-deploy"}),
    ],
)
def test_policy_is_valid_for_iams_model(operation, parameters):
    client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    model = client.meta.service_model.operation_model(operation)
    document = json.dumps(iam.render_policy(POLICY_TEMPLATE, **VALUES))
    report = ParamValidator().validate({**parameters, "PolicyDocument": document}, model.input_shape)
    assert not report.has_errors(), report.generate_report()
    # IAM's managed-policy size limit (6,144 characters without whitespace).
    assert len("".join(document.split())) <= 6144
