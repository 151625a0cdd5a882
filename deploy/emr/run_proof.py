"""Run the Hyperion Spark jobs and sample queries once on a real EMR cluster, then tear it down.

Purpose: prove that the jobs run unchanged on EMR. Uploads the jobs, the hyperion package, the queries
(the DDL adapted to the run's S3 folder), the bootstrap action and the raw data to
s3://<bucket>/<prefix>/; creates a cluster (1 primary + 2 core m5.xlarge; Spark, Hive, Trino); adds the
four Spark jobs (rendered from hyperion/pipeline.py) and the query step; ALWAYS terminates the cluster;
copies the step logs into --log-dir/<cluster id>/. Logic: hyperion/cloud/emr.py (plan), emr_run.py (AWS).

Inputs: --bucket (existing), --raw-dir (raw-films/, raw-characters/, raw-boxoffice/ as landed in HDFS
/raw/). Credentials, region and endpoint come from the standard AWS environment; the roles
EMR_DefaultRole and EMR_EC2_DefaultRole must exist. deploy/emr/iam_policy_proof.json is the least
privilege the caller needs. See docs/emr_proof/README.md; `make rehearse-emr` runs this plan locally.
Outputs: the run summary (JSON) on stdout, progress on stderr, logs under --log-dir. With --dry-run:
the plan and the cost estimate on stdout, and no AWS call at all.

Run: .venv/bin/python deploy/emr/run_proof.py --bucket <bucket> --raw-dir <raw folder> [--dry-run]
"""

from __future__ import annotations

import json
import logging
import sys

from botocore.exceptions import ClientError

from hyperion.cloud.emr import RunLocation
from hyperion.cloud.emr_run import argument_parser, default_prefix, dry_run_plan, run
from hyperion.logs import configure_logging

logger = logging.getLogger("run_proof")


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    arguments = argument_parser(__doc__).parse_args(argv)
    location = RunLocation(arguments.bucket, arguments.prefix or default_prefix())
    try:
        if arguments.dry_run:
            print(json.dumps(dry_run_plan(arguments, location), indent=2))
            return 0
        summary = run(arguments, location)
    except (FileNotFoundError, ValueError, ClientError) as error:
        logger.error("%s", error)
        return 1
    print(json.dumps(summary, indent=2))
    return 0 if summary["outcome"] == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
