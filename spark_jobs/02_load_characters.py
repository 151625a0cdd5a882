"""Spark job 02: raw character envelopes to ``characters``, ``talent`` and ``character_appearances``.

Inputs:  ``<input>/<topic>/*.jsonl`` (default topic ``raw-characters``) and the newest complete version
         of job 01's ``<output>/films/`` (every appearance's film is resolved against it).
Outputs: ``<output>/{characters,talent,character_appearances}/<version>/`` as Parquet (a new version per
         run); rejects (unresolved film, missing ids, malformed lines) as JSON Lines under
         ``<rejects>/character_appearances/``. Logs one summary line.

Run:
    .venv/bin/spark-submit --master spark://localhost:7077 --py-files build/hyperion.zip \
        spark_jobs/02_load_characters.py --input hdfs://localhost:8020/raw \
        --output hdfs://localhost:8020/processed
"""

from __future__ import annotations

import logging
import sys

from hyperion.transform import jobs
from hyperion.transform.characters import (
    build_character_appearances,
    build_characters,
    build_talent,
    split_raw_characters,
)
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import RAW_CHARACTERS

logger = logging.getLogger("spark_jobs.02_load_characters")


def main(argv: list[str] | None = None) -> int:
    arguments = jobs.load_job_arguments("02_load_characters", __doc__, argv)
    jobs.configure_logging()
    summary = jobs.JobSummary("02_load_characters")
    spark = jobs.build_session("hyperion-02-load-characters", arguments.master)
    rejects_root = arguments.rejects or jobs.default_rejects_root(arguments.output)
    try:
        raw = read_raw(spark, jobs.join_path(arguments.input, arguments.topic), RAW_CHARACTERS).cache()
        summary.rows_in = raw.count()
        films = jobs.read_table(spark, arguments.output, "films")
        appearances, rejects = split_raw_characters(raw, films)
        appearances = appearances.cache()
        for table, frame in (
            ("characters", build_characters(appearances)),
            ("talent", build_talent(appearances)),
            ("character_appearances", build_character_appearances(appearances)),
        ):
            _, summary.rows_out[table] = jobs.write_table(frame, arguments.output, table, arguments.version)
        _, summary.rejects = jobs.write_rejects(rejects, rejects_root, "character_appearances")
        logger.info(summary.line())
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
