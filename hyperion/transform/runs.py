"""The four Spark jobs' bodies, each run in a given session: alone (``spark_jobs/0N_*.py``) or one after
another in one application (``spark_jobs/transform_all.py``).

A body takes the session and the job's parsed arguments (from the job's own parser, so the standalone
scripts, the EMR steps, Compose and the one-application driver all pass the same arguments) and returns
its :class:`~hyperion.transform.jobs.JobSummary`. Each body runs under a Spark job group named after the
job, so :func:`~hyperion.transform.stages.group_stages` can count the stages and tasks it used.
"""

from __future__ import annotations

import argparse
import functools
import logging
from collections.abc import Callable

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StructType

from hyperion.logs import configure_logging
from hyperion.pipeline import EXPORT_INPUT_TABLES
from hyperion.transform import boxoffice, characters, exports, films, jobs, stages
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import RAW_BOXOFFICE, RAW_CHARACTERS, RAW_FILMS

logger = logging.getLogger(__name__)

TABLE_03 = boxoffice.TABLE

JobBody = Callable[[SparkSession, argparse.Namespace, jobs.JobSummary], None]


def _rejects_root(arguments: argparse.Namespace) -> str:
    return arguments.rejects or jobs.default_rejects_root(arguments.output)


def _read_counted_raw(
    spark: SparkSession, arguments: argparse.Namespace, schema: StructType, summary: jobs.JobSummary
) -> DataFrame:
    """A load job's raw topic folder, cached; its row count is the summary's ``rows_in``."""
    raw = read_raw(spark, jobs.join_path(arguments.input, arguments.topic), schema).cache()
    summary.rows_in = raw.count()
    return raw


def _write_load_outputs(
    arguments: argparse.Namespace,
    summary: jobs.JobSummary,
    tables: dict[str, DataFrame],
    rejects: DataFrame,
    rejects_table: str,
) -> None:
    """Write a load job's processed tables and its rejects, at once; their row counts go to ``summary``.

    The writes are independent (each is its own version folder or rejects folder), so they run
    concurrently (:func:`~hyperion.transform.jobs.run_concurrently`); the counts are recorded in table order.
    """
    writes: list[Callable[[], tuple[str, int]]] = [
        functools.partial(jobs.write_table, frame, arguments.output, table, arguments.version)
        for table, frame in tables.items()
    ]
    writes.append(functools.partial(jobs.write_rejects, rejects, _rejects_root(arguments), rejects_table))
    *written, (_, summary.rejects) = jobs.run_concurrently(writes)
    for table, (_, rows) in zip(tables, written, strict=True):
        summary.rows_out[table] = rows


def load_films(spark: SparkSession, arguments: argparse.Namespace, summary: jobs.JobSummary) -> None:
    """Job 01: raw films to ``studios``, ``franchises``, ``films`` and the films' rejects."""
    raw = _read_counted_raw(spark, arguments, RAW_FILMS, summary)
    latest, rejects = films.split_raw_films(raw)
    tables = {
        "studios": films.build_studios(latest),
        "franchises": films.build_franchises(latest),
        "films": films.build_films(latest),
    }
    _write_load_outputs(arguments, summary, tables, rejects, "films")
    raw.unpersist()


def load_characters(spark: SparkSession, arguments: argparse.Namespace, summary: jobs.JobSummary) -> None:
    """Job 02: raw characters to ``characters``, ``talent``, ``character_appearances`` and rejects."""
    raw = _read_counted_raw(spark, arguments, RAW_CHARACTERS, summary)
    catalog = jobs.read_table(spark, arguments.output, "films")
    appearances, rejects = characters.split_raw_characters(raw, catalog)
    appearances = appearances.cache()
    tables = {
        "characters": characters.build_characters(appearances),
        "talent": characters.build_talent(appearances),
        "character_appearances": characters.build_character_appearances(appearances),
    }
    _write_load_outputs(arguments, summary, tables, rejects, "character_appearances")
    appearances.unpersist()
    raw.unpersist()


