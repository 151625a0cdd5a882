"""Running the Spark jobs locally: the ``--py-files`` archive of the hyperion package and ``spark-submit``.

The jobs run in client mode: the driver is this machine's ``spark-submit`` (the pyspark wheel's), and the
executors run on the standalone master's workers with the same Python as the driver (a Python minor
version mismatch between driver and executors fails the job). The jobs and their arguments come from
:mod:`hyperion.pipeline`. Used by ``scripts/05_transform.py``, the integration tests and the benchmark.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.pipeline import (
    JOBS,
    TRANSFORM_DRIVER_SCRIPT,
    Job,
    Locations,
    SubmitTarget,
    driver_arguments,
    driver_submit_arguments,
    spark_submit_arguments,
)
from hyperion.runtime.hadoop_config import load_hadoop_env, spark_hadoop_client_confs
from hyperion.runtime.java import find_java
from hyperion.runtime.services import pyspark_home

logger = logging.getLogger(__name__)

SPARK_JOBS_DIRECTORY = REPOSITORY_ROOT / "spark_jobs"
PACKAGE_DIRECTORY = REPOSITORY_ROOT / "hyperion"
JOB_SCRIPTS: dict[str, Path] = {job.key: SPARK_JOBS_DIRECTORY / job.script for job in JOBS}
DRIVER_SCRIPT = SPARK_JOBS_DIRECTORY / TRANSFORM_DRIVER_SCRIPT
# A job's summary line (hyperion.transform.jobs.JobSummary.line) and the driver's closing line, as logged.
SUMMARY_LINE = re.compile(r"spark_jobs\.(?P<logger>\w+): (?P<name>\w+): (?P<text>.*)$")
FIELD = re.compile(r"(\w+)=([0-9.]+|unknown)\b")
# A fixed timestamp for every archive member, so the same sources always give the same archive bytes.
ARCHIVE_TIMESTAMP = (2020, 1, 1, 0, 0, 0)


class SparkJobError(RuntimeError):
    """A spark-submit run exited with an error."""


def package_archive_bytes(package_directory: Path = PACKAGE_DIRECTORY) -> bytes:
    """The hyperion package's Python sources as a zip (for ``--py-files``), deterministically.

    Fixed timestamps and sorted members give the same bytes for the same sources; bytecode caches are left
    out (they are platform- and version-specific).
    """
    buffer = io.BytesIO()
    root = package_directory.parent
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package_directory.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            member = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=ARCHIVE_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, path.read_bytes())
    return buffer.getvalue()


def build_package_archive(destination: Path, package_directory: Path = PACKAGE_DIRECTORY) -> Path:
    """Write :func:`package_archive_bytes` to ``destination``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(package_archive_bytes(package_directory))
    return destination


# The driver JVM compiles with the client compiler only (C1, tiered level 1). On a cluster the driver
# plans, generates code and commits while the executors process the rows (their JIT is left alone), so
# the server compiler (C2) spent its CPU optimising code that runs for a minute at most, on the same two
# cores as the executor. In alternating pairs of `make transform`, the driver JVM used 63 s of CPU with
# C2 and 33-35 s without, and the transform took 93-94 s against 76-81 s (docs/benchmarks.md, "Issue 14,
# third pass"). The driver's work does not grow with the rows, so this holds at any scale.
DRIVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1"


def hdfs_client_confs() -> list[str]:
    """hadoop.env's HDFS client settings as ``--conf spark.hadoop.…`` (the local runtime's values)."""
    return spark_hadoop_client_confs(load_hadoop_env())


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


def submit_target(options: SubmitOptions, spark_submit: Path | None = None) -> SubmitTarget:
    """The local runtime as a :class:`~hyperion.pipeline.SubmitTarget`: the wheel's spark-submit."""
    return SubmitTarget(
        command=(
            str(spark_submit or pyspark_home() / "bin" / "spark-submit"),
            "--master",
            options.master,
            "--driver-memory",
            options.driver_memory,
            "--driver-java-options",
            DRIVER_JAVA_OPTIONS,
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
            *hdfs_client_confs(),
        ),
        jobs_directory=str(SPARK_JOBS_DIRECTORY),
        py_files=str(options.py_files) if options.py_files else None,
    )


def spark_submit_command(job: Path, job_arguments: Sequence[str], options: SubmitOptions) -> list[str]:
    """The full ``spark-submit`` command line for any script (a pipeline job or a test's own job)."""
    target = submit_target(options)
    return [
        *target.command,
        *(["--py-files", target.py_files] if target.py_files else []),
        str(job),
        *job_arguments,
    ]


def pipeline_command(job: Job, locations: Locations, options: SubmitOptions) -> list[str]:
    """The ``spark-submit`` command line of a pipeline job, rendered from :mod:`hyperion.pipeline`."""
    return spark_submit_arguments(job, locations, submit_target(options))


def submit_environment(spark_home: Path | None = None, python: str = sys.executable) -> dict[str, str]:
    """The environment for spark-submit: a Java 17 to 21 (Spark 3.5 and 4 both run on 17), a loopback driver.

    ``spark_home`` and ``python`` choose the Spark installation (default: this virtualenv's pyspark).
    """
    environment = dict(os.environ)
    environment["JAVA_HOME"] = str(find_java(17, 21).home)
    environment["SPARK_HOME"] = str(spark_home or pyspark_home())
    environment["PYSPARK_PYTHON"] = python
    environment["PYSPARK_DRIVER_PYTHON"] = python
    environment.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return environment


