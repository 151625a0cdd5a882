"""Job 04: the denormalized site exports, built with Spark and written with pyarrow, plus a manifest.

Every export is a small Parquet file for the browser (DuckDB-WASM): zstd-compressed, sorted by its key
columns (so equal keys sit together and row-group statistics prune), with row groups of at most
``ROW_GROUP_ROWS`` rows (at the bundled scale each file is one or a few row groups, so the browser fetches
few ranges). The column types are fixed by the ``*_EXPORT`` pyarrow schemas below; ``docs/05-transform.md``
documents each column for the site. ``manifest.json`` lists, per file, its rows, bytes, SHA-256 and schema.

The writer is deterministic: the same processed tables give byte-identical files and manifest (no
timestamps are written), which the integration test checks. The bytes are made on the driver and go to a
local folder or, for a URL (``s3://`` on EMR, ``hdfs://``), through the session's Hadoop file system.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from hyperion.transform.boxoffice import DAYS_PER_WEEK

MANIFEST_FILE = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1
# Row groups for browser reads: large enough that a file of the bundled scale is one to a few groups
# (one range request each), small enough that a range read of one group stays well under a megabyte.
ROW_GROUP_ROWS = 65_536
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 9

STRING = pa.string()
STRING_LIST = pa.list_(pa.string())

FILMS_COMPLETE = pa.schema(
    [
        ("film_id", STRING),
        ("title", STRING),
        ("release_date", pa.date32()),
        ("release_year", pa.int32()),
        ("studio_id", STRING),
        ("studio_name", STRING),
        ("franchise_id", STRING),
        ("franchise_name", STRING),
        ("directors", STRING_LIST),
        ("runtime_minutes", pa.int32()),
        ("release_type", STRING),
        ("animation_type", STRING),
        ("domestic_gross_usd", pa.int64()),
        ("worldwide_gross_usd", pa.int64()),
        ("gross_note", STRING),
        ("character_count", pa.int32()),
        ("voice_actor_count", pa.int32()),
        ("box_office_gross_cents", pa.int64()),
        ("opening_weekend_gross_cents", pa.int64()),
        ("days_with_gross", pa.int32()),
        ("reconciliation_status", STRING),
    ]
)

CHARACTERS_COMPLETE = pa.schema(
    [
        ("character_id", STRING),
        ("film_id", STRING),
        ("name", STRING),
        ("role", STRING),
        ("species", STRING),
        ("species_detail", STRING),
        ("gender", STRING),
        ("voice_actors", STRING_LIST),
        ("singing_voice_actors", STRING_LIST),
        ("notes", STRING),
        ("film_title", STRING),
        ("release_year", pa.int32()),
        ("studio_id", STRING),
        ("franchise_id", STRING),
        ("character_film_count", pa.int32()),
    ]
)

BOXOFFICE_SUMMARY = pa.schema(
    [
        ("film_id", STRING),
        ("title", STRING),
        ("studio_id", STRING),
        ("release_date", pa.date32()),
        ("release_year", pa.int32()),
        ("total_gross_cents", pa.int64()),
        ("opening_weekend_gross_cents", pa.int64()),
        ("opening_weekend_share", pa.float64()),
        ("first_date", pa.date32()),
        ("last_date", pa.date32()),
        ("days_with_gross", pa.int32()),
        ("peak_day_gross_cents", pa.int64()),
        ("state_count", pa.int32()),
        ("top_state", STRING),
        ("catalog_domestic_gross_cents", pa.int64()),
        ("difference_cents", pa.int64()),
        ("reconciliation_status", STRING),
    ]
)

STUDIO_STATS = pa.schema(
    [
        ("studio_id", STRING),
        ("studio_name", STRING),
        ("film_count", pa.int32()),
        ("theatrical_film_count", pa.int32()),
        ("first_release_year", pa.int32()),
        ("last_release_year", pa.int32()),
        ("total_domestic_gross_usd", pa.int64()),
        ("average_runtime_minutes", pa.float64()),
        ("franchise_count", pa.int32()),
        ("character_count", pa.int32()),
        ("talent_count", pa.int32()),
    ]
)

TALENT_STATS = pa.schema(
    [
        ("talent_name", STRING),
        ("appearance_count", pa.int32()),
        ("character_count", pa.int32()),
        ("film_count", pa.int32()),
        ("studio_count", pa.int32()),
        ("speaking_credit_count", pa.int32()),
        ("singing_credit_count", pa.int32()),
        ("first_release_year", pa.int32()),
        ("last_release_year", pa.int32()),
        ("studio_ids", STRING_LIST),
    ]
)

BOXOFFICE_DAILY_BY_FILM = pa.schema(
    [
        ("film_id", STRING),
        ("box_office_date", pa.date32()),
        ("day_number", pa.int32()),
        ("gross_cents", pa.int64()),
    ]
)

BOXOFFICE_WEEKLY_BY_FILM = pa.schema(
    [
        ("film_id", STRING),
        ("week_number", pa.int32()),
        ("week_start_date", pa.date32()),
        ("gross_cents", pa.int64()),
        ("days_with_gross", pa.int32()),
    ]
)

BOXOFFICE_BY_STATE = pa.schema(
    [
        ("film_id", STRING),
        ("state", STRING),
        ("gross_cents", pa.int64()),
        ("share_of_film", pa.float64()),
    ]
)

BOXOFFICE_WEEKLY_BY_STATE = pa.schema(
    [
        ("film_id", STRING),
        ("week_number", pa.int32()),
        ("week_start_date", pa.date32()),
        ("state", STRING),
        ("gross_cents", pa.int64()),
    ]
)


@dataclass(frozen=True)
class ExportSpecification:
    """One export file: its name, schema and sort order."""

    name: str
    schema: pa.Schema
    sort_keys: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.parquet"


EXPORTS: dict[str, ExportSpecification] = {
    specification.name: specification
    for specification in (
        ExportSpecification("films_complete", FILMS_COMPLETE, ("film_id",)),
        ExportSpecification("characters_complete", CHARACTERS_COMPLETE, ("film_id", "character_id")),
        ExportSpecification("boxoffice_summary", BOXOFFICE_SUMMARY, ("film_id",)),
        ExportSpecification("studio_stats", STUDIO_STATS, ("studio_id",)),
        ExportSpecification("talent_stats", TALENT_STATS, ("talent_name",)),
        ExportSpecification(
            "boxoffice_daily_by_film", BOXOFFICE_DAILY_BY_FILM, ("film_id", "box_office_date")
        ),
        ExportSpecification("boxoffice_weekly_by_film", BOXOFFICE_WEEKLY_BY_FILM, ("film_id", "week_number")),
        ExportSpecification("boxoffice_by_state", BOXOFFICE_BY_STATE, ("film_id", "state")),
        ExportSpecification(
            "boxoffice_weekly_by_state", BOXOFFICE_WEEKLY_BY_STATE, ("film_id", "week_number", "state")
        ),
    )
}


# --- building the exports from the processed tables (Spark) --------------------------------------------


def build_films_complete(
    films: DataFrame,
    studios: DataFrame,
    franchises: DataFrame,
    appearances: DataFrame,
    summary: DataFrame,
    reconciliation: DataFrame,
) -> DataFrame:
    """One row per film with its studio and franchise names, cast size and box-office totals."""
    cast = appearances.groupBy("film_id").agg(
        F.countDistinct("character_id").alias("character_count"),
        F.countDistinct("talent_name").alias("voice_actor_count"),
    )
    return (
        films.join(studios.select("studio_id", "studio_name"), "studio_id", "left")
        .join(franchises.select("franchise_id", "franchise_name"), "franchise_id", "left")
        .join(cast, "film_id", "left")
        .join(
            summary.select(
                "film_id",
                F.col("total_gross_cents").alias("box_office_gross_cents"),
                "opening_weekend_gross_cents",
                "days_with_gross",
            ),
            "film_id",
            "left",
        )
        .join(
            reconciliation.select("film_id", F.col("status").alias("reconciliation_status")),
            "film_id",
            "left",
        )
        .withColumn("character_count", F.coalesce("character_count", F.lit(0)))
        .withColumn("voice_actor_count", F.coalesce("voice_actor_count", F.lit(0)))
    )


def build_characters_complete(appearances: DataFrame, characters: DataFrame, films: DataFrame) -> DataFrame:
    """One row per character x film, with its voices folded back into lists (sorted by name)."""
    speaking = F.when(F.col("credit_type") == "speaking", F.col("talent_name"))
    singing = F.when(F.col("credit_type") == "singing", F.col("talent_name"))
    per_film = appearances.groupBy("character_id", "film_id").agg(
        F.min("character_name").alias("name"),
        F.min("role").alias("role"),
        F.min("notes").alias("notes"),
        F.array_sort(F.collect_set(speaking)).alias("voice_actors"),
        F.array_sort(F.collect_set(singing)).alias("singing_voice_actors"),
    )
    return per_film.join(
        characters.select(
            "character_id",
            "species",
            "species_detail",
            "gender",
            F.col("film_count").alias("character_film_count"),
        ),
        "character_id",
        "left",
    ).join(
        films.select(
            "film_id", F.col("title").alias("film_title"), "release_year", "studio_id", "franchise_id"
        ),
        "film_id",
        "left",
    )


def build_boxoffice_summary(summary: DataFrame, reconciliation: DataFrame, films: DataFrame) -> DataFrame:
    """One row per film with box office or a catalog gross: the summary plus its reconciliation."""
    return (
        reconciliation.select(
            "film_id",
            "catalog_domestic_gross_cents",
            "difference_cents",
            F.col("status").alias("reconciliation_status"),
        )
        .join(summary.drop("film_key"), "film_id", "left")
        .join(
            films.select("film_id", "title", "studio_id", "release_date", "release_year"), "film_id", "left"
        )
    )


def build_studio_stats(films: DataFrame, studios: DataFrame, appearances: DataFrame) -> DataFrame:
    """One row per studio: film counts, years, summed domestic gross, cast and talent counts."""
    per_studio_films = films.groupBy("studio_id").agg(
        F.count(F.lit(1)).alias("film_count"),
        F.sum(F.when(F.col("release_type") == "theatrical", 1).otherwise(0)).alias("theatrical_film_count"),
        F.min("release_year").alias("first_release_year"),
        F.max("release_year").alias("last_release_year"),
        F.sum("domestic_gross_usd").alias("total_domestic_gross_usd"),
        F.avg("runtime_minutes").alias("average_runtime_minutes"),
        F.countDistinct("franchise_id").alias("franchise_count"),
    )
    per_studio_cast = (
        appearances.join(films.select("film_id", "studio_id"), "film_id")
        .groupBy("studio_id")
        .agg(
            F.countDistinct("character_id").alias("character_count"),
            F.countDistinct("talent_name").alias("talent_count"),
        )
    )
    return (
        studios.join(per_studio_films, "studio_id", "left")
        .join(per_studio_cast, "studio_id", "left")
        .withColumn("character_count", F.coalesce("character_count", F.lit(0)))
        .withColumn("talent_count", F.coalesce("talent_count", F.lit(0)))
        .withColumn("film_count", F.coalesce("film_count", F.lit(0)))
    )


def build_talent_stats(appearances: DataFrame, films: DataFrame) -> DataFrame:
    """One row per voice: appearances, characters, films and studios, credit kinds and active years."""
    credited = appearances.where(F.col("talent_name").isNotNull()).join(
        films.select("film_id", "studio_id", "release_year"), "film_id", "left"
    )
    return credited.groupBy("talent_name").agg(
        F.countDistinct("character_id", "film_id").alias("appearance_count"),
        F.countDistinct("character_id").alias("character_count"),
        F.countDistinct("film_id").alias("film_count"),
        F.countDistinct("studio_id").alias("studio_count"),
        F.sum(F.when(F.col("credit_type") == "speaking", 1).otherwise(0)).alias("speaking_credit_count"),
        F.sum(F.when(F.col("credit_type") == "singing", 1).otherwise(0)).alias("singing_credit_count"),
        F.min("release_year").alias("first_release_year"),
        F.max("release_year").alias("last_release_year"),
        F.array_sort(F.collect_set("studio_id")).alias("studio_ids"),
    )


def build_boxoffice_daily_by_film(daily: DataFrame) -> DataFrame:
    """One row per film x date: the national daily gross (states summed), for the film page's curve."""
    return daily.groupBy("film_id", "box_office_date", "day_number").agg(
        F.sum("gross_cents").alias("gross_cents")
    )