def load_boxoffice(spark: SparkSession, arguments: argparse.Namespace, summary: jobs.JobSummary) -> None:
    """Job 03: raw box office to the daily, weekly, summary and reconciliation tables, and rejects.

    The JSON is parsed once into a flat persisted frame (the row count, the rejects and the tables all come
    from it). ``daily`` is kept in memory hash-partitioned by ``film_key``, so weekly and the film summary
    (every grouping and join keyed by film) are derived from it without another shuffle, and nothing that
    was just written is read back (docs/05-transform.md, "Job 03's stages").
    """
    version, output = arguments.version, arguments.output
    raw = read_raw(spark, jobs.join_path(arguments.input, arguments.topic), RAW_BOXOFFICE)
    labeled = boxoffice.label_rows(raw).persist(StorageLevel.MEMORY_AND_DISK)
    summary.rows_in = labeled.count()
    catalog = jobs.read_table(spark, output, "films").cache()
    valid_rows, early_rejects = boxoffice.split_labeled_rows(labeled)
    keyed = boxoffice.deduplicate_rows(valid_rows, catalog).persist(StorageLevel.MEMORY_AND_DISK)
    _, summary.rejects = jobs.write_rejects(
        early_rejects.unionByName(boxoffice.unresolved_rejects(keyed)), _rejects_root(arguments), TABLE_03
    )
    daily = boxoffice.film_partitioned(boxoffice.build_daily(boxoffice.resolved_rows(keyed)))
    daily = daily.persist(StorageLevel.MEMORY_AND_DISK)
    _, summary.rows_out[TABLE_03] = jobs.write_table(daily, output, TABLE_03, version, counted=daily)
    keyed.unpersist()
    labeled.unpersist()
    film_summary = boxoffice.build_film_summary(daily, catalog).cache()

    def write_summary_and_reconciliation() -> tuple[int, int]:
        _, summary_rows = jobs.write_table(
            film_summary, output, "box_office_film_summary", version, counted=film_summary
        )
        reconciliation = boxoffice.build_reconciliation(film_summary, catalog)
        _, reconciliation_rows = jobs.write_table(
            reconciliation, output, "box_office_reconciliation", version
        )
        return summary_rows, reconciliation_rows

    # Weekly and the summary both read the persisted daily frame; the reconciliation needs the summary.
    (_, weekly_rows), (summary_rows, reconciliation_rows) = jobs.run_concurrently(
        [
            lambda: jobs.write_table(
                boxoffice.build_weekly(daily, catalog), output, "box_office_weekly", version
            ),
            write_summary_and_reconciliation,
        ]
    )
    summary.rows_out["box_office_weekly"] = weekly_rows
    summary.rows_out["box_office_film_summary"] = summary_rows
    summary.rows_out["box_office_reconciliation"] = reconciliation_rows
    for frame in (film_summary, daily, catalog):
        frame.unpersist()


def export_analytics(spark: SparkSession, arguments: argparse.Namespace, summary: jobs.JobSummary) -> None:
    """Job 04: the processed tables to the site's Parquet exports and ``manifest.json``."""
    tables = {name: jobs.read_table(spark, arguments.input, name).cache() for name in EXPORT_INPUT_TABLES}
    summary.rows_in = sum(jobs.run_concurrently([frame.count for frame in tables.values()]))
    catalog, appearances, daily = tables["films"], tables["character_appearances"], tables["box_office_daily"]
    film_summary, reconciliation = tables["box_office_film_summary"], tables["box_office_reconciliation"]
    frames = {
        "films_complete": exports.build_films_complete(
            catalog, tables["studios"], tables["franchises"], appearances, film_summary, reconciliation
        ),
        "characters_complete": exports.build_characters_complete(appearances, tables["characters"], catalog),
        "boxoffice_summary": exports.build_boxoffice_summary(film_summary, reconciliation, catalog),
        "studio_stats": exports.build_studio_stats(catalog, tables["studios"], appearances),
        "talent_stats": exports.build_talent_stats(appearances, catalog),
        "boxoffice_daily_by_film": exports.build_boxoffice_daily_by_film(daily),
        "boxoffice_weekly_by_film": exports.build_boxoffice_weekly_by_film(tables["box_office_weekly"]),
        "boxoffice_by_state": exports.build_boxoffice_by_state(daily),
        "boxoffice_weekly_by_state": exports.build_boxoffice_weekly_by_state(
            daily, tables["box_office_weekly"]
        ),
    }
    destination = exports.exports_destination(spark, arguments.exports)
    # The nine collects are independent queries over the cached tables: run at once. Files and manifest are
    # written afterwards, in the exports' order, so the bytes do not depend on which query ended first.
    collected = jobs.run_concurrently(
        [functools.partial(exports.to_arrow, frame, exports.EXPORTS[name]) for name, frame in frames.items()]
    )
    entries = []
    for name, table in zip(frames, collected, strict=True):
        entry = exports.write_export(table, destination, exports.EXPORTS[name])
        entries.append(entry)
        summary.rows_out[name] = entry["rows"]
    manifest = exports.write_manifest(destination, entries)
    logger.info("%s: %d bytes in %d files", manifest, sum(entry["bytes"] for entry in entries), len(entries))
    for frame in tables.values():
        frame.unpersist()


JOB_BODIES: dict[str, JobBody] = {
    "01_load_films": load_films,
    "02_load_characters": load_characters,
    "03_load_boxoffice": load_boxoffice,
    "04_export_analytics": export_analytics,
}


def parse_job_arguments(job_name: str, description: str, argv: list[str] | None) -> argparse.Namespace:
    """The job's arguments from its own parser (load jobs get a new ``--version`` when none is given)."""
    if job_name == "04_export_analytics":
        return jobs.job_parser(job_name, description).parse_args(argv)
    return jobs.load_job_arguments(job_name, description, argv)


def run_in_session(spark: SparkSession, job_name: str, arguments: argparse.Namespace) -> jobs.JobSummary:
    """Run one job's body in ``spark`` under its job group; log and return its summary (with stages)."""
    summary = jobs.JobSummary(job_name)
    with stages.job_group(spark, job_name) as counts:
        JOB_BODIES[job_name](spark, arguments, summary)
    summary.stages, summary.tasks = counts.stages, counts.tasks
    logging.getLogger(f"spark_jobs.{job_name}").info(summary.line())
    return summary


def run_standalone(job_name: str, description: str, argv: list[str] | None) -> int:
    """A numbered script's ``main``: parse, open its own session, run the body, stop the session."""
    arguments = parse_job_arguments(job_name, description, argv)
    configure_logging()
    spark = jobs.build_session(f"hyperion-{job_name.replace('_', '-')}", arguments.master)
    try:
        run_in_session(spark, job_name, arguments)
    finally:
        spark.stop()
    return 0
