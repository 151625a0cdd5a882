"""Create (or confirm) the cached pyspark 3.5.5 virtualenv: EMR 7.9's Spark, next to the project's Spark 4.

Purpose: the Spark 3.5 tests (tests/integration/test_spark35.py) and the EMR rehearsal run the jobs on it.
Inputs: pyproject.toml (the same pinned dependencies, pyspark replaced by 3.5.5), Python 3.11.
Outputs: <HYPERION_CACHE_DIRECTORY>/venv-spark35 (default ~/.cache/hyperion/venv-spark35); its path on
stdout. Idempotent: returns at once when the virtualenv matches the requirements.

Run: .venv/bin/python scripts/spark35_venv.py      (make spark35-venv)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.config import get_settings
from hyperion.runtime.spark35 import ensure_venv, hadoop_version


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    venv = ensure_venv(Path(get_settings().cache_directory))
    logging.getLogger("spark35").info("pyspark 3.5.5 on Hadoop %s", hadoop_version(venv))
    print(venv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
