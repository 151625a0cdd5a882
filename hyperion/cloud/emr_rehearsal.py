"""The EMR proof run, rehearsed on this machine: the real plan, moto's S3, Spark 3.5, the local Trino.

What runs is :func:`hyperion.cloud.emr_run.build_plan`, the same plan ``deploy/emr/run_proof.py`` carries
out on EMR. Only the endpoint and the credentials differ from a real run:

1. moto's server (127.0.0.1 only, dummy credentials) is the S3; the plan's uploads go to it through
   :func:`hyperion.cloud.emr_run.upload_all`, as in a real run;
2. each Spark step's exact argument list (``s3://`` URIs kept) runs on pyspark 3.5.5, EMR 7.9's Spark, in
   local mode. Only ``spark-submit`` becomes the 3.5 virtualenv's. What EMR's cluster configuration gives
   (``s3://`` through EMRFS) comes from a ``spark-defaults.conf``: ``fs.s3.impl`` is S3A (hadoop-aws and
   the AWS SDK bundle matching pyspark 3.5.5's Hadoop 3.3.4) pointed at moto with path-style access;
3. the local Trino's ``rehearsal`` catalog (:mod:`hyperion.runtime.rehearsal_catalog`: native S3, Trino's
   file metastore) registers the tables with the DDL the plan uploaded, and runs the uploaded queries;
4. the same raw data goes through the HDFS run (Spark 4 on the stack's master, ``hdfs://``, the ``hive``
   catalog), and the two runs are compared: each table's row count and Trino checksums, each query's
   sorted rows, and the exports' bytes.

The query step itself (bash, ``aws s3 cp``, trino-cli on the primary node) is not run: its SQL is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import trino
from hdfs import InsecureClient

from hyperion.cloud import emr_run
from hyperion.cloud.emr import REGISTER_TABLES_FILE, SCHEMA, RunLocation
from hyperion.config import Settings
from hyperion.pipeline import JOBS, Locations
from hyperion.runtime import rehearsal_catalog, spark35
from hyperion.runtime.hadoop_config import render_spark_defaults
from hyperion.runtime.spark_submit import (
    SubmitOptions,
    build_package_archive,
    run_command,
    run_pipeline_job,
    submit_environment,
)
from hyperion.transform.schemas import PROCESSED_TABLES
from hyperion.transform.storage import version_store
from hyperion.transform.trino_sql import adapt_sql, register_tables, split_statements

logger = logging.getLogger(__name__)

PREFIX = "hyperion-emr-proof/rehearsal"
_HIVE_CATALOG_REFERENCE = re.compile(r"\bhive\.(?=[a-z_])")


# --- pure parts ------------------------------------------------------------------------------------------


def spark_defaults(endpoint: str, jars: Sequence[Path], python: str) -> dict[str, str]:
    """What the EMR cluster's configuration gives the steps, for a local Spark 3.5 talking to moto.

    EMR resolves ``s3://`` with EMRFS; here the ``s3`` scheme maps to S3A. Local mode stands in for the
    cluster; the Python is the 3.5 virtualenv's, as the bootstrap action installs Python 3.11 on EMR.
    """
    classpath = ":".join(str(jar) for jar in jars)
    return {
        "spark.master": "local[2]",
        "spark.driver.memory": "1g",
        "spark.driver.extraClassPath": classpath,
        "spark.executor.extraClassPath": classpath,
        "spark.pyspark.python": python,
        "spark.pyspark.driver.python": python,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": rehearsal_catalog.REGION,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": str(endpoint.startswith("https")).lower(),
        "spark.hadoop.fs.s3a.aws.credentials.provider": (
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
        ),
        "spark.hadoop.fs.s3a.access.key": rehearsal_catalog.ACCESS_KEY,
        "spark.hadoop.fs.s3a.secret.key": rehearsal_catalog.SECRET_KEY,
    }


def local_step_command(step: dict[str, Any], spark_submit: Path) -> list[str]:
    """An EMR step's exact arguments, with ``spark-submit`` being the local Spark 3.5's."""
    arguments = step["HadoopJarStep"]["Args"]
    if arguments[0] != "spark-submit":
        raise ValueError(f"step {step['Name']} is not a spark-submit step: {arguments[:3]}")
    return [str(spark_submit), *arguments[1:]]


def in_catalog(sql: str, catalog: str) -> str:
    """SQL written for the ``hive`` catalog (``hive.<schema>.<table>``, ``hive.system``) moved to another."""
    return _HIVE_CATALOG_REFERENCE.sub(f"{catalog}.", sql)


def rows_digest(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 of a result's rows, sorted (so ties in a query's order do not count as differences)."""
    lines = sorted(json.dumps(list(row), default=str) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def fingerprint_sql(catalog: str, schema: str, table: str) -> str:
    """Row count and Trino's order-independent checksum of a processed table's whole rows.

    ``checksum`` hashes each value (here: each row, all columns together) and combines the hashes so that
    order does not count: equal for two tables exactly when they hold the same multiset of rows (up to
    hash collisions), which is what a hash of the sorted rows says, without fetching them.
    """
    columns = ", ".join(column.name for column in PROCESSED_TABLES[table].fields)
    return f"select count(*), checksum(row({columns})) from {catalog}.{schema}.{table}"


@dataclass
class Comparison:
    """One thing compared between the HDFS run and the S3 run."""

    kind: str
    name: str
    hdfs: str
    s3: str
    # Rows for a table or a query; bytes for an export, which is compared byte for byte.
    size: int

    @property
    def equal(self) -> bool:
        return self.hdfs == self.s3

    @property
    def measure(self) -> str:
        return f"{'bytes' if self.kind == 'export' else 'rows'}={self.size}"


@dataclass
class RehearsalReport:
    steps: list[tuple[str, list[str]]] = field(default_factory=list)
    uploaded: list[tuple[str, int]] = field(default_factory=list)
    written: list[tuple[str, int]] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.comparisons) and all(comparison.equal for comparison in self.comparisons)

    def lines(self) -> list[str]:
        """The report as printed by ``make rehearse-emr``."""
        lines = ["== EMR steps (exact arguments, run on pyspark 3.5.5 against moto's S3)"]
        for name, arguments in self.steps:
            lines.append(f"{name}: {' '.join(arguments)}")
        lines.append(f"== S3 objects uploaded by run_proof's plan: {len(self.uploaded)}")
        lines.append(f"== S3 objects written by the steps: {len(self.written)}")
        lines += [f"{size:>10}  {key}" for key, size in self.written]
        lines.append("== HDFS run (Spark 4, hive catalog) vs S3 run (Spark 3.5, rehearsal catalog)")
        for comparison in self.comparisons:
            verdict = "equal" if comparison.equal else "DIFFERENT"
            lines.append(
                f"{comparison.kind:<7} {comparison.name:<33} {comparison.measure:<13} "
                f"hdfs={comparison.hdfs[:16]} s3={comparison.s3[:16]} {verdict}"
            )
        equal = sum(comparison.equal for comparison in self.comparisons)
        lines.append(
            f"rehearsal {'PASSED' if self.passed else 'FAILED'}: {equal}/{len(self.comparisons)} equal"
        )
        return lines


