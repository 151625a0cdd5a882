"""Job 03's transforms on tiny inline film-day envelopes: replays, unresolved films, a null gross."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual
from support.envelopes import envelope, landed_lines

from hyperion.transform.boxoffice import (
    build_daily,
    build_film_summary,
    build_reconciliation,
    build_weekly,
    split_raw_boxoffice,
)
from hyperion.transform.jobs import build_session
from hyperion.transform.keys import surrogate_key_value as key
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import (
    BOX_OFFICE_DAILY,
    BOX_OFFICE_FILM_SUMMARY,
    BOX_OFFICE_RECONCILIATION,
    BOX_OFFICE_WEEKLY,
    RAW_BOXOFFICE,
)

DATE = datetime.date


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    return build_session("hyperion-unit-tests", "local[1]")


@pytest.fixture
def films(spark: SparkSession):
    # Toy Story opens on a Wednesday; Tinker Bell has box office but a null catalog gross; Frozen has a
    # catalog gross but no box office.
    return spark.createDataFrame(
        [
            (key("toy-story"), "toy-story", DATE(1995, 11, 22), 10),
            (key("tinker-bell"), "tinker-bell", DATE(2008, 10, 28), None),
            (key("frozen"), "frozen", DATE(2013, 11, 27), 400),
        ],
        "film_key bigint, film_id string, release_date date, domestic_gross_usd bigint",
    )


def film_day(film_id: str, date: str, *rows: tuple[str, int, int | None]) -> dict[str, object]:
    return {
        "film_id": film_id,
        "date": date,
        "rows": [
            {"state": state, "theater_id": theater, "gross_cents": cents} for state, theater, cents in rows
        ],
    }


def land(folder: Path, name: str, payloads: list[dict[str, object]], first_offset: int) -> None:
    folder.mkdir(exist_ok=True)
    envelopes = [
        envelope(payload, "generator", f"{index}", "run-1") for index, payload in enumerate(payloads)
    ]
    (folder / name).write_text("".join(landed_lines(envelopes, first_offset=first_offset)))


@pytest.fixture
def raw(spark: SparkSession, tmp_path: Path):
    folder = tmp_path / "raw-boxoffice"
    payloads = [
        film_day("toy-story", "1995-11-22", ("CA", 0, 100), ("CA", 1, 50), ("NY", 0, 200)),
        film_day("toy-story", "1995-11-24", ("CA", 0, 300), ("TX", 0, None), ("NV", 0, -5)),
        film_day("toy-story", "1995-11-29", ("CA", 0, 350)),
        film_day("tinker-bell", "2008-10-28", ("TX", 0, 500)),
        film_day("ghost-film", "2001-01-01", ("CA", 0, 999)),
    ]
    land(folder, "part-00000-000000000000-000000000004.jsonl", payloads, 0)
    # The producer replayed the whole source: the same film-days land again at later offsets.
    land(folder, "part-00000-000000000005-000000000009.jsonl", payloads, 5)
    return read_raw(spark, str(folder), RAW_BOXOFFICE)


def test_replay_does_not_double_revenue_and_rejects_have_reasons(spark: SparkSession, films, raw) -> None:
    resolved, rejects = split_raw_boxoffice(raw, films)
    assert resolved.groupBy().sum("gross_cents").first()[0] == 1000 + 500
    assert sorted((row["reason"], row["natural_key"]) for row in rejects.collect()) == [
        ("missing gross_cents", "toy-story|1995-11-24|TX|0"),
        ("missing gross_cents", "toy-story|1995-11-24|TX|0"),
        ("negative gross_cents", "toy-story|1995-11-24|NV|0"),
        ("negative gross_cents", "toy-story|1995-11-24|NV|0"),
        ("unresolved film_id ghost-film", "ghost-film|2001-01-01|CA|0"),
    ]


def test_daily_weekly_summary_and_reconciliation(spark: SparkSession, films, raw) -> None:
    resolved, _ = split_raw_boxoffice(raw, films)
    daily = build_daily(resolved)
    toy, tinker = key("toy-story"), key("tinker-bell")
    assertDataFrameEqual(
        daily,
        spark.createDataFrame(
            [
                (toy, "toy-story", DATE(1995, 11, 22), "CA", 150, 2, 1, 1995),
                (toy, "toy-story", DATE(1995, 11, 22), "NY", 200, 1, 1, 1995),
                (toy, "toy-story", DATE(1995, 11, 24), "CA", 300, 1, 3, 1995),
                (toy, "toy-story", DATE(1995, 11, 29), "CA", 350, 1, 8, 1995),
                (tinker, "tinker-bell", DATE(2008, 10, 28), "TX", 500, 1, 1, 2008),
            ],
            BOX_OFFICE_DAILY,
        ),
    )
    assertDataFrameEqual(
        build_weekly(daily, films),
        spark.createDataFrame(
            [
                (toy, "toy-story", 1, DATE(1995, 11, 22), 650, 2),
                (toy, "toy-story", 2, DATE(1995, 11, 29), 350, 1),
                (tinker, "tinker-bell", 1, DATE(2008, 10, 28), 500, 1),
            ],
            BOX_OFFICE_WEEKLY,
        ),
    )
    summary = build_film_summary(daily, films)
    # The opening weekend of a Wednesday release is its first Friday to Sunday: only the 24th here.
    assertDataFrameEqual(
        summary,
        spark.createDataFrame(
            [
                (toy, "toy-story", 1000, 300, 0.3, DATE(1995, 11, 22), DATE(1995, 11, 29), 3, 350, 2, "CA"),
                (tinker, "tinker-bell", 500, 0, 0.0, DATE(2008, 10, 28), DATE(2008, 10, 28), 1, 500, 1, "TX"),
            ],
            BOX_OFFICE_FILM_SUMMARY,
        ),
    )
    assertDataFrameEqual(
        build_reconciliation(summary, films),
        spark.createDataFrame(
            [
                (toy, "toy-story", 1000, 1000, 0, "match"),
                (tinker, "tinker-bell", None, 500, None, "no catalog gross"),
                (key("frozen"), "frozen", 40000, None, None, "missing box office"),
            ],
            BOX_OFFICE_RECONCILIATION,
        ),
    )


def test_a_later_correction_replaces_the_earlier_value(spark: SparkSession, films, tmp_path: Path) -> None:
    folder = tmp_path / "raw-boxoffice"
    land(
        folder,
        "part-00000-000000000000-000000000000.jsonl",
        [film_day("toy-story", "1995-11-22", ("CA", 0, 1))],
        0,
    )
    land(
        folder,
        "part-00000-000000000001-000000000001.jsonl",
        [film_day("toy-story", "1995-11-22", ("CA", 0, 7))],
        1,
    )
    resolved, _ = split_raw_boxoffice(read_raw(spark, str(folder), RAW_BOXOFFICE), films)
    assert [row["gross_cents"] for row in resolved.collect()] == [7]
