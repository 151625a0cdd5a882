"""Importer for source files kept in the original author's legacy layout.

Reads a directory of legacy JSON files (recursively), detects each file's layout from its structure,
and turns it into Hyperion's canonical records: films in the catalog shape and character appearances in
the character-file shape plus ``film_id``. What is not a film (games, TV series, soundtracks, awards,
shorts, collection summaries) is set aside with a reason; files that are not valid JSON or whose layout is
unknown are rejected with a reason naming the file. Nothing is guessed: a character whose group is not a
film is attributed only on evidence, and set aside when there is none.

A *record* is one data entry of a source file: one character entry (an element of a ``characters``
list), one award, one short, one soundtrack entry, or one file entry of a collection summary. A file that
cannot be read as JSON or has an unknown layout counts as one rejected record. Every record read is
accepted, set aside or rejected, and ``ReconciliationReport`` checks that identity.

``iter_legacy_records`` yields the raw, per-file stream (with source file and JSON path on every item) for
the Kafka producer; ``import_legacy_directory`` consumes it, deduplicates across files and builds the
report. Both are pure apart from reading files, which goes through hyperion.sources.files: the folder is
walked without following links out of it, each file is parsed within the ``HYPERION_SOURCE_*`` caps, and a
value refused by a cap rejects the record holding it (or the file, when no record does).
The layouts are described in docs/legacy-import.md.
Record types and the report live in hyperion.sources.legacy.records, layout detection and film matching in
hyperion.sources.legacy.layout; this module re-exports the public names.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.sources.files import (
    REASON_DUPLICATE_FILE,
    ParsedDocument,
    SourceEntry,
    SourceFileError,
    SourceLimits,
    ValueProblem,
    default_limits,
    read_json_file,
    walk_json_files,
)
from hyperion.sources.legacy.layout import (
    COMPUTER_ANIMATION_STUDIOS,
    RELEASE_TITLE_FIELDS,
    Companies,
    FilmCandidate,
    companies_of,
    detect_layout,
    films_matching_text,
    films_mentioned,
    films_named_in_key,
    films_of_voice_tags,
    franchise_for,
    future_release,
    is_recurring_group,
    key_tokens,
    match_group_to_film,
    medium_of_collection,
    medium_of_group,
    normalize_animation_type,
    normalize_release_type,
    parse_listed_film,
    release_date_of,
    release_list_key,
    studio_id_from_text,
)
from hyperion.sources.legacy.normalize import (
    VoiceCredits,
    character_id_from_name,
    normalize_gender,
    normalize_role,
    normalize_species,
    parse_voice_credits,
    slugify,
)
from hyperion.sources.legacy.records import (
    ATTRIBUTION_CATEGORY,
    ATTRIBUTION_CATEGORY_NAMES,
    ATTRIBUTION_DESCRIPTION,
    ATTRIBUTION_FILE,
    ATTRIBUTION_FILMS_FIELD,
    ATTRIBUTION_FIRST_APPEARANCE,
    ATTRIBUTION_RECURRING,
    ATTRIBUTION_RELEASE_ENTRY,
    ATTRIBUTION_SINGLE_FILM,
    ATTRIBUTION_VOICE_TAGS,
    LAYOUT_AWARD_LIST,
    LAYOUT_CATEGORIZED,
    LAYOUT_DUPLICATE,
    LAYOUT_GROUPED,
    LAYOUT_REJECTED,
    LAYOUT_RELEASE_LIST,
    LAYOUT_SHORT_LIST,
    LAYOUT_SINGLE_FILM,
    LAYOUT_SINGLE_GAME,
    LAYOUT_SOUNDTRACK_LIST,
    LAYOUT_SUMMARY,
    MERGE_ALIAS_IN_FILM,
    MERGE_SAME_ENTRY,
    MERGE_SAME_FRANCHISE,
    MERGE_SAME_NAME_IN_FILM,
    MERGE_SAME_SPECIES,
    MERGE_SHARED_TITLE_WORD,
    MERGE_SHARED_VOICE,
    REASON_AWARDS,
    REASON_INTERNAL_ERROR,
    REASON_MALFORMED,
    REASON_MALFORMED_RELEASE,
    REASON_NO_EVIDENCE,
    REASON_SHORT,
    REASON_SOUNDTRACK,
    REASON_SUMMARY,
    FileRead,
    LegacyAppearance,
    LegacyFilm,
    LegacyImportError,
    LegacyImportResult,
    LegacyRecord,
    MergeRecord,
    ReconciliationError,
    ReconciliationReport,
    RejectedRecord,
    SetAsideFilm,
    SetAsideRecord,
    SourceLocation,
)

__all__ = [
    "FileRead",
    "LegacyAppearance",
    "LegacyFilm",
    "LegacyImportError",
    "LegacyImportResult",
    "LegacyRecord",
    "MergeRecord",
    "ReconciliationError",
    "ReconciliationReport",
    "RejectedRecord",
    "SetAsideFilm",
    "SetAsideRecord",
    "SourceLocation",
    "detect_layout",
    "import_legacy_directory",
    "iter_legacy_records",
    "studio_id_from_text",
]

logger = logging.getLogger(__name__)

_CHARACTER_FILM_FIELDS = ("films", "appears_in", "appearances", "film_appearances", "movies")
_FIRST_APPEARANCE_FIELDS = ("first_appearance", "debut", "first_film")


# --------------------------------------------------------------------------------------------------
# Reading one file


@dataclass(frozen=True)
class _Refused:
    """Stands in a document for a record that holds a refused value (see hyperion.sources.files)."""

    problem: ValueProblem


def _refusal(entry: Any, location: SourceLocation) -> RejectedRecord | None:
    if not isinstance(entry, _Refused):
        return None
    problem = entry.problem
    message = f"{location.source_file} {problem.json_path}: {problem.detail}"
    return RejectedRecord(SourceLocation(location.source_file, problem.json_path), problem.reason, message)


def _path_key(path: str, key: str) -> str:
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}[{json.dumps(key)}]"


@dataclass
class _FileContext:
    source_file: str
    companies: Companies
    franchise: str | None
    release_type: str | None
    animation_type: str | None
    today: datetime.date
    # Every film of the file (voice tags and film ranges name films of the whole file).
    file_films: list[FilmCandidate] = field(default_factory=list)


def _film_record(candidate: FilmCandidate, context: _FileContext) -> LegacyFilm:
    companies = candidate.companies or context.companies
    animation_type = candidate.animation_type or context.animation_type
    if animation_type is None and companies.studio_id in COMPUTER_ANIMATION_STUDIOS:
        animation_type = "computer"
    return LegacyFilm(
        film_id=slugify(candidate.title),
        title=candidate.title,
        release_year=candidate.year,
        studio_id=companies.studio_id,
        franchise=franchise_for(context.franchise, candidate.title),
        directors=list(candidate.directors),
        release_type=candidate.release_type or context.release_type,
        animation_type=animation_type,
        source=SourceLocation(context.source_file, candidate.json_path),
        maker=companies.maker,
        distributor=companies.distributor,
        release_date=candidate.release_date,
    )


def _film_set_aside(candidate: FilmCandidate, context: _FileContext) -> tuple[str, str] | None:
    """(reason, detail) when the catalog does not take a film: not Disney-released, or not released yet."""
    companies = candidate.companies or context.companies
    return companies.outside or future_release(candidate.year, candidate.release_date, context.today)


def _film_outcome(candidate: FilmCandidate, context: _FileContext) -> LegacyFilm | SetAsideFilm:
    set_aside = _film_set_aside(candidate, context)
    if set_aside is None:
        return _film_record(candidate, context)
    location = SourceLocation(context.source_file, candidate.json_path)
    return SetAsideFilm(location, set_aside[0], candidate.title, set_aside[1])


def _enrich(candidate: FilmCandidate, metadata: dict[str, Any], json_path: str) -> None:
    if isinstance(metadata.get("year"), int) and candidate.year is None:
        candidate.year = metadata["year"]
    directors = metadata.get("directors")
    if isinstance(directors, list) and not candidate.directors:
        candidate.directors = [d for d in directors if isinstance(d, str)]
    candidate.release_type = candidate.release_type or normalize_release_type(metadata.get("release_type"))
    candidate.animation_type = candidate.animation_type or normalize_animation_type(
        metadata.get("animation_type")
    )
    candidate.release_date = candidate.release_date or release_date_of(metadata)
    if candidate.year is None and candidate.release_date is not None:
        candidate.year = int(candidate.release_date[:4])
    candidate.json_path = json_path


def _text_field(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None


def _entry_identity(entry: Any, location: SourceLocation) -> tuple[str, str] | RejectedRecord:
    """(name, character_id) of a character entry, or the reject when it has no usable name."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        message = f"{location.source_file} {location.json_path}: character entry without a name"
        return RejectedRecord(location, REASON_MALFORMED, message)
    name = entry["name"].strip()
    character_id = character_id_from_name(name)
    if not character_id:
        message = f"{location.source_file} {location.json_path}: name {name!r} gives an empty character_id"
        return RejectedRecord(location, REASON_MALFORMED, message)
    return name, character_id