# --- moto's S3 --------------------------------------------------------------------------------------------


@contextmanager
def moto_s3(endpoint: str) -> Iterator[Any]:
    """moto's server on the endpoint's loopback address and port, and an S3 client with dummy credentials."""
    from moto.server import ThreadedMotoServer  # a dev dependency: only the rehearsal needs it

    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the rehearsal's S3 must listen on loopback, not {host}")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", int(port))) == 0:
            raise RuntimeError(f"port {port} is taken: the rehearsal's S3 ({endpoint}) cannot start")
    # One log line per S3 request would bury the report.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(port), verbose=False)
    server.start()
    try:
        # The rehearsal's dummy key pair on a session of its own: nothing from the AWS environment is used.
        core = botocore.session.Session()
        core.set_credentials(rehearsal_catalog.ACCESS_KEY, rehearsal_catalog.SECRET_KEY)
        session = boto3.session.Session(botocore_session=core, region_name=rehearsal_catalog.REGION)
        yield session.client("s3", endpoint_url=endpoint)
    finally:
        server.stop()


def list_objects(s3_client: Any, bucket: str, prefix: str) -> list[tuple[str, int]]:
    paginator = s3_client.get_paginator("list_objects_v2")
    return [
        (item["Key"], item["Size"])
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]


# --- the two runs -----------------------------------------------------------------------------------------


