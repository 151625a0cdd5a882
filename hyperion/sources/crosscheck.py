"""Cross-check of the bundled voice credits against another source folder in the legacy layout.

The other folder is read with the legacy importer
(:func:`hyperion.sources.legacy.importer.import_legacy_directory`), read only, and each of its character
appearances is compared with the bundled character file of the same film:

1. A film is compared only when both sides hold it under the same ``film_id``; a character only when it is
   found in the bundled file by ``character_id`` or, failing that, by the same name.
2. Names are compared as people, not as strings: each credit goes through the talent aliases
   (``data/talent_aliases.json``), then through :func:`hyperion.sources.catalog.name_key`, so
   "T. J. Miller" and "T.J. Miller", or "Tone Lōc" and "Tone Loc", are one person.
3. A disagreement is a character whose speaking-voice people differ; the other side's empty credit is no
   claim and is skipped.
4. Each disagreement is explained by a decision in ``data/crosscheck_decisions.json`` (film, character,
   a fingerprint of the other side's credit, and the reason ours stands or how ours was corrected).
   The fingerprint is a hash, so no record of the other folder is copied into the repository, and a
   decision goes stale as soon as the other side's credit changes.

The functions are pure apart from reading files; the entrypoint is ``scripts/crosscheck_credits.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyperion.sources.catalog import (
    DEFAULT_DATA_DIR,
    DatasetError,
    iter_character_files,
    load_talent_aliases,
    name_key,
    read_json,
)
from hyperion.sources.legacy.importer import import_legacy_directory

logger = logging.getLogger(__name__)

DECISIONS_FILE_NAME = "crosscheck_decisions.json"


@dataclass(frozen=True)
class Credit:
    """One side's speaking voices of one character in one film."""

    film_id: str
    character_id: str
    name: str
    voice_actors: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    """A character whose voices differ between our data and the other folder."""

    film_id: str
    character_id: str
    name: str
    ours: tuple[str, ...]
    theirs: tuple[str, ...]

    @property
    def theirs_fingerprint(self) -> str:
        """A short hash of the other side's people, to tie a decision to what it answered."""
        return credit_fingerprint(self.theirs)

    def key(self) -> tuple[str, str, str]:
        return (self.film_id, self.character_id, self.theirs_fingerprint)


@dataclass(frozen=True)
class Decision:
    """Why a disagreement is resolved: ``ours-stands`` (with the reason) or ``ours-corrected``."""

    film_id: str
    character_id: str
    theirs_fingerprint: str
    resolution: str
    reason: str

    def key(self) -> tuple[str, str, str]:
        return (self.film_id, self.character_id, self.theirs_fingerprint)


@dataclass
class CrosscheckResult:
    """The disagreements split into explained and unexplained, and decisions that answer nothing."""

    compared: int
    explained: list[tuple[Disagreement, Decision]]
    unexplained: list[Disagreement]
    stale_decisions: list[Decision]

    def one_line(self) -> str:
        """The summary line the tool prints last."""
        return (
            f"compared={self.compared} disagreements={len(self.explained) + len(self.unexplained)} "
            f"explained={len(self.explained)} unexplained={len(self.unexplained)} "
            f"stale_decisions={len(self.stale_decisions)}"
        )


def person_key(name: str, aliases: Mapping[str, str]) -> str:
    """The comparison key of one credited name: through the aliases, then :func:`name_key`."""
    return name_key(aliases.get(name_key(name), name))


def credit_fingerprint(names: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """``sha256:`` and 12 hex digits of the sorted person keys of ``names``."""
    keys = sorted({person_key(name, aliases or {}) for name in names})
    return "sha256:" + hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:12]


def bundled_credits(data_dir: Path) -> dict[str, dict[str, Credit]]:
    """Our credits by film_id, then by character_id, from ``data_dir/characters``."""
    credits: dict[str, dict[str, Credit]] = {}
    for character_file in iter_character_files(data_dir):
        film_id = character_file.document.get("film_id", character_file.film_id)
        credits[film_id] = {
            character["character_id"]: Credit(
                film_id, character["character_id"], character["name"], tuple(character["voice_actors"])
            )
            for character in character_file.document.get("characters", [])
        }
    return credits


def legacy_credits(folder: Path) -> list[Credit]:
    """The other folder's credits, through the legacy importer (read only)."""
    result = import_legacy_directory(folder)
    return [
        Credit(appearance.film_id, appearance.character_id, appearance.name, tuple(appearance.voice_actors))
        for appearance in result.appearances
    ]


