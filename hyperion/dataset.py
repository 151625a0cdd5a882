"""Loading and validating the bundled canonical dataset in ``data/``.

The dataset is the film catalog (``complete_movie_list.json``), one character file per covered film
(``characters/<film_id>.json``), the list of catalog films that have no character file yet
(``uncovered_films.json``) and the two JSON Schemas that describe the catalog and the character files.

The loaders (:func:`load_catalog`, :func:`iter_character_files`) are what the producers and Spark jobs
import. The validators return every :class:`Problem` they find instead of stopping at the first one, so
that one run of ``scripts/validate_data.py`` shows everything that needs fixing.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

logger = logging.getLogger(__name__)

CATALOG_FILE_NAME = "complete_movie_list.json"
CHARACTER_SCHEMA_FILE_NAME = "CHARACTER_SCHEMA.json"
FILM_SCHEMA_FILE_NAME = "FILM_SCHEMA.json"
UNCOVERED_FILE_NAME = "uncovered_films.json"
CHARACTERS_DIRECTORY_NAME = "characters"

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"

STUDIO_NAMES: Mapping[str, str] = {
    "wdas": "Walt Disney Animation Studios",
    "pixar": "Pixar Animation Studios",
    "blue-sky": "Blue Sky Studios",
    "disneytoon": "DisneyToon Studios",
    "20th-century-animation": "20th Century Animation",
    "disney-plus": "Disney+",
    "marvel-animation": "Marvel Animation",
    "disney-hybrid": "Walt Disney Pictures",
}

# Studios whose theatrical features must carry a full principal cast under --coverage.
CORE_STUDIO_IDS: frozenset[str] = frozenset({"wdas", "pixar", "blue-sky"})
MINIMUM_CORE_FILM_CHARACTERS = 8
MINIMUM_TOTAL_APPEARANCES = 2000


class DatasetError(Exception):
    """A dataset file is missing, is not valid JSON or does not have the expected top-level shape."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the dataset, located by file and JSON path.

    ``file`` is a display path (for example ``data/characters/toy-story.json``) and ``json_path`` a
    JSONPath into that file (for example ``$.characters[3].gender``).
    """

    file: str
    json_path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.json_path}: {self.reason}"


@dataclass(frozen=True)
class CharacterFile:
    """A parsed character file and where it came from."""

    path: Path
    document: dict[str, Any]

    @property
    def film_id(self) -> str:
        """The film id the file name promises (``toy-story`` for ``toy-story.json``)."""
        return self.path.stem


@dataclass
class DatasetSummary:
    """Counts and coverage facts about one validated dataset."""

    films: int = 0
    films_by_studio: dict[str, int] = field(default_factory=dict)
    character_files: int = 0
    characters: int = 0
    appearances: int = 0
    talent: int = 0
    uncovered_films: int = 0
    thin_core_films: list[str] = field(default_factory=list)
    uncovered_core_films: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def one_line(self) -> str:
        """Render the summary as the single line the validator prints on success."""
        studios = ", ".join(f"{studio}={count}" for studio, count in sorted(self.films_by_studio.items()))
        return (
            f"films={self.films} ({studios}) character_files={self.character_files} "
            f"uncovered_films={self.uncovered_films} characters={self.characters} "
            f"appearances={self.appearances} talent={self.talent} "
            f"core_theatrical_films_under_{MINIMUM_CORE_FILM_CHARACTERS}_characters="
            f"{len(self.thin_core_films)} "
            f"core_theatrical_films_without_characters={len(self.uncovered_core_films)} "
            f"seconds={self.seconds:.2f}"
        )


def json_path(parts: Iterable[str | int]) -> str:
    """Build a JSONPath such as ``$.films[3].gross_note`` from dictionary keys and list indexes."""
    rendered = "$"
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
        elif part.replace("_", "").isalnum():
            rendered += f".{part}"
        else:
            rendered += f"[{json.dumps(part)}]"
    return rendered


def display_path(path: Path, data_dir: Path) -> str:
    """Show ``path`` relative to the data directory's parent, so that it reads ``data/...``."""
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