def run_sql(connection: Any, sql: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for statement in split_statements(sql):
        cursor = connection.cursor()
        cursor.execute(statement)
        rows = [list(row) for row in cursor.fetchall()]
    return rows


def run_steps_on_spark35(
    steps: list[dict[str, Any]], settings: Settings, work: Path, report: RehearsalReport
) -> None:
    """Every Spark step of the plan, its arguments untouched, on pyspark 3.5.5 with S3A on moto."""
    cache = Path(settings.cache_directory)
    venv = spark35.ensure_venv(cache)
    jars = spark35.ensure_s3a_jars(cache, work / "maven.log")
    python = str(spark35.python_of(venv))
    conf_directory = work / "spark-conf"
    conf_directory.mkdir(parents=True, exist_ok=True)
    defaults = spark_defaults(settings.rehearsal_s3_endpoint, jars, python)
    (conf_directory / "spark-defaults.conf").write_text(render_spark_defaults(defaults))
    environment = submit_environment(spark35.spark_home(venv), python)
    environment["SPARK_CONF_DIR"] = str(conf_directory)
    for step in steps:
        if step["HadoopJarStep"]["Args"][0] != "spark-submit":
            continue
        command = local_step_command(step, spark35.spark_home(venv) / "bin" / "spark-submit")
        report.steps.append((step["Name"], step["HadoopJarStep"]["Args"]))
        seconds = run_command(command, step["Name"], work / "logs" / f"{step['Name']}.log", environment)
        logger.info("step %s completed on Spark 3.5 in %.1f s", step["Name"], seconds)


def run_on_hdfs(settings: Settings, raw_dir: Path, work: Path, schema: str, root: str) -> Locations:
    """The HDFS run of the same raw data: Spark 4 on the stack's master, tables in ``hive.<schema>``."""
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    # Trino's location policy takes tables under <hdfs_url>/processed only, so the run's tables go there,
    # in a folder of their own (no table of the pipeline has that name); raw and rejects stay under root.
    run_folder = root.strip("/").replace("/", "-")
    locations = Locations(
        raw=f"{settings.hdfs_url}{root}/raw",
        processed=f"{settings.hdfs_url}/processed/{run_folder}",
        rejects=f"{settings.hdfs_url}{root}/rejects/transform",
        exports=str(work / "hdfs-exports"),
    )
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        client.upload(f"{root}/raw/{path.relative_to(raw_dir).as_posix()}", str(path), overwrite=True)
    options = SubmitOptions(
        master=settings.spark_master_url, py_files=build_package_archive(work / "hdfs-run" / "hyperion.zip")
    )
    for job in JOBS:
        run_pipeline_job(job, locations, options, work / "hdfs-run" / f"{job.key}.log")
    return locations


def compare_runs(
    hdfs_connection: Any,
    s3_connection: Any,
    hdfs_schema: str,
    queries: dict[str, str],
    report: RehearsalReport,
) -> None:
    """Fill ``report.comparisons`` with each table's and each query's digests on both runs."""
    for table in PROCESSED_TABLES:
        hdfs_rows = run_sql(hdfs_connection, fingerprint_sql("hive", hdfs_schema, table))
        s3_rows = run_sql(s3_connection, fingerprint_sql(rehearsal_catalog.CATALOG, SCHEMA, table))
        report.comparisons.append(
            Comparison("table", table, rows_digest(hdfs_rows), rows_digest(s3_rows), int(s3_rows[0][0]))
        )
    for name, text in sorted(queries.items()):
        hdfs_rows = run_sql(hdfs_connection, adapt_sql(text, schema=hdfs_schema))
        s3_rows = run_sql(s3_connection, in_catalog(text, rehearsal_catalog.CATALOG))
        report.comparisons.append(
            Comparison("query", name, rows_digest(hdfs_rows), rows_digest(s3_rows), len(s3_rows))
        )


def compare_exports(
    s3_client: Any, location: RunLocation, hdfs_exports: Path, report: RehearsalReport
) -> None:
    prefix = location.key("exports/")
    for key, _ in list_objects(s3_client, location.bucket, prefix):
        name = key.removeprefix(prefix)
        s3_bytes = s3_client.get_object(Bucket=location.bucket, Key=key)["Body"].read()
        hdfs_bytes = (hdfs_exports / name).read_bytes() if (hdfs_exports / name).is_file() else b""
        report.comparisons.append(
            Comparison(
                "export",
                name,
                hashlib.sha256(hdfs_bytes).hexdigest(),
                hashlib.sha256(s3_bytes).hexdigest(),
                len(s3_bytes),
            )
        )


def _connect(settings: Settings, catalog: str) -> Any:
    return trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog=catalog
    )


def hdfs_reference_run(settings: Settings, raw_dir: Path, work: Path, schema: str, root: str) -> Locations:
    """The HDFS run, its tables registered in ``hive.<schema>`` as ``scripts/06_queries.py`` does it."""
    locations = run_on_hdfs(settings, raw_dir, work, schema, root)
    store = version_store(locations.processed, settings.webhdfs_url, settings.hdfs_user)
    register_tables(_connect(settings, "hive"), store, locations.processed, schema)
    return locations


def drop_schema(connection: Any, catalog: str, schema: str) -> None:
    """Drop a schema with its views and tables (external tables: the data stays where it is)."""
    objects = run_sql(
        connection,
        f"select table_name, table_type from {catalog}.information_schema.tables "
        f"where table_schema = '{schema}'",
    )
    for name, kind in sorted(objects, key=lambda item: item[1] != "VIEW"):
        run_sql(connection, f"drop {'view' if kind == 'VIEW' else 'table'} {catalog}.{schema}.{name}")
    run_sql(connection, f"drop schema if exists {catalog}.{schema}")


