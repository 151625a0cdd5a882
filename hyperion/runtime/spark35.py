"""A second, cached virtualenv with pyspark 3.5.5: the Spark that EMR 7.9 runs, next to the project's Spark 4.

The jobs must run on both (docs/05-transform.md). This virtualenv has the same Python (3.11) and the
project's pinned dependencies, except that pyspark is EMR's version. It lives in the artifact cache
(``<cache>/venv-spark35``), outside the checkout, so a fresh clone and CI reuse it; it is rebuilt only when
its requirement list changes (the list is stamped into the folder once the install has completed, so an
interrupted install is redone, never trusted).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT
from hyperion.runtime.artifacts import REHEARSAL_COMPONENTS, ensure_component

logger = logging.getLogger(__name__)

SPARK35_VERSION = "3.5.5"
VENV_NAME = "venv-spark35"
_STAMP = ".requirements"


def requirements(pyproject: Path = REPOSITORY_ROOT / "pyproject.toml") -> list[str]:
    """The project's pinned dependencies with pyspark replaced by ``pyspark==3.5.5``."""
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    others = [requirement for requirement in dependencies if not requirement.startswith("pyspark")]
    return sorted([*others, f"pyspark=={SPARK35_VERSION}"])


def venv_directory(cache_directory: Path) -> Path:
    return cache_directory / VENV_NAME


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def spark_home(venv: Path) -> Path:
    """The pyspark 3.5 installation (its bin/spark-submit and jars/)."""
    (home,) = (venv / "lib").glob("python3.*/site-packages/pyspark")
    return home


def is_current(venv: Path, wanted: list[str]) -> bool:
    stamp = venv / _STAMP
    return stamp.is_file() and stamp.read_text().splitlines() == wanted and python_of(venv).exists()


def ensure_venv(cache_directory: Path, python: str = sys.executable) -> Path:
    """The Spark 3.5 virtualenv, created or refreshed first if its requirements changed. Idempotent."""
    venv = venv_directory(cache_directory)
    wanted = requirements()
    if is_current(venv, wanted):
        return venv
    logger.info("creating %s with pyspark %s (one time; cached)", venv, SPARK35_VERSION)
    shutil.rmtree(venv, ignore_errors=True)
    cache_directory.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python_of(venv)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
        check=True,
    )
    (venv / _STAMP).write_text("\n".join(wanted) + "\n")
    return venv


def hadoop_version(venv: Path) -> str:
    """The Hadoop version this pyspark was built with, from its hadoop-client-api jar."""
    (jar,) = (spark_home(venv) / "jars").glob("hadoop-client-api-*.jar")
    return jar.name.removeprefix("hadoop-client-api-").removesuffix(".jar")


def ensure_s3a_jars(cache_directory: Path, log_file: Path) -> list[Path]:
    """hadoop-aws and the AWS SDK bundle matching this pyspark's Hadoop (3.3.4), fetched by Maven once.

    They give this Spark the S3A file system (the EMR rehearsal's ``s3://``); the POM pins the versions.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    directory = ensure_component(REHEARSAL_COMPONENTS["hadoop-aws"], cache_directory, log_file) / "lib"
    return sorted(directory.glob("*.jar"))
