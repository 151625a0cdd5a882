"""The bundled catalog in ``data/``: its files, studios, loaders and the problem type of its validators.

The dataset is the film catalog (``complete_movie_list.json``), one character file per covered film
(``characters/<film_id>.json``), the list of catalog films that have no character file yet
(``uncovered_films.json``), the talent aliases (``talent_aliases.json``) and the JSON Schemas that describe
them. The loaders (:func:`load_catalog`, :func:`iter_character_files`) are what the producers and the
legacy importer import; :mod:`hyperion.sources.validation` checks the content.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

CATALOG_FILE_NAME = "complete_movie_list.json"
CHARACTER_SCHEMA_FILE_NAME = "CHARACTER_SCHEMA.json"
FILM_SCHEMA_FILE_NAME = "FILM_SCHEMA.json"
UNCOVERED_FILE_NAME = "uncovered_films.json"
ALIASES_FILE_NAME = "talent_aliases.json"
ALIASES_SCHEMA_FILE_NAME = "TALENT_ALIASES_SCHEMA.json"
CHARACTERS_DIRECTORY_NAME = "characters"

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

STUDIO_NAMES: Mapping[str, str] = {
    "wdas": "Walt Disney Animation Studios",
    "pixar": "Pixar Animation Studios",
    "blue-sky": "Blue Sky Studios",
    "disneytoon": "DisneyToon Studios",
    "20th-century-animation": "20th Century Animation",
    "disney-plus": "Disney+",
    "marvel-animation": "Marvel Animation",
    "disney-hybrid": "Walt Disney Pictures",
    "disney-released": "Disney releases from other studios",
}


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

    Read through hyperion.sources.files: strict JSON, no recursion, within the ``HYPERION_SOURCE_*`` caps;
    a value beyond a cap or a duplicate key fails the whole file here (the producers' own readers reject
    only the record that holds it).
    """
    from hyperion.sources.files import SourceFileError, default_limits, read_json_file

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


def name_key(name: str) -> str:
    """A person's name reduced for comparison: accents, case, spaces and punctuation dropped.

    "T. J. Miller" and "T.J. Miller", or "Tone Lōc" and "Tone Loc", give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(
        character for character in decomposed.casefold() if character.isalnum() and character.isascii()
    )


def alias_map(document: Mapping[str, Any], file_label: str) -> tuple[dict[str, str], list[Problem]]:
    """``{name_key(alias): canonical}`` from a talent-aliases document, and its cross-entry problems.

    A spelling may belong to one person only, and a canonical name may not be another person's alias.
    """
    aliases: dict[str, str] = {}
    canonical_keys: dict[str, int] = {}
    problems: list[Problem] = []
    people = document.get("people", [])
    for index, person in enumerate(people):
        canonical_keys.setdefault(name_key(person["canonical"]), index)
    for index, person in enumerate(people):
        for alias_index, alias in enumerate(person["aliases"]):
            key = name_key(alias)
            where = json_path(["people", index, "aliases", alias_index])
            if key == name_key(person["canonical"]):
                continue  # a spelling variant of the canonical name itself is harmless
            if key in canonical_keys:
                other = people[canonical_keys[key]]["canonical"]
                problems.append(
                    Problem(file_label, where, f"alias {alias!r} is the canonical name {other!r}")
                )
            elif key in aliases and aliases[key] != person["canonical"]:
                problems.append(Problem(file_label, where, f"alias {alias!r} already names {aliases[key]!r}"))
            else:
                aliases[key] = person["canonical"]
    return aliases, problems


def load_talent_aliases(data_dir: Path) -> dict[str, str]:
    """The alias map of ``data_dir/talent_aliases.json`` (empty when the file does not exist)."""
    path = data_dir / ALIASES_FILE_NAME
    if not path.exists():
        return {}
    document = read_json(path)
    if not isinstance(document, dict):
        raise DatasetError(f"{path}: expected a JSON object")
    aliases, problems = alias_map(document, str(path))
    if problems:
        raise DatasetError(f"{path}: {problems[0].json_path}: {problems[0].reason}")
    return aliases
