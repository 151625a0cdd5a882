"""The four Spark jobs on pyspark 3.5.5 (EMR 7.9's Spark) and on the project's Spark 4: the same outputs.

Both runs take the same raw landing folder (envelopes built from data/, as the consumers land them, with
one malformed film line, so job 01 has a reject and jobs 02-03 have none) on file:// in local mode
(local[2]); the command lines are rendered from hyperion.pipeline. On Spark 3.5 with adaptive execution
an empty frame's Observation reports no metric at all, which used to crash every job without rejects.

Asserted: the exports are byte-identical (manifest included); each processed table has the same rows (a
digest of its sorted rows: Parquet footers and file names may differ); the rejects are the same lines.
The one-application driver (spark_jobs/transform_all.py, what `make transform` submits) runs the same four
jobs in one session on Spark 4 over the same landing: its outputs must equal the four submits' outputs.
Needs no stack, only Java 17 and the cached Spark 3.5 virtualenv (built on first use, `make spark35-venv`).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from support.digests import json_lines_digest, table_digest
from support.envelopes import land_raw_folder

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.pipeline import JOBS, Locations, driver_submit_arguments, spark_submit_arguments
from hyperion.runtime import spark35
from hyperion.runtime.spark_submit import (
    build_package_archive,
    local_mode_target,
    parse_report,
    pyspark_home,
    run_command,
    submit_environment,
)
from hyperion.transform.exports import EXPORTS
from hyperion.transform.schemas import PROCESSED_TABLES

pytestmark = pytest.mark.integration

SAMPLE_FILMS = ["toy-story", "frozen", "moana"]
SUMMARY = re.compile(r"spark_jobs\.(\d\d)_\w+: .*rejects=(\d+)")


def run_pipeline(spark_home: Path, python: str, raw: Path, root: Path) -> dict[str, int]:
    """Run jobs 01-04 over ``raw`` into ``root``; return each job's logged reject count."""
    locations = Locations(
        raw=raw.as_uri(),
        processed=(root / "processed").as_uri(),
        rejects=(root / "rejects").as_uri(),
        exports=str(root / "exports"),
    )
    target = local_mode_target(spark_home, python, build_package_archive(root / "hyperion.zip"))
    environment = submit_environment(spark_home, python)
    rejects = {}
    for job in JOBS:
        log = root / f"{job.key}.log"
        run_command(spark_submit_arguments(job, locations, target), job.script, log, environment)
        for key, count in SUMMARY.findall(log.read_text()):
            rejects[key] = int(count)
    return rejects


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    venv = spark35.ensure_venv(Path(get_settings().cache_directory))
    work = tmp_path_factory.mktemp("spark35")
    raw = work / "raw"
    land_raw_folder(raw, REPOSITORY_ROOT / "data", SAMPLE_FILMS)
    roots = {"3.5": work / "spark-3.5", "4": work / "spark-4"}
    rejects = {
        "3.5": run_pipeline(spark35.spark_home(venv), str(spark35.python_of(venv)), raw, roots["3.5"]),
        "4": run_pipeline(pyspark_home(), sys.executable, raw, roots["4"]),
    }
    # Job 01 saw the malformed line; 02 and 03 had nothing to reject (the empty-Observation path).
    assert rejects["3.5"] == rejects["4"] == {"01": 1, "02": 0, "03": 0, "04": 0}
    return {**roots, "raw": raw}


def test_the_spark_35_run_used_spark_35(runs):
    for version, root in (("3.5.5", runs["3.5"]), ("4.0.1", runs["4"])):
        for job in JOBS:
            assert f"Running Spark version {version}" in (root / f"{job.key}.log").read_text()


def test_exports_are_byte_identical(runs):
    names = sorted(path.name for path in (runs["4"] / "exports").iterdir())
    # Every export job 04 defines, and the manifest.
    assert names == sorted([*(f"{name}.parquet" for name in EXPORTS), "manifest.json"])
    assert sorted(path.name for path in (runs["3.5"] / "exports").iterdir()) == names
    for name in names:
        assert (runs["3.5"] / "exports" / name).read_bytes() == (runs["4"] / "exports" / name).read_bytes(), (
            name
        )


