"""Spark job 03: raw box-office film-day envelopes to the daily, weekly, summary and reconciliation tables.

Inputs:  ``<input>/<topic>/*.jsonl`` (default topic ``raw-boxoffice``; one film-day per line) and the
         newest complete version of job 01's ``<output>/films/``.
Outputs: ``<output>/box_office_daily/<version>/`` (Parquet partitioned by ``box_office_year``),
         ``<output>/{box_office_weekly,box_office_film_summary,box_office_reconciliation}/<version>/``, a
         new version per run; rejects as JSON Lines under ``<rejects>/box_office_daily/``. Deduplicates on
         (film_id, date, state, theater_id), so a replayed raw file never doubles revenue. Logs one summary
         line (rows_in counts box-office rows, not messages).

Run:
    .venv/bin/spark-submit --master spark://localhost:7077 --py-files build/hyperion.zip \
        spark_jobs/03_load_boxoffice.py --input hdfs://localhost:8020/raw \
        --output hdfs://localhost:8020/processed
"""

from __future__ import annotations

import logging
import sys

from pyspark import StorageLevel

from hyperion.transform import jobs
from hyperion.transform.boxoffice import (
    build_daily,
    build_film_summary,
    build_reconciliation,
    build_weekly,
    deduplicate_rows,
    label_rows,
    resolved_rows,
    split_labeled_rows,
    unresolved_rejects,
)
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import RAW_BOXOFFICE

logger = logging.getLogger("spark_jobs.03_load_boxoffice")


def main(argv: list[str] | None = None) -> int:
    arguments = jobs.load_job_arguments("03_load_boxoffice", __doc__, argv)
    jobs.configure_logging()
    summary = jobs.JobSummary("03_load_boxoffice")
    spark = jobs.build_session("hyperion-03-load-boxoffice", arguments.master)
    rejects_root = arguments.rejects or jobs.default_rejects_root(arguments.output)
    try:
        raw = read_raw(spark, jobs.join_path(arguments.input, arguments.topic), RAW_BOXOFFICE)
        # Persisted flat (one row per box-office entry): the JSON is parsed once, and the row count, the
        # rejects and every table come from it.
        labeled = label_rows(raw).persist(StorageLevel.MEMORY_AND_DISK)
        summary.rows_in = labeled.count()
        films = jobs.read_table(spark, arguments.output, "films").cache()
        valid_rows, early_rejects = split_labeled_rows(labeled)
        keyed = deduplicate_rows(valid_rows, films).persist(StorageLevel.MEMORY_AND_DISK)
        _, summary.rejects = jobs.write_rejects(
            early_rejects.unionByName(unresolved_rejects(keyed)), rejects_root, "box_office_daily"
        )
        daily_path, summary.rows_out["box_office_daily"] = jobs.write_table(
            build_daily(resolved_rows(keyed)), arguments.output, "box_office_daily", arguments.version
        )
        keyed.unpersist()
        labeled.unpersist()
        daily = spark.read.parquet(daily_path)
        weekly = build_weekly(daily, films)
        film_summary = build_film_summary(daily, films)
        paths = {}
        for table, frame in (("box_office_weekly", weekly), ("box_office_film_summary", film_summary)):
            paths[table], summary.rows_out[table] = jobs.write_table(
                frame, arguments.output, table, arguments.version
            )
        film_summary = spark.read.parquet(paths["box_office_film_summary"])
        _, summary.rows_out["box_office_reconciliation"] = jobs.write_table(
            build_reconciliation(film_summary, films),
            arguments.output,
            "box_office_reconciliation",
            arguments.version,
        )
        logger.info(summary.line())
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
