"""Running the Spark jobs: the ``--py-files`` archive of the hyperion package and ``spark-submit`` lines.

The jobs run in client mode: the driver is this machine's ``spark-submit`` (the pyspark wheel's), and the
executors run on the standalone master's workers with the same Python as the driver (a Python minor
version mismatch between driver and executors fails the job). Used by ``scripts/05_transform.py``, the
integration tests and the benchmark.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.runtime.java import find_java
from hyperion.runtime.services import pyspark_home

logger = logging.getLogger(__name__)

SPARK_JOBS_DIRECTORY = REPOSITORY_ROOT / "spark_jobs"
PACKAGE_DIRECTORY = REPOSITORY_ROOT / "hyperion"
JOB_SCRIPTS: dict[str, Path] = {
    "01": SPARK_JOBS_DIRECTORY / "01_load_films.py",
    "02": SPARK_JOBS_DIRECTORY / "02_load_characters.py",
    "03": SPARK_JOBS_DIRECTORY / "03_load_boxoffice.py",
    "04": SPARK_JOBS_DIRECTORY / "04_export_analytics.py",
}
# A fixed timestamp for every archive member, so the same sources always give the same archive bytes.
ARCHIVE_TIMESTAMP = (2020, 1, 1, 0, 0, 0)


class SparkJobError(RuntimeError):
    """A spark-submit run exited with an error."""


def build_package_archive(destination: Path, package_directory: Path = PACKAGE_DIRECTORY) -> Path:
    """Zip the hyperion package's Python sources into ``destination`` (for ``--py-files``)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    root = package_directory.parent
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package_directory.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            member = zipfile.ZipInfo(str(path.relative_to(root)), date_time=ARCHIVE_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, path.read_bytes())
    return destination


@dataclass(frozen=True)
class SubmitOptions:
    """How to submit: the master and the resources one application may take from the shared cluster."""

    master: str
    py_files: Path | None = None
    executor_memory: str = "1g"
    driver_memory: str = "1g"
    # Cores the application may hold on a standalone cluster; other applications queue behind it.
    cores_max: int = 2
    python: str = sys.executable


def spark_submit_command(job: Path, job_arguments: Sequence[str], options: SubmitOptions) -> list[str]:
    """The full ``spark-submit`` command line for one job."""
    return [
        str(pyspark_home() / "bin" / "spark-submit"),
        "--master",
        options.master,
        *(["--py-files", str(options.py_files)] if options.py_files else []),
        "--driver-memory",
        options.driver_memory,
        "--conf",
        f"spark.executor.memory={options.executor_memory}",
        "--conf",
        f"spark.cores.max={options.cores_max}",
        "--conf",
        f"spark.pyspark.python={options.python}",
        "--conf",
        f"spark.pyspark.driver.python={options.python}",
        "--conf",
        "spark.ui.showConsoleProgress=false",
        "--conf",
        "spark.ui.enabled=false",
        str(job),
        *job_arguments,
    ]


def submit_environment() -> dict[str, str]:
    """The environment for spark-submit: a Java 17 to 21 for Spark 4, and a loopback driver address."""
    environment = dict(os.environ)
    environment["JAVA_HOME"] = str(find_java(17, 21).home)
    environment["SPARK_HOME"] = str(pyspark_home())
    environment["PYSPARK_PYTHON"] = sys.executable
    environment.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return environment


def runtime_submit_command(
    job: Path, job_arguments: Sequence[str], options: SubmitOptions
) -> tuple[list[str], dict[str, str] | None]:
    """The command and environment of one job on the configured runtime (HYPERION_RUNTIME).

    With the Docker runtime the driver runs inside the Compose network, so that executors reach it and
    it has their Python; hyperion.runtime.docker renders that command.
    """
    if get_settings().runtime == "docker":
        from hyperion.runtime import docker

        command = docker.spark_submit_command(
            job,
            job_arguments,
            options.master,
            py_files=options.py_files,
            executor_memory=options.executor_memory,
            driver_memory=options.driver_memory,
            cores_max=options.cores_max,
        )
        return command, None
    return spark_submit_command(job, job_arguments, options), submit_environment()


def run_job(
    job: Path, job_arguments: Sequence[str], options: SubmitOptions, log_file: Path | None = None
) -> float:
    """Run one job to completion and return its wall time in seconds; raise SparkJobError on failure.

    The job's output goes to ``log_file`` when given (its summary line is also logged here), otherwise to
    this process's stderr.
    """
    command, environment = runtime_submit_command(job, job_arguments, options)
    logger.info("submitting %s", " ".join(command))
    started = time.perf_counter()
    if log_file is None:
        completed = subprocess.run(command, env=environment, check=False)
        output = ""
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("w") as log:
            completed = subprocess.run(
                command, env=environment, stdout=log, stderr=subprocess.STDOUT, check=False
            )
        output = log_file.read_text(errors="replace")
        for line in output.splitlines():
            if " spark_jobs." in line:
                logger.info("%s", line.split(": ", 1)[-1])
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-40:])
        raise SparkJobError(f"{job.name} failed with exit code {completed.returncode}\n{tail}")
    return seconds


def pipeline_arguments(
    raw_root: str, processed_root: str, exports_directory: Path, rejects_root: str | None = None
) -> dict[str, list[str]]:
    """Each job's arguments for one pipeline run over the given locations."""
    rejects = ["--rejects", rejects_root] if rejects_root else []
    loads = ["--input", raw_root, "--output", processed_root, *rejects]
    return {
        "01": loads,
        "02": loads,
        "03": loads,
        "04": ["--input", processed_root, "--exports", str(exports_directory)],
    }
