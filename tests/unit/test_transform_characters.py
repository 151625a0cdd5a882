"""Job 02's transforms on tiny inline raw envelopes: multi-actor credits, an unresolved film, replays."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual
from support.envelopes import envelope, landed_lines

from hyperion.transform.characters import (
    build_character_appearances,
    build_characters,
    build_talent,
    split_raw_characters,
)
from hyperion.transform.jobs import build_session
from hyperion.transform.keys import surrogate_key_value as key
from hyperion.transform.raw import read_raw
from hyperion.transform.schemas import CHARACTER_APPEARANCES, CHARACTERS, RAW_CHARACTERS, TALENT


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    return build_session("hyperion-unit-tests", "local[1]")


def character(character_id: str, film_id: str, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "character_id": character_id,
        "film_id": film_id,
        "name": str(character_id).title(),
        "role": "protagonist",
        "species": "toy",
        "species_detail": None,
        "gender": "male",
        "voice_actors": [],
        "singing_voice_actors": [],
        "notes": None,
    }
    record.update(overrides)
    return record


@pytest.fixture
def films(spark: SparkSession):
    return spark.createDataFrame(
        [
            (key("toy-story"), "toy-story", datetime.date(1995, 11, 22)),
            (key("toy-story-2"), "toy-story-2", datetime.date(1999, 11, 24)),
            (key("frozen"), "frozen", datetime.date(2013, 11, 27)),
        ],
        "film_key bigint, film_id string, release_date date",
    )


def land(tmp_path: Path, payloads: list[dict[str, object]]) -> str:
    folder = tmp_path / "raw-characters"
    folder.mkdir()
    envelopes = [envelope(payload, "data/characters/x.json", f"$.characters[{index}]", "run-1")
                 for index, payload in enumerate(payloads)]  # fmt: skip
    (folder / "part-00000-000000000000-000000000099.jsonl").write_text("".join(landed_lines(envelopes)))
    return str(folder)


def test_multi_actor_credit_unresolved_film_and_replay(spark: SparkSession, films, tmp_path: Path) -> None:
    path = land(
        tmp_path,
        [
            character("elsa", "frozen", name="Elsa", role="deuteragonist", species="human",
                      gender="female", voice_actors=["Idina Menzel"], singing_voice_actors=[]),
            # Replayed with a corrected credit list: the later record wins.
            character("elsa", "frozen", name="Elsa", role="deuteragonist", species="human",
                      gender="female", voice_actors=["Idina Menzel", " Eva Bella "],
                      singing_voice_actors=["Spencer Lacey Ganus"]),
            character("olaf", "frozen-3", name="Olaf", species="snowman"),
            character("woody", "toy-story", name="Woody", voice_actors=["Tom Hanks"]),
            character("woody", "toy-story-2", name="Sheriff Woody", voice_actors=["Tom Hanks"]),
            character("wheezy", "toy-story-2", name="Wheezy", role="supporting", species="penguin"),
        ],
    )  # fmt: skip
    appearances, rejects = split_raw_characters(read_raw(spark, path, RAW_CHARACTERS), films)

    assert [(row["reason"], row["natural_key"]) for row in rejects.collect()] == [
        ("unresolved film_id frozen-3", "olaf|frozen-3")
    ]
    source = "data/characters/x.json"

    def row(character_id, film_id, talent, credit, role, name):
        return (
            key(character_id, film_id, talent, credit), key(character_id), character_id,
            key(film_id), film_id, key(talent) if talent else None, talent, credit, role, name,
            None, None, source,
        )  # fmt: skip

    expected = spark.createDataFrame(
        [
            row("elsa", "frozen", "Idina Menzel", "speaking", "deuteragonist", "Elsa"),
            row("elsa", "frozen", "Eva Bella", "speaking", "deuteragonist", "Elsa"),
            row("elsa", "frozen", "Spencer Lacey Ganus", "singing", "deuteragonist", "Elsa"),
            row("woody", "toy-story", "Tom Hanks", "speaking", "protagonist", "Woody"),
            row("woody", "toy-story-2", "Tom Hanks", "speaking", "protagonist", "Sheriff Woody"),
            # No known voice: the appearance is kept with a null talent.
            row("wheezy", "toy-story-2", None, None, "supporting", "Wheezy"),
        ],
        CHARACTER_APPEARANCES,
    )  # fmt: skip
    assertDataFrameEqual(build_character_appearances(appearances), expected)

    assertDataFrameEqual(
        build_talent(appearances),
        spark.createDataFrame(
            [(key(name), name) for name in ("Idina Menzel", "Eva Bella", "Spencer Lacey Ganus", "Tom Hanks")],
            TALENT,
        ),
    )
    assertDataFrameEqual(
        build_characters(appearances),
        spark.createDataFrame(
            [
                (key("elsa"), "elsa", "Elsa", "human", None, "female", "frozen", 1),
                # Named as in the earliest film, counted in both.
                (key("woody"), "woody", "Woody", "toy", None, "male", "toy-story", 2),
                (key("wheezy"), "wheezy", "Wheezy", "penguin", None, "male", "toy-story-2", 1),
            ],
            CHARACTERS,
        ),
    )


def test_missing_character_id_is_rejected(spark: SparkSession, films, tmp_path: Path) -> None:
    path = land(tmp_path, [character(None, "frozen", name="Nobody")])  # type: ignore[arg-type]
    appearances, rejects = split_raw_characters(read_raw(spark, path, RAW_CHARACTERS), films)
    assert appearances.count() == 0
    assert [row["reason"] for row in rejects.collect()] == ["missing character_id"]