def _films_named_by_fields(
    entry: dict[str, Any], films: list[FilmCandidate]
) -> tuple[list[FilmCandidate], str] | None:
    """Films the entry names in a films field, else in a first-appearance field."""
    for field_name in _CHARACTER_FILM_FIELDS:
        value = entry.get(field_name)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        matched = [f for text in values if isinstance(text, str) for f in films_matching_text(text, films)]
        if matched:
            return matched, ATTRIBUTION_FILMS_FIELD
    for field_name in _FIRST_APPEARANCE_FIELDS:
        value = entry.get(field_name)
        if isinstance(value, str) and (matched := films_matching_text(value, films)):
            return matched, ATTRIBUTION_FIRST_APPEARANCE
    return None


def _recurring_targets(
    voices: VoiceCredits, tag_films: dict[str, list[FilmCandidate]], films: list[FilmCandidate]
) -> tuple[list[FilmCandidate], str]:
    """The films of a recurring-cast entry: those its voice notes name when every voice is tagged
    ("Jim Varney (1-2), Blake Clark (3-4)"), otherwise every film of the file (an untagged voice is the
    character's voice throughout)."""
    if voices.credits and all(tag_films.get(credit.name) for credit in voices.credits):
        return [f for credit in voices.credits for f in tag_films[credit.name]], ATTRIBUTION_VOICE_TAGS
    return list(films), ATTRIBUTION_RECURRING


def _evidence_targets(
    entry: dict[str, Any],
    films: list[FilmCandidate],
    group_key: str | None,
    voices: VoiceCredits,
    tag_films: dict[str, list[FilmCandidate]],
) -> tuple[list[FilmCandidate], str] | None:
    """The films a character in a group that is not a film appears in, by the first rule with evidence.

    The rules and their order are documented in docs/legacy-import.md ("Attribution rules").
    """
    if named := _films_named_by_fields(entry, films):
        return named
    if group_key and (matched := films_named_in_key(group_key, films)):
        return matched, ATTRIBUTION_CATEGORY_NAMES
    if len(films) == 1:
        return list(films), ATTRIBUTION_SINGLE_FILM
    if is_recurring_group(group_key) and films:
        return _recurring_targets(voices, tag_films, films)
    tagged = [f for matched in tag_films.values() for f in matched]
    if tagged:
        return tagged, ATTRIBUTION_VOICE_TAGS
    texts = [_text_field(entry, key) for key in ("notes", "description")]
    mentioned = [f for text in texts if text for f in films_mentioned(text, films)]
    if mentioned:
        return mentioned, ATTRIBUTION_DESCRIPTION
    return None


