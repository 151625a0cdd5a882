"""Job 04's export builders and writer: sorted, typed, zstd Parquet and a manifest that matches the files."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from hyperion.transform.boxoffice import build_weekly
from hyperion.transform.exports import (
    EXPORTS,
    build_boxoffice_by_state,
    build_boxoffice_daily_by_film,
    build_boxoffice_weekly_by_state,
    build_talent_stats,
    collect_arrow,
    collect_rows,
    export_bytes,
    sort_table,
    to_arrow,
    write_export,
    write_manifest,
)
from hyperion.transform.jobs import build_session

DATE = datetime.date


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    return build_session("hyperion-unit-tests", "local[1]")


@pytest.fixture
def daily(spark: SparkSession):
    return spark.createDataFrame(
        [
            (1, "toy-story", DATE(1995, 11, 22), "NY", 200, 1, 1, 1995),
            (1, "toy-story", DATE(1995, 11, 22), "CA", 600, 2, 1, 1995),
            (1, "toy-story", DATE(1995, 11, 23), "CA", 200, 1, 2, 1995),
            (2, "bolt", DATE(2008, 11, 21), "CA", 0, 1, 1, 2008),
        ],
        "film_key bigint, film_id string, box_office_date date, state string, gross_cents bigint, "
        "theater_count int, day_number int, box_office_year int",
    )


def test_daily_and_state_exports_are_sorted_and_typed(spark: SparkSession, daily, tmp_path: Path) -> None:
    specification = EXPORTS["boxoffice_by_state"]
    table = to_arrow(build_boxoffice_by_state(daily), specification)
    assert table.to_pylist() == [
        {"film_id": "bolt", "state": "CA", "gross_cents": 0, "share_of_film": None},
        {"film_id": "toy-story", "state": "CA", "gross_cents": 800, "share_of_film": 0.8},
        {"film_id": "toy-story", "state": "NY", "gross_cents": 200, "share_of_film": 0.2},
    ]
    daily_table = to_arrow(build_boxoffice_daily_by_film(daily), EXPORTS["boxoffice_daily_by_film"])
    assert daily_table.to_pylist() == [
        {"film_id": "bolt", "box_office_date": DATE(2008, 11, 21), "day_number": 1, "gross_cents": 0},
        {"film_id": "toy-story", "box_office_date": DATE(1995, 11, 22), "day_number": 1, "gross_cents": 800},
        {"film_id": "toy-story", "box_office_date": DATE(1995, 11, 23), "day_number": 2, "gross_cents": 200},
    ]

    entry = write_export(table, tmp_path, specification)
    path = tmp_path / "boxoffice_by_state.parquet"
    assert entry["rows"] == 3
    assert entry["bytes"] == path.stat().st_size
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    metadata = pq.ParquetFile(path).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert pq.read_table(path).schema == specification.schema

    # Writing the same table again gives the same bytes.
    assert write_export(table, tmp_path, specification)["sha256"] == entry["sha256"]

    manifest = json.loads(write_manifest(tmp_path, [entry]).read_text())
    assert manifest["files"]["boxoffice_by_state"]["sha256"] == entry["sha256"]
    assert manifest["total_bytes"] == entry["bytes"]
    assert [
        column["name"] for column in manifest["files"]["boxoffice_by_state"]["schema"]
    ] == specification.schema.names


def test_talent_stats_count_multi_actor_credits_per_voice(spark: SparkSession) -> None:
    appearances = spark.createDataFrame(
        [
            ("elsa", "frozen", "Idina Menzel", "speaking"),
            ("elsa", "frozen-2", "Idina Menzel", "speaking"),
            ("elsa", "frozen", "Eva Bella", "speaking"),
            ("anna", "frozen", "Kristen Bell", "speaking"),
            ("anna", "frozen", "Livvy Stubenrauch", "singing"),
            ("olaf", "frozen", None, None),
        ],
        "character_id string, film_id string, talent_name string, credit_type string",
    )
    films = spark.createDataFrame(
        [("frozen", "wdas", 2013), ("frozen-2", "wdas", 2019)],
        "film_id string, studio_id string, release_year int",
    )
    table = to_arrow(build_talent_stats(appearances, films), EXPORTS["talent_stats"])
    rows = {row["talent_name"]: row for row in table.to_pylist()}
    assert sorted(rows) == ["Eva Bella", "Idina Menzel", "Kristen Bell", "Livvy Stubenrauch"]
    assert rows["Idina Menzel"] == {
        "talent_name": "Idina Menzel",
        "appearance_count": 2,
        "character_count": 1,
        "film_count": 2,
        "studio_count": 1,
        "speaking_credit_count": 2,
        "singing_credit_count": 0,
        "first_release_year": 2013,
        "last_release_year": 2019,
        "studio_ids": ["wdas"],
    }
    assert rows["Livvy Stubenrauch"]["singing_credit_count"] == 1


def test_write_export_refuses_a_wrong_schema(spark: SparkSession, daily, tmp_path: Path) -> None:
    table = to_arrow(build_boxoffice_by_state(daily), EXPORTS["boxoffice_by_state"])
    with pytest.raises(ValueError):
        write_export(table, tmp_path, EXPORTS["studio_stats"])


def test_weekly_state_export_sums_each_state_by_release_week_and_reconciles_with_weekly(
    spark: SparkSession,
) -> None:
    # Days 1, 7 and 8 of one film: day 7 closes week 1 and day 8 opens week 2.
    daily = spark.createDataFrame(
        [
            (1, "up", DATE(2009, 5, 29), "CA", 500, 1, 1, 2009),
            (1, "up", DATE(2009, 6, 4), "CA", 300, 1, 7, 2009),
            (1, "up", DATE(2009, 6, 4), "NY", 100, 1, 7, 2009),
            (1, "up", DATE(2009, 6, 5), "NY", 40, 1, 8, 2009),
        ],
        "film_key bigint, film_id string, box_office_date date, state string, gross_cents bigint, "
        "theater_count int, day_number int, box_office_year int",
    )
    films = spark.createDataFrame([(1, DATE(2009, 5, 29))], "film_key bigint, release_date date")
    weekly = build_weekly(daily, films)
    table = to_arrow(build_boxoffice_weekly_by_state(daily, weekly), EXPORTS["boxoffice_weekly_by_state"])
    assert table.to_pylist() == [
        {
            "film_id": "up",
            "week_number": 1,
            "week_start_date": DATE(2009, 5, 29),
            "state": "CA",
            "gross_cents": 800,
        },
        {
            "film_id": "up",
            "week_number": 1,
            "week_start_date": DATE(2009, 5, 29),
            "state": "NY",
            "gross_cents": 100,
        },
        {
            "film_id": "up",
            "week_number": 2,
            "week_start_date": DATE(2009, 6, 5),
            "state": "NY",
            "gross_cents": 40,
        },
    ]
    per_week: dict[int, int] = {}
    for row in table.to_pylist():
        per_week[row["week_number"]] = per_week.get(row["week_number"], 0) + row["gross_cents"]
    assert per_week == {row["week_number"]: row["gross_cents"] for row in weekly.collect()}


def test_arrow_and_row_collects_write_the_same_bytes(spark: SparkSession) -> None:
    """Spark 4 collects exports as Arrow, Spark 3.5 (EMR) as rows: the files must not tell them apart.

    Nulls inside and instead of lists, null years, and Spark's bigints narrowed to the export's int32 are
    where the two collects could differ.
    """
    specification = EXPORTS["talent_stats"]
    frame = spark.createDataFrame(
        [
            ("Idina Menzel", 2, 1, 2, 1, 2, 0, 2013, 2019, ["wdas", None]),
            ("Eva Bella", 1, 1, 1, 1, 1, 0, None, None, None),
            ("Kristen Bell", 1, 1, 1, 1, 1, 0, 2013, 2013, []),
        ],
        "talent_name string, appearance_count bigint, character_count bigint, film_count bigint, "
        "studio_count bigint, speaking_credit_count bigint, singing_credit_count bigint, "
        "first_release_year bigint, last_release_year bigint, studio_ids array<string>",
    )
    if not hasattr(frame, "toArrow"):
        pytest.fail("this test needs Spark 4's DataFrame.toArrow (the project's pyspark is 4.x)")
    arrow = collect_arrow(frame, specification.schema)
    rows = collect_rows(frame, specification.schema)
    assert arrow.equals(rows)
    studio_ids = arrow.column("studio_ids").to_pylist()
    assert sorted(studio_ids, key=lambda ids: -1 if ids is None else len(ids)) == [None, [], ["wdas", None]]
    as_on_spark_35 = sort_table(rows, specification.sort_keys).combine_chunks()
    assert export_bytes(to_arrow(frame, specification), specification) == export_bytes(
        as_on_spark_35, specification
    )
