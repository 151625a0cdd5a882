"""Test fixture: raw envelopes built from the bundled ``data/``, in the landing format the consumers write.

The ingest producers send these same envelopes through Kafka (built by the same
``hyperion.ingest.envelope.build_envelope``); this module builds them directly so the
transform can be tested (and benchmarked) without the ingest path. Each landed line is the envelope plus
``kafka_partition`` and ``kafka_offset``; here the partition is 0 and the offset counts up per topic, as a
single-partition topic would give.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from hyperion.ingest.envelope import build_envelope
from hyperion.ingest.landing import landed_file_name
from hyperion.sources.boxoffice import iter_boxoffice_rows, theatrical_films
from hyperion.sources.catalog import iter_character_files, load_catalog

CATALOG_FILE = "complete_movie_list.json"

__all__ = [
    "boxoffice_envelopes",
    "character_envelopes",
    "envelope",
    "film_envelopes",
    "landed_file_name",
    "landed_lines",
]


def envelope(
    payload: Mapping[str, Any], source_file: str, source_location: str, run_id: str
) -> dict[str, Any]:
    """One message value of the raw topics: the ingest producers' own envelope builder."""
    return build_envelope(dict(payload), source_file, source_location, run_id)


def landed_lines(
    envelopes: Iterable[Mapping[str, Any]], partition: int = 0, first_offset: int = 0
) -> Iterator[str]:
    """JSON Lines as a consumer lands them: each envelope plus its Kafka partition and offset."""
    for offset, value in enumerate(envelopes, start=first_offset):
        yield json.dumps({**value, "kafka_partition": partition, "kafka_offset": offset}) + "\n"


def film_envelopes(data_directory: Path, run_id: str | None = None) -> Iterator[dict[str, Any]]:
    """One envelope per catalog film."""
    run_id = run_id or str(uuid.uuid4())
    for index, film in enumerate(load_catalog(data_directory / CATALOG_FILE)):
        yield envelope(film, f"data/{CATALOG_FILE}", f"$.films[{index}]", run_id)


def character_envelopes(data_directory: Path, run_id: str | None = None) -> Iterator[dict[str, Any]]:
    """One envelope per character appearance: the character-file entry plus its ``film_id``."""
    run_id = run_id or str(uuid.uuid4())
    for character_file in iter_character_files(data_directory):
        film_id = character_file.document["film_id"]
        source_file = f"data/characters/{character_file.path.name}"
        for index, character in enumerate(character_file.document["characters"]):
            yield envelope({**character, "film_id": film_id}, source_file, f"$.characters[{index}]", run_id)


def boxoffice_envelopes(
    data_directory: Path,
    seed: int | str = 42,
    scale: int = 1,
    film_ids: list[str] | None = None,
    run_id: str | None = None,
) -> Iterator[dict[str, Any]]:
    """One envelope per film-day of the seeded generator's rows, all states and theaters of the day."""
    run_id = run_id or str(uuid.uuid4())
    catalog = {"films": load_catalog(data_directory / CATALOG_FILE)}
    films = theatrical_films(catalog, film_ids)
    rows = iter_boxoffice_rows(films, seed, scale)
    for (film_id, day), day_rows in itertools.groupby(rows, key=lambda row: (row["film_id"], row["date"])):
        payload = {
            "film_id": film_id,
            "date": day,
            "rows": [
                {"state": row["state"], "theater_id": row["theater_id"], "gross_cents": row["gross_cents"]}
                for row in day_rows
            ],
        }
        yield envelope(payload, "generator:hyperion.sources.boxoffice", f"{film_id}/{day}", run_id)


def land_raw_folder(
    raw_directory: Path,
    data_directory: Path,
    boxoffice_film_ids: list[str],
    malformed_film_line: bool = True,
) -> dict[str, int]:
    """A raw landing folder on local disk, as the consumers write HDFS ``/raw``: ``<topic>/part-*.jsonl``.

    Films and characters cover the whole catalog; box office covers ``boxoffice_film_ids`` (seed 42). With
    ``malformed_film_line``, ``raw-films`` gets one line that is not JSON, so job 01 has a reject while
    jobs 02 and 03 have none (an empty rejects frame). Returns the landed line count per topic.
    """
    landed = {}
    topics = {
        "raw-films": list(film_envelopes(data_directory, "run-films")),
        "raw-characters": list(character_envelopes(data_directory, "run-characters")),
        "raw-boxoffice": list(
            boxoffice_envelopes(data_directory, seed=42, film_ids=boxoffice_film_ids, run_id="run-box")
        ),
    }
    for topic, envelopes in topics.items():
        folder = raw_directory / topic
        folder.mkdir(parents=True, exist_ok=True)
        lines = list(landed_lines(envelopes))
        if topic == "raw-films" and malformed_film_line:
            lines.append('{"this line": "is cut off\n')
        (folder / landed_file_name(0, 0, len(lines) - 1)).write_text("".join(lines))
        landed[topic] = len(lines)
    return landed
