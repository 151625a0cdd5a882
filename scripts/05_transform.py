"""Run Spark jobs 01 to 04 on the standalone master: raw landing -> processed tables -> site exports.

Purpose: the transform step of the pipeline. Zips the hyperion package for ``--py-files`` and runs each
job through ``spark-submit`` in order (01 films, 02 characters, 03 box office, 04 exports), stopping at the
first failure with the tail of its log.

Inputs:  --raw (default <HYPERION_HDFS_URL>/raw): the consumers' landed JSON Lines, /raw/<topic>/*.jsonl.
Outputs: --processed (default <HYPERION_HDFS_URL>/processed): one Parquet folder per table, overwritten;
         --rejects (default <HYPERION_HDFS_URL>/rejects/transform); --exports (default exports/): the site's
         Parquet files and manifest.json. Job logs go to .runtime/logs/transform/<job>.log; each job's
         one-line summary is repeated on stderr.

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
from hyperion.pipeline import JOBS_BY_KEY, Locations, select_jobs
from hyperion.runtime.spark_submit import (
    SparkJobError,
    SubmitOptions,
    build_package_archive,
    run_pipeline_job,
)

logger = logging.getLogger("transform")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", default=f"{settings.hdfs_url}/raw", help="raw landing root")
    parser.add_argument("--processed", default=f"{settings.hdfs_url}/processed", help="processed root")
    parser.add_argument("--rejects", default=f"{settings.hdfs_url}/rejects/transform", help="rejects root")
    parser.add_argument(
        "--exports", default=str(REPOSITORY_ROOT / "exports"), help="exports folder (local path or URL)"
    )
    parser.add_argument("--master", default=settings.spark_master_url, help="Spark master URL")
    parser.add_argument("--jobs", nargs="+", choices=sorted(JOBS_BY_KEY), default=sorted(JOBS_BY_KEY))
    parser.add_argument("--executor-memory", default="1g")
    parser.add_argument("--cores-max", type=int, default=2, help="cores the application may hold")
    parser.add_argument(
        "--log-directory",
        type=Path,
        default=Path(settings.runtime_directory) / "logs" / "transform",
        help="where each job's spark-submit output goes",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    archive = build_package_archive(arguments.log_directory / "hyperion.zip")
    options = SubmitOptions(
        master=arguments.master,
        py_files=archive,
        executor_memory=arguments.executor_memory,
        cores_max=arguments.cores_max,
    )
    locations = Locations(arguments.raw, arguments.processed, arguments.rejects, arguments.exports)
    total = 0.0
    for job in select_jobs(arguments.jobs):
        try:
            seconds = run_pipeline_job(job, locations, options, arguments.log_directory / f"{job.key}.log")
        except SparkJobError as error:
            logger.error("%s", error)
            return 1
        total += seconds
        logger.info("job %s finished in %.1f s", job.key, seconds)
    logger.info("transform: %d jobs in %.1f s; exports in %s", len(arguments.jobs), total, arguments.exports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
