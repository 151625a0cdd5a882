"""Validation of the bundled dataset in ``data/``: schemas, cross-file rules and coverage.

The validators return every :class:`~hyperion.sources.catalog.Problem` they find instead of stopping at
the first one, so that one run of ``scripts/validate_data.py`` shows everything that needs fixing.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jsonschema.exceptions import SchemaError

from hyperion.sources.catalog import (
    ALIASES_FILE_NAME,
    ALIASES_SCHEMA_FILE_NAME,
    CATALOG_FILE_NAME,
    CHARACTER_SCHEMA_FILE_NAME,
    CHARACTERS_DIRECTORY_NAME,
    FILM_SCHEMA_FILE_NAME,
    STUDIO_NAMES,
    UNCOVERED_FILE_NAME,
    CharacterFile,
    DatasetError,
    Problem,
    alias_map,
    character_file_paths,
    display_path,
    json_path,
    load_catalog,
    load_schema,
    name_key,
    read_json,
    schema_problems,
    schema_validator,
)
from hyperion.sources.gross import (
    GrossCoverage,
    gross_coverage,
    gross_coverage_problems,
    validate_bundled_films,
)

logger = logging.getLogger(__name__)

# Studios whose theatrical features must carry a full principal cast under --coverage: every studio
# but disney-hybrid, whose live-action features have few animated characters (the other studios have no
# theatrical features).
CORE_STUDIO_IDS: frozenset[str] = frozenset(
    {"wdas", "pixar", "blue-sky", "disneytoon", "20th-century-animation", "disney-released"}
)
MINIMUM_CORE_FILM_CHARACTERS = 8
MINIMUM_TOTAL_APPEARANCES = 2000


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
    gross_coverage: GrossCoverage | None = None
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
            f"{self.gross_coverage.one_line() if self.gross_coverage else ''} "
            f"seconds={self.seconds:.2f}"
        )


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


def validate_talent_names(
    files: Mapping[str, Mapping[str, Any]], aliases: Mapping[str, str]
) -> list[Problem]:
    """One person, one spelling: no alias spelling in the data, no two spellings of one name key.

    ``files`` maps a display file name to its character document. For spellings that differ only in
    accents, case or punctuation, the most common one is the person's spelling and the others are
    reported (ties go to the spelling seen first in file-name order).
    """
    problems: list[Problem] = []
    seen: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for file_label in sorted(files):
        characters = files[file_label].get("characters")
        for index, character in enumerate(characters if isinstance(characters, list) else []):
            for credit in ("voice_actors", "singing_voice_actors"):
                names = character.get(credit) if isinstance(character, dict) else None
                for position, name in enumerate(names if isinstance(names, list) else []):
                    if not isinstance(name, str):
                        continue
                    where = json_path(["characters", index, credit, position])
                    canonical = aliases.get(name_key(name))
                    if canonical is not None and canonical != name:
                        problems.append(
                            Problem(
                                file_label,
                                where,
                                f"{name!r} is an alias of {canonical!r} ({ALIASES_FILE_NAME}); "
                                "use the canonical name",
                            )
                        )
                    seen[name_key(name)].append((file_label, where, name))
    for occurrences in seen.values():
        spellings = Counter(name for _, _, name in occurrences)
        if len(spellings) < 2:
            continue
        first_seen = {name: position for position, (_, _, name) in reversed(list(enumerate(occurrences)))}
        chosen = max(spellings, key=lambda name: (spellings[name], -first_seen[name]))
        problems += [
            Problem(file_label, where, f"{name!r} is spelled {chosen!r} elsewhere; one person, one spelling")
            for file_label, where, name in occurrences
            if name != chosen
        ]
    return problems


def _count_characters(document: Mapping[str, Any]) -> int:
    characters = document.get("characters")
    return len(characters) if isinstance(characters, list) else 0


def coverage_facts(
    catalog_films: Sequence[Mapping[str, Any]], character_documents: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    """Core theatrical films (:data:`CORE_STUDIO_IDS`) that are thin or have no character file.

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