def read_json(path: Path) -> Any:
    """Read one UTF-8 JSON file, raising :class:`DatasetError` with the file name on any failure.

    Read through hyperion.source_files: strict JSON, no recursion, within the ``HYPERION_SOURCE_*`` caps;
    a value beyond a cap or a duplicate key fails the whole file here (the producers' own readers reject
    only the record that holds it).
    """
    from hyperion.source_files import SourceFileError, default_limits, read_json_file

    if not path.exists():
        raise DatasetError(f"{path}: file not found")
    try:
        parsed = read_json_file(os.path.realpath(path), default_limits())
    except SourceFileError as error:
        raise DatasetError(f"{path}: not valid UTF-8 JSON: {error}") from None
    if parsed.problems:
        first = parsed.problems[0]
        raise DatasetError(f"{path}: {first.json_path}: {first.reason}: {first.detail}")
    return parsed.document


def load_catalog(path: Path) -> list[dict[str, Any]]:
    """Return the film objects of the catalog at ``path`` in file order.

    Only the top-level shape is checked here; :func:`validate_catalog` checks the content.
    """
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("films"), list):
        raise DatasetError(f"{path}: expected an object with a 'films' array")
    return document["films"]


def character_file_paths(data_dir: Path) -> list[Path]:
    """All ``characters/*.json`` paths under ``data_dir``, sorted by name."""
    return sorted((data_dir / CHARACTERS_DIRECTORY_NAME).glob("*.json"))


def iter_character_files(data_dir: Path) -> Iterator[CharacterFile]:
    """Yield every character file under ``data_dir`` in file-name order.

    Raises :class:`DatasetError` on the first file that is not valid JSON or not a JSON object.
    """
    for path in character_file_paths(data_dir):
        document = read_json(path)
        if not isinstance(document, dict):
            raise DatasetError(f"{path}: expected a JSON object")
        yield CharacterFile(path=path, document=document)


def load_schema(data_dir: Path, file_name: str) -> dict[str, Any]:
    """Load one of the bundled JSON Schemas and check that it is itself a valid 2020-12 schema."""
    schema = read_json(data_dir / file_name)
    Draft202012Validator.check_schema(schema)
    return schema


