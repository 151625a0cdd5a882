"""Upload the built site to its S3 bucket: explicit headers, pre-compressed wasm, idempotent.

Purpose: make the site's part of the bucket hold exactly the Vite build (assets first, index.html
last, then stale site objects deleted). Only objects the site put there are deleted, and a bucket
holding the EMR proof run's data is refused: the rules are in hyperion/cloud/site.py.
Inputs: --site-dir, --bucket (default $HYPERION_SITE_BUCKET), --prefix; AWS credentials, region
and endpoint from the standard AWS environment.
Outputs: upload/delete/keep lines on stdout, a summary on stderr; exit 0, 1 AWS error, 2 refused.
Run: .venv/bin/python deploy/sync_site.py --site-dir frontend/dist --bucket <bucket> [--dry-run]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from botocore.exceptions import ClientError

from hyperion.cloud import aws, site
from hyperion.config import get_settings
from hyperion.logs import configure_logging

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=Path("frontend/dist"), help="built site folder")
    parser.add_argument("--bucket", default=get_settings().site_bucket or None, help="$HYPERION_SITE_BUCKET")
    parser.add_argument("--prefix", default="", help="key prefix inside the bucket (default: bucket root)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    arguments = parser.parse_args(argv)
    configure_logging()
    if not arguments.bucket:
        parser.error("--bucket or HYPERION_SITE_BUCKET is required")
    if not (arguments.site_dir / "index.html").is_file():
        logger.error("%s has no index.html: build the site first (make web)", arguments.site_dir)
        return 2
    prefix, items = site.normalize_prefix(arguments.prefix), site.build_upload_items(arguments.site_dir)
    (s3_client,) = aws.clients("s3")
    try:
        plan = aws.plan_site_sync(s3_client, arguments.bucket, prefix, items)
        print("\n".join(site.plan_lines(plan, prefix)), flush=True)
        if not arguments.dry_run:
            aws.apply_site_sync(s3_client, arguments.bucket, prefix, plan)
    except (site.BucketHoldsEmrProofError, site.OwnershipRecordError) as error:
        logger.error("refused: %s", error)
        return 2
    except ClientError as error:
        logger.error("S3 call failed: %s", error)
        return 1
    mode = "dry run: " if arguments.dry_run else ""
    logger.info("%s%s in s3://%s/%s", mode, plan.summary(), arguments.bucket, prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