def rehearse(
    settings: Settings,
    raw_dir: Path,
    work: Path,
    repository_root: Path | None = None,
    progress: Callable[[str], None] = logger.info,
) -> RehearsalReport:
    """Run the EMR plan against moto's S3 on Spark 3.5 and the HDFS run on the stack; compare them.

    The two runs are independent until the comparison, so they run at the same time: the HDFS run on the
    stack's Spark master in a thread, the S3 run's steps in local mode here. Cleans up what it created in
    HDFS and in the ``hive`` catalog; moto's S3 lives only as long as this call.
    """
    report = RehearsalReport()
    run_id = uuid.uuid4().hex[:10]
    hdfs_schema, hdfs_root = f"rehearsal_hdfs_{run_id}", f"/rehearsal/{run_id}"
    location = RunLocation(rehearsal_catalog.BUCKET, PREFIX)
    proof_arguments = ["--bucket", location.bucket, "--prefix", location.prefix, "--raw-dir", str(raw_dir)]
    if repository_root is not None:
        proof_arguments += ["--repository-root", str(repository_root)]
    plan = emr_run.build_plan(emr_run.argument_parser("rehearsal").parse_args(proof_arguments), location)
    hive = _connect(settings, "hive")
    s3_trino = _connect(settings, rehearsal_catalog.CATALOG)
    catalogs = {row[0] for row in run_sql(hive, "show catalogs")}
    if rehearsal_catalog.CATALOG not in catalogs:
        raise RuntimeError(
            f"Trino at {settings.trino_url} has no '{rehearsal_catalog.CATALOG}' catalog: the local runtime "
            "renders it at start-up (make down up), the Docker runtime has none"
        )
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hdfs-run") as pool:
            progress(f"HDFS run: raw data from {raw_dir} through Spark 4 into {settings.hdfs_url}{hdfs_root}")
            hdfs_run = pool.submit(hdfs_reference_run, settings, raw_dir, work, hdfs_schema, hdfs_root)
            with moto_s3(settings.rehearsal_s3_endpoint) as s3_client:
                s3_client.create_bucket(Bucket=location.bucket)
                progress(
                    f"S3 run: {len(plan.uploads)} uploads of run_proof's plan to moto, "
                    f"{settings.rehearsal_s3_endpoint}"
                )
                emr_run.upload_all(s3_client, location.bucket, plan.uploads)
                report.uploaded = list_objects(s3_client, location.bucket, location.key("code/"))
                report.uploaded += list_objects(s3_client, location.bucket, location.key("raw/"))
                run_steps_on_spark35(plan.steps, settings, work, report)
                report.written = [
                    item
                    for folder in ("processed/", "rejects/", "exports/")
                    for item in list_objects(s3_client, location.bucket, location.key(folder))
                ]
                queries = {
                    key.rsplit("/", 1)[1]: s3_client.get_object(Bucket=location.bucket, Key=key)["Body"]
                    .read()
                    .decode()
                    for key, _ in list_objects(s3_client, location.bucket, location.key("code/queries/"))
                }
                # The registration as uploaded: generated by the plan for the run's s3:// root and version.
                run_sql(s3_trino, in_catalog(queries.pop(REGISTER_TABLES_FILE), rehearsal_catalog.CATALOG))
                progress("S3 run done; waiting for the HDFS run")
                hdfs_locations = hdfs_run.result()
                compare_runs(hive, s3_trino, hdfs_schema, queries, report)
                compare_exports(s3_client, location, Path(hdfs_locations.exports), report)
    finally:
        drop_schema(hive, "hive", hdfs_schema)
        client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
        client.delete(hdfs_root, recursive=True)
        client.delete(f"/processed/{hdfs_root.strip('/').replace('/', '-')}", recursive=True)
    return report


def _landed_files(client: InsecureClient, topic: str) -> list[str]:
    folder = f"/raw/{topic}"
    if client.status(folder, strict=False) is None:
        return []
    return [name for name in client.list(folder) if name.endswith(".jsonl")]


def landed_raw_exists(settings: Settings) -> bool:
    """Whether HDFS ``/raw`` holds landed files for every raw topic."""
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    return all(_landed_files(client, topic) for topic in settings.raw_topics)


def landed_raw_from_hdfs(settings: Settings, destination: Path) -> Path:
    """Copy HDFS ``/raw/<topic>/`` (what ``make ingest`` landed) to ``destination`` as the run's --raw-dir."""
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    for topic in settings.raw_topics:
        files = _landed_files(client, topic)
        if not files:
            raise FileNotFoundError(f"no landed files in HDFS /raw/{topic}: run `make ingest` first")
        (destination / topic).mkdir()
        for name in files:
            client.download(f"/raw/{topic}/{name}", str(destination / topic / name), overwrite=True)
    return destination
