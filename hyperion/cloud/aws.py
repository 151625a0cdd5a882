"""The boto3 adapters of the site deploy: each one carries out a plan from the pure modules.

They take boto3 clients as arguments (so that a test hands them a Stubber-backed or moto client)
and hold no rules of their own: what to upload, delete or configure comes from
``hyperion.cloud.site``, ``hyperion.cloud.distribution`` and ``hyperion.cloud.dns``.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hyperion.cloud.distribution import (
    BLOCK_ALL_PUBLIC_ACCESS,
    ORIGIN_ACCESS_CONTROL_CONFIG,
    RESPONSE_HEADERS_POLICY_NAME,
    SPA_FUNCTION_CONFIG,
    SPA_FUNCTION_NAME,
    bucket_policy,
    build_distribution_config,
    load_security_headers,
    response_headers_policy_config,
    validate_distribution_config,
)
from hyperion.cloud.dns import DnsRecord, namecheap_records
from hyperion.cloud.site import (
    SITE_OWNERSHIP_KEY,
    RemoteObject,
    SyncPlan,
    UploadItem,
    parse_ownership,
    plan_sync,
    refuse_emr_proof_bucket,
    render_ownership,
    upload_body,
)

logger = logging.getLogger(__name__)


def clients(*services: str, region: str | None = None) -> list[Any]:
    """boto3 clients from the standard AWS environment (profile, region, endpoint)."""
    session = boto3.session.Session(region_name=region)
    return [session.client(service) for service in services]


def session_region() -> str:
    """The region of the standard AWS environment, us-east-1 when none is set."""
    return boto3.session.Session().region_name or "us-east-1"


# --- site sync -------------------------------------------------------------------------------


def list_bucket(s3_client, bucket: str) -> dict[str, str]:
    """Every key of the bucket with its ETag (no quotes)."""
    listing = {}
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for summary in page.get("Contents", []):
            listing[summary["Key"]] = summary["ETag"].strip('"')
    return listing


def read_ownership(s3_client, bucket: str, prefix: str, listing: dict[str, str]) -> frozenset[str]:
    """The site-relative keys the ownership record under ``prefix`` lists (none without one)."""
    key = prefix + SITE_OWNERSHIP_KEY
    if key not in listing:
        return frozenset()
    body = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return parse_ownership(body, f"s3://{bucket}/{key}")


def remote_objects(
    s3_client, bucket: str, prefix: str, listing: dict[str, str], items: list[UploadItem]
) -> dict[str, RemoteObject]:
    """The objects under ``prefix``; headers (HEAD) fetched only where the bytes already match.

    Objects whose ETag differs from the local MD5 will be uploaded anyway, so they need no HEAD.
    """
    local_md5_by_key = {prefix + item.key: item.body_md5 for item in items}
    remote = {}
    for key, etag in listing.items():
        if not key.startswith(prefix):
            continue
        if local_md5_by_key.get(key) != etag:
            remote[key] = RemoteObject(key, etag, None, None, None)
            continue
        head = s3_client.head_object(Bucket=bucket, Key=key)
        remote[key] = RemoteObject(
            key, etag, head.get("ContentType"), head.get("CacheControl"), head.get("ContentEncoding")
        )
    return remote


def plan_site_sync(s3_client, bucket: str, prefix: str, items: list[UploadItem]) -> SyncPlan:
    """List the bucket, refuse one with EMR proof data, read the ownership record, and plan."""
    listing = list_bucket(s3_client, bucket)
    refuse_emr_proof_bucket(bucket, list(listing))
    owned = read_ownership(s3_client, bucket, prefix, listing)
    return plan_sync(items, remote_objects(s3_client, bucket, prefix, listing, items), prefix, owned)


def _put_ownership(s3_client, bucket: str, prefix: str, keys: list[str]) -> None:
    s3_client.put_object(
        Bucket=bucket,
        Key=prefix + SITE_OWNERSHIP_KEY,
        Body=render_ownership(keys),
        ContentType="application/json",
        CacheControl="no-cache",
    )


def apply_site_sync(s3_client, bucket: str, prefix: str, plan: SyncPlan) -> None:
    """Record ownership, upload in plan order, delete what the site owned and no longer has."""
    if plan.uploads or plan.deletions:
        # Rule 2 of hyperion.cloud.site: owned before uploaded, so a crash orphans nothing.
        _put_ownership(s3_client, bucket, prefix, plan.ownership_before_upload)
    for item in plan.uploads:
        # A single PutObject (not multipart) keeps the ETag equal to the body's MD5.
        s3_client.put_object(Bucket=bucket, Key=prefix + item.key, Body=upload_body(item), **item.headers())
    # One DeleteObject per key, not DeleteObjects: a deploy deletes a handful of stale files, and
    # the per-key call is authorised by s3:DeleteObject on the object's ARN everywhere (moto's
    # server checks a DeleteObjects request against the bucket's ARN instead).
    for key in plan.deletions:
        s3_client.delete_object(Bucket=bucket, Key=key)
    if plan.uploads or plan.deletions:
        _put_ownership(s3_client, bucket, prefix, plan.ownership_after_delete)


# --- bucket and distribution -------------------------------------------------------------------


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


def ensure_origin_access_control(cloudfront_client) -> str:
    """Return the id of the site's S3 Origin Access Control, creating it if needed."""
    name = ORIGIN_ACCESS_CONTROL_CONFIG["Name"]
    listing = cloudfront_client.list_origin_access_controls().get("OriginAccessControlList", {})
    for summary in listing.get("Items", []) or []:
        if summary["Name"] == name:
            return summary["Id"]
    created = cloudfront_client.create_origin_access_control(
        OriginAccessControlConfig=ORIGIN_ACCESS_CONTROL_CONFIG
    )
    return created["OriginAccessControl"]["Id"]


