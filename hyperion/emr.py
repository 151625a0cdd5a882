"""Pure logic for the EMR proof run: cluster configuration, steps, cost, step states, log paths.

The same Spark jobs that run on the local stack run unchanged on EMR; only their ``--input`` and
``--output`` arguments change to ``s3://`` URIs. ``deploy/emr/run_proof.py`` does the AWS calls.

Layout of one proof run under ``s3://<bucket>/<prefix>/``::

    code/hyperion.zip            the hyperion package, for spark-submit --py-files
    code/spark_jobs/NN_*.py      the four jobs
    code/queries/*.sql           the sample queries, run by the last step with trino-cli
    code/bootstrap_python311.sh  bootstrap action: Python 3.11 for the jobs (EMR 7 defaults to 3.9)
    raw/<topic>/...              the raw JSON Lines, as landed in HDFS /raw/<topic>/
    processed/<table>/           written by jobs 01-03
    exports/                     written by job 04
    logs/                        the cluster's log URI (step logs land in logs/<cluster>/steps/)
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_RELEASE_LABEL = "emr-7.9.0"
INSTANCE_TYPE = "m5.xlarge"
CORE_INSTANCE_COUNT = 2
SERVICE_ROLE = "EMR_DefaultRole"
INSTANCE_PROFILE = "EMR_EC2_DefaultRole"
# Trino's hive catalog on EMR talks to the cluster's Hive metastore, which only the Hive
# application installs; Spark and Trino are what the proof exercises.
APPLICATIONS = ("Spark", "Hive", "Trino")
TRINO_PORT_ON_EMR = 8889
PYTHON_ON_CLUSTER = "/usr/bin/python3.11"

RAW_TOPICS = ("raw-films", "raw-characters", "raw-boxoffice")


@dataclass(frozen=True)
class SparkJob:
    """One of the four Spark jobs and where its input comes from (relative to the run prefix)."""

    script: str
    input_folder: str
    output_folder: str


SPARK_JOBS = (
    SparkJob("01_load_films.py", "raw/raw-films", "processed"),
    SparkJob("02_load_characters.py", "raw/raw-characters", "processed"),
    SparkJob("03_load_boxoffice.py", "raw/raw-boxoffice", "processed"),
    SparkJob("04_export_analytics.py", "processed", "exports"),
)

TERMINAL_STEP_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"})
FAILED_STEP_STATES = frozenset({"CANCELLED", "FAILED", "INTERRUPTED"})
TERMINATED_CLUSTER_STATES = frozenset({"TERMINATED", "TERMINATED_WITH_ERRORS"})


@dataclass(frozen=True)
class RunLocation:
    """Where one proof run keeps its files in S3."""

    bucket: str
    prefix: str

    def uri(self, relative: str = "") -> str:
        """The s3:// URI of a path inside the run (folders end with '/')."""
        base = f"s3://{self.bucket}/{self.prefix.strip('/')}/"
        return base + relative.lstrip("/")

    def key(self, relative: str) -> str:
        """The object key of a path inside the run."""
        return f"{self.prefix.strip('/')}/{relative.lstrip('/')}"


