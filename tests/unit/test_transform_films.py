"""Job 01's transforms on tiny inline raw envelopes: dedupe, rejects, keys and the three tables."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from hyperion.transform.films import build_films, build_franchises, build_studios, split_raw_films
from hyperion.transform.jobs import build_session
from hyperion.transform.keys import surrogate_key_value
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import FILMS, FRANCHISES, RAW_FILMS, STUDIOS


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    # getOrCreate: every transform test module shares the one local session of the pytest process.
    return build_session("hyperion-unit-tests", "local[1]")


def film(film_id: str, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "film_id": film_id,
        "title": str(film_id).replace("-", " ").title(),
        "release_date": "1995-11-22",
        "studio_id": "pixar",
        "studio": "Pixar Animation Studios",
        "franchise_id": "toy-story",
        "franchise": "Toy Story",
        "directors": ["John Lasseter"],
        "runtime_minutes": 81,
        "release_type": "theatrical",
        "animation_type": "computer",
        "domestic_gross_usd": 191796233,
        "worldwide_gross_usd": 394436586,
        "gross_note": None,
    }
    record.update(overrides)
    return record


def land(tmp_path: Path, payloads: list[dict[str, object] | str]) -> str:
    """Write payloads as landed envelope lines (a str is written as a raw, possibly malformed, line)."""
    lines = []
    for offset, payload in enumerate(payloads):
        if isinstance(payload, str):
            lines.append(payload)
            continue
        lines.append(
            json.dumps(
                {
                    "schema_version": 1,
                    "source_file": "data/complete_movie_list.json",
                    "source_location": f"$.films[{offset}]",
                    "run_id": "run-1",
                    "payload": payload,
                    "kafka_partition": 0,
                    "kafka_offset": offset,
                }
            )
        )
    folder = tmp_path / "raw-films"
    folder.mkdir()
    (folder / "part-00000-000000000000-000000000009.jsonl").write_text("\n".join(lines) + "\n")
    # A consumer's not-yet-renamed temporary file must be ignored.
    (folder / ".part-00000.jsonl.tmp").write_text("{not json\n")
    return str(folder)


def test_latest_record_per_film_wins_and_bad_records_are_rejected(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = land(
        tmp_path,
        [
            film("toy-story", runtime_minutes=80),
            film("toy-story", runtime_minutes=81),
            film("broken-date", release_date="1995-13-45"),
            film(None, title="Untitled"),
            "{this is not json",
        ],
    )
    latest, rejects = split_raw_films(read_raw(spark, path, RAW_FILMS))

    assert [row["payload"]["runtime_minutes"] for row in latest.collect()] == [81]
    assert sorted(row["reason"] for row in rejects.collect()) == [
        "invalid release_date",
        "malformed JSON line",
        "missing film_id",
    ]


def test_films_table_has_deterministic_keys_and_a_null_gross(spark: SparkSession, tmp_path: Path) -> None:
    path = land(
        tmp_path,
        [
            film("toy-story"),
            film(
                "tinker-bell",
                title="Tinker Bell",
                release_date="2008-10-28",
                studio_id="disneytoon",
                studio="DisneyToon Studios",
                franchise_id=None,
                franchise=None,
                directors=["Bradley Raymond"],
                runtime_minutes=78,
                release_type="direct-to-video",
                domestic_gross_usd=None,
                worldwide_gross_usd=None,
            ),
        ],
    )
    latest, _ = split_raw_films(read_raw(spark, path, RAW_FILMS))
    expected = spark.createDataFrame(
        [
            (
                surrogate_key_value("toy-story"), "toy-story", "Toy Story", datetime.date(1995, 11, 22), 1995,
                surrogate_key_value("pixar"), "pixar", surrogate_key_value("toy-story"), "toy-story",
                ["John Lasseter"], 81, "theatrical", "computer", 191796233, 394436586, None,
                "data/complete_movie_list.json", "run-1",
            ),
            (
                surrogate_key_value("tinker-bell"), "tinker-bell", "Tinker Bell",
                datetime.date(2008, 10, 28), 2008,
                surrogate_key_value("disneytoon"), "disneytoon", None, None,
                ["Bradley Raymond"], 78, "direct-to-video", "computer", None, None, None,
                "data/complete_movie_list.json", "run-1",
            ),
        ],
        FILMS,
    )  # fmt: skip
    assertDataFrameEqual(build_films(latest), expected)


def test_studios_and_franchises(spark: SparkSession, tmp_path: Path) -> None:
    path = land(
        tmp_path,
        [
            film("toy-story"),
            film("toy-story-2", release_date="1999-11-24"),
            film("frozen", studio_id="wdas", studio="Walt Disney Animation Studios", franchise_id="frozen",
                 franchise="Frozen"),
            film("bolt", studio_id="wdas", studio="Walt Disney Animation Studios", franchise_id=None,
                 franchise=None),
        ],
    )  # fmt: skip
    latest, _ = split_raw_films(read_raw(spark, path, RAW_FILMS))
    assertDataFrameEqual(
        build_studios(latest),
        spark.createDataFrame(
            [
                (surrogate_key_value("pixar"), "pixar", "Pixar Animation Studios"),
                (surrogate_key_value("wdas"), "wdas", "Walt Disney Animation Studios"),
            ],
            STUDIOS,
        ),
    )
    assertDataFrameEqual(
        build_franchises(latest),
        spark.createDataFrame(
            [
                (surrogate_key_value("toy-story"), "toy-story", "Toy Story"),
                (surrogate_key_value("frozen"), "frozen", "Frozen"),
            ],
            FRANCHISES,
        ),
    )


def test_surrogate_key_matches_an_independent_sha256(spark: SparkSession) -> None:
    import hashlib

    from pyspark.sql import functions as F

    from hyperion.transform.keys import surrogate_key

    frame = spark.createDataFrame([("woody", "toy-story")], "character_id string, film_id string")
    computed = frame.select(surrogate_key("character_id", "film_id").alias("key")).first()["key"]
    assert computed == int(hashlib.sha256(b"woody|toy-story").hexdigest()[:15], 16)
    assert frame.select(F.lit(1)).count() == 1
