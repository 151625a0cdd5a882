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

import sys

from hyperion.transform.runs import run_standalone


def main(argv: list[str] | None = None) -> int:
    return run_standalone("01_load_films", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
