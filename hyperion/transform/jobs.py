"""What the thin ``spark_jobs/`` entrypoints share: the session, table I/O and the one-line summary.

Paths are URLs (``hdfs://``, ``s3://``, ``file://``) joined with ``/``; nothing here knows the runtime.
A job writes each table to a new version folder, ``<output>/<table>/<version>/``, and reads another job's
table from its newest complete version (see ``hyperion.transform.publish`` for the guarantee): a job
killed mid-write never changes what readers see.
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StructType
from pyspark.util import inheritable_thread_target

from hyperion.transform.publish import (
    SUCCESS_MARKER,
    VersionFolder,
    is_version,
    new_version,
    newest_complete,
    version_folders,
)
from hyperion.transform.schemas import PARTITION_COLUMNS, PROCESSED_TABLES

logger = logging.getLogger(__name__)

# Few, small shuffles: the default of 200 partitions makes hundreds of tiny tasks (and files) here.
DEFAULT_SHUFFLE_PARTITIONS = 8
# Independent actions a job submits at once (see run_concurrently): three keeps the two executor cores
# busy while a third query is planned, code-generated or committed on the driver.
CONCURRENT_ACTIONS = 3

Result = TypeVar("Result")


def load_job_parser(description: str, default_topic: str) -> argparse.ArgumentParser:
    """The parser of jobs 01-03, which read one raw topic folder and write processed tables and rejects."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="raw landing root, e.g. hdfs://localhost:8020/raw")
    parser.add_argument("--topic", default=default_topic, help="raw folder (topic) name under --input")
    parser.add_argument(
        "--output", required=True, help="processed root, e.g. hdfs://localhost:8020/processed"
    )
    parser.add_argument(
        "--rejects", default=None, help="rejects root (default <output>/../rejects/transform)"
    )
    parser.add_argument("--master", default=None, help="Spark master when not run through spark-submit")
    parser.add_argument(
        "--version", default=None, help="version folder to write (default: UTC time + random id)"
    )
    return parser


