"""Unit tests for hyperion.sources.crosscheck: matching, alias-aware comparison, decisions and the report.

The pure functions run on hand-built credits; the end-to-end test writes a tiny legacy-layout folder and
a tiny bundled dataset to a temp dir and runs :func:`hyperion.sources.crosscheck.crosscheck` on them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hyperion.sources.catalog import DEFAULT_DATA_DIR, DatasetError
from hyperion.sources.crosscheck import (
    DECISIONS_FILE_NAME,
    Credit,
    Decision,
    Disagreement,
    credit_fingerprint,
    crosscheck,
    decision_template,
    explain,
    find_disagreements,
    load_decisions,
    render_decisions,
    render_report,
)

ALIASES = {"jamesmacdonald": "Jimmy MacDonald"}


def ours(*credits: Credit) -> dict[str, dict[str, Credit]]:
    films: dict[str, dict[str, Credit]] = {}
    for credit in credits:
        films.setdefault(credit.film_id, {})[credit.character_id] = credit
    return films


def test_same_people_spelled_differently_or_through_an_alias_agree() -> None:
    bundled = ours(
        Credit("dinosaur", "aladar", "Aladar", ("D. B. Sweeney",)),
        Credit("alice", "dormouse", "The Dormouse", ("Jimmy MacDonald",)),
    )
    legacy = [
        Credit("dinosaur", "aladar", "Aladar", ("D.B. Sweeney",)),
        Credit("alice", "the-dormouse", "The Dormouse", ("James MacDonald",)),
    ]

    compared, disagreements = find_disagreements(bundled, legacy, ALIASES)

    assert (compared, disagreements) == (2, [])


def test_different_people_are_a_disagreement_matched_by_name_when_ids_differ() -> None:
    bundled = ours(Credit("wreck-it-ralph", "sour-bill", "Sour Bill", ("Alan Tudyk",)))
    legacy = [Credit("wreck-it-ralph", "sour-bill-wir", "Sour Bill", ("Rich Moore",))]

    compared, disagreements = find_disagreements(bundled, legacy, ALIASES)

    assert compared == 1
    assert disagreements == [
        Disagreement("wreck-it-ralph", "sour-bill", "Sour Bill", ("Alan Tudyk",), ("Rich Moore",))
    ]


def test_their_empty_credit_unknown_film_or_character_is_not_compared() -> None:
    bundled = ours(Credit("up", "carl", "Carl", ("Ed Asner",)))
    legacy = [
        Credit("up", "carl", "Carl", ()),
        Credit("not-ours", "carl", "Carl", ("Someone",)),
        Credit("up", "kevin", "Kevin", ("Someone",)),
    ]

    assert find_disagreements(bundled, legacy, ALIASES) == (0, [])


def test_fingerprint_ignores_order_and_spelling_but_not_people() -> None:
    assert credit_fingerprint(["A. B. Smith", "Jo Doe"]) == credit_fingerprint(["jo doe", "A.B. Smith"])
    assert credit_fingerprint(["Jo Doe"]) != credit_fingerprint(["Jo Roe"])
    assert credit_fingerprint(["Jo Doe"]).startswith("sha256:")


def test_decision_explains_only_the_credit_it_answered_and_unused_decisions_are_stale() -> None:
    disagreement = Disagreement("onward", "officer-gore", "Officer Gore", ("Ali Wong",), ("Lena Waithe",))
    answered = Decision(
        "onward", "officer-gore", disagreement.theirs_fingerprint, "ours-stands", "the other side swaps them"
    )
    outdated = Decision("onward", "officer-specter", credit_fingerprint(["Ali Wong"]), "ours-stands", "swap")

    result = explain(1, [disagreement], [answered, outdated])
    changed = explain(
        1, [Disagreement("onward", "officer-gore", "Officer Gore", ("Ali Wong",), ("X",))], [answered]
    )

    assert result.explained == [(disagreement, answered)]
    assert (result.unexplained, result.stale_decisions) == ([], [outdated])
    assert [item.theirs for item in changed.unexplained] == [("X",)]
    assert changed.stale_decisions == [answered]


def test_report_prints_film_character_ours_and_theirs_for_each_unexplained_disagreement() -> None:
    disagreement = Disagreement("aladdin", "rajah", "Rajah", (), ("Frank Welker",))
    result = explain(3, [disagreement], [])

    lines = render_report(result)

    assert lines == ["aladdin\tRajah\tours: (none)\ttheirs: Frank Welker\tUNEXPLAINED"]
    assert result.one_line() == ("compared=3 disagreements=1 explained=0 unexplained=1 stale_decisions=0")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {
                "film_id": "a",
                "character_id": "b",
                "theirs_fingerprint": "x",
                "resolution": "maybe",
                "reason": "r",
            },
            "resolution must be ours-stands or ours-corrected",
        ),
        (
            {
                "film_id": "a",
                "character_id": "b",
                "theirs_fingerprint": "x",
                "resolution": "ours-stands",
                "reason": " ",
            },
            "with a non-empty reason",
        ),
        ({"film_id": "a", "character_id": "b"}, "$.decisions[0]"),
    ],
)
def test_malformed_decision_is_rejected_naming_file_and_entry(
    tmp_path: Path, entry: dict[str, str], message: str
) -> None:
    path = tmp_path / DECISIONS_FILE_NAME
    path.write_text(json.dumps({"decisions": [entry]}), encoding="utf-8")

    with pytest.raises(DatasetError) as raised:
        load_decisions(path)

    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def write_legacy_folder(root: Path) -> Path:
    """A one-file legacy folder in the single-film layout with two characters."""
    folder = root / "legacy"
    folder.mkdir()
    document = {
        "film": "Wreck-It Ralph",
        "year": 2012,
        "studio": "Walt Disney Animation Studios",
        "characters": [
            {"name": "Sour Bill", "role": "henchman", "voice_actor": "Rich Moore"},
            {"name": "Ralph", "role": "protagonist", "voice_actor": "John C. Reilly"},
        ],
    }
    (folder / "wreck_it_ralph.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def write_bundled_data(root: Path, sour_bill_voice: str, decisions: list[dict[str, str]]) -> Path:
    data_dir = root / "data"
    (data_dir / "characters").mkdir(parents=True)
    characters = [
        {"character_id": "sour-bill", "name": "Sour Bill", "voice_actors": [sour_bill_voice]},
        {"character_id": "ralph", "name": "Ralph", "voice_actors": ["John C. Reilly"]},
    ]
    (data_dir / "characters" / "wreck-it-ralph.json").write_text(
        json.dumps({"film_id": "wreck-it-ralph", "characters": characters}), encoding="utf-8"
    )
    (data_dir / DECISIONS_FILE_NAME).write_text(render_decisions(decisions), encoding="utf-8")
    return data_dir


def test_crosscheck_reads_a_legacy_folder_and_a_decision_silences_the_disagreement(tmp_path: Path) -> None:
    folder = write_legacy_folder(tmp_path)
    first = crosscheck(folder, write_bundled_data(tmp_path / "before", "Alan Tudyk", []))
    template = decision_template(first.unexplained[0])
    template["reason"] = "checked against the credits"
    second = crosscheck(folder, write_bundled_data(tmp_path / "after", "Alan Tudyk", [template]))

    assert first.compared == 2
    assert [(item.film_id, item.name, item.ours, item.theirs) for item in first.unexplained] == [
        ("wreck-it-ralph", "Sour Bill", ("Alan Tudyk",), ("Rich Moore",))
    ]
    assert (len(second.explained), second.unexplained, second.stale_decisions) == (1, [], [])


LEGACY_DIR = Path(
    os.environ.get(
        "HYPERION_LEGACY_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "legacy-source-data"
    )
)


def test_every_disagreement_with_the_shared_legacy_folder_is_explained() -> None:
    assert LEGACY_DIR.is_dir(), f"legacy test input not found at {LEGACY_DIR} (set HYPERION_LEGACY_DIR)"

    result = crosscheck(LEGACY_DIR)

    assert render_report(result) == []
    assert result.compared > 1000
    assert len(result.explained) == len(load_decisions(DEFAULT_DATA_DIR / DECISIONS_FILE_NAME))