def _entry_notes(entry: dict[str, Any], voices: VoiceCredits, tag_words: frozenset[str]) -> str | None:
    notes_parts: list[str] = []
    if (notes := _text_field(entry, "notes")) and notes.strip():
        notes_parts.append(notes.strip())
    voice_notes = voices.qualifier_notes(ignore=tag_words)
    if voice_notes:
        notes_parts.append("Voice credits: " + "; ".join(voice_notes))
    dropped_with_reason = [text for text in voices.dropped if "(" in text]
    if dropped_with_reason:
        notes_parts.append("Not credited as voice: " + "; ".join(dropped_with_reason))
    if (actor := _text_field(entry, "actor")) and actor.strip():
        notes_parts.append(f"Live-action performer: {actor.strip()}")
    return " | ".join(notes_parts) or None


def _voices_in_film(
    target: FilmCandidate,
    voices: VoiceCredits,
    tag_films: dict[str, list[FilmCandidate]],
    singing_extra: VoiceCredits,
) -> tuple[list[str], list[str]]:
    """(speaking, singing) voices of one film: a credit tagged with other films is left out."""
    speaking: list[str] = []
    singing: list[str] = []
    for credit in voices.credits:
        credit_films = tag_films.get(credit.name) or []
        if credit_films and all(target is not f for f in credit_films):
            continue
        bucket = singing if credit.is_singing else speaking
        if credit.name not in bucket:
            bucket.append(credit.name)
    for person in singing_extra.voice_actors + singing_extra.singing_voice_actors:
        if person not in singing:
            singing.append(person)
    return speaking, singing


def _appearances_for_entry(
    entry: Any,
    location: SourceLocation,
    films: list[FilmCandidate],
    attribution: str | None,
    group_key: str | None,
    context: _FileContext,
) -> list[LegacyAppearance] | SetAsideRecord | RejectedRecord:
    """Turn one character entry into appearances (one per film it is in), a set-aside or a reject.

    ``films`` holds the one film of the category when ``attribution`` is given; otherwise it holds every
    film of the file and the entry's own evidence decides. A film the catalog does not take (see
    ``_film_set_aside``) gets no appearance; when that leaves none, the entry is set aside with its reason.
    """
    identity = _entry_identity(entry, location)
    if isinstance(identity, RejectedRecord):
        return identity
    name, character_id = identity
    voices = parse_voice_credits(_text_field(entry, "voice_actor"))
    tag_scope = context.file_films or films
    tag_films = {
        credit.name: films_of_voice_tags(credit.qualifiers, tag_scope)
        for credit in voices.credits
        if credit.qualifiers
    }
    if attribution is not None:
        targets = list(films)
    elif evidence := _evidence_targets(entry, films, group_key, voices, tag_films):
        targets, attribution = evidence
    else:
        return SetAsideRecord(location, REASON_NO_EVIDENCE, name)
    unique_targets = list({id(target): target for target in targets}.values())
    taken = [target for target in unique_targets if _film_set_aside(target, context) is None]
    if not taken:
        reason = _film_set_aside(unique_targets[0], context)
        assert reason is not None
        return SetAsideRecord(location, reason[0], name)

    species = normalize_species(_text_field(entry, "species"))
    singing_extra = parse_voice_credits(_text_field(entry, "singing_voice"))
    tag_words = frozenset(
        qualifier
        for credit in voices.credits
        for qualifier in credit.qualifiers
        if films_of_voice_tags([qualifier], tag_scope)
    )
    notes = _entry_notes(entry, voices, tag_words)
    appearances = []
    for target in taken:
        speaking, singing = _voices_in_film(target, voices, tag_films, singing_extra)
        film = _film_record(target, context)
        appearances.append(
            LegacyAppearance(
                film_id=film.film_id,
                character_id=character_id,
                name=name,
                role=normalize_role(_text_field(entry, "role")),
                species=species.kind,
                species_detail=species.detail,
                gender=normalize_gender(_text_field(entry, "gender")),
                voice_actors=speaking,
                singing_voice_actors=singing,
                notes=notes,
                attribution=attribution or ATTRIBUTION_CATEGORY,
                source=location,
                film_release_year=film.release_year,
                franchise_id=slugify(film.franchise) if film.franchise else None,
            )
        )
    return appearances


def _set_aside_all(
    entries: list[Any], path: str, source_file: str, reason: str, label_key: str = "name"
) -> Iterator[SetAsideRecord]:
    for index, entry in enumerate(entries):
        refused = _refusal(entry, SourceLocation(source_file, f"{path}[{index}]"))
        if refused is not None:
            yield refused
            continue
        label = entry.get(label_key) if isinstance(entry, dict) else None
        yield SetAsideRecord(
            SourceLocation(source_file, f"{path}[{index}]"), reason, label if isinstance(label, str) else None
        )


def _release_title(entry: dict[str, Any]) -> str | None:
    title = next((entry[key] for key in RELEASE_TITLE_FIELDS if isinstance(entry.get(key), str)), None)
    return title.strip() if title and title.strip() else None


def _release_characters(entry: Any) -> list[Any] | None:
    """The character list of a release-list entry ([] when it has none), or None when it has no usable one."""
    if not isinstance(entry, dict):
        return None
    characters = entry.get("characters", [])
    return characters if isinstance(characters, list) else None


