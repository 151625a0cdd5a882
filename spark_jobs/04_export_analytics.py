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

import sys

from hyperion.transform.runs import run_standalone


def main(argv: list[str] | None = None) -> int:
    return run_standalone("04_export_analytics", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
