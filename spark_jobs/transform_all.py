"""The whole transform in one Spark application: jobs 01 to 04 in order in one SparkSession.

Inputs:  --raw (the consumers' landing, one folder per topic), --processed (the tables of earlier jobs,
         for a partial run), as for the numbered jobs.
Outputs: what jobs 01-04 write (processed table versions, rejects, the site's exports and manifest);
         each job's summary line (with its stages and tasks) and a ``transform_all:`` line with the
         session's start-up seconds, the jobs' own seconds and the executors' peak heap.
         The numbered scripts still run each job alone (EMR steps, Compose, tests).

Run (scripts/05_transform.py renders this command from hyperion/pipeline.py):
    .venv/bin/spark-submit --master spark://localhost:7077 --py-files build/hyperion.zip \
        spark_jobs/transform_all.py --raw hdfs://localhost:8020/raw \
        --processed hdfs://localhost:8020/processed --rejects hdfs://localhost:8020/rejects/transform \
        --exports exports --jobs 01 02 03 04
"""

from __future__ import annotations

import sys

from hyperion.transform.driver import run_driver


def main(argv: list[str] | None = None) -> int:
    return run_driver(__doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