def build_boxoffice_weekly_by_film(weekly: DataFrame) -> DataFrame:
    """One row per film x release week (the processed weekly table without its key)."""
    return weekly.drop("film_key")


def build_boxoffice_by_state(daily: DataFrame) -> DataFrame:
    """One row per film x US state: the state's gross over the whole run and its share of the film's."""
    per_state = daily.groupBy("film_id", "state").agg(F.sum("gross_cents").alias("gross_cents"))
    film_total = F.sum("gross_cents").over(Window.partitionBy("film_id"))
    return per_state.withColumn("share_of_film", F.when(film_total > 0, F.col("gross_cents") / film_total))


def release_week(day_number: Column) -> Column:
    """The release week of a day: days 1-7 are week 1 (``box_office_weekly``'s weeks, from day numbers)."""
    return (F.floor((day_number - 1) / DAYS_PER_WEEK) + 1).cast("int")


def build_boxoffice_weekly_by_state(daily: DataFrame, weekly: DataFrame) -> DataFrame:
    """One row per film x release week x US state: the state's gross that week (for the site's map).

    Summed over its states, a film-week is the ``box_office_weekly`` row of that week, to the cent; the
    week's start date comes from that table, so the two exports share one definition of a week.
    """
    per_state = daily.groupBy("film_id", release_week(F.col("day_number")).alias("week_number"), "state").agg(
        F.sum("gross_cents").alias("gross_cents")
    )
    return per_state.join(
        weekly.select("film_id", "week_number", "week_start_date"), ["film_id", "week_number"]
    )