def _release_record_count(entry: Any) -> int:
    """A release's records are its characters; a release with none to count is one record itself."""
    characters = _release_characters(entry)
    if characters is None or (not characters and _release_title(entry) is None):
        return 1
    return len(characters)


def _count_records(document: Any, layout: str) -> int:
    """Count the records of a document independently of how they are later classified."""
    if layout == LAYOUT_SOUNDTRACK_LIST:
        return len(document)
    if layout == LAYOUT_SUMMARY:
        return len(document["files"])
    if layout == LAYOUT_AWARD_LIST:
        return len(document["awards"])
    if layout == LAYOUT_SHORT_LIST:
        return len(document["shorts"])
    if layout == LAYOUT_CATEGORIZED:
        return sum(len(group["characters"]) for group in document["categories"].values())
    if layout == LAYOUT_GROUPED:
        return sum(len(group) for group in document["characters"].values())
    if layout == LAYOUT_RELEASE_LIST:
        # A release that cannot be a film is one record; a film's records are its characters.
        return sum(_release_record_count(entry) for entry in document[release_list_key(document) or ""])
    return len(document["characters"])


def _file_context(document: dict[str, Any], source_file: str, today: datetime.date) -> _FileContext:
    return _FileContext(
        source_file=source_file,
        companies=companies_of(document, source_file),
        franchise=document.get("franchise") if isinstance(document.get("franchise"), str) else None,
        release_type=normalize_release_type(document.get("release_type")),
        animation_type=normalize_animation_type(document.get("animation_type"))
        or normalize_animation_type(document.get("animation_style")),
        today=today,
    )


# (group key, JSON path of its character list, entries, film the group is or None, non-film medium or None)
_Group = tuple[str | None, str, list[Any], FilmCandidate | None, str | None]


def _categorized_groups(
    document: dict[str, Any], medium: str | None, candidates: list[FilmCandidate]
) -> list[_Group]:
    groups: list[_Group] = []
    for key, metadata in document["categories"].items():
        group_path = _path_key("$.categories", key)
        group_medium = medium or medium_of_group(metadata)
        film = None if group_medium else match_group_to_film(key, metadata, candidates)
        year = metadata.get("year")
        if group_medium is None and film is None and not candidates and isinstance(year, int):
            # A file without a film list whose category carries a year: the category is the film.
            film = FilmCandidate(title=" ".join(key_tokens(key, year)).title(), year=None)
            candidates.append(film)
        if film is not None:
            _enrich(film, metadata, group_path)
        groups.append((key, f"{group_path}.characters", metadata["characters"], film, group_medium))
    return groups


def _grouped_groups(
    document: dict[str, Any], medium: str | None, candidates: list[FilmCandidate]
) -> list[_Group]:
    directors = document.get("directors") if isinstance(document.get("directors"), dict) else {}
    for key, names in directors.items():
        film = match_group_to_film(key, {"year": _year_in_key(key)}, candidates)
        if film is not None and isinstance(names, list) and not film.directors:
            film.directors = [n for n in names if isinstance(n, str)]
    return [
        (
            key,
            _path_key("$.characters", key),
            entries,
            None if medium else match_group_to_film(key, {}, candidates),
            medium,
        )
        for key, entries in document["characters"].items()
    ]


def _group_records(group: _Group, layout: str, context: _FileContext) -> Iterator[LegacyRecord]:
    key, path, entries, film, group_medium = group
    if group_medium is not None:
        yield from _set_aside_all(entries, path, context.source_file, group_medium)
        return
    if film is not None:
        attribution = ATTRIBUTION_FILE if layout == LAYOUT_SINGLE_FILM else ATTRIBUTION_CATEGORY
        if layout == LAYOUT_RELEASE_LIST:
            attribution = ATTRIBUTION_RELEASE_ENTRY
        films, group_key = [film], None
    else:
        attribution, films, group_key = None, context.file_films, key
    for index, entry in enumerate(entries):
        location = SourceLocation(context.source_file, f"{path}[{index}]")
        refused = _refusal(entry, location)
        if refused is not None:
            yield refused
            continue
        outcome = _appearances_for_entry(entry, location, films, attribution, group_key, context)
        if isinstance(outcome, list):
            yield from outcome
        else:
            yield outcome


def _iter_collection(
    document: dict[str, Any], layout: str, source_file: str, today: datetime.date
) -> Iterator[LegacyRecord]:
    """Records of the three character layouts (categorized, grouped, single film or game)."""
    medium = medium_of_collection(document)
    context = _file_context(document, source_file, today)
    listed = document.get("films")
    candidates = (
        [parse_listed_film(text) for text in listed if isinstance(text, str)]
        if isinstance(listed, list)
        else []
    )
    for index, candidate in enumerate(candidates):
        candidate.json_path = f"$.films[{index}]"

    groups: list[_Group] = []
    if layout in (LAYOUT_SINGLE_FILM, LAYOUT_SINGLE_GAME):
        film = None
        if layout == LAYOUT_SINGLE_FILM and medium is None:
            film = FilmCandidate(title=document["film"].strip(), year=None)
            _enrich(film, document, "$")
            candidates = [film]
        groups.append((None, "$.characters", document["characters"], film, medium))
    elif layout == LAYOUT_CATEGORIZED:
        groups = _categorized_groups(document, medium, candidates)
    else:
        groups = _grouped_groups(document, medium, candidates)
    context.file_films = candidates

    if medium is None:
        for candidate in candidates:
            yield _film_outcome(candidate, context)
    for group in groups:
        yield from _group_records(group, layout, context)