def schema_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A 2020-12 validator that also asserts ``format: date``."""
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _schema_error_reason(error: ValidationError) -> str:
    """Turn a jsonschema error into a short reason a data author can act on."""
    custom_reason = error.schema.get("x-problem") if isinstance(error.schema, Mapping) else None
    field_name = next((part for part in reversed(error.absolute_path) if isinstance(part, str)), "value")
    if error.validator == "enum":
        allowed = ", ".join(str(option) for option in error.validator_value)
        return f"{field_name} {error.instance!r} is not one of: {allowed}"
    if error.validator == "uniqueItems":
        duplicates = sorted({item for item in error.instance if error.instance.count(item) > 1}, key=str)
        return f"{field_name} lists the same entry more than once: {', '.join(map(repr, duplicates))}"
    if custom_reason and error.validator in {"type", "pattern", "format", "minLength", "required"}:
        return f"{custom_reason} (got {error.instance!r})" if error.validator != "required" else custom_reason
    return error.message


def schema_problems(document: Any, validator: Draft202012Validator, file_label: str) -> list[Problem]:
    """Every schema violation in ``document``, one :class:`Problem` each, in path order."""
    problems = [
        Problem(file_label, json_path(error.absolute_path), _schema_error_reason(error))
        for error in validator.iter_errors(document)
    ]
    return sorted(set(problems))


def validate_catalog(
    document: Any, film_schema: Mapping[str, Any], file_label: str = "data/" + CATALOG_FILE_NAME
) -> list[Problem]:
    """Check the catalog against its schema and the rules a schema cannot express.

    Beyond the schema: film_ids are unique, no two films share a (title, release year), and each
    studio_id carries its canonical studio name.
    """
    problems = schema_problems(document, schema_validator(film_schema), file_label)
    films = document.get("films") if isinstance(document, dict) else None
    if not isinstance(films, list):
        return problems

    first_index_by_id: dict[str, int] = {}
    first_index_by_title_year: dict[tuple[str, str], int] = {}
    for index, film in enumerate(films):
        if not isinstance(film, dict):
            continue
        film_id = film.get("film_id")
        if isinstance(film_id, str):
            if film_id in first_index_by_id:
                problems.append(
                    Problem(
                        file_label,
                        json_path(["films", index, "film_id"]),
                        f"duplicate film_id {film_id!r} (first at $.films[{first_index_by_id[film_id]}])",
                    )
                )
            else:
                first_index_by_id[film_id] = index
        title, release_date = film.get("title"), film.get("release_date")
        if isinstance(title, str) and isinstance(release_date, str):
            key = (title.casefold(), release_date[:4])
            if key in first_index_by_title_year:
                problems.append(
                    Problem(
                        file_label,
                        json_path(["films", index, "title"]),
                        f"another film has the same title {title!r} and release year {release_date[:4]} "
                        f"(at $.films[{first_index_by_title_year[key]}])",
                    )
                )
            else:
                first_index_by_title_year[key] = index
        studio_id, studio = film.get("studio_id"), film.get("studio")
        if studio_id in STUDIO_NAMES and isinstance(studio, str) and studio != STUDIO_NAMES[studio_id]:
            problems.append(
                Problem(
                    file_label,
                    json_path(["films", index, "studio"]),
                    f"studio {studio!r} does not match studio_id {studio_id!r} "
                    f"(expected {STUDIO_NAMES[studio_id]!r})",
                )
            )
    return problems


def validate_character_file(
    character_file: CharacterFile,
    character_schema: Mapping[str, Any],
    catalog_film_ids: Iterable[str],
    file_label: str,
) -> list[Problem]:
    """Check one character file: schema, film_id equal to the file name and in the catalog, unique ids."""
    document = character_file.document
    problems = schema_problems(document, schema_validator(character_schema), file_label)
    film_id = document.get("film_id")
    if isinstance(film_id, str):
        if film_id != character_file.film_id:
            problems.append(
                Problem(
                    file_label,
                    "$.film_id",
                    f"film_id {film_id!r} does not match the file name (expected {character_file.film_id!r})",
                )
            )
        if film_id not in set(catalog_film_ids):
            problems.append(
                Problem(file_label, "$.film_id", f"film_id {film_id!r} is not in the film catalog")
            )

    characters = document.get("characters")
    if isinstance(characters, list):
        first_index_by_id: dict[str, int] = {}
        for index, character in enumerate(characters):
            character_id = character.get("character_id") if isinstance(character, dict) else None
            if not isinstance(character_id, str):
                continue
            if character_id in first_index_by_id:
                problems.append(
                    Problem(
                        file_label,
                        json_path(["characters", index, "character_id"]),
                        f"duplicate character_id {character_id!r} in this film "
                        f"(first at $.characters[{first_index_by_id[character_id]}])",
                    )
                )
            else:
                first_index_by_id[character_id] = index
    return problems


def validate_character_identity(files: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Check that each character_id carries one name across all character files.

    ``files`` maps a display file name to its parsed document. The most common name of an id is taken
    as its identity (ties go to the name seen first in file-name order); every occurrence with another
    name is reported, naming the files that use the majority name.
    """
    occurrences: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for file_label in sorted(files):
        characters = files[file_label].get("characters")
        if not isinstance(characters, list):
            continue
        for index, character in enumerate(characters):
            if not isinstance(character, dict):
                continue
            character_id, name = character.get("character_id"), character.get("name")
            if isinstance(character_id, str) and isinstance(name, str):
                occurrences[character_id].append((file_label, index, name))

    problems: list[Problem] = []
    for character_id, seen in sorted(occurrences.items()):
        name_counts = Counter(name for _, _, name in seen)
        if len(name_counts) < 2:
            continue
        first_seen_order = {name: position for position, (_, _, name) in reversed(list(enumerate(seen)))}
        identity = max(name_counts, key=lambda name: (name_counts[name], -first_seen_order[name]))
        identity_files = sorted({file_label for file_label, _, name in seen if name == identity})
        for file_label, index, name in seen:
            if name != identity:
                problems.append(
                    Problem(
                        file_label,
                        json_path(["characters", index, "name"]),
                        f"character_id {character_id!r} is named {name!r} here but {identity!r} in "
                        f"{', '.join(identity_files)}; one id must name one character",
                    )
                )
    return problems