def local_mode_target(spark_home: Path, python: str, py_files: Path, cores: int = 2) -> SubmitTarget:
    """spark-submit of ``spark_home`` in local mode (``local[cores]``): no cluster, the driver runs the tasks.

    Used to run the pipeline on another Spark (the 3.5 of EMR) on the same machine.
    """
    return SubmitTarget(
        command=(
            str(spark_home / "bin" / "spark-submit"),
            "--master",
            f"local[{cores}]",
            "--driver-memory",
            "1g",
            "--conf",
            f"spark.pyspark.python={python}",
            "--conf",
            f"spark.pyspark.driver.python={python}",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.ui.showConsoleProgress=false",
            *hdfs_client_confs(),
        ),
        jobs_directory=str(SPARK_JOBS_DIRECTORY),
        py_files=str(py_files),
    )


def run_job(
    job: Path, job_arguments: Sequence[str], options: SubmitOptions, log_file: Path | None = None
) -> float:
    """Run one script through spark-submit to completion; return its wall time in seconds.

    Raises SparkJobError on failure. See :func:`run_command` for the log.
    """
    return run_command(spark_submit_command(job, job_arguments, options), job.name, log_file)


def run_pipeline_job(
    job: Job, locations: Locations, options: SubmitOptions, log_file: Path | None = None
) -> float:
    """Run one pipeline job over ``locations`` on the configured runtime; return its wall time in seconds.

    With the Docker runtime the driver runs inside the Compose network, so that executors reach it and it
    has their Python; :func:`hyperion.runtime.docker.spark_submit_command` wraps the same job arguments.
    """
    if get_settings().runtime == "docker":
        command = _docker_command(SPARK_JOBS_DIRECTORY / job.script, job.arguments(locations), options)
        return run_command(command, job.script, log_file, environment=dict(os.environ))
    return run_command(pipeline_command(job, locations, options), job.script, log_file)


def _docker_command(script: Path, arguments: Sequence[str], options: SubmitOptions) -> list[str]:
    from hyperion.runtime import docker

    return docker.spark_submit_command(
        script,
        arguments,
        options.master,
        py_files=options.py_files,
        executor_memory=options.executor_memory,
        driver_memory=options.driver_memory,
        cores_max=options.cores_max,
    )


@dataclass(frozen=True)
class JobReport:
    """One job's figures from its summary line: counts, stages, tasks and its own seconds."""

    name: str
    text: str
    figures: dict[str, float]

    @property
    def seconds(self) -> float:
        return self.figures.get("seconds", 0.0)


@dataclass(frozen=True)
class TransformReport:
    """What one application logged: each job's summary, the driver's figures, the submit's wall time."""

    jobs: list[JobReport]
    driver: dict[str, float]
    wall_seconds: float

    @property
    def work_seconds(self) -> float:
        return sum(job.seconds for job in self.jobs)

    @property
    def startup_seconds(self) -> float:
        """Everything that is not a job's own work: JVM and session start, executors, stop."""
        return max(0.0, self.wall_seconds - self.work_seconds)

    def lines(self) -> list[str]:
        """One line per job (its summary) and a total: what ``make transform`` prints."""
        return [f"{job.name}: {job.text}" for job in self.jobs] + [
            f"transform: {len(self.jobs)} jobs in one application, {self.wall_seconds:.1f} s "
            f"(start-up and stop {self.startup_seconds:.1f} s, jobs {self.work_seconds:.1f} s)"
        ]


def parse_report(log: str, wall_seconds: float) -> TransformReport:
    """The job summaries and the driver's ``transform_all:`` figures found in an application's log."""
    reports, driver = [], {}
    for line in log.splitlines():
        match = SUMMARY_LINE.search(line)
        if match is None:
            continue
        figures = {key: float(value) for key, value in FIELD.findall(match["text"]) if value != "unknown"}
        if match["name"] == "transform_all":
            driver = figures
        elif match["name"] == match["logger"]:
            reports.append(JobReport(match["name"], match["text"], figures))
    return TransformReport(reports, driver, wall_seconds)


def run_transform(
    locations: Locations,
    options: SubmitOptions,
    log_file: Path,
    keys: Sequence[str] | None = None,
) -> TransformReport:
    """Run the jobs ``keys`` (all by default) in one application (``spark_jobs/transform_all.py``).

    Rendered from :mod:`hyperion.pipeline` like the single jobs; with the Docker runtime the driver runs in
    the Compose network. Raises SparkJobError on failure; returns the parsed summaries.
    """
    if get_settings().runtime == "docker":
        command = _docker_command(DRIVER_SCRIPT, driver_arguments(locations, keys), options)
        wall = run_command(command, DRIVER_SCRIPT.name, log_file, environment=dict(os.environ))
    else:
        command = driver_submit_arguments(locations, submit_target(options), keys)
        wall = run_command(command, DRIVER_SCRIPT.name, log_file)
    return parse_report(log_file.read_text(errors="replace"), wall)


def run_command(
    command: Sequence[str], name: str, log_file: Path | None = None, environment: dict[str, str] | None = None
) -> float:
    """Run a spark-submit command line to completion; return its wall time, raise SparkJobError on failure.

    The job's output goes to ``log_file`` when given (its summary line is also logged here), otherwise to
    this process's stderr.
    """
    environment = environment or submit_environment()
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
        raise SparkJobError(f"{name} failed with exit code {completed.returncode}\n{tail}")
    return seconds
