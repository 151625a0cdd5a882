"""Record types, reasons and the reconciliation report of the legacy-layout importer.

A *record* is one data entry of a legacy source file (see hyperion.sources.legacy.importer and
docs/legacy-import.md).
Every record read ends accepted (as one or more ``LegacyAppearance``), set aside (``SetAsideRecord``) or
rejected (``RejectedRecord``); ``ReconciliationReport`` checks that identity.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from hyperion.sources.catalog import STUDIO_NAMES
from hyperion.sources.legacy.normalize import slugify

# Layout names, as reported per file. See docs/legacy-import.md for how each is detected.
LAYOUT_CATEGORIZED = "categorized-collection"
LAYOUT_SINGLE_FILM = "single-film"
LAYOUT_GROUPED = "grouped-characters"
LAYOUT_SINGLE_GAME = "single-game"
LAYOUT_AWARD_LIST = "award-list"
LAYOUT_SHORT_LIST = "short-list"
LAYOUT_SOUNDTRACK_LIST = "soundtrack-list"
LAYOUT_SUMMARY = "collection-summary"
LAYOUT_RELEASE_LIST = "release-list"
LAYOUT_REJECTED = "rejected"
LAYOUT_DUPLICATE = "duplicate"

# Reasons for records set aside or rejected.
REASON_GAME = "video-game"
REASON_TV = "tv-series"
REASON_SHORT = "short-film"
REASON_SOUNDTRACK = "soundtrack"
REASON_AWARDS = "awards"
REASON_SUMMARY = "collection-summary"
REASON_NO_EVIDENCE = "no-film-evidence"
REASON_INVALID_JSON = "invalid-json"
REASON_UNKNOWN_LAYOUT = "unknown-layout"
REASON_MALFORMED = "malformed-character-entry"
REASON_INTERNAL_ERROR = "internal-error"
# A film (and its characters) outside the catalog's scope, or not released yet.
REASON_NOT_DISNEY = "not-disney-released"
REASON_FUTURE_RELEASE = "future-release"
# A release-list entry that is not a film: no title, or a character list that is not a list.
REASON_MALFORMED_RELEASE = "malformed-release-entry"

# How an appearance was attributed to its film.
ATTRIBUTION_CATEGORY = "category-is-film"
ATTRIBUTION_FILE = "file-is-film"
ATTRIBUTION_FILMS_FIELD = "character-films-field"
ATTRIBUTION_FIRST_APPEARANCE = "first-appearance"
ATTRIBUTION_CATEGORY_NAMES = "category-names-film"
ATTRIBUTION_VOICE_TAGS = "voice-credit-film-tags"
ATTRIBUTION_DESCRIPTION = "description-mentions-title"
ATTRIBUTION_SINGLE_FILM = "single-film-file"
ATTRIBUTION_RECURRING = "recurring-cast"
ATTRIBUTION_RELEASE_ENTRY = "release-entry-is-film"

# Why appearances of one character_id were merged (see hyperion.sources.legacy.importer._merge_reason and
# docs/legacy-import.md): every merge is recorded with one of these, never done silently.
MERGE_SAME_ENTRY = "same-entry-several-mentions"
MERGE_SAME_NAME_IN_FILM = "same-name-in-one-film"
MERGE_ALIAS_IN_FILM = "same-common-name-in-one-film"
MERGE_SHARED_VOICE = "shared-voice-actor"
MERGE_SAME_FRANCHISE = "same-franchise"
MERGE_SHARED_TITLE_WORD = "shared-title-word"
MERGE_SAME_SPECIES = "same-species"

GROSS_NOTE = "not available in the legacy source"


class LegacyImportError(Exception):
    """A legacy source that cannot be imported; the message names the file and the reason."""

    def __init__(self, source_file: str, reason: str, detail: str) -> None:
        super().__init__(f"{source_file}: {reason}: {detail}")
        self.source_file = source_file
        self.reason = reason
        self.detail = detail


class ReconciliationError(AssertionError):
    """Records read != accepted + set aside + rejected: a record was lost or counted twice."""


@dataclass(frozen=True)
class SourceLocation:
    """Where a record comes from: the file (relative to the imported directory) and a JSON path in it."""

    source_file: str
    json_path: str


@dataclass
class LegacyFilm:
    """A film in the catalog shape, plus its release year and the places it was read from."""

    film_id: str
    title: str
    release_year: int | None
    studio_id: str | None
    franchise: str | None
    directors: list[str]
    release_type: str | None
    animation_type: str | None
    source: SourceLocation
    sources: list[SourceLocation] = field(default_factory=list)
    # Who made the film and who released it, when the file says (see data/SOURCES.md).
    maker: str | None = None
    distributor: str | None = None
    release_date: str | None = None

    def catalog_record(self) -> dict[str, Any]:
        """The film in the catalog shape (fields the legacy files do not hold are null).

        ``maker`` and ``distributor`` are optional in the catalog schema and are present only when the
        file names them.
        """
        companies = {"maker": self.maker, "distributor": self.distributor}
        return {
            "film_id": self.film_id,
            "title": self.title,
            "release_date": self.release_date,
            "studio_id": self.studio_id,
            "studio": STUDIO_NAMES.get(self.studio_id) if self.studio_id else None,
            "franchise_id": slugify(self.franchise) if self.franchise else None,
            "franchise": self.franchise,
            "directors": list(self.directors),
            "runtime_minutes": None,
            "release_type": self.release_type,
            "animation_type": self.animation_type,
            "domestic_gross_usd": None,
            "worldwide_gross_usd": None,
            "gross_note": GROSS_NOTE,
            **{key: value for key, value in companies.items() if value},
        }

    def to_dict(self) -> dict[str, Any]:
        """Catalog record plus provenance (``release_year``, ``sources``)."""
        sources = self.sources or [self.source]
        return {
            **self.catalog_record(),
            "release_year": self.release_year,
            "sources": [asdict(source) for source in sources],
        }


@dataclass
class LegacyAppearance:
    """One character in one film: the character-file shape plus ``film_id`` and provenance."""

    film_id: str
    character_id: str
    name: str
    role: str
    species: str
    species_detail: str | None
    gender: str
    voice_actors: list[str]
    singing_voice_actors: list[str]
    notes: str | None
    attribution: str
    source: SourceLocation
    film_release_year: int | None = None
    franchise_id: str | None = None
    sources: list[SourceLocation] = field(default_factory=list)

    def character_record(self) -> dict[str, Any]:
        """The character exactly in the character-file shape."""
        return {
            "character_id": self.character_id,
            "name": self.name,
            "role": self.role,
            "species": self.species,
            "species_detail": self.species_detail,
            "gender": self.gender,
            "voice_actors": list(self.voice_actors),
            "singing_voice_actors": list(self.singing_voice_actors),
            "notes": self.notes,
        }

    def to_dict(self) -> dict[str, Any]:
        """``film_id`` + character record + ``attribution`` + ``sources``."""
        sources = self.sources or [self.source]
        return {
            "film_id": self.film_id,
            **self.character_record(),
            "attribution": self.attribution,
            "sources": [asdict(source) for source in sources],
        }


@dataclass(frozen=True)
class SetAsideRecord:
    """A record that is valid but not a film character (or cannot be attributed to a film)."""

    source: SourceLocation
    reason: str
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self.source), "reason": self.reason, "label": self.label}


@dataclass(frozen=True)
class RejectedRecord:
    """A record (or a whole file) that cannot be read; ``message`` names the file and the reason."""

    source: SourceLocation
    reason: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self.source), "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class SetAsideFilm:
    """A film a file names but the catalog does not take: not released by Disney, or not released yet.

    Its characters are set aside one by one with the same reason (each a ``SetAsideRecord``); the film
    itself is not a record, but the report counts it under ``films_set_aside``.
    """

    source: SourceLocation
    reason: str
    title: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self.source), "reason": self.reason, "title": self.title, "detail": self.detail}


@dataclass(frozen=True)
class MergeRecord:
    """Appearances of one ``character_id`` taken as one character, and the evidence that they are.

    ``film_ids`` are the films joined (one film when several mentions in one film were merged), ``names``
    the names as written.
    """

    character_id: str
    reason: str
    film_ids: tuple[str, ...]
    names: tuple[str, ...]
    sources: tuple[SourceLocation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "character_id": self.character_id,
            "reason": self.reason,
            "film_ids": list(self.film_ids),
            "names": list(self.names),
            "sources": [asdict(source) for source in self.sources],
        }


@dataclass(frozen=True)
class FileRead:
    """Emitted once per file, before its records: the layout found and how many records it holds."""

    source_file: str
    layout: str
    records_read: int
    set_aside_reason: str | None = None


LegacyRecord = FileRead | LegacyFilm | SetAsideFilm | LegacyAppearance | SetAsideRecord | RejectedRecord


@dataclass
class ReconciliationReport:
    """Counts of one import; ``records_read == records_accepted + records_set_aside + records_rejected``."""

    files_read: int = 0
    files_by_layout: dict[str, int] = field(default_factory=dict)
    files_set_aside: dict[str, int] = field(default_factory=dict)
    files_rejected: dict[str, int] = field(default_factory=dict)
    records_read: int = 0
    records_accepted: int = 0
    records_set_aside: int = 0
    records_rejected: int = 0
    set_aside_reasons: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    films_accepted: int = 0
    films_set_aside: dict[str, int] = field(default_factory=dict)
    film_mentions_merged: int = 0
    characters_accepted: int = 0
    appearances_accepted: int = 0
    appearances_merged: int = 0
    attributions: dict[str, int] = field(default_factory=dict)
    merges: dict[str, int] = field(default_factory=dict)

    def identity_holds(self) -> bool:
        return self.records_read == self.records_accepted + self.records_set_aside + self.records_rejected

    def check(self) -> None:
        """Raise ``ReconciliationError`` when a record was lost or counted twice."""
        if not self.identity_holds():
            raise ReconciliationError(
                f"records read {self.records_read} != accepted {self.records_accepted} + set aside "
                f"{self.records_set_aside} + rejected {self.records_rejected}"
            )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    def to_table(self) -> str:
        """A plain-text table: one line per figure, reasons indented under their total."""
        rows: list[tuple[str, str]] = [
            ("files read", str(self.files_read)),
            *((f"  layout {k}", str(v)) for k, v in sorted(self.files_by_layout.items())),
            *((f"  file set aside: {k}", str(v)) for k, v in sorted(self.files_set_aside.items())),
            *((f"  file rejected: {k}", str(v)) for k, v in sorted(self.files_rejected.items())),
            ("records read", str(self.records_read)),
            ("records accepted", str(self.records_accepted)),
            ("records set aside", str(self.records_set_aside)),
            *((f"  {k}", str(v)) for k, v in sorted(self.set_aside_reasons.items())),
            ("records rejected", str(self.records_rejected)),
            *((f"  {k}", str(v)) for k, v in sorted(self.rejected_reasons.items())),
            ("films accepted", str(self.films_accepted)),
            *((f"  film set aside: {k}", str(v)) for k, v in sorted(self.films_set_aside.items())),
            ("film mentions merged", str(self.film_mentions_merged)),
            ("characters accepted", str(self.characters_accepted)),
            ("appearances accepted", str(self.appearances_accepted)),
            ("appearances merged", str(self.appearances_merged)),
            *((f"  attribution {k}", str(v)) for k, v in sorted(self.attributions.items())),
            ("character merges (with reason)", str(sum(self.merges.values()))),
            *((f"  merge {k}", str(v)) for k, v in sorted(self.merges.items())),
            (
                "identity read = accepted + set aside + rejected",
                "holds" if self.identity_holds() else "BROKEN",
            ),
        ]
        width = max(len(label) for label, _ in rows)
        return "\n".join(f"{label:<{width}}  {value:>7}" for label, value in rows)


@dataclass
class LegacyImportResult:
    """Deduplicated films and appearances, the set-aside and rejected records, and the report."""

    films: list[LegacyFilm]
    appearances: list[LegacyAppearance]
    set_aside: list[SetAsideRecord]
    rejected: list[RejectedRecord]
    report: ReconciliationReport
    films_set_aside: list[SetAsideFilm] = field(default_factory=list)
    merges: list[MergeRecord] = field(default_factory=list)
