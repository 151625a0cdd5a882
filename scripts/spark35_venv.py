"""Create (or confirm) the cached pyspark 3.5.5 virtualenv: EMR 7.9's Spark, next to the project's Spark 4.

Purpose: the Spark 3.5 tests (tests/integration/test_spark35.py) and the EMR rehearsal run the jobs on it;
the rehearsal's S3A also needs hadoop-aws and the AWS SDK bundle of that Spark's Hadoop, fetched here too.
Inputs: pyproject.toml (the same pinned dependencies, pyspark replaced by 3.5.5), Python 3.11,
runtime/maven/hadoop-aws.pom.xml (Maven Central).
Outputs: <HYPERION_CACHE_DIRECTORY>/venv-spark35 (default ~/.cache/hyperion/venv-spark35) and
<HYPERION_CACHE_DIRECTORY>/hadoop-aws-3.3.4; the virtualenv's path on stdout. Idempotent: returns at once
when both are complete.

Run: .venv/bin/python scripts/spark35_venv.py      (make spark35-venv)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.config import get_settings
from hyperion.logs import configure_logging
from hyperion.runtime.spark35 import ensure_s3a_jars, ensure_venv, hadoop_version


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    configure_logging()
    settings = get_settings()
    venv = ensure_venv(Path(settings.cache_directory))
    jars = ensure_s3a_jars(
        Path(settings.cache_directory), Path(settings.runtime_directory) / "logs" / "maven.log"
    )
    logging.getLogger("spark35").info(
        "pyspark 3.5.5 on Hadoop %s; S3A: %s", hadoop_version(venv), ", ".join(jar.name for jar in jars)
    )
    print(venv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
