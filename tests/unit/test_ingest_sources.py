"""Producer sources and validation: bundled data, bad input, the legacy directory and box office."""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from hyperion.ingest.envelope import MAXIMUM_RAW_CHARACTERS, build_envelope, deadletter_value
from hyperion.sources.adapters import (
    SourceRecord,
    SourceReject,
    SourceSetAside,
    iter_boxoffice_file,
    iter_bundled_characters,
    iter_bundled_films,
    iter_generated_boxoffice,
    iter_legacy_characters,
    iter_legacy_films,
)
from hyperion.sources.boxoffice import iter_boxoffice_rows, theatrical_films
from hyperion.sources.catalog import DEFAULT_DATA_DIR, load_catalog
from hyperion.sources.legacy.importer import LegacyAppearance, LegacyFilm, iter_legacy_records
from hyperion.sources.record_rules import boxoffice_row_problems, load_record_validators

LEGACY_DIR = Path(
    os.environ.get(
        "HYPERION_LEGACY_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "legacy-source-data"
    )
)
WOODY = {
    "character_id": "woody",
    "name": "Woody",
    "role": "protagonist",
    "species": "toy",
    "species_detail": "pull-string cowboy doll",
    "gender": "male",
    "voice_actors": ["Tom Hanks"],
    "singing_voice_actors": [],
    "notes": None,
}


@pytest.fixture(scope="module")
def validators():
    return load_record_validators(DEFAULT_DATA_DIR)


def test_bundled_films_are_all_valid_and_keyed_by_film_id(validators):
    items = list(iter_bundled_films(DEFAULT_DATA_DIR, validators))
    catalog = load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")
    assert all(isinstance(item, SourceRecord) for item in items)
    assert [item.key for item in items] == [film["film_id"] for film in catalog]
    assert items[0].source_file == "data/complete_movie_list.json"
    assert items[2].source_location == "$.films[2]"
    assert items[2].payload == catalog[2]


def test_bundled_characters_carry_film_id_and_one_item_per_entry(validators):
    items = list(iter_bundled_characters(DEFAULT_DATA_DIR, validators))
    assert all(isinstance(item, SourceRecord) for item in items)
    expected = Counter()
    for path in sorted((DEFAULT_DATA_DIR / "characters").glob("*.json")):
        document = json.loads(path.read_text())
        expected.update((document["film_id"], entry["character_id"]) for entry in document["characters"])
    assert Counter((item.payload["film_id"], item.key) for item in items) == expected


def write_bad_data_directory(directory: Path) -> None:
    (directory / "characters").mkdir(parents=True)
    catalog = json.loads((DEFAULT_DATA_DIR / "complete_movie_list.json").read_text())
    good, wrong_type, missing_key = (dict(film) for film in catalog["films"][:3])
    wrong_type["runtime_minutes"] = "eighty-one"
    del missing_key["title"]
    (directory / "complete_movie_list.json").write_text(
        json.dumps({"schema_version": 1, "films": [good, wrong_type, missing_key]})
    )
    (directory / "characters" / "broken.json").write_text('{"film_id": "broken", "characters": [')
    oversized = {**WOODY, "character_id": "big", "notes": "x" * 2_000_000}
    bad_gender = {**WOODY, "character_id": "buzz-lightyear", "gender": 7}
    (directory / "characters" / "toy-story.json").write_text(
        json.dumps({"film_id": "toy-story", "characters": [WOODY, bad_gender, oversized]})
    )


def test_bad_films_become_rejects_with_reasons_and_locations(tmp_path, validators):
    write_bad_data_directory(tmp_path)
    items = list(iter_bundled_films(tmp_path, validators))
    assert [type(item) for item in items] == [SourceRecord, SourceReject, SourceReject]
    assert items[1].source_location == "$.films[1]"
    assert "runtime_minutes" in items[1].reason and items[1].reason.startswith("schema-violation")
    assert "title" in items[2].reason


def test_malformed_json_file_and_wrong_types_are_rejected_and_the_rest_goes_on(tmp_path, validators):
    write_bad_data_directory(tmp_path)
    items = list(iter_bundled_characters(tmp_path, validators))
    rejects = [item for item in items if isinstance(item, SourceReject)]
    records = [item for item in items if isinstance(item, SourceRecord)]
    assert [(reject.source_file, reject.source_location) for reject in rejects] == [
        (f"{tmp_path.name}/characters/broken.json", "$"),
        (f"{tmp_path.name}/characters/toy-story.json", "$.characters[1]"),
        (f"{tmp_path.name}/characters/toy-story.json", "$.characters[2].notes"),
    ]
    assert rejects[0].reason.startswith("invalid-json")
    assert "gender" in rejects[1].reason
    # A 2-million-character string breaks the string cap before it can make an oversized message (the
    # producer's own size check is tested in test_ingest_producer.py).
    assert rejects[2].reason.startswith("string-too-long: string of 2000000 characters")
    assert "x" * 100 not in rejects[2].raw
    assert [record.key for record in records] == ["woody"]


