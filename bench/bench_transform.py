"""Benchmark the transform: per-job stages, tasks and seconds; job 03 against DuckDB; Trino query latency.

Purpose: the numbers of issues 5 and 14.

1. Generates N box-office raw rows per ``--rows`` value (default 1,000,000 and 10,000,000) with the seeded
   generator (``--scale`` theaters per state so that N rows exist), as landed film-day envelopes, into a
   local folder (reused by later runs with the same N and seed). Both engines read the same ``file://``.
2. Spark: job 01 (films) and then job 03, each as its own application (spark_jobs/transform_all.py
   ``--jobs 01`` / ``--jobs 03``) on the standalone master. Per job: stages and tasks that ran (the
   status tracker), its own seconds ("work", from its summary line) and start-up (the submit's wall time
   minus the work: JVM, session, executor, stop); the executors' peak heap.
3. DuckDB (Python, single node, all cores): the same deduplication, daily, weekly and per-film aggregation
   on the same files, written as Parquet; the ratios job 03 / DuckDB by job time (targets: <= 8 at 1M, <= 3
   at 10M) and by wall time. The two engines' daily totals must agree, or the benchmark fails.
4. ``--scale [ROWS ...]`` (bare: 1M 10M 50M): job 03 alone at each size, for the scale line (seconds per
   million rows and the peak executor heap).
5. Trino: every queries/*.sql question against hive.<--trino-schema> (tables registered by
   scripts/06_queries.py over the bundled data), one warm-up then ``--repeats`` timed runs; the median.

Outputs: a Markdown summary on stdout (with the load average at the start) and the figures as JSON in
bench/output/transform/results.json.

Run:
    .venv/bin/python bench/bench_transform.py                          (make bench-transform)
    .venv/bin/python bench/bench_transform.py --rows 1000000 --skip-trino --scale
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import trino

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.logs import configure_logging
from hyperion.pipeline import Locations
from hyperion.runtime.spark_submit import SubmitOptions, TransformReport, build_package_archive, run_transform
from hyperion.transform.publish import newest_complete
from hyperion.transform.storage import LocalVersionStore
from hyperion.transform.trino_sql import question_files, read_query_file, run_statements

# The raw envelopes are a test fixture (tests/support/), which the benchmark reuses as its input.
sys.path.insert(0, str(REPOSITORY_ROOT / "tests"))
from support.envelopes import boxoffice_envelopes, film_envelopes, landed_file_name  # noqa: E402

logger = logging.getLogger("bench_transform")

DATA_DIRECTORY = REPOSITORY_ROOT / "data"
BUNDLED_ROWS_PER_THEATER = 510_153  # rows of the whole catalog at --scale 1 (seed-independent)
# About half a million rows per landed file, like a consumer rolling files by size.
ROWS_PER_FILE = 500_000
STATES = 51
SCALE_ROWS = (1_000_000, 10_000_000, 50_000_000)

DUCKDB_RAW_COLUMNS = (
    "{schema_version: 'BIGINT', source_file: 'VARCHAR', source_location: 'VARCHAR', run_id: 'VARCHAR', "
    "payload: 'STRUCT(film_id VARCHAR, date VARCHAR, "
    '"rows" STRUCT(state VARCHAR, theater_id BIGINT, gross_cents BIGINT)[])\', '
    "kafka_partition: 'BIGINT', kafka_offset: 'BIGINT'}"
)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=[1_000_000, 10_000_000],
        help="box-office raw row counts to compare with DuckDB",
    )
    parser.add_argument(
        "--scale",
        type=int,
        nargs="*",
        default=None,
        help="also run job 03 alone at these row counts (bare --scale: 1M 10M 50M) for the scale line",
    )
    parser.add_argument("--seed", default="42")
    parser.add_argument(
        "--work-directory", type=Path, default=REPOSITORY_ROOT / "bench" / "output" / "transform"
    )
    parser.add_argument("--master", default=settings.spark_master_url)
    parser.add_argument(
        "--trino-schema", default=settings.trino_schema, help="schema with the bundled tables"
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per Trino query")
    parser.add_argument("--skip-trino", action="store_true")
    arguments = parser.parse_args(argv)
    if arguments.scale == []:
        arguments.scale = list(SCALE_ROWS)
    return arguments


def write_raw(raw_directory: Path, rows: int, seed: str) -> int:
    """Land ``rows`` box-office rows (and the films) as envelope files; return the number written."""
    marker = raw_directory / "GENERATED.json"
    wanted = {"rows": rows, "seed": seed}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        logger.info("reusing %s (%d rows)", raw_directory, rows)
        return rows
    if raw_directory.exists():
        shutil.rmtree(raw_directory)
    films_folder = raw_directory / "raw-films"
    films_folder.mkdir(parents=True)
    films = list(film_envelopes(DATA_DIRECTORY, "bench"))
    with (films_folder / landed_file_name(0, 0, len(films) - 1)).open("w") as handle:
        for offset, value in enumerate(films):
            handle.write(json.dumps({**value, "kafka_partition": 0, "kafka_offset": offset}) + "\n")
    scale = max(1, math.ceil(rows / BUNDLED_ROWS_PER_THEATER))
    folder = raw_directory / "raw-boxoffice"
    folder.mkdir()
    messages_per_file = max(1, ROWS_PER_FILE // (STATES * scale))
    written = 0
    offset = 0
    batch: list[str] = []
    started = time.perf_counter()

    def flush() -> None:
        nonlocal batch
        if batch:
            first = offset - len(batch)
            (folder / landed_file_name(0, first, offset - 1)).write_text("".join(batch))
            batch = []

    for value in boxoffice_envelopes(DATA_DIRECTORY, seed=seed, scale=scale, run_id="bench"):
        remaining = rows - written
        if remaining <= 0:
            break
        value["payload"]["rows"] = value["payload"]["rows"][:remaining]
        written += len(value["payload"]["rows"])
        batch.append(json.dumps({**value, "kafka_partition": 0, "kafka_offset": offset}) + "\n")
        offset += 1
        if len(batch) >= messages_per_file:
            flush()
    flush()
    marker.write_text(json.dumps(wanted))
    logger.info(
        "generated %d rows in %d messages (scale %d) in %.0f s",
        written,
        offset,
        scale,
        time.perf_counter() - started,
    )
    return written


def run_driver(
    arguments: argparse.Namespace, options: SubmitOptions, locations: Locations, keys: list[str], log: Path
) -> TransformReport:
    """One application (spark_jobs/transform_all.py) running ``keys``; its per-job figures."""
    report = run_transform(locations, options, log, keys)
    for job in report.jobs:
        logger.info("spark: %s: %s", job.name, job.text)
    return report


def job_figures(report: TransformReport, rows: int) -> dict[str, Any]:
    """The one job of ``report`` (a ``--jobs 03`` application): stages, tasks, start-up and work seconds."""
    (job,) = report.jobs
    peak = report.driver.get("peak_executor_heap_bytes")
    return {
        "job": job.name,
        "stages": int(job.figures.get("stages", 0)),
        "tasks": int(job.figures.get("tasks", 0)),
        "wall_seconds": round(report.wall_seconds, 2),
        "startup_seconds": round(report.startup_seconds, 2),
        "job_seconds": job.seconds,
        "job_seconds_per_million_rows": round(job.seconds / rows * 1e6, 2),
        "wall_seconds_per_million_rows": round(report.wall_seconds / rows * 1e6, 2),
        "peak_executor_heap_mib": round(peak / 2**20) if peak else None,
        "summary": job.text,
    }


def run_spark(
    arguments: argparse.Namespace, raw_directory: Path, spark_output: Path, rows: int
) -> dict[str, Any]:
    """Job 01 then job 03, each as its own application (job 03's wall time is then its own)."""
    options = SubmitOptions(
        master=arguments.master, py_files=build_package_archive(arguments.work_directory / "hyperion.zip")
    )
    locations = Locations(
        raw=raw_directory.as_uri(),
        processed=spark_output.as_uri(),
        rejects=(spark_output.parent / "spark-rejects").as_uri(),
        exports=str(spark_output.parent / "spark-exports"),
    )
    work = arguments.work_directory
    films = run_driver(arguments, options, locations, ["01"], work / f"spark-01-{rows}.log")
    boxoffice = run_driver(arguments, options, locations, ["03"], work / f"spark-03-{rows}.log")
    return {"01": job_figures(films, rows), "03": job_figures(boxoffice, rows)}


def duckdb_statements(raw_glob: str, films_glob: str, output: Path) -> list[str]:
    """The same deduplication and aggregations as job 03, in DuckDB SQL."""
    return [
        f"""
        create or replace temp table films as
        select film_key, film_id, release_date, domestic_gross_usd from read_parquet('{films_glob}')
        """,
        f"""
        create or replace temp table deduplicated as
        with raw as (
            select * from read_json(
                '{raw_glob}', format = 'newline_delimited', columns = {DUCKDB_RAW_COLUMNS}
            )
        ),
        exploded as (
            select payload.film_id as film_id, payload.date as date, unnest(payload."rows") as entry,
                kafka_partition, kafka_offset
            from raw
            where schema_version = 1 and payload is not null
        )
        select
            film_id, try_cast(date as date) as box_office_date, entry.state as state,
            entry.theater_id as theater_id,
            arg_max(entry.gross_cents, (kafka_partition, kafka_offset, entry.gross_cents)) as gross_cents
        from exploded
        where entry.state is not null and entry.theater_id is not null and entry.gross_cents >= 0
            and try_cast(date as date) is not null
        group by all
        """,
        """
        create or replace temp table daily as
        select
            films.film_key, d.film_id, d.box_office_date, d.state, sum(d.gross_cents) as gross_cents,
            count(*) as theater_count,
            datediff('day', films.release_date, d.box_office_date) + 1 as day_number,
            year(d.box_office_date) as box_office_year
        from deduplicated as d
        inner join films on d.film_id = films.film_id
        group by films.film_key, d.film_id, films.release_date, d.box_office_date, d.state
        """,
        """
        create or replace temp table weekly as
        select
            daily.film_key, daily.film_id,
            cast(floor(datediff('day', films.release_date, daily.box_office_date) / 7) as integer) + 1
                as week_number,
            sum(daily.gross_cents) as gross_cents, count(distinct daily.box_office_date) as days_with_gross
        from daily inner join films on daily.film_key = films.film_key
        group by all
        """,
        """
        create or replace temp table film_summary as
        with per_day as (
            select daily.film_key, daily.film_id, films.release_date, daily.box_office_date,
                sum(daily.gross_cents) as day_gross_cents
            from daily inner join films on daily.film_key = films.film_key
            group by all
        ),
        per_state as (
            select film_key, state, sum(gross_cents) as state_gross_cents from daily group by all
        )
        select
            per_day.film_key, per_day.film_id,
            sum(day_gross_cents) as total_gross_cents,
            sum(case when box_office_date between release_date
                    and release_date + to_days(cast((6 - (dayofweek(release_date) + 6) % 7) % 7 as integer))
                    and (dayofweek(box_office_date) + 6) % 7 >= 4
                then day_gross_cents else 0 end) as opening_weekend_gross_cents,
            min(box_office_date) as first_date, max(box_office_date) as last_date,
            count(*) as days_with_gross, max(day_gross_cents) as peak_day_gross_cents,
            (select count(*) from per_state where per_state.film_key = per_day.film_key) as state_count,
            (select arg_min(state, (-state_gross_cents, state)) from per_state
                where per_state.film_key = per_day.film_key) as top_state
        from per_day
        group by per_day.film_key, per_day.film_id
        """,
        f"copy daily to '{output / 'box_office_daily'}' "
        "(format parquet, compression zstd, partition_by (box_office_year), overwrite_or_ignore)",
        f"copy weekly to '{output / 'box_office_weekly.parquet'}' (format parquet, compression zstd)",
        f"copy film_summary to '{output / 'box_office_film_summary.parquet'}' "
        "(format parquet, compression zstd)",
    ]


def newest_version(spark_output: Path, table: str) -> Path:
    """The folder of the newest complete version Spark wrote of ``table`` (the jobs add one per run)."""
    version = newest_complete(LocalVersionStore(spark_output).list_versions(table))
    if version is None:
        raise FileNotFoundError(f"no complete version of {table} under {spark_output / table}")
    return spark_output / table / version


def run_duckdb(raw_directory: Path, spark_output: Path, duckdb_output: Path, rows: int) -> dict[str, Any]:
    if duckdb_output.exists():
        shutil.rmtree(duckdb_output)
    duckdb_output.mkdir(parents=True)
    connection = duckdb.connect()
    started = time.perf_counter()
    for statement in duckdb_statements(
        str(raw_directory / "raw-boxoffice" / "*.jsonl"),
        str(newest_version(spark_output, "films") / "*.parquet"),
        duckdb_output,
    ):
        connection.execute(statement)
    seconds = time.perf_counter() - started
    daily_rows, daily_total = connection.execute("select count(*), sum(gross_cents) from daily").fetchone()
    connection.close()
    return {
        "seconds": round(seconds, 2),
        "seconds_per_million_rows": round(seconds / rows * 1e6, 2),
        "daily_rows": daily_rows,
        "daily_total_cents": int(daily_total),
    }


def spark_daily_totals(spark_output: Path) -> tuple[int, int]:
    connection = duckdb.connect()
    rows, total = connection.execute(
        "select count(*), sum(gross_cents) "
        f"from read_parquet('{newest_version(spark_output, 'box_office_daily')}/*/*.parquet')"
    ).fetchone()
    connection.close()
    return rows, int(total)


def run_trino(schema: str, repeats: int) -> dict[str, Any]:
    settings = get_settings()
    connection = trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog="hive"
    )
    latencies = {}
    for path in question_files():
        statements = read_query_file(path, schema=schema).statements()
        run_statements(connection, statements)  # warm-up
        timings = [run_statements(connection, statements)[0].seconds for _ in range(repeats)]
        latencies[path.stem] = round(statistics.median(timings), 3)
        logger.info("trino %s: median %.3f s of %d", path.stem, latencies[path.stem], repeats)
    connection.close()
    return latencies


