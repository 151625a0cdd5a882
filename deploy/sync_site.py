"""Upload the built site to its S3 bucket: explicit headers, pre-compressed wasm, idempotent.

Purpose: make the bucket hold exactly the files of the Vite build (``frontend/dist``: index.html,
hashed ``assets/``, ``data/*.parquet`` and ``data/manifest.json``), each with its explicit
Content-Type, its Cache-Control and, for the large ``.wasm``, ``Content-Encoding: gzip``. Hashed
assets go up first, then the other files, then ``index.html``; stale objects are deleted last.

Why Python and not ``aws s3 sync``: ``aws s3 sync`` compares size and modification time, cannot
set per-file headers in one pass, and uploads large files in multipart (so their ETag is not an
MD5). Here each object is compared by MD5 (its ETag from a single-part PutObject) and by its
headers, so a second run with nothing changed uploads nothing, and a header change alone is
re-uploaded. The aws CLI is still used by ``deploy/s3_sync.sh`` for the CloudFront invalidation.

Inputs: the site folder, the bucket (and an optional key prefix). Credentials, profile, region
and endpoint come from the standard AWS environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL…).
Outputs: one line per action on stdout (``upload <key> <type> <cache> [gzip]``, ``delete <key>``),
a summary on stderr. With --dry-run nothing is changed.

Run: .venv/bin/python deploy/sync_site.py --site-dir frontend/dist --bucket <bucket> [--dry-run]
(usually through ``deploy/s3_sync.sh``).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from hyperion.config import get_settings
from hyperion.deploy import (
    RemoteObject,
    SyncPlan,
    UploadItem,
    build_upload_items,
    normalize_prefix,
    plan_sync,
    upload_body,
)

logger = logging.getLogger(__name__)


def list_remote_objects(
    s3_client, bucket: str, prefix: str, items: list[UploadItem]
) -> dict[str, RemoteObject]:
    """List the bucket under ``prefix``; fetch headers (HEAD) only where the bytes already match.

    Objects whose ETag differs from the local MD5 will be uploaded anyway, so they need no HEAD.
    """
    local_md5_by_key = {prefix + item.key: item.body_md5 for item in items}
    remote: dict[str, RemoteObject] = {}
    paginator = s3_client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for summary in page.get("Contents", []):
            key = summary["Key"]
            etag = summary["ETag"].strip('"')
            if local_md5_by_key.get(key) != etag:
                remote[key] = RemoteObject(key, etag, None, None, None)
                continue
            head = s3_client.head_object(Bucket=bucket, Key=key)
            remote[key] = RemoteObject(
                key=key,
                etag=etag,
                content_type=head.get("ContentType"),
                cache_control=head.get("CacheControl"),
                content_encoding=head.get("ContentEncoding"),
            )
    return remote


def describe_upload(item: UploadItem, prefix: str) -> str:
    """One stdout line for an upload."""
    encoding = f"\t{item.content_encoding}" if item.content_encoding else ""
    return f"upload\t{prefix}{item.key}\t{item.content_type}\t{item.cache_control}{encoding}"


def apply_plan(s3_client, bucket: str, prefix: str, plan: SyncPlan, delete: bool, dry_run: bool) -> None:
    """Upload in plan order, then delete stale objects (after index.html no longer needs them)."""
    for item in plan.uploads:
        print(describe_upload(item, prefix), flush=True)
        if not dry_run:
            # A single PutObject (not multipart) keeps the ETag equal to the body's MD5.
            s3_client.put_object(
                Bucket=bucket, Key=prefix + item.key, Body=upload_body(item), **item.headers()
            )
    if not delete:
        return
    for key in plan.deletions:
        print(f"delete\t{key}", flush=True)
    if dry_run:
        return
    for start in range(0, len(plan.deletions), 1000):
        batch = plan.deletions[start : start + 1000]
        response = s3_client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if response.get("Errors"):
            raise RuntimeError(f"could not delete: {response['Errors']}")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=Path("frontend/dist"), help="built site folder")
    parser.add_argument(
        "--bucket",
        default=get_settings().site_bucket or None,
        help="target bucket (default: $HYPERION_SITE_BUCKET)",
    )
    parser.add_argument("--prefix", default="", help="key prefix inside the bucket (default: bucket root)")
    parser.add_argument("--no-delete", action="store_true", help="keep remote objects with no local file")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the actions without changing the bucket"
    )
    arguments = parser.parse_args(argv)
    if not arguments.bucket:
        parser.error("--bucket or HYPERION_SITE_BUCKET is required")
    return arguments


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    arguments = parse_arguments(argv)
    started = time.monotonic()
    site_dir: Path = arguments.site_dir
    if not (site_dir / "index.html").is_file():
        logger.error("%s has no index.html: build the site first (npm run build in frontend/)", site_dir)
        return 2
    prefix = normalize_prefix(arguments.prefix)
    items = build_upload_items(site_dir)
    s3_client = boto3.client("s3")
    try:
        remote = list_remote_objects(s3_client, arguments.bucket, prefix, items)
        plan = plan_sync(items, remote, prefix)
        apply_plan(s3_client, arguments.bucket, prefix, plan, not arguments.no_delete, arguments.dry_run)
    except ClientError as error:
        logger.error("S3 call failed: %s", error)
        return 1
    deleted = 0 if arguments.no_delete else len(plan.deletions)
    logger.info(
        "%s%d uploaded, %d unchanged, %d deleted in s3://%s/%s (%.1f s)",
        "dry run: " if arguments.dry_run else "",
        len(plan.uploads),
        len(plan.unchanged),
        deleted,
        arguments.bucket,
        prefix,
        time.monotonic() - started,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