def export_job_parser(description: str) -> argparse.ArgumentParser:
    """The parser of job 04, which reads the processed tables and writes the site's exports."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="processed root, e.g. hdfs://localhost:8020/processed")
    parser.add_argument(
        "--exports",
        required=True,
        help="exports folder: a local path, or a URL (hdfs://, s3://) written through Hadoop's file system",
    )
    parser.add_argument("--master", default=None, help="Spark master when not run through spark-submit")
    return parser


# Each job's parser by job name, so that a test can check any rendered command line against the job's own
# parser without loading a script by path. The scripts build theirs from the same functions.
JOB_PARSERS: dict[str, Callable[[str], argparse.ArgumentParser]] = {
    "01_load_films": lambda description: load_job_parser(description, "raw-films"),
    "02_load_characters": lambda description: load_job_parser(description, "raw-characters"),
    "03_load_boxoffice": lambda description: load_job_parser(description, "raw-boxoffice"),
    "04_export_analytics": export_job_parser,
}


def job_parser(job_name: str, description: str = "") -> argparse.ArgumentParser:
    """The argument parser of the Spark job ``job_name`` (e.g. ``01_load_films``)."""
    return JOB_PARSERS[job_name](description or f"Spark job {job_name}")


def load_job_arguments(job_name: str, description: str, argv: list[str] | None) -> argparse.Namespace:
    """The parsed arguments of a load job (01-03); ``--version`` defaults to a new one (``new_version``)."""
    parser = job_parser(job_name, description)
    arguments = parser.parse_args(argv)
    if arguments.version is not None and not is_version(arguments.version):
        parser.error(f"--version {arguments.version!r} is not a version name like {new_version()!r}")
    arguments.version = arguments.version or new_version()
    return arguments


def build_session(app_name: str, master: str | None = None) -> SparkSession:
    """The job's SparkSession; ``master`` only when not given by ``spark-submit``.

    ANSI mode is off so that an impossible date in raw data becomes a null (and a reject with its reason)
    instead of failing the job, the same on Spark 4 (ANSI on by default) and Spark 3.5 on EMR (off).
    """
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(DEFAULT_SHUFFLE_PARTITIONS))
        # Adaptive execution (the default since 3.2, set here so EMR's configuration cannot turn it off):
        # it coalesces the small shuffles and broadcasts the small side of a join (films, 195 rows).
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        # Input splits smaller than the default 128 MB, so a few large landed files keep every core busy.
        .config("spark.sql.files.maxPartitionBytes", str(32 * 1024 * 1024))
    )
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def run_concurrently(actions: Sequence[Callable[[], Result]], workers: int | None = None) -> list[Result]:
    """Run independent Spark actions from ``workers`` driver threads at once; their results, in order.

    Most of these jobs' actions are small: a write or a collect of a few thousand rows whose single task
    leaves one of the two executor cores idle while the driver plans, generates code and commits between
    stages. Submitted one after another they add up those gaps; from threads, Spark's scheduler runs one
    action's tasks while another is planned or committed. Each thread inherits the caller's local
    properties (``inheritable_thread_target``), so its jobs stay in the job's group and its stage count.
    The first failure is raised after every action has ended, so no write is left running unseen.
    """
    workers = CONCURRENT_ACTIONS if workers is None else workers
    if workers <= 1 or len(actions) <= 1:
        return [action() for action in actions]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spark-action") as pool:
        futures = [pool.submit(_inheriting_local_properties(action)) for action in actions]
    return [future.result() for future in futures]


def _inheriting_local_properties(action: Callable[[], Result]) -> Callable[[], Result]:
    """``action`` wrapped to run with the calling thread's Spark local properties (its job group).

    Spark 4 warns that job tags are not inherited unless given the session, which 3.5's signature does not
    take; the jobs use job groups (local properties), which both versions copy.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Spark session is not provided")
        return inheritable_thread_target(action)


def join_path(root: str, *parts: str) -> str:
    """``root`` and ``parts`` joined with single slashes (URLs, so not ``os.path``)."""
    return "/".join([root.rstrip("/"), *(part.strip("/") for part in parts)])


def default_rejects_root(output_root: str) -> str:
    """``<output>/../rejects/transform``: the sibling of ``/processed``, per the landing contract."""
    parent = output_root.rstrip("/").rsplit("/", 1)[0]
    return join_path(parent, "rejects", "transform")


def written_rows(spark: SparkSession, path: str, schema: StructType | None = None) -> int:
    """The rows now stored at ``path``: Parquet counted from its footers, JSON Lines (rejects) by lines.

    Counting what was written, not with ``DataFrame.observe``: on Spark 3.5 (EMR 7) with adaptive execution,
    an empty frame's plan is replaced by an empty relation that drops the observer, and ``Observation.get``
    then blocks forever on 3.5.5 (later 3.5 releases return ``{}``); Spark 4 reports ``{'rows': 0}``. A job
    without rejects, the normal case, used to hang or crash there. The explicit schema lets an empty table
    (no data file at all) count as zero instead of failing schema inference.
    """
    if schema is None:
        return spark.read.text(path).count()
    return spark.read.schema(schema).parquet(path).count()


def list_version_folders(spark: SparkSession, table_root: str) -> list[VersionFolder]:
    """The version folders under ``table_root``, through Spark's Hadoop ``FileSystem``.

    The JVM's file system, not a Python client, so the same call lists ``hdfs://``, ``s3a://``, EMR's
    ``s3://`` and ``file://`` with the job's own configuration and credentials.
    """
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(table_root)
    file_system = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not file_system.exists(root):
        return []
    entries = []
    for status in file_system.listStatus(root):
        if status.isDirectory():
            folder = status.getPath()
            marker = jvm.org.apache.hadoop.fs.Path(folder, SUCCESS_MARKER)
            entries.append((folder.getName(), bool(file_system.exists(marker))))
    return version_folders(entries)