def compare(arguments: argparse.Namespace, rows: int) -> dict[str, Any]:
    """Jobs 01 and 03 on ``rows`` generated rows, DuckDB on the same files, and the ratios."""
    raw_directory = arguments.work_directory / f"raw-{rows}"
    spark_output = arguments.work_directory / f"spark-processed-{rows}"
    rows = write_raw(raw_directory, rows, arguments.seed)
    result: dict[str, Any] = {"rows": rows, "spark": run_spark(arguments, raw_directory, spark_output, rows)}
    result["duckdb"] = run_duckdb(
        raw_directory, spark_output, arguments.work_directory / f"duckdb-processed-{rows}", rows
    )
    spark_daily = spark_daily_totals(spark_output)
    duck_daily = (result["duckdb"]["daily_rows"], result["duckdb"]["daily_total_cents"])
    if spark_daily != duck_daily:
        raise RuntimeError(f"engines disagree at {rows} rows: spark daily {spark_daily}, duckdb {duck_daily}")
    job_03 = result["spark"]["03"]
    result["ratio_job"] = round(job_03["job_seconds"] / result["duckdb"]["seconds"], 2)
    result["ratio_wall"] = round(job_03["wall_seconds"] / result["duckdb"]["seconds"], 2)
    return result


def scale_point(arguments: argparse.Namespace, rows: int) -> dict[str, Any]:
    """Job 03 alone on ``rows`` rows: time per million and the executors' peak heap."""
    raw_directory = arguments.work_directory / f"raw-{rows}"
    rows = write_raw(raw_directory, rows, arguments.seed)
    figures = run_spark(arguments, raw_directory, arguments.work_directory / f"spark-processed-{rows}", rows)
    return {"rows": rows, **figures["03"]}


