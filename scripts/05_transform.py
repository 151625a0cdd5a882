"""Run Spark jobs 01 to 04 as one Spark application on the master: raw -> processed -> exports.

Purpose: the transform step. Zips the hyperion package for ``--py-files`` and submits
spark_jobs/transform_all.py once (rendered from hyperion/pipeline.py), which runs 01 films, 02 characters,
03 box office and 04 exports in order in one session; stops at the first failure with the log's tail.
Inputs:  --raw (default <HYPERION_HDFS_URL>/raw): the consumers' landed JSON Lines, /raw/<topic>/*.jsonl.
Outputs: --processed (default <HYPERION_HDFS_URL>/processed): a new version folder per table;
         --rejects (default <HYPERION_HDFS_URL>/rejects/transform); --exports (default exports/). The log
         goes to .runtime/logs/transform/transform.log; stdout gets one line per job and a total.
Run:
    .venv/bin/python scripts/05_transform.py                 (make transform)
    .venv/bin/python scripts/05_transform.py --jobs 03 04    (only some jobs)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.logs import configure_logging
from hyperion.pipeline import JOBS_BY_KEY, Locations
from hyperion.runtime.spark_submit import SparkJobError, SubmitOptions, build_package_archive, run_transform

logger = logging.getLogger("transform")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings, parser = get_settings(), argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", default=f"{settings.hdfs_url}/raw", help="raw landing root")
    parser.add_argument("--processed", default=f"{settings.hdfs_url}/processed", help="processed root")
    parser.add_argument("--rejects", default=f"{settings.hdfs_url}/rejects/transform", help="rejects root")
    parser.add_argument("--exports", default=str(REPOSITORY_ROOT / "exports"), help="folder or URL")
    parser.add_argument("--master", default=settings.spark_master_url, help="Spark master URL")
    parser.add_argument("--jobs", nargs="+", choices=sorted(JOBS_BY_KEY), default=sorted(JOBS_BY_KEY))
    parser.add_argument(
        "--log-directory", type=Path, default=Path(settings.runtime_directory) / "logs/transform"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    configure_logging()
    archive = build_package_archive(arguments.log_directory / "hyperion.zip")
    options = SubmitOptions(master=arguments.master, py_files=archive)
    locations = Locations(arguments.raw, arguments.processed, arguments.rejects, arguments.exports)
    try:
        report = run_transform(locations, options, arguments.log_directory / "transform.log", arguments.jobs)
    except SparkJobError as error:
        logger.error("%s", error)
        return 1
    print("\n".join(report.lines()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
