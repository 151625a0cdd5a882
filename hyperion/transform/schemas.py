"""Every raw input and processed table of the transform, as an explicit Spark ``StructType``.

Raw JSON is always read with one of the ``RAW_*`` schemas (never inferred), so a missing or mistyped
field becomes a null that the transforms reject with a reason, and a line that is not JSON at all lands in
``_corrupt_record``. The processed schemas are the contract with Trino: the registration
(``hyperion.transform.trino_sql.registration_sql``) is generated from them with :func:`trino_type`
(``LongType`` = ``BIGINT``, ``IntegerType`` = ``INTEGER``, ``DateType`` = ``DATE``, ``DoubleType`` =
``DOUBLE``, arrays = ``ARRAY(VARCHAR)``), and a unit test checks the generated DDL against them.
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)

CORRUPT_RECORD_COLUMN = "_corrupt_record"


def _fields(*specification: tuple[str, DataType]) -> list[StructField]:
    return [StructField(name, data_type, nullable=True) for name, data_type in specification]


def _struct(*specification: tuple[str, DataType]) -> StructType:
    return StructType(_fields(*specification))


STRING_LIST = ArrayType(StringType(), containsNull=True)

# --- raw landing format: one envelope per line, plus the consumer's kafka_partition and kafka_offset ----

FILM_PAYLOAD = _struct(
    ("film_id", StringType()),
    ("title", StringType()),
    ("release_date", StringType()),
    ("studio_id", StringType()),
    ("studio", StringType()),
    ("franchise_id", StringType()),
    ("franchise", StringType()),
    ("directors", STRING_LIST),
    ("runtime_minutes", LongType()),
    ("release_type", StringType()),
    ("animation_type", StringType()),
    ("domestic_gross_usd", LongType()),
    ("worldwide_gross_usd", LongType()),
    ("gross_note", StringType()),
)

CHARACTER_PAYLOAD = _struct(
    ("film_id", StringType()),
    ("character_id", StringType()),
    ("name", StringType()),
    ("role", StringType()),
    ("species", StringType()),
    ("species_detail", StringType()),
    ("gender", StringType()),
    ("voice_actors", STRING_LIST),
    ("singing_voice_actors", STRING_LIST),
    ("notes", StringType()),
    ("attribution", StringType()),
)

BOXOFFICE_ROW = _struct(
    ("state", StringType()),
    ("theater_id", LongType()),
    ("gross_cents", LongType()),
)

BOXOFFICE_PAYLOAD = _struct(
    ("film_id", StringType()),
    ("date", StringType()),
    ("rows", ArrayType(BOXOFFICE_ROW, containsNull=True)),
)


def raw_envelope_schema(payload: StructType) -> StructType:
    """The schema of one landed line: the envelope around ``payload`` plus the consumer's Kafka fields."""
    return _struct(
        ("schema_version", LongType()),
        ("source_file", StringType()),
        ("source_location", StringType()),
        ("run_id", StringType()),
        ("payload", payload),
        ("kafka_partition", LongType()),
        ("kafka_offset", LongType()),
        (CORRUPT_RECORD_COLUMN, StringType()),
    )


RAW_FILMS = raw_envelope_schema(FILM_PAYLOAD)
RAW_CHARACTERS = raw_envelope_schema(CHARACTER_PAYLOAD)
RAW_BOXOFFICE = raw_envelope_schema(BOXOFFICE_PAYLOAD)

# --- rejects: /rejects/transform/<table>/ as JSON Lines ------------------------------------------------

REJECTS = _struct(
    ("table_name", StringType()),
    ("reason", StringType()),
    ("natural_key", StringType()),
    ("source_file", StringType()),
    ("source_location", StringType()),
    ("kafka_partition", LongType()),
    ("kafka_offset", LongType()),
    ("record", StringType()),
)

# --- processed tables: /processed/<table>/ as Parquet ---------------------------------------------------

STUDIOS = _struct(
    ("studio_key", LongType()),
    ("studio_id", StringType()),
    ("studio_name", StringType()),
)

FRANCHISES = _struct(
    ("franchise_key", LongType()),
    ("franchise_id", StringType()),
    ("franchise_name", StringType()),
)