def default_uncovered_reason(film: Mapping[str, Any], earlier_franchise_ids: set[str]) -> str:
    """The reason recorded for a catalog film that has no character file yet."""
    kind = {
        "theatrical": "theatrical feature",
        "direct-to-video": "direct-to-video feature",
        "streaming": "streaming feature",
    }.get(str(film.get("release_type")), "feature")
    franchise_id = film.get("franchise_id")
    if franchise_id and franchise_id in earlier_franchise_ids:
        kind = kind.replace("feature", "sequel or spin-off")
    return f"{kind}; principal cast not yet compiled"


def build_uncovered_document(
    catalog_films: Sequence[Mapping[str, Any]],
    covered_film_ids: Iterable[str],
    existing_reasons: Mapping[str, str] | None = None,
) -> dict[str, list[dict[str, str]]]:
    """The ``uncovered_films.json`` document for the catalog films that have no character file.

    A reason already written by hand (``existing_reasons``) is kept; other films get
    :func:`default_uncovered_reason`. Entries follow catalog order (release date, then film_id).
    """
    covered = set(covered_film_ids)
    reasons = dict(existing_reasons or {})
    earlier_franchise_ids: set[str] = set()
    uncovered: list[dict[str, str]] = []
    for film in sorted(catalog_films, key=lambda film: (str(film.get("release_date")), film["film_id"])):
        film_id = film["film_id"]
        if film_id not in covered:
            reason = reasons.get(film_id) or default_uncovered_reason(film, earlier_franchise_ids)
            uncovered.append({"film_id": film_id, "reason": reason})
        if film.get("franchise_id"):
            earlier_franchise_ids.add(film["franchise_id"])
    return {"uncovered": uncovered}


def validate_uncovered(
    document: Any, catalog_film_ids: Sequence[str], covered_film_ids: Iterable[str], file_label: str
) -> list[Problem]:
    """Check that every catalog film has a character file XOR an entry with a reason in ``document``."""
    problems: list[Problem] = []
    entries = document.get("uncovered") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return [Problem(file_label, "$", "expected an object with an 'uncovered' array")]
    catalog = set(catalog_film_ids)
    covered = set(covered_film_ids)
    listed: dict[str, int] = {}
    for index, entry in enumerate(entries):
        entry_path = ["uncovered", index]
        if not isinstance(entry, dict) or set(entry) != {"film_id", "reason"}:
            problems.append(
                Problem(
                    file_label, json_path(entry_path), "expected an object with exactly film_id and reason"
                )
            )
            continue
        film_id, reason = entry["film_id"], entry["reason"]
        if not isinstance(reason, str) or not reason.strip():
            problems.append(
                Problem(file_label, json_path([*entry_path, "reason"]), "reason must be non-empty")
            )
        if not isinstance(film_id, str):
            problems.append(
                Problem(file_label, json_path([*entry_path, "film_id"]), "film_id must be a string")
            )
            continue
        if film_id in listed:
            problems.append(
                Problem(
                    file_label,
                    json_path([*entry_path, "film_id"]),
                    f"film {film_id!r} is listed twice (first at $.uncovered[{listed[film_id]}])",
                )
            )
            continue
        listed[film_id] = index
        if film_id not in catalog:
            problems.append(
                Problem(
                    file_label, json_path([*entry_path, "film_id"]), f"{film_id!r} is not in the film catalog"
                )
            )
        elif film_id in covered:
            problems.append(
                Problem(
                    file_label,
                    json_path([*entry_path, "film_id"]),
                    f"film {film_id!r} has a character file and must not also be listed as uncovered",
                )
            )
    for film_id in catalog_film_ids:
        if film_id not in covered and film_id not in listed:
            problems.append(
                Problem(
                    file_label,
                    "$.uncovered",
                    f"catalog film {film_id!r} has no character file and is not listed as uncovered",
                )
            )
    return problems