def newest_table_path(spark: SparkSession, root: str, table: str) -> str:
    """``<root>/<table>/<version>`` of the table's newest complete version; an error naming it if none."""
    version = newest_complete(list_version_folders(spark, join_path(root, table)))
    if version is None:
        raise FileNotFoundError(
            f"{table}: no complete version (a <version>/ folder with {SUCCESS_MARKER}) under "
            f"{join_path(root, table)}/; run the job that writes it first"
        )
    return join_path(root, table, version)


def read_table(spark: SparkSession, root: str, table: str) -> DataFrame:
    """The newest complete version of the processed ``table`` under ``root``.

    Read with the table's known schema: inferring it would run one Spark job per read to open a footer.
    """
    path = newest_table_path(spark, root, table)
    logger.info("reading %s", path)
    return spark.read.schema(PROCESSED_TABLES[table]).parquet(path)


def write_table(
    frame: DataFrame, output_root: str, table: str, version: str, counted: DataFrame | None = None
) -> tuple[str, int]:
    """Write the processed ``table`` as ``<output_root>/<table>/<version>/``; return its path and row count.

    The folder is new (a run's version is unique), so no reader is affected until it is published, and
    an existing folder is an error rather than overwritten. Spark's commit writes ``_SUCCESS`` last: the
    folder is complete only then. The frame must already have the table's schema. A partitioned table is
    repartitioned by its partition columns first, so each partition folder holds one file.

    ``counted`` is a persisted frame holding exactly the written rows (usually ``frame`` itself): its count
    comes from memory instead of reading the table back.
    """
    expected = PROCESSED_TABLES[table]
    if frame.schema.simpleString() != expected.simpleString():
        raise ValueError(f"{table}: schema {frame.schema.simpleString()} is not {expected.simpleString()}")
    path = join_path(output_root, table, version)
    partition_columns = PARTITION_COLUMNS.get(table, [])
    # One file per table (or per partition): the tables are small, and Trino reads fewer footers.
    # coalesce(1), not repartition(1): every unpartitioned table ends in an aggregation, a window or a
    # join, so the single task only runs that last step, and the extra shuffle (a stage of its own, each
    # a job under adaptive execution) is saved (docs/05-transform.md, "Job 03's stages").
    writer_frame = frame.repartition(*partition_columns) if partition_columns else frame.coalesce(1)
    writer = writer_frame.write.mode("errorifexists").option("compression", "zstd")
    if partition_columns:
        writer = writer.partitionBy(*partition_columns)
    writer.parquet(path)
    if counted is not None:
        return path, counted.count()
    return path, written_rows(frame.sparkSession, path, expected)


def write_rejects(frame: DataFrame, rejects_root: str, table: str) -> tuple[str, int]:
    """Overwrite ``<rejects_root>/<table>/`` with the rejects as JSON Lines (an empty folder when none).

    Returns the folder and the number of rejects.
    """
    path = join_path(rejects_root, table)
    # repartition, not coalesce: coalesce(1) would pull the whole upstream scan into a single task.
    frame.repartition(1).write.mode("overwrite").json(path)
    return path, written_rows(frame.sparkSession, path)


@dataclass
class JobSummary:
    """Counts and timing of one job run, logged as one line at the end."""

    job: str
    rows_in: int = 0
    rows_out: dict[str, int] = field(default_factory=dict)
    rejects: int = 0
    stages: int | None = None
    tasks: int | None = None
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def line(self) -> str:
        tables = ", ".join(f"{table}={rows}" for table, rows in self.rows_out.items())
        stages = f" stages={self.stages} tasks={self.tasks}" if self.stages is not None else ""
        return (
            f"{self.job}: rows_in={self.rows_in} rows_out={sum(self.rows_out.values())} ({tables}) "
            f"rejects={self.rejects}{stages} seconds={self.seconds:.1f}"
        )