FILMS = _struct(
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("title", StringType()),
    ("release_date", DateType()),
    ("release_year", IntegerType()),
    ("studio_key", LongType()),
    ("studio_id", StringType()),
    ("franchise_key", LongType()),
    ("franchise_id", StringType()),
    ("directors", STRING_LIST),
    ("runtime_minutes", IntegerType()),
    ("release_type", StringType()),
    ("animation_type", StringType()),
    ("domestic_gross_usd", LongType()),
    ("worldwide_gross_usd", LongType()),
    ("gross_note", StringType()),
    ("source_file", StringType()),
    ("run_id", StringType()),
)

CHARACTERS = _struct(
    ("character_key", LongType()),
    ("character_id", StringType()),
    ("name", StringType()),
    ("species", StringType()),
    ("species_detail", StringType()),
    ("gender", StringType()),
    ("first_film_id", StringType()),
    ("film_count", IntegerType()),
)

TALENT = _struct(
    ("talent_key", LongType()),
    ("talent_name", StringType()),
)

CHARACTER_APPEARANCES = _struct(
    ("appearance_key", LongType()),
    ("character_key", LongType()),
    ("character_id", StringType()),
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("talent_key", LongType()),
    ("talent_name", StringType()),
    ("credit_type", StringType()),
    ("role", StringType()),
    ("character_name", StringType()),
    ("notes", StringType()),
    ("attribution", StringType()),
    ("source_file", StringType()),
)

BOX_OFFICE_DAILY = _struct(
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("box_office_date", DateType()),
    ("state", StringType()),
    ("gross_cents", LongType()),
    ("theater_count", IntegerType()),
    ("day_number", IntegerType()),
    # The partition column comes last, as Trino requires and Spark writes it.
    ("box_office_year", IntegerType()),
)

BOX_OFFICE_WEEKLY = _struct(
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("week_number", IntegerType()),
    ("week_start_date", DateType()),
    ("gross_cents", LongType()),
    ("days_with_gross", IntegerType()),
)

BOX_OFFICE_FILM_SUMMARY = _struct(
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("total_gross_cents", LongType()),
    ("opening_weekend_gross_cents", LongType()),
    ("opening_weekend_share", DoubleType()),
    ("first_date", DateType()),
    ("last_date", DateType()),
    ("days_with_gross", IntegerType()),
    ("peak_day_gross_cents", LongType()),
    ("state_count", IntegerType()),
    ("top_state", StringType()),
)

BOX_OFFICE_RECONCILIATION = _struct(
    ("film_key", LongType()),
    ("film_id", StringType()),
    ("catalog_domestic_gross_cents", LongType()),
    ("box_office_gross_cents", LongType()),
    ("difference_cents", LongType()),
    ("status", StringType()),
)

PROCESSED_TABLES: dict[str, StructType] = {
    "studios": STUDIOS,
    "franchises": FRANCHISES,
    "films": FILMS,
    "characters": CHARACTERS,
    "talent": TALENT,
    "character_appearances": CHARACTER_APPEARANCES,
    "box_office_daily": BOX_OFFICE_DAILY,
    "box_office_weekly": BOX_OFFICE_WEEKLY,
    "box_office_film_summary": BOX_OFFICE_FILM_SUMMARY,
    "box_office_reconciliation": BOX_OFFICE_RECONCILIATION,
}

# Tables written with partitionBy, and their partition columns.
PARTITION_COLUMNS: dict[str, list[str]] = {"box_office_daily": ["box_office_year"]}


def trino_type(data_type: DataType) -> str:
    """The Trino type that reads what Spark writes for ``data_type`` in Parquet."""
    if isinstance(data_type, LongType):
        return "bigint"
    if isinstance(data_type, IntegerType):
        return "integer"
    if isinstance(data_type, StringType):
        return "varchar"
    if isinstance(data_type, DateType):
        return "date"
    if isinstance(data_type, DoubleType):
        return "double"
    if isinstance(data_type, ArrayType):
        return f"array({trino_type(data_type.elementType)})"
    raise ValueError(f"no Trino type mapped for {data_type!r}")
