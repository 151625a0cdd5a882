"""The record rules: what a valid film, character entry or raw box-office row is.

The JSON Schemas in ``data/`` are the single definition of a valid film and character record; the
box-office row contract is checked field by field. The producers check every record against these rules
before sending it (hyperion.sources.adapters), and the dead-letter re-drive checks the corrected records
again (hyperion.ingest.redrive).
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from hyperion.sources.catalog import (
    CHARACTER_SCHEMA_FILE_NAME,
    FILM_SCHEMA_FILE_NAME,
    load_schema,
    schema_problems,
    schema_validator,
)
from hyperion.sources.us_states import US_STATES

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
STATE_CODES: frozenset[str] = frozenset(state.code for state in US_STATES)

# The legacy files hold no release date, runtime or gross: the importer leaves them null (see
# LegacyFilm.catalog_record), so a legacy film is checked against the catalog schema with those made nullable.
LEGACY_NULLABLE_FILM_FIELDS = (
    "release_date",
    "studio_id",
    "studio",
    "runtime_minutes",
    "release_type",
    "animation_type",
)


@dataclass(frozen=True)
class RecordValidators:
    """The JSON Schema validators of one film record and one character entry."""

    film: Draft202012Validator
    legacy_film: Draft202012Validator
    character: Draft202012Validator


def _definition_schema(document_schema: Mapping[str, Any], definition: str) -> dict[str, Any]:
    """A stand-alone schema for one ``$defs`` entry of a document schema (keeping the other ``$defs``)."""
    return {
        "$schema": document_schema.get("$schema"),
        "$defs": document_schema["$defs"],
        "$ref": f"#/$defs/{definition}",
    }


def load_record_validators(data_directory: Path) -> RecordValidators:
    """Build the validators from the bundled schemas (the single definition of a valid record)."""
    film_schema = load_schema(data_directory, FILM_SCHEMA_FILE_NAME)
    character_schema = load_schema(data_directory, CHARACTER_SCHEMA_FILE_NAME)
    legacy_schema = copy.deepcopy(film_schema)
    film_properties = legacy_schema["$defs"]["film"]["properties"]
    for name in LEGACY_NULLABLE_FILM_FIELDS:
        film_properties[name] = {"anyOf": [film_properties[name], {"type": "null"}]}
    return RecordValidators(
        film=schema_validator(_definition_schema(film_schema, "film")),
        legacy_film=schema_validator(_definition_schema(legacy_schema, "film")),
        character=schema_validator(_definition_schema(character_schema, "character")),
    )


def record_problems(record: Any, validator: Draft202012Validator) -> list[str]:
    """Every schema problem of one record as ``"<json path>: <reason>"``; empty when the record is valid."""
    return [f"{problem.json_path}: {problem.reason}" for problem in schema_problems(record, validator, "")]


def boxoffice_row_problems(row: Any) -> list[str]:
    """The box-office row rules: the raw-row contract, checked field by field.

    ``film_id`` a slug, ``date`` an ISO date, ``state`` one of the 50 states or DC, ``theater_id`` and
    ``gross_cents`` non-negative integers, and no other field.
    """
    if not isinstance(row, dict):
        return [f"$: expected an object, got {type(row).__name__}"]
    problems = []
    expected = ("film_id", "date", "state", "theater_id", "gross_cents")
    missing = [name for name in expected if name not in row]
    if missing:
        problems.append(f"$: missing keys: {', '.join(missing)}")
    unexpected = sorted(set(row) - set(expected))
    if unexpected:
        problems.append(f"$: unexpected keys: {', '.join(unexpected)}")
    film_id = row.get("film_id")
    if "film_id" in row and not (isinstance(film_id, str) and SLUG_PATTERN.match(film_id)):
        problems.append(f"$.film_id: must be a lowercase slug (got {film_id!r})")
    if "date" in row and not _is_iso_date(row["date"]):
        problems.append(f"$.date: must be an ISO date YYYY-MM-DD (got {row['date']!r})")
    if "state" in row and row["state"] not in STATE_CODES:
        problems.append(f"$.state: must be a US state or DC code (got {row['state']!r})")
    for name in ("theater_id", "gross_cents"):
        if name in row and not _is_non_negative_integer(row[name]):
            problems.append(f"$.{name}: must be a non-negative integer (got {row[name]!r})")
    return problems


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_non_negative_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
