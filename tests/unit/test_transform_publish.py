"""Table versions: naming, the newest complete version, cleanup selection, and the jobs' listing on file://."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from hyperion.transform import jobs
from hyperion.transform.publish import (
    CatalogState,
    VersionFolder,
    is_version,
    new_version,
    newest_complete,
    parse_versioned_table_name,
    published_version,
    select_cleanup,
    version_folders,
    versioned_table_name,
)
from hyperion.transform.schemas import STUDIOS
from hyperion.transform.storage import LocalVersionStore, version_store

MOMENT = datetime.datetime(2026, 11, 27, 15, 30, 12, 123456, tzinfo=datetime.timezone.utc)  # noqa: UP017
V1, V2, V3, V4 = (f"2026112{day}T101500000Z-0000000{day}" for day in range(1, 5))


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    # getOrCreate: every transform test module shares the one local session of the pytest process.
    return jobs.build_session("hyperion-unit-tests", "local[1]")


def test_version_names_sort_by_time_and_are_unique() -> None:
    assert new_version(MOMENT, "1a2b3c4d") == "20261127T153012123Z-1a2b3c4d"
    later = new_version(MOMENT + datetime.timedelta(milliseconds=1), "00000000")
    assert later > new_version(MOMENT, "ffffffff")
    # A zone other than UTC is converted, so names from any machine compare correctly.
    eastern = MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    assert new_version(eastern, "1a2b3c4d") == "20261127T153012123Z-1a2b3c4d"
    assert len({new_version() for _ in range(50)}) == 50
    assert is_version(new_version())
    with pytest.raises(ValueError):
        new_version(MOMENT, "not-hex!")


@pytest.mark.parametrize(
    "name", ["_temporary", "part-00000.parquet", "box_office_year=2019", "20261127T153012Z-1a2b3c4d", ""]
)
def test_other_folder_names_are_not_versions(name: str) -> None:
    assert not is_version(name)


def test_versioned_table_names_round_trip_and_are_trino_identifiers() -> None:
    name = versioned_table_name("box_office_daily", "20261127T153012123Z-1a2b3c4d")
    assert name == "box_office_daily__v20261127t153012123z_1a2b3c4d"
    assert parse_versioned_table_name(name) == ("box_office_daily", "20261127T153012123Z-1a2b3c4d")
    assert parse_versioned_table_name("box_office_daily") is None
    assert parse_versioned_table_name("films__vsomething") is None


def test_published_version_is_read_from_the_view_sql() -> None:
    definition = "SELECT film_key, film_id\nFROM\n  hive.run_1.films__v20261121t101500000z_00000001"
    assert published_version(definition, "films") == V1
    assert published_version(definition, "studios") is None
    assert published_version("SELECT 1", "films") is None


def test_newest_complete_ignores_incomplete_and_foreign_folders() -> None:
    folders = version_folders([(V1, True), (V3, False), (V2, True), ("_temporary", False)])
    assert [folder.name for folder in folders] == [V1, V2, V3]
    assert newest_complete(folders) == V2
    assert newest_complete([VersionFolder(V1, False)]) is None
    assert newest_complete([]) is None


def test_cleanup_keeps_current_and_previous_and_runs_that_may_still_write() -> None:
    folders = [
        VersionFolder(V1, True),
        VersionFolder(V2, False),
        VersionFolder(V3, True),
        VersionFolder(V4, False),
    ]
    cleanup = select_cleanup(folders, registered=[V1, V2], current=V3, published=V2)
    # V1 superseded: table and folder go. V2 was published, V3 is: kept. V4 may be a run still writing.
    assert cleanup.tables == [V1]
    assert cleanup.folders == [V1]
    cleanup = select_cleanup(folders, registered=[V1], current=V3, published=V1)
    assert cleanup.tables == []
    assert cleanup.folders == [V2]  # a dead run: incomplete and older than the published version


def test_re_running_a_registration_keeps_the_previous_version() -> None:
    folders = [VersionFolder(V1, True), VersionFolder(V2, True), VersionFolder(V3, True)]
    # The view already reads V3: V2 is still the previous one, a query planned on it may be running.
    cleanup = select_cleanup(folders, registered=[V1, V2, V3], current=V3, published=V3)
    assert (cleanup.tables, cleanup.folders) == ([V1], [V1])
    # A registration that died after creating V2's table but before switching the view from V1.
    cleanup = select_cleanup(folders, registered=[V1, V2], current=V3, published=V1)
    assert (cleanup.tables, cleanup.folders) == ([V2], [V2])
    first = select_cleanup(folders[:1], registered=[], current=V1, published=None)
    assert (first.tables, first.folders) == ([], [])


def test_catalog_state_reports_registered_and_published_versions() -> None:
    state = CatalogState(
        relations={
            "films": "VIEW",
            versioned_table_name("films", V1): "BASE TABLE",
            versioned_table_name("films", V2): "BASE TABLE",
            versioned_table_name("studios", V3): "BASE TABLE",
        },
        view_definitions={"films": f"select * from hive.h.{versioned_table_name('films', V2)}"},
    )
    assert state.registered_versions("films") == [V1, V2]
    assert state.published("films") == V2
    assert state.published("studios") is None


def test_jobs_write_versions_and_read_the_newest_complete_one(spark: SparkSession, tmp_path: Path) -> None:
    root = tmp_path.as_uri()
    rows = [(1, "pixar", "Pixar"), (2, "disney", "Disney")]
    path, count = jobs.write_table(spark.createDataFrame(rows, STUDIOS), root, "studios", V1)
    assert (path, count) == (f"{root}/studios/{V1}", 2)
    jobs.write_table(spark.createDataFrame(rows[:1], STUDIOS), root, "studios", V2)
    # A killed run: data files and Spark's _temporary, but no _SUCCESS.
    dead = tmp_path / "studios" / V3
    (dead / "_temporary" / "0").mkdir(parents=True)
    (dead / "part-00000.parquet").write_bytes(b"half a file")

    assert jobs.list_version_folders(spark, f"{root}/studios") == [
        VersionFolder(V1, True),
        VersionFolder(V2, True),
        VersionFolder(V3, False),
    ]
    assert jobs.read_table(spark, root, "studios").collect() == [(1, "pixar", "Pixar")]
    assert LocalVersionStore(tmp_path).list_versions("studios") == jobs.list_version_folders(
        spark, f"{root}/studios"
    )
    # A version folder is never written twice: that would change a table readers may be reading.
    with pytest.raises(Exception, match="already exists"):
        jobs.write_table(spark.createDataFrame(rows, STUDIOS), root, "studios", V1)


def test_a_table_with_no_complete_version_is_an_error_naming_it(spark: SparkSession, tmp_path: Path) -> None:
    (tmp_path / "films" / V1 / "_temporary").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="films: no complete version"):
        jobs.newest_table_path(spark, tmp_path.as_uri(), "films")


def test_an_empty_table_counts_zero_rows(spark: SparkSession, tmp_path: Path) -> None:
    path, count = jobs.write_table(spark.createDataFrame([], STUDIOS), tmp_path.as_uri(), "studios", V1)
    assert count == 0
    assert (tmp_path / "studios" / V1 / "_SUCCESS").exists()


def test_job_arguments_take_a_version_or_make_one() -> None:
    base = ["--input", "file:///raw", "--output", "file:///processed"]
    assert jobs.load_job_arguments("01_load_films", "job", [*base, "--version", V1]).version == V1
    assert is_version(jobs.load_job_arguments("01_load_films", "job", base).version)
    with pytest.raises(SystemExit):
        jobs.load_job_arguments("01_load_films", "job", [*base, "--version", "latest"])


def test_local_store_deletes_a_version(tmp_path: Path) -> None:
    (tmp_path / "films" / V1).mkdir(parents=True)
    (tmp_path / "films" / V1 / "_SUCCESS").touch()
    store = version_store(tmp_path.as_uri(), "http://unused", "nobody")
    assert store.list_versions("films") == [VersionFolder(V1, True)]
    store.delete_version("films", V1)
    assert store.list_versions("films") == []
    with pytest.raises(ValueError):
        version_store("gs://bucket/processed", "http://unused", "nobody")
