"""Job 03's transforms: raw box-office film-day envelopes to the box-office tables.

Each raw message holds one film-day with one entry per (state, theater). The transforms:

1. set aside unusable envelopes and rows (malformed, missing state, negative or null gross, bad date);
2. deduplicate on the natural key (film_id, date, state, theater_id), keeping the latest landed value, so a
   replayed raw file cannot double revenue;
3. resolve ``film_id`` against ``films``; rows of an unknown film go to the rejects (``unresolved film_id``);
4. build ``box_office_daily`` (film x date x state, theaters summed), ``box_office_weekly`` (film x
   release week, week 1 starting on the release date), ``box_office_film_summary`` (one row per film) and
   ``box_office_reconciliation`` (per film: summed revenue against the catalog's domestic gross).

``box_office_daily`` is partitioned by ``box_office_year`` (the calendar year of the date): about a hundred
folders of similar size at the bundled scale, so a year filter prunes files and no partition is tiny.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from hyperion.transform.films import iso_date
from hyperion.transform.raw import conform, envelope_problem, to_rejects
from hyperion.transform.schemas import (
    BOX_OFFICE_DAILY,
    BOX_OFFICE_FILM_SUMMARY,
    BOX_OFFICE_RECONCILIATION,
    BOX_OFFICE_WEEKLY,
    CORRUPT_RECORD_COLUMN,
)

TABLE = "box_office_daily"
UNRESOLVED_FILM = "unresolved film_id"
STATUS_MATCH = "match"
STATUS_MISMATCH = "mismatch"
STATUS_MISSING_BOX_OFFICE = "missing box office"
STATUS_NO_CATALOG_GROSS = "no catalog gross"
DAYS_PER_WEEK = 7
FRIDAY = 4  # Python's weekday numbering (Monday = 0), as the generator uses


def python_weekday(date: Column) -> Column:
    """Monday = 0 ... Sunday = 6, from Spark's ``dayofweek`` (Sunday = 1 ... Saturday = 7)."""
    return (F.dayofweek(date) + 5) % 7


def _row_natural_key() -> Column:
    return F.concat_ws(
        "|", F.col("film_id"), F.col("date"), F.col("row.state"), F.col("row.theater_id").cast("string")
    )


def row_problem() -> Column:
    """Why one exploded box-office row cannot be used, or null."""
    return (
        F.when(F.col("film_id").isNull(), F.lit("missing film_id"))
        .when(iso_date(F.col("date")).isNull(), F.lit("invalid date"))
        .when(F.col("row").isNull(), F.lit("null row"))
        .when(F.col("row.state").isNull(), F.lit("missing state"))
        .when(F.col("row.theater_id").isNull(), F.lit("missing theater_id"))
        .when(F.col("row.gross_cents").isNull(), F.lit("missing gross_cents"))
        .when(F.col("row.gross_cents") < 0, F.lit("negative gross_cents"))
    )


def label_rows(raw_boxoffice: DataFrame) -> DataFrame:
    """One flat row per (film-day, state, theater) entry, with ``_problem`` (null when usable).

    An envelope that is unusable as a whole (malformed, wrong version, no payload) gives one row with its
    envelope problem. Problem rows also carry ``_natural_key`` and ``_record`` (the rejected text), so the
    rejects can be written from this one flat frame.
    """
    rows = raw_boxoffice.select(
        envelope_problem().alias("_envelope_problem"),
        F.col("payload.film_id").alias("film_id"),
        F.col("payload.date").alias("date"),
        F.explode_outer("payload.rows").alias("row"),
        "source_file",
        "source_location",
        "kafka_partition",
        "kafka_offset",
        F.col(CORRUPT_RECORD_COLUMN),
        F.col("payload"),
    )
    problem = F.coalesce(F.col("_envelope_problem"), row_problem())
    envelope_record = F.coalesce(F.col(CORRUPT_RECORD_COLUMN), F.to_json(F.col("payload")))
    return rows.select(
        "film_id",
        "date",
        F.col("row.state").alias("state"),
        F.col("row.theater_id").alias("theater_id"),
        F.col("row.gross_cents").alias("gross_cents"),
        "source_file",
        "source_location",
        "kafka_partition",
        "kafka_offset",
        problem.alias("_problem"),
        F.when(
            problem.isNotNull(),
            F.when(F.col("_envelope_problem").isNotNull(), F.concat_ws("|", "film_id", "date")).otherwise(
                _row_natural_key()
            ),
        ).alias("_natural_key"),
        F.when(
            problem.isNotNull(),
            F.when(F.col("_envelope_problem").isNotNull(), envelope_record).otherwise(
                F.to_json(F.struct("film_id", "date", "row"))
            ),
        ).alias("_record"),
    )