def render(results: dict[str, Any]) -> str:
    lines = ["# Transform benchmark", "", f"load average at start: {results['load_average']}", ""]
    lines += [
        "| rows | job | stages | tasks | start-up s | work s | wall s | DuckDB s | ratio (job) "
        "| ratio (wall) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for comparison in results["comparisons"]:
        for key, job in comparison["spark"].items():
            duck = comparison["duckdb"]["seconds"] if key == "03" else ""
            ratios = (comparison["ratio_job"], comparison["ratio_wall"]) if key == "03" else ("", "")
            lines.append(
                f"| {comparison['rows']:,} | {job['job']} | {job['stages']} | {job['tasks']} | "
                f"{job['startup_seconds']} | {job['job_seconds']} | {job['wall_seconds']} | {duck} | "
                f"{ratios[0]} | {ratios[1]} |"
            )
    lines.append("")
    lines.append("Targets: job 03 / DuckDB by job time <= 8 at 1M rows, <= 3 at 10M rows.")
    if results.get("scale"):
        lines += [
            "",
            "| rows | job 03 s | s per million rows | peak executor heap (MiB) |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {point['rows']:,} | {point['job_seconds']} | {point['job_seconds_per_million_rows']} | "
            f"{point['peak_executor_heap_mib']} |"
            for point in results["scale"]
        ]
    if "trino_median_seconds" in results:
        lines += ["", "| query | Trino warm median (s) |", "|---|---|"]
        lines += [f"| {name} | {seconds} |" for name, seconds in results["trino_median_seconds"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    configure_logging()
    arguments.work_directory.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"seed": arguments.seed, "load_average": " ".join(map(str, os.getloadavg()))}
    results["comparisons"] = [compare(arguments, rows) for rows in arguments.rows]
    compared = {comparison["rows"]: comparison["spark"]["03"] for comparison in results["comparisons"]}
    results["scale"] = [
        {"rows": rows, **compared[rows]} if rows in compared else scale_point(arguments, rows)
        for rows in arguments.scale or []
    ]
    if not arguments.skip_trino:
        results["trino_median_seconds"] = run_trino(arguments.trino_schema, arguments.repeats)
    (arguments.work_directory / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