def cluster_configuration(
    location: RunLocation,
    *,
    name: str,
    release_label: str = DEFAULT_RELEASE_LABEL,
    idle_timeout_seconds: int = 1800,
    subnet_id: str | None = None,
    key_name: str | None = None,
) -> dict[str, Any]:
    """The RunJobFlow arguments: 1 primary + 2 core m5.xlarge, Spark/Hive/Trino, auto-termination.

    The cluster stays alive between steps (the script adds them after creation) and terminates
    itself after ``idle_timeout_seconds`` without work: the hard stop if this script dies. The
    script also terminates it explicitly in every case.
    """
    if not 60 <= idle_timeout_seconds <= 7 * 24 * 3600:
        raise ValueError("EMR accepts an idle timeout between 60 seconds and 7 days")
    instances: dict[str, Any] = {
        "InstanceGroups": [
            {"Name": "primary", "InstanceRole": "MASTER", "InstanceType": INSTANCE_TYPE, "InstanceCount": 1},
            {
                "Name": "core",
                "InstanceRole": "CORE",
                "InstanceType": INSTANCE_TYPE,
                "InstanceCount": CORE_INSTANCE_COUNT,
            },
        ],
        "KeepJobFlowAliveWhenNoSteps": True,
        "TerminationProtected": False,
    }
    if subnet_id:
        instances["Ec2SubnetId"] = subnet_id
    if key_name:
        instances["Ec2KeyName"] = key_name
    return {
        "Name": name,
        "ReleaseLabel": release_label,
        "LogUri": location.uri("logs/"),
        "Applications": [{"Name": application} for application in APPLICATIONS],
        "Instances": instances,
        "AutoTerminationPolicy": {"IdleTimeout": idle_timeout_seconds},
        "BootstrapActions": [
            {
                "Name": "python-3.11",
                "ScriptBootstrapAction": {"Path": location.uri("code/bootstrap_python311.sh"), "Args": []},
            }
        ],
        "Configurations": [
            {
                "Classification": "spark-env",
                "Configurations": [
                    {
                        "Classification": "export",
                        "Properties": {
                            "PYSPARK_PYTHON": PYTHON_ON_CLUSTER,
                            "PYSPARK_DRIVER_PYTHON": PYTHON_ON_CLUSTER,
                        },
                    }
                ],
            }
        ],
        "ServiceRole": SERVICE_ROLE,
        "JobFlowRole": INSTANCE_PROFILE,
        "VisibleToAllUsers": True,
        "StepConcurrencyLevel": 1,
        "Tags": [{"Key": "project", "Value": "hyperion"}, {"Key": "purpose", "Value": "emr-proof-run"}],
    }


def spark_steps(location: RunLocation) -> list[dict[str, Any]]:
    """The four spark-submit steps, in order, with s3:// code, input and output.

    Client deploy mode keeps the driver's output in the step's own stdout/stderr logs, which
    are what the proof captures. A failed step cancels the following ones and leaves the cluster
    up for the script to collect logs and terminate it.
    """
    steps = []
    for job in SPARK_JOBS:
        steps.append(
            {
                "Name": job.script.removesuffix(".py"),
                "ActionOnFailure": "CANCEL_AND_WAIT",
                "HadoopJarStep": {
                    "Jar": "command-runner.jar",
                    "Args": [
                        "spark-submit",
                        "--deploy-mode",
                        "client",
                        "--py-files",
                        location.uri("code/hyperion.zip"),
                        location.uri(f"code/spark_jobs/{job.script}"),
                        "--input",
                        location.uri(job.input_folder + "/"),
                        "--output",
                        location.uri(job.output_folder + "/"),
                    ],
                },
            }
        )
    return steps


def query_step(location: RunLocation, query_names: list[str]) -> dict[str, Any]:
    """A step that copies queries/*.sql to the primary node and runs each with trino-cli.

    Files run in name order; each result is printed as CSV with a header line naming the file,
    so the step's stdout log is the query output to capture.
    """
    if not query_names:
        raise ValueError("no queries to run")
    local_folder = "/tmp/hyperion-queries"
    runs = "; ".join(
        f"echo '== {name}'; trino-cli --server localhost:{TRINO_PORT_ON_EMR} --catalog hive --schema default "
        f"--output-format CSV_HEADER --file {local_folder}/{name}"
        for name in sorted(query_names)
    )
    script = (
        f"set -euo pipefail; aws s3 cp --recursive {location.uri('code/queries/')} {local_folder}/; {runs}"
    )
    return {
        "Name": "sample_queries",
        "ActionOnFailure": "CANCEL_AND_WAIT",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["bash", "-c", script]},
    }


@dataclass(frozen=True)
class StepProgress:
    """Where the steps stand: their states by id, and whether the run is over."""

    states: dict[str, str]
    finished: bool
    failed_step_ids: list[str]


