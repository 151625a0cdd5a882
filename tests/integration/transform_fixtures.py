"""Raw fixtures for the transform's integration tests: landed files built from the bundled data/.

Files are written the way a consumer lands them (``landed_file_name``, partition 0, its offset range), in
the envelope contract of ``tests/support/envelopes.py``.
"""

from __future__ import annotations

import json
from typing import Any

from hdfs import InsecureClient
from support.envelopes import (
    boxoffice_envelopes,
    character_envelopes,
    envelope,
    film_envelopes,
    landed_file_name,
    landed_lines,
)

from hyperion.config import REPOSITORY_ROOT
from hyperion.transform.trino_sql import drop_schema_statements, read_catalog_state, run_statements

DATA_DIRECTORY = REPOSITORY_ROOT / "data"
SAMPLE_FILMS = ["toy-story", "frozen", "the-lion-king", "moana", "wall-e", "ice-age"]
REPLAYED_FILM = "frozen"
UNKNOWN_FILM = "not-a-catalog-film"


def catalog() -> list[dict[str, Any]]:
    return json.loads((DATA_DIRECTORY / "complete_movie_list.json").read_text())["films"]


def land(client: InsecureClient, folder: str, envelopes: list[dict[str, Any]], first_offset: int = 0) -> None:
    """Write one landed file the way a consumer names it (partition 0, its offset range)."""
    name = landed_file_name(0, first_offset, first_offset + len(envelopes) - 1)
    client.write(f"{folder}/{name}", data="".join(landed_lines(envelopes, 0, first_offset)), encoding="utf-8")


def land_fixtures(client: InsecureClient, raw_root: str) -> None:
    land(client, f"{raw_root}/raw-films", list(film_envelopes(DATA_DIRECTORY, "run-films")))
    characters = list(character_envelopes(DATA_DIRECTORY, "run-characters"))
    orphan = {
        "character_id": "nobody-in-particular",
        "film_id": UNKNOWN_FILM,
        "name": "Nobody",
        "role": "minor",
        "species": "human",
        "species_detail": None,
        "gender": "unknown",
        "voice_actors": ["A. Voice", "B. Voice"],
        "singing_voice_actors": [],
        "notes": None,
    }
    characters.append(envelope(orphan, "tests/orphan.json", "$.characters[0]", "run-characters"))
    land(client, f"{raw_root}/raw-characters", characters)
    boxoffice = list(boxoffice_envelopes(DATA_DIRECTORY, seed=42, film_ids=SAMPLE_FILMS, run_id="run-box"))
    unknown_day = {
        "film_id": UNKNOWN_FILM,
        "date": "2020-01-03",
        "rows": [{"state": "CA", "theater_id": 0, "gross_cents": 5}],
    }
    boxoffice.append(envelope(unknown_day, "tests", "unknown", "run-box"))
    land(client, f"{raw_root}/raw-boxoffice", boxoffice)
    # A replay: the producer sent one film's days again, so they land a second time at later offsets.
    replayed = [value for value in boxoffice if value["payload"]["film_id"] == REPLAYED_FILM]
    land(client, f"{raw_root}/raw-boxoffice", replayed, first_offset=len(boxoffice))


def drop_schema(connection: Any, schema: str) -> None:
    """Drop a test's Trino schema: its views, its versioned tables (metadata only), the schema."""
    run_statements(connection, drop_schema_statements(read_catalog_state(connection, schema), schema))