def find_disagreements(
    ours: Mapping[str, Mapping[str, Credit]], theirs: Sequence[Credit], aliases: Mapping[str, str]
) -> tuple[int, list[Disagreement]]:
    """``(characters compared, disagreements)`` under rules 1-3 of the module docstring."""
    compared = 0
    disagreements: dict[tuple[str, str], Disagreement] = {}
    for their_credit in theirs:
        film = ours.get(their_credit.film_id)
        if film is None or not their_credit.voice_actors:
            continue
        our_credit = film.get(their_credit.character_id) or next(
            (credit for credit in film.values() if name_key(credit.name) == name_key(their_credit.name)), None
        )
        if our_credit is None:
            continue
        compared += 1
        our_people = {person_key(name, aliases) for name in our_credit.voice_actors}
        their_people = {person_key(name, aliases) for name in their_credit.voice_actors}
        if our_people != their_people:
            disagreement = Disagreement(
                our_credit.film_id,
                our_credit.character_id,
                our_credit.name,
                our_credit.voice_actors,
                their_credit.voice_actors,
            )
            disagreements.setdefault((disagreement.film_id, disagreement.character_id), disagreement)
    return compared, sorted(disagreements.values(), key=lambda item: (item.film_id, item.character_id))


def load_decisions(path: Path) -> list[Decision]:
    """Read the decisions file; :class:`DatasetError` naming the file and entry on a malformed one."""
    document = read_json(path) if path.exists() else {"decisions": []}
    entries = document.get("decisions") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise DatasetError(f"{path}: expected an object with a 'decisions' array")
    decisions = []
    for index, entry in enumerate(entries):
        try:
            decision = Decision(**entry)
        except TypeError as error:
            raise DatasetError(f"{path}: $.decisions[{index}]: {error}") from error
        if decision.resolution not in {"ours-stands", "ours-corrected"} or not decision.reason.strip():
            raise DatasetError(
                f"{path}: $.decisions[{index}]: resolution must be ours-stands or ours-corrected, "
                "with a non-empty reason"
            )
        decisions.append(decision)
    return decisions


def explain(
    compared: int, disagreements: Sequence[Disagreement], decisions: Sequence[Decision]
) -> CrosscheckResult:
    """Match every disagreement with its decision (rule 4); list the decisions left unused."""
    by_key = {decision.key(): decision for decision in decisions}
    explained, unexplained = [], []
    for disagreement in disagreements:
        decision = by_key.pop(disagreement.key(), None)
        if decision is None:
            unexplained.append(disagreement)
        else:
            explained.append((disagreement, decision))
    return CrosscheckResult(compared, explained, unexplained, sorted(by_key.values(), key=Decision.key))


def crosscheck(folder: Path, data_dir: Path = DEFAULT_DATA_DIR) -> CrosscheckResult:
    """Compare ``data_dir``'s credits with ``folder``; explain the disagreements from the decisions file."""
    aliases = load_talent_aliases(data_dir)
    compared, disagreements = find_disagreements(bundled_credits(data_dir), legacy_credits(folder), aliases)
    logger.debug("compared %d characters, %d disagreements", compared, len(disagreements))
    return explain(compared, disagreements, load_decisions(data_dir / DECISIONS_FILE_NAME))


def render_report(result: CrosscheckResult, show_explained: bool = False) -> list[str]:
    """Tab-separated lines: film, character, ours, theirs and the status (``UNEXPLAINED`` or the decision)."""

    def row(disagreement: Disagreement, status: str) -> str:
        ours = ", ".join(disagreement.ours) or "(none)"
        theirs = ", ".join(disagreement.theirs)
        return f"{disagreement.film_id}\t{disagreement.name}\tours: {ours}\ttheirs: {theirs}\t{status}"

    lines = [row(disagreement, "UNEXPLAINED") for disagreement in result.unexplained]
    if show_explained:
        lines += [
            row(disagreement, f"{decision.resolution}: {decision.reason}")
            for disagreement, decision in result.explained
        ]
    lines += [
        f"{decision.film_id}\t{decision.character_id}\tSTALE decision ({decision.theirs_fingerprint}): "
        "no disagreement matches it any more"
        for decision in result.stale_decisions
    ]
    return lines


def decision_template(disagreement: Disagreement) -> dict[str, Any]:
    """A decisions-file entry for ``disagreement`` with the reason left for a person to write."""
    return {
        "film_id": disagreement.film_id,
        "character_id": disagreement.character_id,
        "theirs_fingerprint": disagreement.theirs_fingerprint,
        "resolution": "ours-stands",
        "reason": "",
    }


def render_decisions(decisions: Sequence[Mapping[str, Any]]) -> str:
    """Serialise decisions one per line, sorted, so that a diff shows one decision per line."""
    ordered = sorted(decisions, key=lambda entry: (entry["film_id"], entry["character_id"]))
    lines = [json.dumps(dict(entry), ensure_ascii=False) for entry in ordered]
    return '{\n  "decisions": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"
