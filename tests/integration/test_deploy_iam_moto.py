"""The deploy runs with nothing but its least-privilege policy (deploy/iam/deploy-policy.json).

moto's server enforces IAM when asked (POST /moto-api/reset-auth with the number of requests to
let through unchecked, here 0): each S3 request is then checked against the caller's policies, with
the bucket and object ARNs as resources. The sync runs as a user that holds only the rendered
policy, so any S3 action it needs outside the policy fails the test. moto checks CloudFront calls
against the resource "*" only, so the invalidation's action and distribution ARN are checked with
moto's own policy evaluator instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from moto.iam.access_control import IAMPolicy, PermissionResult

from hyperion.cloud import iam

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
POLICY_TEMPLATE = REPOSITORY_ROOT / "deploy" / "iam" / "deploy-policy.json"
ACCOUNT_ID = "123456789012"  # moto's default account
BUCKET = "hyperion-site-iam"


def set_auth(endpoint: str, unchecked_requests: str) -> None:
    # text/plain: a form content type would make werkzeug consume the body before moto reads it.
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=unchecked_requests.encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    urllib.request.urlopen(request).close()


@pytest.fixture
def deployer_environment(aws_environment, moto_endpoint):
    """The environment of a user holding only the deploy policy, with IAM enforced by moto."""
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    boto3.client("s3").create_bucket(Bucket="someone-elses-bucket")
    policy = iam.render_policy(
        POLICY_TEMPLATE, Bucket=BUCKET, AccountId=ACCOUNT_ID, DistributionId="E2EXAMPLE"
    )
    iam_client = boto3.client("iam")
    iam_client.create_user(UserName="hyperion-deployer")
    iam_client.put_user_policy(
        UserName="hyperion-deployer", PolicyName="hyperion-site-deploy", PolicyDocument=json.dumps(policy)
    )
    key = iam_client.create_access_key(UserName="hyperion-deployer")["AccessKey"]
    environment = {**aws_environment, "AWS_ACCESS_KEY_ID": key["AccessKeyId"]}
    environment["AWS_SECRET_ACCESS_KEY"] = key["SecretAccessKey"]
    set_auth(moto_endpoint, "0")
    try:
        yield environment
    finally:
        set_auth(moto_endpoint, "inf")


def run_sync(environment: dict[str, str], site: Path, bucket: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(REPOSITORY_ROOT / "deploy" / "sync_site.py"),
            "--site-dir",
            str(site),
            "--bucket",
            bucket,
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def small_site(tmp_path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>t</title>")
    (root / "assets" / "index-AbC.js").write_text("console.log(1);\n")
    (root / "assets" / "duckdb-eh-XyZ.wasm").write_bytes(b"\0asm" + bytes(5000))
    return root


def test_sync_needs_no_action_outside_the_policy(deployer_environment, small_site):
    first = run_sync(deployer_environment, small_site, BUCKET)
    assert first.returncode == 0, first.stderr
    (small_site / "assets" / "index-AbC.js").unlink()

    second = run_sync(deployer_environment, small_site, BUCKET)

    assert second.returncode == 0, second.stderr
    assert "delete\tassets/index-AbC.js" in second.stdout.splitlines()


def test_the_policy_grants_nothing_on_another_bucket(deployer_environment, small_site):
    refused = run_sync(deployer_environment, small_site, "someone-elses-bucket")
    assert refused.returncode == 1
    assert "AccessDenied" in refused.stderr


def test_the_invalidation_is_allowed_on_the_site_distribution_only():
    policy = IAMPolicy(
        json.dumps(
            iam.render_policy(POLICY_TEMPLATE, Bucket=BUCKET, AccountId=ACCOUNT_ID, DistributionId="E1")
        )
    )
    own = f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/E1"
    other = f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/E2"
    assert policy.is_action_permitted("cloudfront:CreateInvalidation", own) == PermissionResult.PERMITTED
    assert policy.is_action_permitted("cloudfront:CreateInvalidation", other) == PermissionResult.NEUTRAL
    assert policy.is_action_permitted("cloudfront:UpdateDistribution", own) == PermissionResult.NEUTRAL