@pytest.mark.parametrize("table", sorted(PROCESSED_TABLES))
def test_processed_tables_have_the_same_rows(runs, table):
    rows, digest = table_digest(runs["4"] / "processed" / table)
    assert rows > 0
    assert table_digest(runs["3.5"] / "processed" / table) == (rows, digest)


@pytest.mark.parametrize("table", ["films", "character_appearances", "box_office_daily"])
def test_rejects_are_the_same_lines(runs, table):
    assert json_lines_digest(runs["3.5"] / "rejects" / table) == json_lines_digest(
        runs["4"] / "rejects" / table
    )


@pytest.fixture(scope="module")
def driver_run(runs, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Jobs 01-04 in one application (Spark 4, local[2]) over the same raw landing; its root and log."""
    root = tmp_path_factory.mktemp("driver")
    locations = Locations(
        raw=runs["raw"].as_uri(),
        processed=(root / "processed").as_uri(),
        rejects=(root / "rejects").as_uri(),
        exports=str(root / "exports"),
    )
    target = local_mode_target(pyspark_home(), sys.executable, build_package_archive(root / "hyperion.zip"))
    log = root / "driver.log"
    run_command(driver_submit_arguments(locations, target), "transform_all", log, submit_environment())
    return root, log.read_text()


def test_one_application_writes_what_four_submits_write(runs, driver_run):
    root, _ = driver_run
    names = sorted(path.name for path in (runs["4"] / "exports").iterdir())
    assert sorted(path.name for path in (root / "exports").iterdir()) == names
    for name in names:
        assert (root / "exports" / name).read_bytes() == (runs["4"] / "exports" / name).read_bytes(), name
    for table in PROCESSED_TABLES:
        assert table_digest(root / "processed" / table) == table_digest(runs["4"] / "processed" / table), (
            table
        )
    for table in ("films", "character_appearances", "box_office_daily"):
        assert json_lines_digest(root / "rejects" / table) == json_lines_digest(runs["4"] / "rejects" / table)


def test_one_application_reports_each_jobs_stages_once(driver_run):
    _, log = driver_run
    assert log.count("Running Spark version 4.0.1") == 1  # one JVM, one session for the four jobs
    report = parse_report(log, wall_seconds=0.0)
    assert [job.name for job in report.jobs] == [job.name for job in JOBS]
    for job in report.jobs:
        assert job.figures["stages"] >= 1 and job.figures["tasks"] >= job.figures["stages"], job.text
    assert report.driver["jobs"] == len(JOBS)


def test_the_weekly_state_export_reconciles_with_box_office_daily(runs):
    """Every cent of box_office_daily is in boxoffice_weekly_by_state, in its film, release week and state;
    summed over states, each film-week is boxoffice_weekly_by_film's gross (no rounding anywhere)."""
    root = runs["4"]
    daily = ds.dataset(root / "processed" / "box_office_daily", format="parquet", partitioning="hive")
    expected: Counter[tuple[str, int, str]] = Counter()
    for row in daily.to_table(columns=["film_id", "day_number", "state", "gross_cents"]).to_pylist():
        week = (row["day_number"] - 1) // 7 + 1
        expected[(row["film_id"], week, row["state"])] += row["gross_cents"]
    export = pq.read_table(root / "exports" / "boxoffice_weekly_by_state.parquet").to_pylist()
    shown = {(row["film_id"], row["week_number"], row["state"]): row["gross_cents"] for row in export}
    assert len(shown) == len(export) and set(shown) and shown == dict(expected)
    assert {row["film_id"] for row in export} == set(SAMPLE_FILMS)
    per_film_week: Counter[tuple[str, int]] = Counter()
    for (film_id, week, _state), cents in shown.items():
        per_film_week[(film_id, week)] += cents
    weekly = pq.read_table(root / "exports" / "boxoffice_weekly_by_film.parquet").to_pylist()
    assert dict(per_film_week) == {(row["film_id"], row["week_number"]): row["gross_cents"] for row in weekly}