def explode_rows(raw_boxoffice: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Return ``(valid rows, rejects)`` from raw envelopes (see :func:`label_rows`)."""
    return split_labeled_rows(label_rows(raw_boxoffice))


def split_labeled_rows(labeled: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Return ``(valid rows, rejects)`` from :func:`label_rows` output."""
    problems = labeled.where(F.col("_problem").isNotNull())
    rejects = to_rejects(problems, TABLE, F.col("_problem"), F.col("_natural_key"), F.col("_record"))
    valid = labeled.where(F.col("_problem").isNull()).select(
        "film_id", "date", "state", "theater_id", "gross_cents", "kafka_partition", "kafka_offset"
    )
    return valid, rejects


def deduplicate_rows(valid_rows: DataFrame, films: DataFrame) -> DataFrame:
    """One row per natural key, with how many raw ``copies`` it had and its film (null when unresolved)."""
    deduplicated = valid_rows.groupBy("film_id", "date", "state", "theater_id").agg(
        # The latest landed value wins; the gross itself breaks exact ties so the result is deterministic.
        F.max_by("gross_cents", F.struct("kafka_partition", "kafka_offset", "gross_cents")).alias(
            "gross_cents"
        ),
        F.count(F.lit(1)).alias("copies"),
    )
    film_lookup = films.select(F.col("film_id").alias("_film_id"), "film_key", "release_date")
    return deduplicated.join(
        F.broadcast(film_lookup), deduplicated["film_id"] == film_lookup["_film_id"], "left"
    ).drop("_film_id")


def resolved_rows(keyed_rows: DataFrame) -> DataFrame:
    """The deduplicated rows whose film resolved, with ``box_office_date`` parsed."""
    return keyed_rows.where(F.col("film_key").isNotNull()).select(
        "film_key",
        "film_id",
        "release_date",
        iso_date(F.col("date")).alias("box_office_date"),
        "state",
        "theater_id",
        "gross_cents",
    )


def unresolved_rejects(keyed_rows: DataFrame) -> DataFrame:
    """One reject per natural key whose film is not in ``films``."""
    unresolved = keyed_rows.where(F.col("film_key").isNull())
    return to_rejects(
        unresolved.withColumn("source_file", F.lit(None).cast("string"))
        .withColumn("source_location", F.lit(None).cast("string"))
        .withColumn("kafka_partition", F.lit(None).cast("long"))
        .withColumn("kafka_offset", F.lit(None).cast("long")),
        TABLE,
        F.concat(F.lit(UNRESOLVED_FILM + " "), F.col("film_id")),
        F.concat_ws("|", "film_id", "date", "state", F.col("theater_id").cast("string")),
        F.to_json(F.struct("film_id", "date", "state", "theater_id", "gross_cents")),
    )


def split_raw_boxoffice(raw_boxoffice: DataFrame, films: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Return ``(deduplicated resolved rows, rejects)`` from raw box-office envelopes.

    A resolved row has ``film_key``, ``film_id``, ``release_date``, ``box_office_date``, ``state``,
    ``theater_id`` and ``gross_cents``: one per natural key.
    """
    valid, early_rejects = explode_rows(raw_boxoffice)
    keyed = deduplicate_rows(valid, films)
    return resolved_rows(keyed), early_rejects.unionByName(unresolved_rejects(keyed))


def build_daily(resolved_rows: DataFrame) -> DataFrame:
    """``box_office_daily``: film x date x state, the theaters of a state summed."""
    daily = (
        resolved_rows.groupBy("film_key", "film_id", "release_date", "box_office_date", "state")
        .agg(F.sum("gross_cents").alias("gross_cents"), F.count(F.lit(1)).alias("theater_count"))
        .withColumn("day_number", F.datediff("box_office_date", "release_date") + 1)
        .withColumn("box_office_year", F.year("box_office_date"))
    )
    return conform(daily, BOX_OFFICE_DAILY)


# Partitions of the in-memory daily table: enough for two cores at 50M rows, few enough that the bundled
# scale (195 films) does not make empty tasks.
DAILY_PARTITIONS = 8


def film_partitioned(daily: DataFrame, partitions: int = DAILY_PARTITIONS) -> DataFrame:
    """``daily`` hash-partitioned by ``film_key``: weekly and the film summary group and join by film, so
    Spark plans them on this partitioning without shuffling again."""
    return daily.repartition(partitions, "film_key")


def build_weekly(daily: DataFrame, films: DataFrame) -> DataFrame:
    """``box_office_weekly``: film x release week; week 1 is the release date and the six days after it."""
    with_release = daily.join(F.broadcast(films.select("film_key", "release_date")), "film_key")
    weekly = (
        with_release.withColumn(
            "week_number",
            F.floor(F.datediff("box_office_date", "release_date") / DAYS_PER_WEEK).cast("int") + 1,
        )
        .groupBy("film_key", "film_id", "release_date", "week_number")
        .agg(
            F.sum("gross_cents").alias("gross_cents"),
            F.countDistinct("box_office_date").alias("days_with_gross"),
        )
        .withColumn("week_start_date", F.date_add("release_date", (F.col("week_number") - 1) * DAYS_PER_WEEK))
    )
    return conform(weekly, BOX_OFFICE_WEEKLY)


def opening_weekend(date: Column, release_date: Column) -> Column:
    """True for the opening weekend: the Friday-to-Sunday days from the release date to its first Sunday.

    The same definition as the generator's ``opening_weekend_offsets`` (a Saturday release has a two-day
    opening weekend).
    """
    days_to_sunday = (6 - python_weekday(release_date)) % 7
    return (
        (date >= release_date)
        & (date <= F.date_add(release_date, days_to_sunday))
        & (python_weekday(date) >= FRIDAY)
    )


def build_film_summary(daily: DataFrame, films: DataFrame) -> DataFrame:
    """``box_office_film_summary``: one row per film with box office."""
    with_release = daily.join(F.broadcast(films.select("film_key", "release_date")), "film_key")
    per_day = with_release.groupBy("film_key", "film_id", "release_date", "box_office_date").agg(
        F.sum("gross_cents").alias("day_gross_cents")
    )
    per_film_days = per_day.groupBy("film_key", "film_id").agg(
        F.sum("day_gross_cents").alias("total_gross_cents"),
        F.sum(
            F.when(
                opening_weekend(F.col("box_office_date"), F.col("release_date")), F.col("day_gross_cents")
            ).otherwise(F.lit(0))
        ).alias("opening_weekend_gross_cents"),
        F.min("box_office_date").alias("first_date"),
        F.max("box_office_date").alias("last_date"),
        F.count(F.lit(1)).alias("days_with_gross"),
        F.max("day_gross_cents").alias("peak_day_gross_cents"),
    )
    per_state = daily.groupBy("film_key", "state").agg(F.sum("gross_cents").alias("state_gross_cents"))
    per_film_states = per_state.groupBy("film_key").agg(
        F.count(F.lit(1)).alias("state_count"),
        # Ties on revenue go to the alphabetically first state, so the result is deterministic.
        F.min_by("state", F.struct(-F.col("state_gross_cents"), F.col("state"))).alias("top_state"),
    )
    summary = per_film_days.join(per_film_states, "film_key").withColumn(
        "opening_weekend_share",
        F.when(
            F.col("total_gross_cents") > 0,
            F.col("opening_weekend_gross_cents") / F.col("total_gross_cents"),
        ),
    )
    return conform(summary, BOX_OFFICE_FILM_SUMMARY)


def build_reconciliation(summary: DataFrame, films: DataFrame) -> DataFrame:
    """``box_office_reconciliation``: per film, summed box office against the catalog's domestic gross.

    Covers every film with a catalog gross or with box office; ``status`` is ``match``, ``mismatch``,
    ``missing box office`` (a grossing film without rows) or ``no catalog gross`` (rows for a film whose
    catalog gross is null).
    """
    catalog = films.select(
        "film_key", "film_id", (F.col("domestic_gross_usd") * 100).alias("catalog_domestic_gross_cents")
    )
    totals = summary.select("film_key", F.col("total_gross_cents").alias("box_office_gross_cents"))
    joined = catalog.join(totals, "film_key", "left").where(
        F.col("catalog_domestic_gross_cents").isNotNull() | F.col("box_office_gross_cents").isNotNull()
    )
    difference = F.col("box_office_gross_cents") - F.col("catalog_domestic_gross_cents")
    reconciliation = joined.withColumn("difference_cents", difference).withColumn(
        "status",
        F.when(F.col("box_office_gross_cents").isNull(), F.lit(STATUS_MISSING_BOX_OFFICE))
        .when(F.col("catalog_domestic_gross_cents").isNull(), F.lit(STATUS_NO_CATALOG_GROSS))
        .when(difference == 0, F.lit(STATUS_MATCH))
        .otherwise(F.lit(STATUS_MISMATCH)),
    )
    return conform(reconciliation, BOX_OFFICE_RECONCILIATION)
