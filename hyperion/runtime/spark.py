"""Build spark-submit command lines for the pip-installed Spark, so every caller submits the same way."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from hyperion.config import Settings
from hyperion.runtime.java import find_java
from hyperion.runtime.services import pyspark_home


def spark_submit_environment() -> dict[str, str]:
    """Java 17 for the driver, and this Python for driver and executors (their minor versions must match)."""
    java = find_java(17, 21)
    return {
        "JAVA_HOME": str(java.home),
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def spark_submit_command(
    settings: Settings,
    script: Path,
    arguments: Sequence[str] = (),
    *,
    master: str | None = None,
    py_files: Sequence[Path] = (),
    configuration: dict[str, str] | None = None,
) -> list[str]:
    command = [
        str(pyspark_home() / "bin" / "spark-submit"),
        "--master",
        master or settings.spark_master_url,
        "--driver-memory",
        "1g",
        "--executor-memory",
        "1500m",
        "--conf",
        f"spark.hadoop.fs.defaultFS={settings.hdfs_url}",
    ]
    for key, value in (configuration or {}).items():
        command += ["--conf", f"{key}={value}"]
    if py_files:
        command += ["--py-files", ",".join(str(path) for path in py_files)]
    return [*command, str(script), *arguments]