def _malformed_release(
    entry: Any, location: SourceLocation, characters: list[Any] | None
) -> Iterator[RejectedRecord]:
    """A release that cannot be a film: one reject, or one per character when it lists characters."""
    if characters is None:
        detail = "not an object with a character list"
        yield RejectedRecord(
            location, REASON_MALFORMED_RELEASE, f"{location.source_file} {location.json_path}: {detail}"
        )
        return
    detail = "release without a title: its characters cannot be attributed"
    if not characters:
        yield RejectedRecord(
            location, REASON_MALFORMED_RELEASE, f"{location.source_file} {location.json_path}: {detail}"
        )
    for index, entry in enumerate(characters):
        inner = SourceLocation(location.source_file, f"{location.json_path}.characters[{index}]")
        refused = _refusal(entry, inner)
        message = f"{inner.source_file} {inner.json_path}: {detail}"
        yield refused or RejectedRecord(inner, REASON_MALFORMED_RELEASE, message)


def _release_candidate(entry: dict[str, Any], path: str, context: _FileContext) -> FilmCandidate:
    candidate = parse_listed_film(_release_title(entry) or "")
    _enrich(candidate, entry, path)
    candidate.companies = companies_of(entry, context.source_file, inherited=context.companies)
    return candidate


def _iter_release_list(
    document: dict[str, Any], source_file: str, today: datetime.date
) -> Iterator[LegacyRecord]:
    """Records of a release list: several films, each with its own studio, date and characters.

    Each release is judged on its own: a film of another studio or not released yet is set aside with
    its characters, a release that cannot be a film is one rejected record, the rest import.
    """
    context = _file_context(document, source_file, today)
    key = release_list_key(document) or ""
    releases: list[tuple[int, FilmCandidate, dict[str, Any]]] = []
    for index, entry in enumerate(document[key]):
        path = _path_key("$", key) + f"[{index}]"
        location = SourceLocation(source_file, path)
        characters = _release_characters(entry)
        if (refused := _refusal(entry, location)) is not None:
            yield refused
        elif characters is None or _release_title(entry) is None:
            yield from _malformed_release(entry, location, characters)
        else:
            releases.append((index, _release_candidate(entry, path, context), entry))
    context.file_films = [candidate for _, candidate, _ in releases]
    for index, candidate, entry in releases:
        path = _path_key("$", key) + f"[{index}]"
        medium = medium_of_group(entry)
        if medium is None:
            yield _film_outcome(candidate, context)
        group: _Group = (None, f"{path}.characters", entry.get("characters", []), candidate, medium)
        yield from _group_records(group, LAYOUT_RELEASE_LIST, context)


def _year_in_key(key: str) -> int | None:
    match = re.search(r"(?:^|_)((?:19|20)\d\d)$", key)
    return int(match.group(1)) if match else None


def _record_paths(document: Any, layout: str) -> Iterator[tuple[str | int, ...]]:
    """The path of every record of a document (the same records ``_count_records`` counts).

    A release list has two levels: a release (a rejected record when its own fields hold a refused
    value) and, inside it, its character entries.
    """
    if layout == LAYOUT_SOUNDTRACK_LIST:
        yield from ((index,) for index in range(len(document)))
    elif layout in (LAYOUT_SUMMARY, LAYOUT_AWARD_LIST, LAYOUT_SHORT_LIST):
        field_name = {LAYOUT_SUMMARY: "files", LAYOUT_AWARD_LIST: "awards", LAYOUT_SHORT_LIST: "shorts"}[
            layout
        ]
        yield from ((field_name, index) for index in range(len(document[field_name])))
    elif layout == LAYOUT_CATEGORIZED:
        for key, group in document["categories"].items():
            yield from (("categories", key, "characters", index) for index in range(len(group["characters"])))
    elif layout == LAYOUT_GROUPED:
        for key, group in document["characters"].items():
            yield from (("characters", key, index) for index in range(len(group)))
    elif layout == LAYOUT_RELEASE_LIST:
        key = release_list_key(document) or ""
        for index, entry in enumerate(document[key]):
            yield (key, index)
            if isinstance(entry, dict) and isinstance(entry.get("characters"), list):
                yield from ((key, index, "characters", inner) for inner in range(len(entry["characters"])))
    else:
        yield from (("characters", index) for index in range(len(document["characters"])))


def _refuse_records(parsed: ParsedDocument, layout: str) -> ValueProblem | None:
    """Put a ``_Refused`` in place of each record that holds a refused value.

    The innermost record holding the value is refused. Returns the first problem that lies outside every
    record (the file's own keys, a category's metadata): such a file is rejected whole, since what it
    says about its records cannot be trusted.
    """
    if not parsed.problems:
        return None
    by_record: dict[tuple[str | int, ...], ValueProblem] = {}
    record_paths = set(_record_paths(parsed.document, layout))
    for problem in parsed.problems:
        record_path = next(
            (
                problem.path[:length]
                for length in range(len(problem.path), 0, -1)
                if problem.path[:length] in record_paths
            ),
            None,
        )
        if record_path is None:
            return problem
        by_record.setdefault(record_path, problem)
    # Inner records first: a release refused afterwards replaces them all, and is one record.
    for record_path, problem in sorted(by_record.items(), key=lambda item: -len(item[0])):
        container = parsed.document
        for part in record_path[:-1]:
            container = container[part]
        container[record_path[-1]] = _Refused(problem)
    return None


def _rejected_file(source_file: str, reason: str, detail: str, json_path: str = "$") -> list[LegacyRecord]:
    message = f"{source_file} {json_path}: {reason}: {detail}"
    return [
        FileRead(source_file, LAYOUT_REJECTED, 1),
        RejectedRecord(SourceLocation(source_file, json_path), reason, message),
    ]