def summarize_steps(step_ids: list[str], states: dict[str, str]) -> StepProgress:
    """Decide from the steps' states whether to keep waiting, and which steps failed.

    The run is finished when every step is in a terminal state, or as soon as one failed
    (the following steps are cancelled by ActionOnFailure and need not be waited for).
    """
    failed = [step_id for step_id in step_ids if states.get(step_id) in FAILED_STEP_STATES]
    all_terminal = all(states.get(step_id) in TERMINAL_STEP_STATES for step_id in step_ids)
    return StepProgress(states=dict(states), finished=all_terminal or bool(failed), failed_step_ids=failed)


def step_log_keys(location: RunLocation, cluster_id: str, step_id: str) -> dict[str, str]:
    """Object keys of a step's logs, which EMR uploads gzipped under the log URI."""
    base = location.key(f"logs/{cluster_id}/steps/{step_id}/")
    return {name: f"{base}{name}.gz" for name in ("stdout", "stderr", "controller")}


def build_package_zip(package_dir: Path) -> bytes:
    """Zip the hyperion package for --py-files, deterministically (fixed timestamps, sorted).

    Only .py files go in: bytecode caches are platform- and version-specific.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package_dir.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            arcname = (Path(package_dir.name) / path.relative_to(package_dir)).as_posix()
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Cost estimate
# ---------------------------------------------------------------------------------------------

# us-east-1 on-demand prices in USD (Linux), from aws.amazon.com/ec2/pricing/on-demand and
# aws.amazon.com/emr/pricing in the 2025-08-01 snapshot these constants were written from. They
# were not re-read from this machine (no web access): check them before a run.
PRICES_RECORDED_ON = "2025-08-01"
EC2_M5_XLARGE_PER_HOUR = 0.192
EMR_M5_XLARGE_PER_HOUR = 0.048
# EMR attaches 2 x 32 GiB EBS volumes to each m5.xlarge by default, priced here at gp2's
# $0.10 per GB-month (gp3, if used, is cheaper: this is the upper bound).
EBS_GIB_PER_INSTANCE = 64
EBS_PER_GB_MONTH = 0.10
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class ClusterCost:
    """The cost of running the proof cluster for some hours."""

    instance_count: int
    hours: float
    ec2_usd: float
    emr_usd: float
    ebs_usd: float

    @property
    def total_usd(self) -> float:
        """EC2 + EMR + EBS."""
        return self.ec2_usd + self.emr_usd + self.ebs_usd


def cluster_cost(hours: float, instance_count: int = 1 + CORE_INSTANCE_COUNT) -> ClusterCost:
    """Price ``hours`` of the cluster: instance-hours x (EC2 on-demand + EMR uplift) + EBS.

    EMR bills per second with a one-minute minimum, so fractional hours are priced as such.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    instance_hours = instance_count * hours
    return ClusterCost(
        instance_count=instance_count,
        hours=hours,
        ec2_usd=instance_hours * EC2_M5_XLARGE_PER_HOUR,
        emr_usd=instance_hours * EMR_M5_XLARGE_PER_HOUR,
        ebs_usd=instance_count * EBS_GIB_PER_INSTANCE * EBS_PER_GB_MONTH * hours / HOURS_PER_MONTH,
    )


def format_cluster_cost(cost: ClusterCost) -> str:
    """One readable block for --dry-run."""
    return (
        f"{cost.instance_count} x {INSTANCE_TYPE} for {cost.hours:g} h "
        f"(us-east-1 on-demand prices of {PRICES_RECORDED_ON}):\n"
        f"  EC2 {cost.instance_count} x {cost.hours:g} h x ${EC2_M5_XLARGE_PER_HOUR} = ${cost.ec2_usd:.2f}\n"
        f"  EMR {cost.instance_count} x {cost.hours:g} h x ${EMR_M5_XLARGE_PER_HOUR} = ${cost.emr_usd:.2f}\n"
        f"  EBS {cost.instance_count} x {EBS_GIB_PER_INSTANCE} GiB EBS = ${cost.ebs_usd:.2f}\n"
        f"  total ${cost.total_usd:.2f}"
    )
