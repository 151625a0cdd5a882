"""The transform pipeline, defined once: each Spark job's script, what it reads and writes, its arguments.

Every place that runs the jobs renders its command lines from :data:`JOBS` and a :class:`Locations`:

* the local runtime's ``spark-submit`` (:mod:`hyperion.runtime.spark_submit`, ``scripts/05_transform.py``);
* the EMR proof run's steps (:mod:`hyperion.cloud.emr`), with ``s3://`` locations;
* the Compose runtime's in-network submits (:func:`docker_compose_commands`, shown in
  ``docs/docker-runtime.md``).

A unit test feeds every rendered argument list to the job's own parser (``hyperion.transform.jobs``), so
the copies cannot drift apart again. This module imports no wing of the package: every wing may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hyperion.config import Settings

PROCESSED = "processed"
RAW = "raw"
EXPORTS = "exports"


def join_location(root: str, *parts: str) -> str:
    """``root`` and ``parts`` joined with single slashes: locations are URLs, not ``os.path`` paths."""
    return "/".join([root.rstrip("/"), *(part.strip("/") for part in parts if part.strip("/"))])


@dataclass(frozen=True)
class Locations:
    """Where one pipeline run reads and writes: ``hdfs://``, ``s3://``, ``file://`` URLs or local folders.

    ``raw`` holds one folder per topic (``<raw>/<topic>/*.jsonl``, as the consumers land it);
    ``processed`` one folder per table; ``rejects`` one folder of JSON Lines per table; ``exports`` the
    site's small Parquet files and ``manifest.json``. ``version`` is the version folder the load jobs
    write (``<processed>/<table>/<version>/``): fixed when a run must name it before the jobs run (the EMR
    plan uploads its registration first), None to let each job take a new one.
    """

    raw: str
    processed: str
    rejects: str
    exports: str
    version: str | None = None

    @classmethod
    def under(cls, root: str, exports: str | None = None, version: str | None = None) -> Locations:
        """The layout under one root: ``raw/``, ``processed/``, ``rejects/transform/``, ``exports/``."""
        return cls(
            raw=join_location(root, RAW),
            processed=join_location(root, PROCESSED),
            rejects=join_location(root, "rejects", "transform"),
            exports=exports if exports is not None else join_location(root, EXPORTS),
            version=version,
        )


@dataclass(frozen=True)
class Job:
    """One Spark job: its script under ``spark_jobs/`` and the folders it reads and writes.

    ``reads`` and ``writes`` are ``(location, folder)`` pairs, ``location`` being a :class:`Locations`
    field name. A job with a ``topic`` reads ``<raw>/<topic>/`` and writes processed tables and rejects;
    the export job reads processed tables and writes the exports.
    """

    key: str
    name: str
    reads: tuple[tuple[str, str], ...]
    writes: tuple[tuple[str, str], ...]
    topic: str | None = None

    @property
    def script(self) -> str:
        return f"{self.name}.py"

    def arguments(self, locations: Locations) -> list[str]:
        """The job's own arguments (after the script) for a run over ``locations``."""
        if self.topic is not None:
            return [
                "--input",
                locations.raw,
                "--topic",
                self.topic,
                "--output",
                locations.processed,
                "--rejects",
                locations.rejects,
                *(["--version", locations.version] if locations.version is not None else []),
            ]
        return ["--input", locations.processed, "--exports", locations.exports]

    def input_paths(self, locations: Locations) -> list[str]:
        return [join_location(getattr(locations, field), folder) for field, folder in self.reads]

    def output_paths(self, locations: Locations) -> list[str]:
        return [join_location(getattr(locations, field), folder) for field, folder in self.writes]


# The processed tables job 04 builds the site's exports from (the job reads this same tuple).
EXPORT_INPUT_TABLES = (
    "studios",
    "franchises",
    "films",
    "characters",
    "character_appearances",
    "box_office_daily",
    "box_office_weekly",
    "box_office_film_summary",
    "box_office_reconciliation",
)


def _processed(*tables: str) -> tuple[tuple[str, str], ...]:
    return tuple((PROCESSED, table) for table in tables)


# The topic names are the Settings defaults (conf/kafka/topics.json), which are also the raw folder names.
JOBS: tuple[Job, ...] = (
    Job(
        "01",
        "01_load_films",
        reads=((RAW, Settings.topic_films),),
        writes=(*_processed("studios", "franchises", "films"), ("rejects", "films")),
        topic=Settings.topic_films,
    ),
    Job(
        "02",
        "02_load_characters",
        reads=((RAW, Settings.topic_characters), *_processed("films")),
        writes=(
            *_processed("characters", "talent", "character_appearances"),
            ("rejects", "character_appearances"),
        ),
        topic=Settings.topic_characters,
    ),
    Job(
        "03",
        "03_load_boxoffice",
        reads=((RAW, Settings.topic_boxoffice), *_processed("films")),
        writes=(
            *_processed(
                "box_office_daily",
                "box_office_weekly",
                "box_office_film_summary",
                "box_office_reconciliation",
            ),
            ("rejects", "box_office_daily"),
        ),
        topic=Settings.topic_boxoffice,
    ),
    Job(
        "04",
        "04_export_analytics",
        reads=_processed(*EXPORT_INPUT_TABLES),
        writes=((EXPORTS, ""),),
    ),
)
JOBS_BY_KEY: dict[str, Job] = {job.key: job for job in JOBS}


def select_jobs(keys: Sequence[str] | None = None) -> list[Job]:
    """The jobs with these keys, in pipeline order (all of them when ``keys`` is None)."""
    if keys is None:
        return list(JOBS)
    unknown = sorted(set(keys) - set(JOBS_BY_KEY))
    if unknown:
        raise ValueError(f"unknown job(s) {unknown}; known: {sorted(JOBS_BY_KEY)}")
    return [job for job in JOBS if job.key in set(keys)]


@dataclass(frozen=True)
class SubmitTarget:
    """How one runtime launches a job: the launcher with its options, where the scripts are, the package.

    ``command`` is everything before ``--py-files`` and the script (``spark-submit`` and its options, or
    ``docker compose run --rm spark-submit``); ``jobs_directory`` the folder or URI of ``spark_jobs/``;
    ``py_files`` the zipped hyperion package, when the runtime does not have it on its ``PYTHONPATH``.
    """

    command: tuple[str, ...]
    jobs_directory: str
    py_files: str | None = None


def spark_submit_arguments(job: Job, locations: Locations, target: SubmitTarget) -> list[str]:
    """The whole command line that runs ``job`` over ``locations`` on ``target``."""
    return [
        *target.command,
        *(["--py-files", target.py_files] if target.py_files else []),
        join_location(target.jobs_directory, job.script),
        *job.arguments(locations),
    ]


# --- the whole transform as one Spark application ------------------------------------------------------

# The driver that runs the selected jobs in order in one SparkSession (``make transform``): one JVM, one
# executor set, one Python worker pool instead of four. Each job still runs alone from its own script.
TRANSFORM_DRIVER_SCRIPT = "transform_all.py"


def driver_arguments(locations: Locations, keys: Sequence[str] | None = None) -> list[str]:
    """The driver's arguments for a run of the jobs ``keys`` (all by default) over ``locations``."""
    selected = [job.key for job in select_jobs(keys)]
    return [
        "--raw",
        locations.raw,
        "--processed",
        locations.processed,
        "--rejects",
        locations.rejects,
        "--exports",
        locations.exports,
        "--jobs",
        *selected,
    ]


def driver_submit_arguments(
    locations: Locations, target: SubmitTarget, keys: Sequence[str] | None = None
) -> list[str]:
    """The whole command line that runs the jobs ``keys`` in one application on ``target``."""
    return [
        *target.command,
        *(["--py-files", target.py_files] if target.py_files else []),
        join_location(target.jobs_directory, TRANSFORM_DRIVER_SCRIPT),
        *driver_arguments(locations, keys),
    ]


# --- the Compose runtime -----------------------------------------------------------------------------------

# In the Compose network the services answer by name, and the checkout is mounted read-only at the
# spark-submit service's working directory, so the exports go to HDFS (docs/docker-runtime.md).
DOCKER_HDFS_URL = "hdfs://namenode:8020"
DOCKER_LOCATIONS = Locations(
    raw=f"{DOCKER_HDFS_URL}/raw",
    processed=f"{DOCKER_HDFS_URL}/processed",
    rejects=f"{DOCKER_HDFS_URL}/rejects/transform",
    exports=f"{DOCKER_HDFS_URL}/exports",
)
# The spark-submit service's entrypoint is docker/spark/submit.sh, which runs spark-submit on the master
# with the repository on PYTHONPATH (no --py-files needed).
DOCKER_COMPOSE_SUBMIT = SubmitTarget(
    command=("docker", "compose", "run", "--rm", "spark-submit"), jobs_directory="spark_jobs"
)


def docker_compose_commands(
    locations: Locations = DOCKER_LOCATIONS, target: SubmitTarget = DOCKER_COMPOSE_SUBMIT
) -> list[list[str]]:
    """The commands that run the whole transform in the Compose runtime, in order."""
    return [spark_submit_arguments(job, locations, target) for job in JOBS]


def docker_compose_driver_command(
    locations: Locations = DOCKER_LOCATIONS, target: SubmitTarget = DOCKER_COMPOSE_SUBMIT
) -> list[str]:
    """The one command that runs the whole transform in one application in the Compose runtime."""
    return driver_submit_arguments(locations, target)