def _file_records(
    source_file: str, real_path: str, limits: SourceLimits, today: datetime.date
) -> list[LegacyRecord]:
    """Every record of one file, in order. A list, not a stream: a file is all or nothing, so that
    a failure half-way cannot leave half a file counted (the size cap bounds the list)."""
    try:
        parsed = read_json_file(real_path, limits)
    except SourceFileError as error:
        return _rejected_file(source_file, error.reason, error.detail, error.json_path)
    document = parsed.document
    try:
        layout = detect_layout(document, source_file)
    except LegacyImportError as error:
        if parsed.problems:
            first = parsed.problems[0]
            return _rejected_file(source_file, first.reason, first.detail, first.json_path)
        return _rejected_file(source_file, error.reason, error.detail)
    file_problem = _refuse_records(parsed, layout)
    if file_problem is not None:
        return _rejected_file(source_file, file_problem.reason, file_problem.detail, file_problem.json_path)

    records = _count_records(document, layout)
    if layout == LAYOUT_SOUNDTRACK_LIST:
        head = FileRead(source_file, layout, records, REASON_SOUNDTRACK)
        return [head, *_set_aside_all(document, "$", source_file, REASON_SOUNDTRACK, "film")]
    if layout == LAYOUT_SUMMARY:
        head = FileRead(source_file, layout, records, REASON_SUMMARY)
        return [head, *_set_aside_all(document["files"], "$.files", source_file, REASON_SUMMARY, "filename")]
    if layout == LAYOUT_AWARD_LIST:
        head = FileRead(source_file, layout, records, REASON_AWARDS)
        return [head, *_set_aside_all(document["awards"], "$.awards", source_file, REASON_AWARDS, "award")]
    if layout == LAYOUT_SHORT_LIST:
        head = FileRead(source_file, layout, records, REASON_SHORT)
        return [head, *_set_aside_all(document["shorts"], "$.shorts", source_file, REASON_SHORT, "title")]
    if layout == LAYOUT_RELEASE_LIST:
        return [FileRead(source_file, layout, records), *_iter_release_list(document, source_file, today)]
    medium = medium_of_collection(document)
    return [
        FileRead(source_file, layout, records, medium),
        *_iter_collection(document, layout, source_file, today),
    ]


def _entry_records(entry: SourceEntry, limits: SourceLimits, today: datetime.date) -> list[LegacyRecord]:
    """The records of one folder entry: a refused entry, a duplicate, or a file read in isolation."""
    if entry.error is not None:
        return _rejected_file(entry.name, entry.error.reason, entry.error.detail)
    if entry.duplicate_of is not None:
        location = SourceLocation(entry.name, "$")
        label = f"same file as {entry.duplicate_of}"
        return [
            FileRead(entry.name, LAYOUT_DUPLICATE, 1, REASON_DUPLICATE_FILE),
            SetAsideRecord(location, REASON_DUPLICATE_FILE, label),
        ]
    assert entry.real_path is not None
    try:
        return _file_records(entry.name, entry.real_path, limits, today)
    except Exception as error:  # noqa: BLE001 - one file must never stop a run; the file is rejected
        # Whatever input breaks a rule we did not foresee, the run goes on: the file is rejected with
        # the error's type and the line it came from, and the log keeps the whole trace.
        logger.error("unexpected error reading %s\n%s", entry.name, traceback.format_exc())
        detail = f"unexpected {type(error).__name__} while reading (a bug: please report the file)"
        return _rejected_file(entry.name, REASON_INTERNAL_ERROR, detail)


def iter_legacy_records(
    path: Path, limits: SourceLimits | None = None, today: datetime.date | None = None
) -> Iterator[LegacyRecord]:
    """Yield every record of a legacy directory, file by file, in sorted path order.

    For each ``*.json`` entry (recursively, see hyperion.sources.files.walk_json_files) a ``FileRead``
    comes first, then the file's ``LegacyFilm``s, then one ``LegacyAppearance`` per character and film,
    ``SetAsideRecord`` or ``RejectedRecord`` per record. Refused entries (links out of the folder, loops,
    FIFOs, files over the caps) and files that cannot be read are one rejected record each; nothing is
    skipped silently. Nothing is deduplicated here: the same film read from two files is yielded twice.
    A film the catalog does not take (not Disney-released, or released after ``today``, by default the
    current date) is a ``SetAsideFilm`` instead of a ``LegacyFilm``.
    """
    root = Path(path)
    if not root.is_dir():
        raise LegacyImportError(str(root), "not-a-directory", "the legacy source must be a directory")
    limits = limits or default_limits()
    today = today or datetime.date.today()
    for entry in walk_json_files(root):
        logger.debug("reading %s", entry.name)
        yield from _entry_records(entry, limits, today)


# --------------------------------------------------------------------------------------------------
# Whole-directory import: deduplication across files and the report figures


def _merge_film(kept: LegacyFilm, other: LegacyFilm) -> None:
    kept.release_year = kept.release_year or other.release_year
    kept.studio_id = kept.studio_id or other.studio_id
    kept.franchise = kept.franchise or other.franchise
    kept.release_type = kept.release_type or other.release_type
    kept.animation_type = kept.animation_type or other.animation_type
    kept.directors = list(dict.fromkeys([*kept.directors, *other.directors]))
    kept.sources.append(other.source)


