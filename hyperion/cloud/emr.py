"""The EMR proof run as a pure plan: uploads, cluster configuration, steps, cost, step states, log paths.

The same Spark jobs that run on the local stack run unchanged on EMR: their command lines are rendered
from :mod:`hyperion.pipeline` with ``s3://`` locations, like the local ones with ``hdfs://``. The query
step registers the tables with the DDL adapted to the run's processed root.
:mod:`hyperion.cloud.emr_run` makes the AWS calls; ``deploy/emr/run_proof.py`` is the entrypoint; the
rehearsal (:mod:`hyperion.cloud.emr_rehearsal`) runs this same plan on this machine against moto's S3.

Layout of one proof run under ``s3://<bucket>/<prefix>/``::

    code/hyperion.zip            the hyperion package, for spark-submit --py-files
    code/spark_jobs/NN_*.py      the four jobs
    code/bootstrap_python311.sh  bootstrap action: Python 3.11 for the jobs (EMR 7 defaults to 3.9)
    code/queries/*.sql           the sample queries; 00_register_tables.sql, generated for processed/ below
    raw/<topic>/...              the raw JSON Lines, as landed in HDFS /raw/<topic>/
    processed/<table>/           written by jobs 01-03
    rejects/transform/<table>/   the jobs' rejects (JSON Lines)
    exports/                     written by job 04 (Parquet + manifest.json)
    logs/                        the cluster's log URI (step logs land in logs/<cluster>/steps/)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.pipeline import JOBS, Locations, SubmitTarget, spark_submit_arguments
from hyperion.runtime.spark_submit import package_archive_bytes
from hyperion.transform.publish import new_version
from hyperion.transform.schemas import PROCESSED_TABLES
from hyperion.transform.trino_sql import registration_sql

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

# Trino's schema for the proof's tables (the DDL's hive.hyperion, adapted).
SCHEMA = "hyperion"
BOOTSTRAP_SCRIPT_NAME = "bootstrap_python311.sh"

TERMINAL_STEP_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"})
FAILED_STEP_STATES = frozenset({"CANCELLED", "FAILED", "INTERRUPTED"})
TERMINATED_CLUSTER_STATES = frozenset({"TERMINATED", "TERMINATED_WITH_ERRORS"})


@dataclass(frozen=True)
class RunLocation:
    """Where one proof run keeps its files in S3."""

    bucket: str
    prefix: str
    # The version folder every load job of this run writes (``<table>/<version>/``), fixed at plan time so
    # that the uploaded registration can name it before the cluster exists.
    version: str = field(default_factory=new_version)

    def uri(self, relative: str = "") -> str:
        """The s3:// URI of a path inside the run (folders end with '/')."""
        base = f"s3://{self.bucket}/{self.prefix.strip('/')}/"
        return base + relative.lstrip("/")

    def key(self, relative: str) -> str:
        """The object key of a path inside the run."""
        return f"{self.prefix.strip('/')}/{relative.lstrip('/')}"

    @property
    def locations(self) -> Locations:
        """The run's raw/, processed/, rejects/transform/, exports/, and the version its load jobs write."""
        return Locations.under(self.uri(), version=self.version)

    @property
    def submit_target(self) -> SubmitTarget:
        """spark-submit on the primary node, with the code uploaded under code/.

        Client deploy mode keeps the driver's output in the step's own stdout/stderr logs, which are what
        the proof captures.
        """
        return SubmitTarget(
            command=("spark-submit", "--deploy-mode", "client"),
            jobs_directory=self.uri("code/spark_jobs/"),
            py_files=self.uri("code/hyperion.zip"),
        )


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
                "ScriptBootstrapAction": {"Path": location.uri(f"code/{BOOTSTRAP_SCRIPT_NAME}"), "Args": []},
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
    """The four spark-submit steps, in order, rendered from the pipeline definition with s3:// locations.

    A failed step cancels the following ones and leaves the cluster up for the script to collect logs and
    terminate it.
    """
    return [
        {
            "Name": job.name,
            "ActionOnFailure": "CANCEL_AND_WAIT",
            "HadoopJarStep": {
                "Jar": "command-runner.jar",
                "Args": spark_submit_arguments(job, location.locations, location.submit_target),
            },
        }
        for job in JOBS
    ]


REGISTER_TABLES_FILE = "00_register_tables.sql"


def table_registration_sql(processed_root: str, version: str, schema: str = SCHEMA) -> str:
    """The DDL that publishes every processed table's ``version`` under ``processed_root`` in ``schema``.

    The one place the EMR plan (and its rehearsal) renders its registration, from the same generated
    statements as ``scripts/06_queries.py`` (``hyperion.transform.trino_sql.registration_sql``).
    """
    statements = registration_sql(processed_root, dict.fromkeys(PROCESSED_TABLES, version), schema)
    return "".join(f"{statement};\n" for statement in statements)


def query_step(location: RunLocation, query_names: list[str]) -> dict[str, Any]:
    """A step that copies queries/*.sql to the primary node and runs each with trino-cli.

    Files run in name order (00_register_tables.sql, generated for the run's processed root, first);
    each result is printed as CSV with a header line naming the file, so the step's stdout log is the
    query output to capture.
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


@dataclass(frozen=True)
class Upload:
    """One object to put before the cluster starts: a local file or in-memory bytes."""

    key: str
    source: Path | None = None
    body: bytes | None = None


def plan_uploads(
    location: RunLocation, repository_root: Path, raw_dir: Path, bootstrap_script: Path
) -> tuple[list[Upload], list[str]]:
    """Everything the run uploads, and the query file names. Fails early on a missing file.

    The DDL goes up adapted to the run's processed root; the other queries as they are.
    """
    uploads = [
        Upload(location.key("code/hyperion.zip"), body=package_archive_bytes(repository_root / "hyperion")),
        Upload(location.key(f"code/{BOOTSTRAP_SCRIPT_NAME}"), source=bootstrap_script),
    ]
    for job in JOBS:
        path = repository_root / "spark_jobs" / job.script
        if not path.is_file():
            raise FileNotFoundError(f"missing Spark job {path}")
        uploads.append(Upload(location.key(f"code/spark_jobs/{job.script}"), source=path))
    query_paths = sorted((repository_root / "queries").glob("*.sql"))
    if not query_paths:
        raise FileNotFoundError(f"no queries in {repository_root / 'queries'}")
    ddl = table_registration_sql(location.locations.processed, location.version)
    uploads.append(Upload(location.key(f"code/queries/{REGISTER_TABLES_FILE}"), body=ddl.encode()))
    for path in query_paths:
        uploads.append(Upload(location.key(f"code/queries/{path.name}"), source=path))
    raw_files = sorted(path for path in raw_dir.rglob("*") if path.is_file())
    if not raw_files:
        raise FileNotFoundError(f"no raw data in {raw_dir}")
    raw_root = location.locations.raw.removeprefix(location.uri())
    uploads += [
        Upload(location.key(f"{raw_root}/{path.relative_to(raw_dir).as_posix()}"), source=path)
        for path in raw_files
    ]
    return uploads, [REGISTER_TABLES_FILE, *(path.name for path in query_paths)]


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
