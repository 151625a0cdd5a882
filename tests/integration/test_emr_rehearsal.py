"""The EMR rehearsal (make rehearse-emr) on the local stack: run_proof's plan on moto's S3 and Spark 3.5.

Calls the same module as `make rehearse-emr` (hyperion.cloud.emr_rehearsal) with a raw landing folder
built from data/ (box office for a sample of films, so the two runs stay within minutes). Asserts that
the uploads and the steps are the plan's, that the steps wrote the processed tables, the rejects and the
exports to S3, and that every table checksum, every query result and every export equals the HDFS run's.
"""

from __future__ import annotations

import pytest
from support.envelopes import land_raw_folder

from hyperion.cloud import emr_rehearsal
from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.pipeline import JOBS
from hyperion.transform.exports import EXPORTS
from hyperion.transform.schemas import PROCESSED_TABLES
from hyperion.transform.trino_sql import question_files

pytestmark = [pytest.mark.integration, pytest.mark.rehearsal]

SAMPLE_FILMS = ["toy-story", "frozen", "moana"]


@pytest.fixture(scope="module")
def report(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> emr_rehearsal.RehearsalReport:
    work = tmp_path_factory.mktemp("rehearsal")
    raw = work / "raw"
    land_raw_folder(raw, REPOSITORY_ROOT / "data", SAMPLE_FILMS)
    result = emr_rehearsal.rehearse(stack, raw, work)
    print("\n".join(result.lines()))
    return result


def test_every_spark_step_ran_with_the_plans_s3_arguments(report):
    assert [name for name, _ in report.steps] == [job.name for job in JOBS]
    for _, arguments in report.steps:
        assert arguments[0] == "spark-submit"
        assert all(argument.startswith("s3://") for argument in arguments if "://" in argument)


def test_the_steps_wrote_tables_rejects_and_exports_to_s3(report):
    keys = {key for key, _ in report.written}
    prefix = emr_rehearsal.PREFIX
    for table in PROCESSED_TABLES:
        assert any(
            key.startswith(f"{prefix}/processed/{table}/") and key.endswith(".parquet") for key in keys
        )
    assert {f"{prefix}/exports/{spec.file_name}" for spec in EXPORTS.values()} <= keys
    assert f"{prefix}/exports/manifest.json" in keys
    assert any(key.startswith(f"{prefix}/rejects/transform/films/part-") for key in keys)


def test_tables_queries_and_exports_equal_the_hdfs_run(report):
    compared = {(comparison.kind, comparison.name) for comparison in report.comparisons}
    assert {("table", table) for table in PROCESSED_TABLES} <= compared
    assert {("query", path.name) for path in question_files()} <= compared
    assert {("export", spec.file_name) for spec in EXPORTS.values()} | {
        ("export", "manifest.json")
    } <= compared
    different = [comparison for comparison in report.comparisons if not comparison.equal]
    assert different == []
    assert report.passed
    assert all(comparison.size > 0 for comparison in report.comparisons if comparison.kind == "table")
