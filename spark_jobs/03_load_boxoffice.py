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

import sys

from hyperion.transform.runs import run_standalone


def main(argv: list[str] | None = None) -> int:
    return run_standalone("03_load_boxoffice", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
