"""Rehearse the EMR proof run on this machine: run_proof's real plan against moto's S3, on Spark 3.5.

Purpose: show that a real EMR run needs only credentials. Runs the plan of deploy/emr/run_proof.py with
moto's server (127.0.0.1, dummy credentials) as S3: the uploads, then every Spark step's exact arguments
on pyspark 3.5.5 (EMR 7.9's Spark) with s3:// mapped to S3A; the local Trino then registers the tables
from S3 with the uploaded DDL and runs the uploaded queries. The same raw data goes through the HDFS run
(Spark 4 on the stack), and tables, query results and exports are compared.
Logic: hyperion/cloud/emr_rehearsal.py.

Inputs: the running local stack (make up); --raw-dir, or (default) the data `make ingest` landed in HDFS
/raw (make rehearse-emr runs the ingest first when /raw is empty). The Spark 3.5 virtualenv and
hadoop-aws are fetched into ~/.cache/hyperion on first use.
Outputs: the step list, the S3 objects written and the comparison on stdout; exit 1 if anything differs.

Run: .venv/bin/python deploy/emr/rehearse.py [--raw-dir DIR]      (make rehearse-emr)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hyperion.cloud.emr_rehearsal import landed_raw_exists, landed_raw_from_hdfs, rehearse
from hyperion.config import get_settings
from hyperion.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--raw-dir", type=Path, help="raw-films/, raw-characters/, raw-boxoffice/ (default: HDFS /raw)"
    )
    settings = get_settings()
    parser.add_argument("--work-dir", type=Path, default=Path(settings.runtime_directory) / "emr-rehearsal")
    parser.add_argument("--check-landed", action="store_true", help="exit 0 if HDFS /raw holds data, else 1")
    arguments = parser.parse_args(argv)
    configure_logging()
    if arguments.check_landed:
        return 0 if landed_raw_exists(settings) else 1
    raw_dir = arguments.raw_dir or landed_raw_from_hdfs(settings, arguments.work_dir / "raw")
    report = rehearse(settings, raw_dir, arguments.work_dir)
    print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