def test_legacy_sources_follow_the_legacy_importer_record_by_record(validators):
    records = list(iter_legacy_records(LEGACY_DIR))
    films = list(iter_legacy_films(LEGACY_DIR, validators))
    characters = list(iter_legacy_characters(LEGACY_DIR, validators))
    legacy_films = [record for record in records if isinstance(record, LegacyFilm)]
    appearances = [record for record in records if isinstance(record, LegacyAppearance)]
    assert [item.key for item in films if isinstance(item, SourceRecord)] == [
        film.film_id for film in legacy_films
    ]
    sent = [item for item in characters if isinstance(item, SourceRecord)]
    assert [(item.payload["film_id"], item.key) for item in sent] == [
        (appearance.film_id, appearance.character_id) for appearance in appearances
    ]
    assert all(item.payload["attribution"] for item in sent)
    set_aside = [item for item in characters if isinstance(item, SourceSetAside)]
    assert len(set_aside) > 0 and all(item.reason for item in set_aside)


def test_generated_boxoffice_messages_hold_exactly_the_generator_rows():
    films = theatrical_films({"films": load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")})[:3]
    items = list(iter_generated_boxoffice(films, seed=7, scale=2, max_rows=5000))
    payloads = [item.payload_object() for item in items]
    rows = [
        {"film_id": payload["film_id"], "date": payload["date"], **row}
        for payload in payloads
        for row in payload["rows"]
    ]
    assert rows == list(itertools.islice(iter_boxoffice_rows(films, seed=7, scale=2), 5000))
    assert sum(item.record_count for item in items) == 5000
    # One message per film-day: state rows of one film and date together.
    assert len({(payload["film_id"], payload["date"]) for payload in payloads}) == len(items)
    assert all(item.key == payload["film_id"] for item, payload in zip(items, payloads, strict=True))


def test_pre_serialized_film_days_encode_to_the_same_bytes_as_dicts():
    from hyperion.ingest.producer import encode_message

    films = theatrical_films({"films": load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")})[:1]
    for item in itertools.islice(iter_generated_boxoffice(films, seed=3, scale=3), 5):
        as_dict = SourceRecord(item.key, item.payload_object(), item.source_file, item.source_location)
        assert encode_message(item, "run") == encode_message(as_dict, "run")


def test_boxoffice_file_groups_film_days_and_rejects_bad_lines(tmp_path):
    row = {"film_id": "toy-story", "date": "1995-11-24", "state": "CA", "theater_id": 0, "gross_cents": 5}
    lines = [
        json.dumps(row),
        json.dumps({**row, "state": "NY"}),
        "{not json",
        json.dumps({**row, "gross_cents": -1}),
        json.dumps({**row, "theater_id": "0"}),
        json.dumps({key: value for key, value in row.items() if key != "state"}),
        json.dumps({**row, "date": "1995-11-25"}),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = list(iter_boxoffice_file(path))
    records = [item for item in items if isinstance(item, SourceRecord)]
    rejects = [item for item in items if isinstance(item, SourceReject)]
    assert [(record.payload["date"], len(record.payload["rows"])) for record in records] == [
        ("1995-11-24", 2),
        ("1995-11-25", 1),
    ]
    assert [reject.source_location for reject in rejects] == ["line 3", "line 4", "line 5", "line 6"]
    assert rejects[0].reason.startswith("invalid-json")
    assert "gross_cents" in rejects[1].reason and "theater_id" in rejects[2].reason
    assert "missing keys: state" in rejects[3].reason


def test_boxoffice_row_rules():
    row = {"film_id": "toy-story", "date": "1995-11-24", "state": "CA", "theater_id": 0, "gross_cents": 5}
    assert boxoffice_row_problems(row) == []
    assert boxoffice_row_problems({**row, "state": "XX"}) == [
        "$.state: must be a US state or DC code (got 'XX')"
    ]
    assert boxoffice_row_problems({**row, "date": "1995-02-30"})[0].startswith("$.date")
    assert boxoffice_row_problems({**row, "gross_cents": True})[0].startswith("$.gross_cents")
    assert boxoffice_row_problems({**row, "extra": 1}) == ["$: unexpected keys: extra"]
    assert boxoffice_row_problems([1]) == ["$: expected an object, got list"]


def test_envelope_and_deadletter_shapes():
    envelope = build_envelope({"film_id": "x"}, "data/a.json", "$.films[0]", "run")
    assert envelope == {
        "schema_version": 1,
        "source_file": "data/a.json",
        "source_location": "$.films[0]",
        "run_id": "run",
        "payload": {"film_id": "x"},
    }
    value = deadletter_value("produce", "oversized", "y" * (MAXIMUM_RAW_CHARACTERS + 10), "f", "$", topic="t")
    assert len(value["raw"]) == MAXIMUM_RAW_CHARACTERS
    assert set(value) == {
        "schema_version",
        "stage",
        "reason",
        "source_file",
        "source_location",
        "topic",
        "partition",
        "offset",
        "raw",
    }
