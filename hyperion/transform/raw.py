"""Raw envelopes: read them with an explicit schema, set aside the unusable ones, keep the latest per key.

The consumers land every Kafka message as one JSON line (the envelope plus ``kafka_partition`` and
``kafka_offset``). Producers may replay a source, and a consumer restart may land a file again under the
same name, so the same natural key can appear many times; the transforms keep one record per key: the one
with the highest ``(kafka_partition, kafka_offset)``, i.e. the latest landed. Every topic is keyed by the
record's film or character, so a key's records share a partition and the offset orders them in time.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from hyperion.transform.schemas import CORRUPT_RECORD_COLUMN, REJECTS

SUPPORTED_SCHEMA_VERSION = 1
RAW_FILE_GLOB = "*.jsonl"


def read_raw(spark: SparkSession, path: str, schema: StructType) -> DataFrame:
    """Read the landed JSON Lines under ``path`` with ``schema`` (malformed lines keep their text).

    Only ``*.jsonl`` files are read, so a consumer's temporary file that is not yet renamed into place is
    never half-read.
    """
    return (
        spark.read.schema(schema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD_COLUMN)
        .option("pathGlobFilter", RAW_FILE_GLOB)
        .option("recursiveFileLookup", "true")
        .json(path)
    )


def envelope_problem() -> Column:
    """Why an envelope cannot be used at all, or null when it can."""
    return (
        F.when(F.col(CORRUPT_RECORD_COLUMN).isNotNull(), F.lit("malformed JSON line"))
        .when(F.col("schema_version").isNull(), F.lit("missing schema_version"))
        .when(
            F.col("schema_version") != SUPPORTED_SCHEMA_VERSION,
            F.concat(F.lit("unsupported schema_version "), F.col("schema_version").cast("string")),
        )
        .when(F.col("payload").isNull(), F.lit("missing payload"))
    )


def to_rejects(
    frame: DataFrame, table_name: str, reason: Column, natural_key: Column, record: Column | None = None
) -> DataFrame:
    """Shape rows of ``frame`` into the rejects schema, with ``reason`` for each.

    ``record`` is the rejected record as text; by default the envelope's payload as JSON, or the line
    itself when it was not JSON.
    """
    if record is None:
        record = F.coalesce(F.col(CORRUPT_RECORD_COLUMN), F.to_json(F.col("payload")))
    return frame.select(
        F.lit(table_name).alias("table_name"),
        reason.alias("reason"),
        natural_key.cast("string").alias("natural_key"),
        F.col("source_file"),
        F.col("source_location"),
        F.col("kafka_partition"),
        F.col("kafka_offset"),
        record.alias("record"),
    ).select([F.col(field.name).cast(field.dataType) for field in REJECTS.fields])


def latest_ordering() -> list[Column]:
    """The order that puts the latest landed record first, with ties broken on content for determinism."""
    return [
        F.col("kafka_partition").desc_nulls_last(),
        F.col("kafka_offset").desc_nulls_last(),
        F.col("source_file").asc_nulls_last(),
        F.col("source_location").asc_nulls_last(),
        F.to_json(F.col("payload")).asc_nulls_last(),
    ]


def keep_latest(frame: DataFrame, key_columns: Sequence[str | Column]) -> DataFrame:
    """One row per ``key_columns``: the latest landed one (see the module docstring)."""
    rank = F.row_number().over(Window.partitionBy(*key_columns).orderBy(*latest_ordering()))
    return frame.withColumn("_rank", rank).where(F.col("_rank") == 1).drop("_rank")


def conform(frame: DataFrame, schema: StructType) -> DataFrame:
    """Select and cast ``frame``'s columns to exactly ``schema`` (order, names and types)."""
    return frame.select([F.col(field.name).cast(field.dataType).alias(field.name) for field in schema.fields])