def _count_characters(document: Mapping[str, Any]) -> int:
    characters = document.get("characters")
    return len(characters) if isinstance(characters, list) else 0


def coverage_facts(
    catalog_films: Sequence[Mapping[str, Any]], character_documents: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    """Core theatrical films (WDAS, Pixar, Blue Sky) that are thin or have no character file.

    ``character_documents`` maps film_id to its character document. Returns the film_ids with fewer than
    :data:`MINIMUM_CORE_FILM_CHARACTERS` characters, and the film_ids with no character file.
    """
    thin, missing = [], []
    for film in catalog_films:
        if film.get("studio_id") not in CORE_STUDIO_IDS or film.get("release_type") != "theatrical":
            continue
        document = character_documents.get(film.get("film_id"))
        if document is None:
            missing.append(film["film_id"])
        elif _count_characters(document) < MINIMUM_CORE_FILM_CHARACTERS:
            thin.append(film["film_id"])
    return thin, missing


def validate_dataset(data_dir: Path, coverage: bool = False) -> tuple[list[Problem], DatasetSummary]:
    """Validate everything under ``data_dir`` and summarise it.

    With ``coverage`` the coverage targets also become problems: every theatrical WDAS, Pixar and Blue
    Sky film that has a character file lists at least :data:`MINIMUM_CORE_FILM_CHARACTERS` characters,
    and all files together hold at least :data:`MINIMUM_TOTAL_APPEARANCES` appearances.
    """
    started = time.monotonic()
    problems: list[Problem] = []
    summary = DatasetSummary()

    def label(path: Path) -> str:
        return display_path(path, data_dir)

    schemas: dict[str, dict[str, Any]] = {}
    for schema_file_name in (FILM_SCHEMA_FILE_NAME, CHARACTER_SCHEMA_FILE_NAME):
        try:
            schemas[schema_file_name] = load_schema(data_dir, schema_file_name)
        except DatasetError as error:
            problems.append(Problem(label(data_dir / schema_file_name), "$", str(error).split(": ", 1)[-1]))
        except SchemaError as error:
            problems.append(Problem(label(data_dir / schema_file_name), "$", f"invalid JSON Schema: {error}"))
    if len(schemas) < 2:
        summary.seconds = time.monotonic() - started
        return problems, summary

    catalog_path = data_dir / CATALOG_FILE_NAME
    try:
        catalog_document = read_json(catalog_path)
    except DatasetError as error:
        problems.append(Problem(label(catalog_path), "$", str(error).split(": ", 1)[-1]))
        catalog_document = {}
    problems += validate_catalog(catalog_document, schemas[FILM_SCHEMA_FILE_NAME], label(catalog_path))
    raw_films = catalog_document.get("films") if isinstance(catalog_document, dict) else None
    catalog_films = [
        film
        for film in (raw_films if isinstance(raw_films, list) else [])
        if isinstance(film, dict) and isinstance(film.get("film_id"), str)
    ]
    catalog_film_ids = list(dict.fromkeys(film["film_id"] for film in catalog_films))
    summary.films = len(catalog_film_ids)
    summary.films_by_studio = dict(Counter(str(film.get("studio_id")) for film in catalog_films))

    character_documents: dict[str, dict[str, Any]] = {}
    documents_by_label: dict[str, dict[str, Any]] = {}
    for path in character_file_paths(data_dir):
        try:
            document = read_json(path)
        except DatasetError as error:
            problems.append(Problem(label(path), "$", str(error).split(": ", 1)[-1]))
            continue
        if not isinstance(document, dict):
            problems.append(Problem(label(path), "$", "expected a JSON object"))
            continue
        character_file = CharacterFile(path=path, document=document)
        problems += validate_character_file(
            character_file, schemas[CHARACTER_SCHEMA_FILE_NAME], catalog_film_ids, label(path)
        )
        character_documents[character_file.film_id] = document
        documents_by_label[label(path)] = document
    problems += validate_character_identity(documents_by_label)

    uncovered_path = data_dir / UNCOVERED_FILE_NAME
    try:
        uncovered_document = read_json(uncovered_path)
    except DatasetError as error:
        problems.append(Problem(label(uncovered_path), "$", str(error).split(": ", 1)[-1]))
    else:
        problems += validate_uncovered(
            uncovered_document, catalog_film_ids, character_documents.keys(), label(uncovered_path)
        )
        entries = uncovered_document.get("uncovered") if isinstance(uncovered_document, dict) else None
        summary.uncovered_films = len(entries) if isinstance(entries, list) else 0

    character_ids: set[str] = set()
    talent: set[str] = set()
    for document in character_documents.values():
        for character in document.get("characters") or []:
            if not isinstance(character, dict):
                continue
            summary.appearances += 1
            if isinstance(character.get("character_id"), str):
                character_ids.add(character["character_id"])
            for key in ("voice_actors", "singing_voice_actors"):
                names = character.get(key)
                if isinstance(names, list):
                    talent.update(name for name in names if isinstance(name, str) and name.strip())
    summary.character_files = len(character_documents)
    summary.characters = len(character_ids)
    summary.talent = len(talent)
    summary.thin_core_films, summary.uncovered_core_films = coverage_facts(catalog_films, character_documents)

    if coverage:
        characters_directory = data_dir / CHARACTERS_DIRECTORY_NAME
        for film_id in summary.thin_core_films:
            count = _count_characters(character_documents[film_id])
            problems.append(
                Problem(
                    label(characters_directory / f"{film_id}.json"),
                    "$.characters",
                    f"theatrical {STUDIO_NAMES.get(_studio_of(catalog_films, film_id), 'core')} film has "
                    f"{count} characters; coverage needs at least {MINIMUM_CORE_FILM_CHARACTERS}",
                )
            )
        if summary.appearances < MINIMUM_TOTAL_APPEARANCES:
            problems.append(
                Problem(
                    label(characters_directory),
                    "$",
                    f"all character files hold {summary.appearances} appearances; "
                    f"coverage needs at least {MINIMUM_TOTAL_APPEARANCES}",
                )
            )

    summary.seconds = time.monotonic() - started
    logger.debug("validated %s in %.2f s", data_dir, summary.seconds)
    return problems, summary


def _studio_of(catalog_films: Sequence[Mapping[str, Any]], film_id: str) -> str | None:
    return next((film.get("studio_id") for film in catalog_films if film.get("film_id") == film_id), None)


def write_uncovered_file(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Recompute ``uncovered_films.json`` from the catalog and the character files present, and write it.

    Reasons already in the file are kept for films that are still uncovered.
    """
    catalog_films = load_catalog(data_dir / CATALOG_FILE_NAME)
    covered = {path.stem for path in character_file_paths(data_dir)}
    uncovered_path = data_dir / UNCOVERED_FILE_NAME
    existing_reasons: dict[str, str] = {}
    if uncovered_path.exists():
        try:
            previous = read_json(uncovered_path)
            existing_reasons = {
                entry["film_id"]: entry["reason"]
                for entry in previous.get("uncovered", [])
                if isinstance(entry, dict) and isinstance(entry.get("film_id"), str) and entry.get("reason")
            }
        except (DatasetError, AttributeError):
            logger.warning("ignoring unreadable %s; regenerating every reason", uncovered_path)
    document = build_uncovered_document(catalog_films, covered, existing_reasons)
    uncovered_path.write_text(render_uncovered_document(document), encoding="utf-8")
    return document


def render_uncovered_document(document: Mapping[str, Sequence[Mapping[str, str]]]) -> str:
    """Serialise the uncovered list with one entry per line, so that diffs show one film per line."""
    lines = [json.dumps(dict(entry), ensure_ascii=False) for entry in document["uncovered"]]
    if not lines:
        return '{\n  "uncovered": []\n}\n'
    return '{\n  "uncovered": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"