# --- writing (pyarrow, on the driver) -------------------------------------------------------------------


def to_arrow(frame: DataFrame, specification: ExportSpecification) -> pa.Table:
    """Collect ``frame`` (small: an export) into a pyarrow table of the export's schema, sorted.

    On Spark 4 the executors send Arrow batches (``DataFrame.toArrow``), cast to the export's schema: the
    90k-row weekly-by-state export took 4.5 s as Python ``Row`` objects. Spark 3.5 (EMR) has no public
    Arrow collect without pandas, so there rows are collected. Both give equal tables, and so equal bytes
    (the EMR rehearsal compares the files byte for byte): the table is sorted totally and made one chunk.
    """
    selected = frame.select(*specification.schema.names)
    collect = collect_arrow if hasattr(selected, "toArrow") else collect_rows
    return sort_table(collect(selected, specification.schema), specification.sort_keys).combine_chunks()


def collect_arrow(frame: DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as Arrow batches from the executors (Spark 4), cast to ``schema``."""
    return frame.toArrow().cast(schema)


def collect_rows(frame: DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` collected as rows (Spark 3.5), converted to ``schema``."""
    return pa.Table.from_pylist([row.asDict(recursive=True) for row in frame.collect()], schema=schema)


def sort_table(table: pa.Table, sort_keys: Sequence[str]) -> pa.Table:
    """``table`` sorted by ``sort_keys`` ascending (nulls last), then by every other sortable column.

    The extra columns make the order total, so the written bytes never depend on collection order.
    """
    tie_breakers = [
        field.name
        for field in table.schema
        if field.name not in sort_keys and not pa.types.is_list(field.type)
    ]
    keys = [(name, "ascending") for name in (*sort_keys, *tie_breakers)]
    return table.sort_by(keys) if table.num_rows else table


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ExportsDestination(Protocol):
    """Where the export files go: a local folder, or a folder URL written through Hadoop's file system."""

    def write(self, name: str, data: bytes) -> str:
        """Replace the file ``name`` with ``data``; return its location."""
        ...


@dataclass(frozen=True)
class LocalFolder:
    """A folder on the driver's machine (the local runtime's ``exports/``)."""

    directory: Path

    def write(self, name: str, data: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        # A reader never sees a half-written file: the rename replaces the old one at once.
        temporary.replace(path)
        return str(path)


# Object stores make an object visible only when its upload completes, so no temporary name is needed
# (and a rename there would be a copy).
_OBJECT_STORE_SCHEMES = frozenset({"s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs"})


@dataclass(frozen=True)
class HadoopFolder:
    """A folder URL (``s3://``, ``hdfs://`` ...) written through the Spark session's Hadoop file system.

    On EMR ``s3://`` is EMRFS with the cluster's credentials, and a local folder would be lost with the
    cluster; the same code writes to HDFS or, in the rehearsal, to S3A. The bytes are made by pyarrow on
    the driver (the exports are small) and streamed through the JVM.
    """

    spark: SparkSession
    url: str

    def write(self, name: str, data: bytes) -> str:
        jvm = self.spark.sparkContext._jvm
        hadoop_path = jvm.org.apache.hadoop.fs.Path
        target = hadoop_path(f"{self.url.rstrip('/')}/{name}")
        file_system = target.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration())
        scheme = self.url.split("://", 1)[0].lower()
        written = target if scheme in _OBJECT_STORE_SCHEMES else hadoop_path(f"{target.toString()}.tmp")
        stream = file_system.create(written, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()
        if written is not target:
            file_system.delete(target, False)
            if not file_system.rename(written, target):
                raise OSError(f"could not rename {written.toString()} to {target.toString()}")
        return target.toString()


def exports_destination(spark: SparkSession, exports: str | Path) -> ExportsDestination:
    """The destination for ``--exports``: a local folder (plain path or ``file://``) or a Hadoop URL."""
    text = str(exports)
    if text.startswith("file://"):
        return LocalFolder(Path(text.removeprefix("file://")))
    if "://" in text:
        return HadoopFolder(spark, text)
    return LocalFolder(Path(text))


def _as_destination(destination: ExportsDestination | Path) -> ExportsDestination:
    return LocalFolder(destination) if isinstance(destination, Path) else destination


def export_bytes(table: pa.Table, specification: ExportSpecification) -> bytes:
    """The Parquet bytes of one export (deterministic: no timestamps, fixed row groups)."""
    if table.schema != specification.schema:
        raise ValueError(f"{specification.name}: schema {table.schema} is not {specification.schema}")
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        row_group_size=ROW_GROUP_ROWS,
        write_statistics=True,
    )
    return sink.getvalue().to_pybytes()


def write_export(
    table: pa.Table, destination: ExportsDestination | Path, specification: ExportSpecification
) -> dict[str, Any]:
    """Write one export file; return its manifest entry (rows, bytes, sha256, schema)."""
    data = export_bytes(table, specification)
    _as_destination(destination).write(specification.file_name, data)
    return {
        "file": specification.file_name,
        "rows": table.num_rows,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "sort_keys": list(specification.sort_keys),
        "schema": [
            {"name": field.name, "type": str(field.type), "nullable": field.nullable}
            for field in specification.schema
        ],
    }


def manifest_bytes(entries: Sequence[dict[str, Any]]) -> bytes:
    """``manifest.json`` listing ``entries`` by name (sorted, so the file is deterministic)."""
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "files": {
            entry["file"].removesuffix(".parquet"): entry
            for entry in sorted(entries, key=lambda e: e["file"])
        },
        "total_bytes": sum(entry["bytes"] for entry in entries),
    }
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def write_manifest(destination: ExportsDestination | Path, entries: Sequence[dict[str, Any]]) -> Path | str:
    """Write ``manifest.json``; return its location (a ``Path`` for a local folder)."""
    location = _as_destination(destination).write(MANIFEST_FILE, manifest_bytes(entries))
    return Path(location) if isinstance(destination, Path) else location