def ensure_spa_function(cloudfront_client, name: str, code: bytes) -> str:
    """Create or update the SPA rewrite CloudFront Function, publish it, and return its ARN."""
    try:
        described = cloudfront_client.describe_function(Name=name, Stage="DEVELOPMENT")
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchFunctionExists":
            raise
        created = cloudfront_client.create_function(
            Name=name, FunctionConfig=SPA_FUNCTION_CONFIG, FunctionCode=code
        )
        etag = created["ETag"]
    else:
        updated = cloudfront_client.update_function(
            Name=name, IfMatch=described["ETag"], FunctionConfig=SPA_FUNCTION_CONFIG, FunctionCode=code
        )
        etag = updated["ETag"]
    published = cloudfront_client.publish_function(Name=name, IfMatch=etag)
    return published["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]


def ensure_response_headers_policy(cloudfront_client, config: dict[str, Any]) -> str:
    """Create or update the custom response headers policy named in ``config``; return its id."""
    listing = cloudfront_client.list_response_headers_policies(Type="custom").get(
        "ResponseHeadersPolicyList", {}
    )
    for summary in listing.get("Items", []) or []:
        policy = summary["ResponseHeadersPolicy"]
        if policy["ResponseHeadersPolicyConfig"]["Name"] == config["Name"]:
            current = cloudfront_client.get_response_headers_policy_config(Id=policy["Id"])
            cloudfront_client.update_response_headers_policy(
                ResponseHeadersPolicyConfig=config, Id=policy["Id"], IfMatch=current["ETag"]
            )
            return policy["Id"]
    created = cloudfront_client.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    return created["ResponseHeadersPolicy"]["Id"]


def find_distribution_id(cloudfront_client, comment: str) -> str | None:
    """The id of the distribution whose Comment is ``comment`` (how a re-run finds its own)."""
    for page in cloudfront_client.get_paginator("list_distributions").paginate():
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


def put_bucket_policy(s3_client, bucket: str, distribution_arn: str) -> None:
    """Let only this distribution read the bucket."""
    s3_client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy(bucket, distribution_arn)))


def set_up_hosting(
    s3_client,
    cloudfront_client,
    *,
    bucket: str,
    region: str,
    deploy_dir: Path,
    certificate_arn: str | None,
    aliases: list[str],
    spa_function_arn: str | None = None,
    response_headers_policy_id: str | None = None,
) -> dict[str, str]:
    """The whole hosting set-up, in dependency order; returns the ids a deploy needs.

    Reads ``cloudfront_config.json``, ``spa_rewrite.js`` and ``security_headers.json`` from
    ``deploy_dir``. A given function ARN or headers policy id is used as is (moto lacks those
    APIs); otherwise the function and the policy are created or updated.
    """
    template = json.loads((deploy_dir / "cloudfront_config.json").read_text(encoding="utf-8"))
    headers = load_security_headers(deploy_dir / "security_headers.json")
    ensure_private_bucket(s3_client, bucket, region)
    origin_access_control_id = ensure_origin_access_control(cloudfront_client)
    spa_function_arn = spa_function_arn or ensure_spa_function(
        cloudfront_client, SPA_FUNCTION_NAME, (deploy_dir / "spa_rewrite.js").read_bytes()
    )
    policy_config = response_headers_policy_config(
        headers,
        RESPONSE_HEADERS_POLICY_NAME,
        "Hyperion site: CSP, HSTS, nosniff, referrer",
    )
    policy_id = response_headers_policy_id or ensure_response_headers_policy(cloudfront_client, policy_config)
    config = build_distribution_config(
        template,
        bucket=bucket,
        region=region,
        origin_access_control_id=origin_access_control_id,
        certificate_arn=certificate_arn,
        aliases=aliases,
        spa_function_arn=spa_function_arn,
        response_headers_policy_id=policy_id,
        caller_reference=str(uuid.uuid4()),
    )
    problems = validate_distribution_config(config)
    if problems:
        raise ValueError(f"refusing to deploy this distribution config: {'; '.join(problems)}")
    distribution = create_or_update_distribution(cloudfront_client, config)
    put_bucket_policy(s3_client, bucket, distribution["ARN"])
    logger.info("distribution %s is %s", distribution["Id"], distribution.get("Status", "unknown"))
    return {
        "distribution_id": distribution["Id"],
        "distribution_arn": distribution["ARN"],
        "distribution_domain": distribution["DomainName"],
        "origin_access_control_id": origin_access_control_id,
        "spa_function_arn": spa_function_arn,
        "response_headers_policy_id": policy_id,
    }


# --- DNS -------------------------------------------------------------------------------------


def fetch_dns_records(
    cloudfront_client, acm_client, distribution_id: str, certificate_arn: str, apex_domain: str
) -> list[DnsRecord]:
    """Ask CloudFront and ACM (us-east-1) for the values, and turn them into Namecheap records."""
    distribution = cloudfront_client.get_distribution(Id=distribution_id)["Distribution"]
    certificate = acm_client.describe_certificate(CertificateArn=certificate_arn)["Certificate"]
    validation_records = [
        option["ResourceRecord"]
        for option in certificate.get("DomainValidationOptions", [])
        if option.get("ResourceRecord")
    ]
    if not validation_records:
        logger.warning("the certificate lists no DNS validation records yet (requested with DNS validation?)")
    return namecheap_records(apex_domain, distribution["DomainName"], validation_records)