def _problem_from_error(error: Exception, file_label: str) -> Problem:
    """A :class:`Problem` for a file that could not be read, without repeating the path in the reason."""
    return Problem(file_label, "$", str(error).split(": ", 1)[-1])


def _load_schemas(
    data_dir: Path, label: Callable[[Path], str]
) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """The bundled JSON Schemas by file name, and a problem for each one that is unreadable or invalid."""
    schemas: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for schema_file_name in (FILM_SCHEMA_FILE_NAME, CHARACTER_SCHEMA_FILE_NAME, ALIASES_SCHEMA_FILE_NAME):
        try:
            schemas[schema_file_name] = load_schema(data_dir, schema_file_name)
        except DatasetError as error:
            problems.append(_problem_from_error(error, label(data_dir / schema_file_name)))
        except SchemaError as error:
            problems.append(Problem(label(data_dir / schema_file_name), "$", f"invalid JSON Schema: {error}"))
    return schemas, problems


def _check_catalog_file(
    data_dir: Path, film_schema: Mapping[str, Any], label: Callable[[Path], str]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The catalog's films that carry a film_id, and every problem of the catalog file."""
    catalog_path = data_dir / CATALOG_FILE_NAME
    try:
        catalog_document = read_json(catalog_path)
    except DatasetError as error:
        return [], [_problem_from_error(error, label(catalog_path))]
    problems = validate_catalog(catalog_document, film_schema, label(catalog_path))
    problems += validate_bundled_films(catalog_document, label(catalog_path))
    raw_films = catalog_document.get("films") if isinstance(catalog_document, dict) else None
    catalog_films = [
        film
        for film in (raw_films if isinstance(raw_films, list) else [])
        if isinstance(film, dict) and isinstance(film.get("film_id"), str)
    ]
    return catalog_films, problems


def _check_character_files(
    data_dir: Path,
    character_schema: Mapping[str, Any],
    catalog_film_ids: Sequence[str],
    label: Callable[[Path], str],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[Problem]]:
    """Character documents by film_id and by display label, and every per-file problem."""
    character_documents: dict[str, dict[str, Any]] = {}
    documents_by_label: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for path in character_file_paths(data_dir):
        try:
            document = read_json(path)
        except DatasetError as error:
            problems.append(_problem_from_error(error, label(path)))
            continue
        if not isinstance(document, dict):
            problems.append(Problem(label(path), "$", "expected a JSON object"))
            continue
        character_file = CharacterFile(path=path, document=document)
        problems += validate_character_file(character_file, character_schema, catalog_film_ids, label(path))
        character_documents[character_file.film_id] = document
        documents_by_label[label(path)] = document
    return character_documents, documents_by_label, problems


def _check_uncovered_file(
    data_dir: Path,
    catalog_film_ids: Sequence[str],
    covered_film_ids: Iterable[str],
    label: Callable[[Path], str],
) -> tuple[int, list[Problem]]:
    """The number of uncovered entries and the problems of ``uncovered_films.json``."""
    uncovered_path = data_dir / UNCOVERED_FILE_NAME
    try:
        uncovered_document = read_json(uncovered_path)
    except DatasetError as error:
        return 0, [_problem_from_error(error, label(uncovered_path))]
    problems = validate_uncovered(
        uncovered_document, catalog_film_ids, covered_film_ids, label(uncovered_path)
    )
    entries = uncovered_document.get("uncovered") if isinstance(uncovered_document, dict) else None
    return (len(entries) if isinstance(entries, list) else 0), problems


def _check_aliases_file(
    data_dir: Path, aliases_schema: Mapping[str, Any], label: Callable[[Path], str]
) -> tuple[dict[str, str], list[Problem]]:
    """The alias map of ``talent_aliases.json`` (see :func:`alias_map`) and the file's problems."""
    aliases_path = data_dir / ALIASES_FILE_NAME
    try:
        document = read_json(aliases_path)
    except DatasetError as error:
        return {}, [_problem_from_error(error, label(aliases_path))]
    problems = schema_problems(document, schema_validator(aliases_schema), label(aliases_path))
    if problems:
        return {}, problems
    aliases, alias_problems = alias_map(document, label(aliases_path))
    return aliases, alias_problems


def _count_talent(summary: DatasetSummary, character_documents: Mapping[str, Mapping[str, Any]]) -> None:
    """Fill the character, appearance and talent counts of ``summary``."""
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


def coverage_problems(
    summary: DatasetSummary,
    catalog_films: Sequence[Mapping[str, Any]],
    character_documents: Mapping[str, Mapping[str, Any]],
    data_dir: Path,
    gross_targets: bool = False,
) -> list[Problem]:
    """The coverage targets as problems: characters per theatrical film, appearances and gross coverage."""
    label = partial(display_path, data_dir=data_dir)
    characters_directory = data_dir / CHARACTERS_DIRECTORY_NAME
    problems = []
    for film_id in summary.thin_core_films:
        count = _count_characters(character_documents[film_id])
        studio = STUDIO_NAMES.get(str(_studio_of(catalog_films, film_id)), "theatrical")
        problems.append(
            Problem(
                label(characters_directory / f"{film_id}.json"),
                "$.characters",
                f"theatrical {studio} film has {count} characters; coverage needs at least "
                f"{MINIMUM_CORE_FILM_CHARACTERS}",
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
    problems += gross_coverage_problems(
        summary.gross_coverage, label(data_dir / CATALOG_FILE_NAME), targets=gross_targets
    )
    return problems


def validate_dataset(
    data_dir: Path, coverage: bool = False, gross_targets: bool = False
) -> tuple[list[Problem], DatasetSummary]:
    """Validate everything under ``data_dir`` and summarise it.

    With ``coverage`` the coverage targets also become problems: every theatrical film of the core
    studios that has a character file lists at least :data:`MINIMUM_CORE_FILM_CHARACTERS` characters,
    all files together hold at least :data:`MINIMUM_TOTAL_APPEARANCES` appearances, and the gross
    coverage stays at or above its floors (with ``gross_targets``, reaches :data:`DOMESTIC_GROSS_TARGET`
    and :data:`WORLDWIDE_GROSS_TARGET`).
    """
    started = time.monotonic()
    summary = DatasetSummary()
    label = partial(display_path, data_dir=data_dir)
    schemas, problems = _load_schemas(data_dir, label)
    if len(schemas) < 3:
        summary.seconds = time.monotonic() - started
        return problems, summary

    catalog_films, catalog_problems = _check_catalog_file(data_dir, schemas[FILM_SCHEMA_FILE_NAME], label)
    problems += catalog_problems
    catalog_film_ids = list(dict.fromkeys(film["film_id"] for film in catalog_films))
    summary.films = len(catalog_film_ids)
    summary.films_by_studio = dict(Counter(str(film.get("studio_id")) for film in catalog_films))
    summary.gross_coverage = gross_coverage(catalog_films)

    character_documents, documents_by_label, file_problems = _check_character_files(
        data_dir, schemas[CHARACTER_SCHEMA_FILE_NAME], catalog_film_ids, label
    )
    problems += file_problems
    problems += validate_character_identity(documents_by_label)
    aliases, alias_problems = _check_aliases_file(data_dir, schemas[ALIASES_SCHEMA_FILE_NAME], label)
    problems += alias_problems + validate_talent_names(documents_by_label, aliases)
    summary.uncovered_films, uncovered_problems = _check_uncovered_file(
        data_dir, catalog_film_ids, character_documents.keys(), label
    )
    problems += uncovered_problems

    _count_talent(summary, character_documents)
    summary.thin_core_films, summary.uncovered_core_films = coverage_facts(catalog_films, character_documents)
    if coverage:
        problems += coverage_problems(summary, catalog_films, character_documents, data_dir, gross_targets)

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