def _merge_appearance(kept: LegacyAppearance, other: LegacyAppearance) -> None:
    kept.voice_actors = list(dict.fromkeys([*kept.voice_actors, *other.voice_actors]))
    kept.singing_voice_actors = [
        person
        for person in dict.fromkeys([*kept.singing_voice_actors, *other.singing_voice_actors])
        if person not in kept.voice_actors
    ]
    if kept.species == "unknown":
        kept.species, kept.species_detail = other.species, other.species_detail
    kept.species_detail = kept.species_detail or other.species_detail
    if kept.gender == "unknown":
        kept.gender = other.gender
    if other.notes and other.notes not in (kept.notes or ""):
        kept.notes = f"{kept.notes} | {other.notes}" if kept.notes else other.notes
    kept.sources.append(other.source)


def _final_film_ids(films: list[LegacyFilm]) -> dict[tuple[str, int | None], str]:
    """Map (title slug, year) to film_id: the later of two films sharing a title gets "-YYYY"."""
    years_by_slug: dict[str, set[int | None]] = {}
    for film in films:
        years_by_slug.setdefault(film.film_id, set()).add(film.release_year)
    mapping: dict[tuple[str, int | None], str] = {}
    for slug, years in years_by_slug.items():
        known = sorted(year for year in years if year is not None)
        for year in years:
            later = len(known) > 1 and year is not None and year != known[0]
            mapping[(slug, year)] = f"{slug}-{year}" if later else slug
    return mapping


_GENERIC_TITLE_WORDS = frozenset(
    {"the", "a", "an", "and", "of", "to", "in", "on", "movie", "film", "ii", "2", "3", "return", "adventure"}
)


# Names of a function, not of a person: the narrator of one film is not the narrator of another, so such
# names are joined across films only on a shared voice (the same narrator through a franchise).
_GENERIC_CHARACTER_IDS = frozenset(
    {
        "narrator", "mom", "dad", "mother", "father", "king", "queen", "guard", "guards", "mayor",
        "announcer", "doctor", "teacher", "boss", "chief", "captain", "grandma", "grandpa", "baby",
        "villagers", "crowd", "reporter", "waiter", "driver", "pilot", "officer", "sheriff", "judge",
    }
)  # fmt: skip


def _merge_evidence(first: LegacyAppearance, second: LegacyAppearance, character_id: str) -> str | None:
    """The reason two appearances of one slug are the same character, or None when nothing says so.

    Known genders that differ always separate. Otherwise, in order: the same film (two mentions), a
    shared voice actor, the same franchise, film titles sharing a significant word ("the-jungle-book" and
    "the-jungle-book-2"), the same known species. A function name ("Narrator") needs a shared voice.
    """
    genders = {first.gender, second.gender} - {"unknown"}
    if len(genders) > 1:
        return None
    if first.film_id == second.film_id:
        return MERGE_SAME_NAME_IN_FILM
    if set(first.voice_actors) & set(second.voice_actors):
        return MERGE_SHARED_VOICE
    if character_id in _GENERIC_CHARACTER_IDS:
        return None
    if first.franchise_id and first.franchise_id == second.franchise_id:
        return MERGE_SAME_FRANCHISE
    first_words = set(first.film_id.split("-")) - _GENERIC_TITLE_WORDS
    second_words = set(second.film_id.split("-")) - _GENERIC_TITLE_WORDS
    if first_words & second_words:
        return MERGE_SHARED_TITLE_WORD
    if first.species != "unknown" and first.species == second.species:
        return MERGE_SAME_SPECIES
    return None


@dataclass
class _Link:
    """One appearance joined to another of a different film, and why."""

    reason: str
    appearance: LegacyAppearance
    other: LegacyAppearance


def _clusters_of(
    group: list[LegacyAppearance], character_id: str, links: list[_Link]
) -> list[list[LegacyAppearance]]:
    clusters: list[list[LegacyAppearance]] = []
    for appearance in group:
        joined: list[list[LegacyAppearance]] = []
        for cluster in clusters:
            evidence = next(
                (
                    (reason, other)
                    for other in cluster
                    if (reason := _merge_evidence(appearance, other, character_id))
                ),
                None,
            )
            if evidence is not None:
                joined.append(cluster)
                if evidence[1].film_id != appearance.film_id:
                    links.append(_Link(evidence[0], appearance, evidence[1]))
        if len(joined) == 1:
            # The common case, extended in place: copying the cluster each time made a file of
            # 50,000 namesakes quadratic (minutes of CPU from one hostile file).
            joined[0].append(appearance)
            continue
        merged = [appearance, *(member for cluster in joined for member in cluster)]
        clusters = [cluster for cluster in clusters if all(cluster is not j for j in joined)] + [merged]
    return clusters


def _disambiguate_characters(appearances: list[LegacyAppearance]) -> list[MergeRecord]:
    """Give different characters that share a slug distinct ids; return the cross-film merges made.

    Appearances of one slug are grouped by ``_merge_evidence``; when that leaves more than one group, they
    are different characters (Nigel the pelican of Finding Nemo, Nigel the cockatoo of Rio) and each
    group gets its first film's franchise (or, when two groups share it, its first film) as qualifier:
    "nigel-finding-nemo", "nigel-rio". Every join of two films is returned with its reason.
    """
    by_id: dict[str, list[LegacyAppearance]] = {}
    for appearance in appearances:
        by_id.setdefault(appearance.character_id, []).append(appearance)
    links: list[_Link] = []
    for character_id, group in by_id.items():
        clusters = _clusters_of(group, character_id, links)
        if len(clusters) < 2:
            continue
        firsts = [
            min(cluster, key=lambda a: (a.film_release_year or 9999, a.film_id)) for cluster in clusters
        ]
        franchises = Counter(first.franchise_id for first in firsts)
        for cluster, first in zip(clusters, firsts, strict=True):
            qualifier = (
                first.franchise_id if first.franchise_id and franchises[first.franchise_id] == 1 else None
            )
            for appearance in cluster:
                appearance.character_id = f"{character_id}-{qualifier or first.film_id}"
    return [
        MergeRecord(
            link.appearance.character_id,
            link.reason,
            (link.other.film_id, link.appearance.film_id),
            tuple(dict.fromkeys((link.other.name, link.appearance.name))),
            (link.other.source, link.appearance.source),
        )
        for link in links
    ]


