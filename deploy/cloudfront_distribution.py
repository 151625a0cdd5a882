"""Create or update the site's private bucket and its CloudFront distribution (idempotent).

Purpose: private bucket, Origin Access Control, the SPA function (spa_rewrite.js, published), the
security headers policy (security_headers.json), the distribution (cloudfront_config.json, found
again by its Comment) and a bucket policy for it alone; steps in hyperion/cloud/aws.py.
Inputs: --bucket, --certificate-arn (us-east-1), --alias (repeatable); standard AWS environment.
Outputs: name=value lines on stdout (distribution_id, distribution_arn, distribution_domain, ...).
Run: .venv/bin/python deploy/cloudfront_distribution.py --bucket B --certificate-arn ARN --alias example.com
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from botocore.exceptions import ClientError

from hyperion.cloud import aws
from hyperion.config import get_settings
from hyperion.logs import configure_logging

DEPLOY_DIR = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", default=get_settings().site_bucket or None, help="$HYPERION_SITE_BUCKET")
    parser.add_argument("--certificate-arn", default=get_settings().acm_certificate_arn or None)
    parser.add_argument("--alias", action="append", default=[], help="domain name served (repeatable)")
    parser.add_argument("--spa-function-arn", help="use this published function instead of spa_rewrite.js")
    parser.add_argument("--response-headers-policy-id", help="use this policy instead of creating one")
    arguments = parser.parse_args(argv)
    configure_logging()
    if not arguments.bucket:
        parser.error("--bucket or HYPERION_SITE_BUCKET is required")
    s3_client, cloudfront_client = aws.clients("s3", "cloudfront")
    try:
        outputs = aws.set_up_hosting(
            s3_client,
            cloudfront_client,
            bucket=arguments.bucket,
            region=aws.session_region(),
            deploy_dir=DEPLOY_DIR,
            certificate_arn=arguments.certificate_arn,
            aliases=arguments.alias,
            spa_function_arn=arguments.spa_function_arn,
            response_headers_policy_id=arguments.response_headers_policy_id,
        )
    except (ClientError, ValueError) as error:
        logger.error("%s", error)
        return 1
    print("\n".join(f"{name}={value}" for name, value in outputs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
