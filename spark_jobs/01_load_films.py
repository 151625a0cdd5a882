"""Spark job 01: raw film envelopes to the ``studios``, ``franchises`` and ``films`` tables.

Inputs:  ``<input>/<topic>/*.jsonl`` (default topic ``raw-films``): landed envelopes of catalog films.
Outputs: ``<output>/{studios,franchises,films}/<version>/`` as Parquet (a new version per run, complete
         once its ``_SUCCESS`` is written; published by scripts/06_queries.py), rejects as JSON Lines under
         ``<rejects>/films/`` (default ``<output>/../rejects/transform``). Logs one summary line.

Run (the standalone master, with the hyperion package zipped by scripts/05_transform.py):
    .venv/bin/spark-submit --master spark://localhost:7077 --py-files build/hyperion.zip \
        spark_jobs/01_load_films.py --input hdfs://localhost:8020/raw --output hdfs://localhost:8020/processed
"""

from __future__ import annotations

import logging
import sys

from hyperion.transform import jobs
from hyperion.transform.films import build_films, build_franchises, build_studios, split_raw_films
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import RAW_FILMS

logger = logging.getLogger("spark_jobs.01_load_films")


def main(argv: list[str] | None = None) -> int:
    arguments = jobs.load_job_arguments("01_load_films", __doc__, argv)
    jobs.configure_logging()
    summary = jobs.JobSummary("01_load_films")
    spark = jobs.build_session("hyperion-01-load-films", arguments.master)
    rejects_root = arguments.rejects or jobs.default_rejects_root(arguments.output)
    try:
        raw = read_raw(spark, jobs.join_path(arguments.input, arguments.topic), RAW_FILMS).cache()
        summary.rows_in = raw.count()
        latest, rejects = split_raw_films(raw)
        for table, frame in (
            ("studios", build_studios(latest)),
            ("franchises", build_franchises(latest)),
            ("films", build_films(latest)),
        ):
            _, summary.rows_out[table] = jobs.write_table(frame, arguments.output, table, arguments.version)
        _, summary.rejects = jobs.write_rejects(rejects, rejects_root, "films")
        logger.info(summary.line())
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
