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

import sys

from hyperion.transform.runs import run_standalone


def main(argv: list[str] | None = None) -> int:
    return run_standalone("02_load_characters", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
