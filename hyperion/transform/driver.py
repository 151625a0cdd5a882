"""The one-application transform: jobs 01-04 in order in one SparkSession (``spark_jobs/transform_all.py``).

Four spark-submits used to start four driver JVMs, four executors and four Python worker pools, about
half of ``make transform``'s time (docs/05-transform.md). The driver starts them once. Each job gets the
argument list :mod:`hyperion.pipeline` renders for it, parsed by the job's own parser, so a job run here
is the job run alone; only the session is shared. Cached frames are dropped between jobs.

It logs each job's summary line (with its stages and tasks) and one ``transform_all:`` line: the
session's start-up seconds, the jobs' own seconds and the executors' peak heap.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence

from hyperion.logs import configure_logging
from hyperion.pipeline import JOBS_BY_KEY, Locations, select_jobs
from hyperion.transform import jobs, runs, stages

logger = logging.getLogger("spark_jobs.transform_all")


def driver_parser(description: str = "") -> argparse.ArgumentParser:
    """The driver's parser: the run's locations (as :func:`hyperion.pipeline.driver_arguments` renders)."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0] or "transform driver")
    parser.add_argument("--raw", required=True, help="raw landing root (one folder per topic)")
    parser.add_argument("--processed", required=True, help="processed root")
    parser.add_argument("--rejects", required=True, help="rejects root")
    parser.add_argument("--exports", required=True, help="exports folder (local path or URL)")
    parser.add_argument("--jobs", nargs="+", choices=sorted(JOBS_BY_KEY), default=sorted(JOBS_BY_KEY))
    parser.add_argument("--master", default=None, help="Spark master when not run through spark-submit")
    return parser


def job_argument_lists(locations: Locations, keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``(job name, its argument list)`` for each selected job, in pipeline order."""
    return [(job.name, job.arguments(locations)) for job in select_jobs(keys)]


def run_driver(description: str, argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    arguments = driver_parser(description).parse_args(argv)
    configure_logging()
    locations = Locations(arguments.raw, arguments.processed, arguments.rejects, arguments.exports)
    planned = [
        (name, runs.parse_job_arguments(name, "", job_arguments))
        for name, job_arguments in job_argument_lists(locations, arguments.jobs)
    ]
    spark = jobs.build_session("hyperion-transform", arguments.master)
    startup = time.perf_counter() - started
    try:
        work = 0.0
        for name, job_arguments in planned:
            work += runs.run_in_session(spark, name, job_arguments).seconds
            spark.catalog.clearCache()
        peak = stages.peak_executor_memory(spark)
        logger.info(
            "transform_all: jobs=%d startup=%.1f work=%.1f peak_executor_heap_bytes=%s",
            len(planned),
            startup,
            work,
            peak if peak is not None else "unknown",
        )
    finally:
        spark.stop()
    return 0
