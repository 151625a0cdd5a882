"""Job 01's transforms: raw film envelopes to the ``studios``, ``franchises`` and ``films`` tables.

Grain: ``films`` has one row per ``film_id`` (the latest landed record of it), ``studios`` one per
``studio_id`` and ``franchises`` one per non-null ``franchise_id``, each named after the films' records.
A film record without a ``film_id``, ``title``, ``studio_id`` or a valid ISO ``release_date`` is rejected
with its reason.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from hyperion.transform.keys import surrogate_key
from hyperion.transform.raw import conform, envelope_problem, keep_latest, to_rejects
from hyperion.transform.schemas import FILMS, FRANCHISES, STUDIOS

ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def iso_date(column: Column) -> Column:
    """Parse an ISO ``YYYY-MM-DD`` string; anything else (or an impossible date) becomes null."""
    return F.when(column.rlike(ISO_DATE_PATTERN), F.to_date(column, "yyyy-MM-dd"))


def film_problem() -> Column:
    """Why a raw film envelope cannot become a film, or null when it can."""
    payload = F.col("payload")
    return F.coalesce(
        envelope_problem(),
        F.when(payload["film_id"].isNull(), F.lit("missing film_id"))
        .when(payload["title"].isNull(), F.lit("missing title"))
        .when(payload["studio_id"].isNull(), F.lit("missing studio_id"))
        .when(iso_date(payload["release_date"]).isNull(), F.lit("invalid release_date")),
    )


def split_raw_films(raw_films: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Return ``(latest valid envelope per film_id, rejects)`` from raw film envelopes."""
    checked = raw_films.withColumn("_problem", film_problem())
    rejects = to_rejects(
        checked.where(F.col("_problem").isNotNull()), "films", F.col("_problem"), F.col("payload.film_id")
    )
    valid = checked.where(F.col("_problem").isNull()).drop("_problem")
    return keep_latest(valid, [F.col("payload.film_id")]), rejects


def build_films(latest_films: DataFrame) -> DataFrame:
    """The ``films`` table from the latest valid envelope per film (see :func:`split_raw_films`)."""
    release_date = iso_date(F.col("payload.release_date"))
    franchise_id = F.col("payload.franchise_id")
    flattened = latest_films.select(
        F.col("payload.film_id").alias("film_id"),
        F.col("payload.title").alias("title"),
        release_date.alias("release_date"),
        F.year(release_date).alias("release_year"),
        F.col("payload.studio_id").alias("studio_id"),
        F.col("payload.franchise_id").alias("franchise_id"),
        F.col("payload.directors").alias("directors"),
        F.col("payload.runtime_minutes").alias("runtime_minutes"),
        F.col("payload.release_type").alias("release_type"),
        F.col("payload.animation_type").alias("animation_type"),
        F.col("payload.domestic_gross_usd").alias("domestic_gross_usd"),
        F.col("payload.worldwide_gross_usd").alias("worldwide_gross_usd"),
        F.col("payload.gross_note").alias("gross_note"),
        F.col("source_file"),
        F.col("run_id"),
        F.when(franchise_id.isNotNull(), surrogate_key(franchise_id)).alias("franchise_key"),
    )
    keyed = flattened.withColumn("film_key", surrogate_key("film_id")).withColumn(
        "studio_key", surrogate_key("studio_id")
    )
    return conform(keyed, FILMS)


def build_studios(latest_films: DataFrame) -> DataFrame:
    """The ``studios`` table: one row per studio the films name (the smallest name if records disagree)."""
    studios = (
        latest_films.select(
            F.col("payload.studio_id").alias("studio_id"), F.col("payload.studio").alias("studio_name")
        )
        .groupBy("studio_id")
        .agg(F.min("studio_name").alias("studio_name"))
        .withColumn("studio_key", surrogate_key("studio_id"))
    )
    return conform(studios, STUDIOS)


def build_franchises(latest_films: DataFrame) -> DataFrame:
    """The ``franchises`` table: one row per non-null franchise the films name."""
    franchises = (
        latest_films.where(F.col("payload.franchise_id").isNotNull())
        .select(
            F.col("payload.franchise_id").alias("franchise_id"),
            F.col("payload.franchise").alias("franchise_name"),
        )
        .groupBy("franchise_id")
        .agg(F.min("franchise_name").alias("franchise_name"))
        .withColumn("franchise_key", surrogate_key("franchise_id"))
    )
    return conform(franchises, FRANCHISES)
