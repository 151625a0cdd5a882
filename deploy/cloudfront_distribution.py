"""Create or update the site's private bucket and its CloudFront distribution.

Purpose: one idempotent command that sets up hosting as the plan describes:
  * a private S3 bucket with Block Public Access on (created if missing);
  * an Origin Access Control (sigv4, always sign) so only CloudFront reads the bucket;
  * the CloudFront Function ``deploy/spa_rewrite.js`` (cloudfront-js-2.0), created or updated and
    published, associated with viewer requests (SPA routes to /index.html, no custom errors);
  * the distribution from ``deploy/cloudfront_config.json``: HTTPS only for viewers
    (redirect-to-https), the ACM certificate (us-east-1) and aliases, index.html as the default
    root object, compression on; found again on later runs by its Comment and updated in place;
  * a bucket policy granting s3:GetObject to that distribution only (AWS:SourceArn condition).

Inputs: --bucket, optional --certificate-arn and --alias (repeatable). Credentials, profile, region
and endpoint come from the standard AWS environment. Outputs on stdout, one ``name=value`` per line:
distribution_id, distribution_arn, distribution_domain, origin_access_control_id, spa_function_arn.

Run: .venv/bin/python deploy/cloudfront_distribution.py --bucket <bucket> \\
        --certificate-arn arn:aws:acm:us-east-1:<account>:certificate/<id> \\
        --alias example.com --alias www.example.com
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hyperion.config import get_settings
from hyperion.deploy import (
    BLOCK_ALL_PUBLIC_ACCESS,
    SPA_FUNCTION_RUNTIME,
    bucket_policy,
    build_distribution_config,
    validate_distribution_config,
)

logger = logging.getLogger(__name__)

DEPLOY_DIR = Path(__file__).resolve().parent
CONFIG_TEMPLATE_PATH = DEPLOY_DIR / "cloudfront_config.json"
SPA_FUNCTION_PATH = DEPLOY_DIR / "spa_rewrite.js"
ORIGIN_ACCESS_CONTROL_NAME = "hyperion-site-oac"
SPA_FUNCTION_NAME = "hyperion-spa-rewrite"


def ensure_private_bucket(s3_client, bucket: str, region: str) -> None:
    """Create the bucket if it is missing, and turn Block Public Access fully on."""
    try:
        s3_client.head_bucket(Bucket=bucket)
        logger.info("bucket %s exists", bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in {"404", "NoSuchBucket", "NotFound"}:
            raise
        arguments: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3_client.create_bucket(**arguments)
        logger.info("created bucket %s in %s", bucket, region)
    s3_client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=BLOCK_ALL_PUBLIC_ACCESS)


def ensure_origin_access_control(cloudfront_client, name: str) -> str:
    """Return the id of the S3 Origin Access Control called ``name``, creating it if needed."""
    listing = cloudfront_client.list_origin_access_controls().get("OriginAccessControlList", {})
    for summary in listing.get("Items", []) or []:
        if summary["Name"] == name:
            return summary["Id"]
    created = cloudfront_client.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": name,
            "Description": "Hyperion site: CloudFront signs every request to the private bucket",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )
    return created["OriginAccessControl"]["Id"]


def ensure_spa_function(cloudfront_client, name: str, code: bytes) -> str:
    """Create or update the SPA rewrite CloudFront Function, publish it, and return its ARN."""
    function_config = {"Comment": "Hyperion SPA fallback to /index.html", "Runtime": SPA_FUNCTION_RUNTIME}
    try:
        described = cloudfront_client.describe_function(Name=name, Stage="DEVELOPMENT")
        updated = cloudfront_client.update_function(
            Name=name, IfMatch=described["ETag"], FunctionConfig=function_config, FunctionCode=code
        )
        etag = updated["ETag"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchFunctionExists":
            raise
        created = cloudfront_client.create_function(
            Name=name, FunctionConfig=function_config, FunctionCode=code
        )
        etag = created["ETag"]
    published = cloudfront_client.publish_function(Name=name, IfMatch=etag)
    return published["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]


def find_distribution_id(cloudfront_client, comment: str) -> str | None:
    """The id of the distribution whose Comment is ``comment`` (how a re-run finds its own)."""
    paginator = cloudfront_client.get_paginator("list_distributions")
    for page in paginator.paginate():
        for summary in page.get("DistributionList", {}).get("Items", []) or []:
            if summary.get("Comment") == comment:
                return summary["Id"]
    return None


def create_or_update_distribution(cloudfront_client, config: dict[str, Any]) -> dict[str, Any]:
    """Create the distribution, or update the existing one with the same Comment."""
    existing_id = find_distribution_id(cloudfront_client, config["Comment"])
    if existing_id is None:
        logger.info("creating distribution %s", config["Comment"])
        return cloudfront_client.create_distribution(DistributionConfig=config)["Distribution"]
    current = cloudfront_client.get_distribution_config(Id=existing_id)
    # CloudFront refuses an update that changes the CallerReference.
    config = {**config, "CallerReference": current["DistributionConfig"]["CallerReference"]}
    logger.info("updating distribution %s", existing_id)
    return cloudfront_client.update_distribution(
        DistributionConfig=config, Id=existing_id, IfMatch=current["ETag"]
    )["Distribution"]


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", default=get_settings().site_bucket or None, help="site bucket")
    parser.add_argument(
        "--certificate-arn",
        default=get_settings().acm_certificate_arn or None,
        help="ACM certificate in us-east-1 covering the aliases (default: $HYPERION_ACM_CERTIFICATE_ARN)",
    )
    parser.add_argument("--alias", action="append", default=[], help="domain name served (repeatable)")
    parser.add_argument(
        "--spa-function-arn",
        help="use this published CloudFront Function instead of creating/updating deploy/spa_rewrite.js",
    )
    parser.add_argument("--config", type=Path, default=CONFIG_TEMPLATE_PATH, help="distribution template")
    arguments = parser.parse_args(argv)
    if not arguments.bucket:
        parser.error("--bucket or HYPERION_SITE_BUCKET is required")
    return arguments


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    arguments = parse_arguments(argv)
    session = boto3.session.Session()
    region = session.region_name or "us-east-1"
    s3_client = session.client("s3")
    cloudfront_client = session.client("cloudfront")
    template = json.loads(arguments.config.read_text(encoding="utf-8"))
    try:
        ensure_private_bucket(s3_client, arguments.bucket, region)
        origin_access_control_id = ensure_origin_access_control(cloudfront_client, ORIGIN_ACCESS_CONTROL_NAME)
        spa_function_arn = arguments.spa_function_arn or ensure_spa_function(
            cloudfront_client, SPA_FUNCTION_NAME, SPA_FUNCTION_PATH.read_bytes()
        )
        config = build_distribution_config(
            template,
            bucket=arguments.bucket,
            region=region,
            origin_access_control_id=origin_access_control_id,
            certificate_arn=arguments.certificate_arn,
            aliases=arguments.alias,
            spa_function_arn=spa_function_arn,
            caller_reference=str(uuid.uuid4()),
        )
        problems = validate_distribution_config(config)
        if problems:
            logger.error("refusing to deploy this distribution config: %s", "; ".join(problems))
            return 2
        distribution = create_or_update_distribution(cloudfront_client, config)
        s3_client.put_bucket_policy(
            Bucket=arguments.bucket, Policy=json.dumps(bucket_policy(arguments.bucket, distribution["ARN"]))
        )
    except (ClientError, ValueError) as error:
        logger.error("%s", error)
        return 1
    print(f"distribution_id={distribution['Id']}")
    print(f"distribution_arn={distribution['ARN']}")
    print(f"distribution_domain={distribution['DomainName']}")
    print(f"origin_access_control_id={origin_access_control_id}")
    print(f"spa_function_arn={spa_function_arn}")
    logger.info("distribution %s is %s", distribution["Id"], distribution.get("Status", "unknown"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