def _same_film_merge(kept: LegacyAppearance, other: LegacyAppearance) -> MergeRecord:
    reason = MERGE_SAME_NAME_IN_FILM if kept.name == other.name else MERGE_ALIAS_IN_FILM
    if kept.source == other.source:
        reason = MERGE_SAME_ENTRY
    return MergeRecord(
        kept.character_id,
        reason,
        (kept.film_id,),
        tuple(dict.fromkeys((kept.name, other.name))),
        (kept.source, other.source),
    )


def import_legacy_directory(
    path: Path, limits: SourceLimits | None = None, today: datetime.date | None = None
) -> LegacyImportResult:
    """Import a legacy directory: deduplicated films and appearances plus a checked reconciliation report.

    Every merge of two appearances into one character is returned in ``merges`` with its reason.
    """
    report = ReconciliationReport()
    layouts: Counter[str] = Counter()
    files_set_aside: Counter[str] = Counter()
    files_rejected: Counter[str] = Counter()
    film_mentions: list[LegacyFilm] = []
    films_set_aside: list[SetAsideFilm] = []
    raw_appearances: list[LegacyAppearance] = []
    set_aside: list[SetAsideRecord] = []
    rejected: list[RejectedRecord] = []
    for record in iter_legacy_records(path, limits, today):
        if isinstance(record, FileRead):
            report.files_read += 1
            report.records_read += record.records_read
            layouts[record.layout] += 1
            if record.set_aside_reason:
                files_set_aside[record.set_aside_reason] += 1
        elif isinstance(record, LegacyFilm):
            film_mentions.append(record)
        elif isinstance(record, SetAsideFilm):
            films_set_aside.append(record)
        elif isinstance(record, LegacyAppearance):
            raw_appearances.append(record)
        elif isinstance(record, SetAsideRecord):
            set_aside.append(record)
        else:
            rejected.append(record)
            if record.source.json_path == "$":
                files_rejected[record.reason] += 1
                logger.warning("rejected %s", record.message)

    film_ids = _final_film_ids(film_mentions)
    films: dict[str, LegacyFilm] = {}
    for mention in film_mentions:
        mention.film_id = film_ids[(mention.film_id, mention.release_year)]
        if mention.film_id in films:
            _merge_film(films[mention.film_id], mention)
        else:
            mention.sources = [mention.source]
            films[mention.film_id] = mention
    for appearance in raw_appearances:
        appearance.film_id = film_ids.get(
            (appearance.film_id, appearance.film_release_year), appearance.film_id
        )
    merges = _disambiguate_characters(raw_appearances)
    appearances: dict[tuple[str, str], LegacyAppearance] = {}
    for appearance in raw_appearances:
        key = (appearance.film_id, appearance.character_id)
        if key in appearances:
            merges.append(_same_film_merge(appearances[key], appearance))
            _merge_appearance(appearances[key], appearance)
        else:
            appearance.sources = [appearance.source]
            appearances[key] = appearance

    report.files_by_layout = dict(sorted(layouts.items()))
    report.files_set_aside = dict(sorted(files_set_aside.items()))
    report.files_rejected = dict(sorted(files_rejected.items()))
    report.records_accepted = len({a.source for a in raw_appearances})
    report.records_set_aside = len(set_aside)
    report.records_rejected = len(rejected)
    report.set_aside_reasons = dict(sorted(Counter(r.reason for r in set_aside).items()))
    report.rejected_reasons = dict(sorted(Counter(r.reason for r in rejected).items()))
    report.films_accepted = len(films)
    report.films_set_aside = dict(sorted(Counter(f.reason for f in films_set_aside).items()))
    report.film_mentions_merged = len(film_mentions) - len(films)
    report.characters_accepted = len({a.character_id for a in appearances.values()})
    report.appearances_accepted = len(appearances)
    report.appearances_merged = len(raw_appearances) - len(appearances)
    report.attributions = dict(sorted(Counter(a.attribution for a in raw_appearances).items()))
    report.merges = dict(sorted(Counter(merge.reason for merge in merges).items()))
    report.check()
    return LegacyImportResult(
        films=sorted(films.values(), key=lambda f: f.film_id),
        appearances=sorted(appearances.values(), key=lambda a: (a.film_id, a.character_id)),
        set_aside=set_aside,
        rejected=rejected,
        report=report,
        films_set_aside=films_set_aside,
        merges=merges,
    )


OUTPUT_FILE_NAMES = ("films.jsonl", "appearances.jsonl", "set_aside.jsonl", "rejected.jsonl")


def write_import_outputs(result: LegacyImportResult, directory: Path) -> dict[Path, int]:
    """Write the films, appearances, set-aside and rejected records as JSON Lines files in ``directory``.

    Returns the number of lines written per file. The directory is created when missing; existing files
    are replaced, so a re-run over the same folder gives the same files.
    """
    directory.mkdir(parents=True, exist_ok=True)
    groups: tuple[Iterable[Any], ...] = (
        result.films,
        result.appearances,
        result.set_aside,
        result.rejected,
    )
    written: dict[Path, int] = {}
    for name, records in zip(OUTPUT_FILE_NAMES, groups, strict=True):
        path = directory / name
        with path.open("w", encoding="utf-8") as handle:
            count = 0
            for record in records:
                handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
                count += 1
        written[path] = count
    return written
