"""Job 02's transforms: raw character envelopes to ``characters``, ``talent`` and ``character_appearances``.

Grain:

* ``character_appearances``: one row per character x film x talent x credit type (``speaking`` or
  ``singing``). A character with several voices in a film has one row per voice; a character with no
  known voice keeps one row with a null talent, so it still counts as appearing.
* ``characters``: one row per global ``character_id``; its name, species and gender come from its
  appearance in its earliest film (ties broken by ``film_id``).
* ``talent``: one row per distinct voice name (trimmed).

Every foreign key is resolved against the ``films`` table of job 01. An appearance whose ``film_id`` is not
a film goes to the rejects with the reason ``unresolved film_id``, never silently dropped. Replays keep
the latest landed record per (character_id, film_id).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from hyperion.transform.keys import surrogate_key
from hyperion.transform.raw import conform, envelope_problem, keep_latest, to_rejects
from hyperion.transform.schemas import CHARACTER_APPEARANCES, CHARACTERS, TALENT

CREDIT_SPEAKING = "speaking"
CREDIT_SINGING = "singing"
UNRESOLVED_FILM = "unresolved film_id"


def character_problem() -> Column:
    """Why a raw character envelope cannot become an appearance (before film resolution), or null."""
    payload = F.col("payload")
    return F.coalesce(
        envelope_problem(),
        F.when(payload["character_id"].isNull(), F.lit("missing character_id"))
        .when(payload["film_id"].isNull(), F.lit("missing film_id"))
        .when(payload["name"].isNull(), F.lit("missing name")),
    )


def _natural_key() -> Column:
    return F.concat_ws("|", F.col("payload.character_id"), F.col("payload.film_id"))


def split_raw_characters(raw_characters: DataFrame, films: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Return ``(resolved appearances, rejects)``.

    The appearances are the latest valid envelope per (character_id, film_id), flattened, with the film's
    ``film_key`` and ``release_date`` attached. Rejects hold invalid envelopes and unresolved films.
    """
    checked = raw_characters.withColumn("_problem", character_problem())
    invalid = to_rejects(
        checked.where(F.col("_problem").isNotNull()),
        "character_appearances",
        F.col("_problem"),
        _natural_key(),
    )
    latest = keep_latest(
        checked.where(F.col("_problem").isNull()).drop("_problem"),
        [F.col("payload.character_id"), F.col("payload.film_id")],
    )
    film_lookup = films.select(
        F.col("film_id").alias("_film_id"), "film_key", F.col("release_date").alias("film_release_date")
    )
    joined = latest.join(film_lookup, latest["payload.film_id"] == film_lookup["_film_id"], "left")
    unresolved = to_rejects(
        joined.where(F.col("film_key").isNull()),
        "character_appearances",
        F.concat(F.lit(UNRESOLVED_FILM + " "), F.col("payload.film_id")),
        _natural_key(),
    )
    resolved = joined.where(F.col("film_key").isNotNull()).select(
        F.col("payload.character_id").alias("character_id"),
        F.col("payload.film_id").alias("film_id"),
        "film_key",
        "film_release_date",
        F.col("payload.name").alias("character_name"),
        F.col("payload.role").alias("role"),
        F.col("payload.species").alias("species"),
        F.col("payload.species_detail").alias("species_detail"),
        F.col("payload.gender").alias("gender"),
        F.col("payload.voice_actors").alias("voice_actors"),
        F.col("payload.singing_voice_actors").alias("singing_voice_actors"),
        F.col("payload.notes").alias("notes"),
        F.col("payload.attribution").alias("attribution"),
        "source_file",
    )
    return resolved, invalid.unionByName(unresolved)


def _credits(names: Column, credit_type: str) -> Column:
    """An array of (talent_name, credit_type) structs from a list of names, blank names dropped."""
    trimmed = F.transform(
        F.coalesce(names, F.array().cast("array<string>")),
        lambda name: F.struct(F.trim(name).alias("talent_name"), F.lit(credit_type).alias("credit_type")),
    )
    return F.filter(trimmed, lambda credit: credit["talent_name"].isNotNull() & (credit["talent_name"] != ""))


def explode_credits(appearances: DataFrame) -> DataFrame:
    """One row per appearance x credit; an appearance without any credit keeps one row with null talent."""
    credits = F.array_distinct(
        F.concat(
            _credits(F.col("voice_actors"), CREDIT_SPEAKING),
            _credits(F.col("singing_voice_actors"), CREDIT_SINGING),
        )
    )
    return (
        appearances.withColumn("_credit", F.explode_outer(credits))
        .withColumn("talent_name", F.col("_credit.talent_name"))
        .withColumn("credit_type", F.col("_credit.credit_type"))
        .drop("_credit")
    )


def build_character_appearances(appearances: DataFrame) -> DataFrame:
    """The ``character_appearances`` table from resolved appearances (see :func:`split_raw_characters`)."""
    exploded = explode_credits(appearances)
    keyed = (
        exploded.withColumn(
            "appearance_key", surrogate_key("character_id", "film_id", "talent_name", "credit_type")
        )
        .withColumn("character_key", surrogate_key("character_id"))
        .withColumn("talent_key", F.when(F.col("talent_name").isNotNull(), surrogate_key("talent_name")))
    )
    return conform(keyed, CHARACTER_APPEARANCES)


def build_talent(appearances: DataFrame) -> DataFrame:
    """The ``talent`` table: every distinct credited voice name."""
    talent = (
        explode_credits(appearances)
        .where(F.col("talent_name").isNotNull())
        .select("talent_name")
        .distinct()
        .withColumn("talent_key", surrogate_key("talent_name"))
    )
    return conform(talent, TALENT)


def build_characters(appearances: DataFrame) -> DataFrame:
    """The ``characters`` table: one row per character, described as in its earliest film."""
    earliest_first = Window.partitionBy("character_id").orderBy(
        F.col("film_release_date").asc_nulls_last(), F.col("film_id").asc()
    )
    per_character = Window.partitionBy("character_id")
    characters = (
        appearances.withColumn("_rank", F.row_number().over(earliest_first))
        .withColumn("film_count", F.count(F.lit(1)).over(per_character))
        .where(F.col("_rank") == 1)
        .select(
            "character_id",
            F.col("character_name").alias("name"),
            "species",
            "species_detail",
            "gender",
            F.col("film_id").alias("first_film_id"),
            "film_count",
        )
        .withColumn("character_key", surrogate_key("character_id"))
    )
    return conform(characters, CHARACTERS)
