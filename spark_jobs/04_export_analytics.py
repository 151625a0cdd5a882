"""Spark job 04: the processed tables to the site's denormalized Parquet exports and ``manifest.json``.

Inputs:  the newest complete version, ``<input>/<table>/<version>/``, of each table written by jobs 01 to
         03 (the processed root).
Outputs: ``<exports>/<name>.parquet`` for films_complete, characters_complete, boxoffice_summary,
         studio_stats, talent_stats, boxoffice_daily_by_film, boxoffice_weekly_by_film,
         boxoffice_by_state and boxoffice_weekly_by_state (zstd, sorted, made by pyarrow on the driver),
         and ``<exports>/manifest.json`` (rows, bytes, sha256 and schema of each file). ``--exports`` is a
         local folder or a URL such as ``s3://bucket/exports`` (written through Spark's Hadoop file
         system: on EMR a local folder would be lost with the cluster). Schemas are documented in
         docs/05-transform.md. Logs one summary line.

Run:
    .venv/bin/spark-submit --master spark://localhost:7077 --py-files build/hyperion.zip \
        spark_jobs/04_export_analytics.py --input hdfs://localhost:8020/processed --exports exports
"""

from __future__ import annotations

import logging
import sys

from hyperion.pipeline import EXPORT_INPUT_TABLES
from hyperion.transform import exports, jobs

logger = logging.getLogger("spark_jobs.04_export_analytics")


def main(argv: list[str] | None = None) -> int:
    arguments = jobs.job_parser("04_export_analytics", __doc__).parse_args(argv)
    jobs.configure_logging()
    summary = jobs.JobSummary("04_export_analytics")
    spark = jobs.build_session("hyperion-04-export-analytics", arguments.master)
    try:
        tables = {name: jobs.read_table(spark, arguments.input, name).cache() for name in EXPORT_INPUT_TABLES}
        summary.rows_in = sum(frame.count() for frame in tables.values())
        films, appearances, daily = (
            tables["films"],
            tables["character_appearances"],
            tables["box_office_daily"],
        )
        frames = {
            "films_complete": exports.build_films_complete(
                films,
                tables["studios"],
                tables["franchises"],
                appearances,
                tables["box_office_film_summary"],
                tables["box_office_reconciliation"],
            ),
            "characters_complete": exports.build_characters_complete(
                appearances, tables["characters"], films
            ),
            "boxoffice_summary": exports.build_boxoffice_summary(
                tables["box_office_film_summary"], tables["box_office_reconciliation"], films
            ),
            "studio_stats": exports.build_studio_stats(films, tables["studios"], appearances),
            "talent_stats": exports.build_talent_stats(appearances, films),
            "boxoffice_daily_by_film": exports.build_boxoffice_daily_by_film(daily),
            "boxoffice_weekly_by_film": exports.build_boxoffice_weekly_by_film(tables["box_office_weekly"]),
            "boxoffice_by_state": exports.build_boxoffice_by_state(daily),
            "boxoffice_weekly_by_state": exports.build_boxoffice_weekly_by_state(
                daily, tables["box_office_weekly"]
            ),
        }
        destination = exports.exports_destination(spark, arguments.exports)
        entries = []
        for name, frame in frames.items():
            specification = exports.EXPORTS[name]
            entry = exports.write_export(exports.to_arrow(frame, specification), destination, specification)
            entries.append(entry)
            summary.rows_out[name] = entry["rows"]
        manifest = exports.write_manifest(destination, entries)
        logger.info(
            "%s: %d bytes in %d files", manifest, sum(entry["bytes"] for entry in entries), len(entries)
        )
        logger.info(summary.line())
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
