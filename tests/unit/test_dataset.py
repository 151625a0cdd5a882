"""Tests of hyperion.sources.catalog, .gross and .validation and scripts/validate_data.py on tiny datasets.

The tiny datasets use the real JSON Schemas from the repository's data/ folder, so the tests check the
schemas as well as the Python rules.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hyperion.sources.catalog import (
    ALIASES_SCHEMA_FILE_NAME,
    CHARACTER_SCHEMA_FILE_NAME,
    DEFAULT_DATA_DIR,
    FILM_SCHEMA_FILE_NAME,
    Problem,
    iter_character_files,
    json_path,
    load_catalog,
    name_key,
)
from hyperion.sources.gross import WORLDWIDE_GROSS_FLOOR, gross_coverage, gross_coverage_problems
from hyperion.sources.validation import (
    MINIMUM_CORE_FILM_CHARACTERS,
    build_uncovered_document,
    validate_dataset,
    write_uncovered_file,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def load_validator_script() -> Any:
    """Import scripts/validate_data.py as a module (scripts/ is not a package)."""
    specification = importlib.util.spec_from_file_location(
        "validate_data_script", REPOSITORY_ROOT / "scripts" / "validate_data.py"
    )
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


def film(film_id: str, title: str, release_date: str, **overrides: Any) -> dict[str, Any]:
    """A valid film; a theatrical one gets a gross_source that matches its figures (after overrides)."""
    record = {
        "film_id": film_id,
        "title": title,
        "release_date": release_date,
        "studio_id": "pixar",
        "studio": "Pixar Animation Studios",
        "maker": "Pixar Animation Studios",
        "distributor": "Walt Disney Studios Motion Pictures",
        "franchise_id": None,
        "franchise": None,
        "directors": ["Test Director"],
        "runtime_minutes": 90,
        "release_type": "theatrical",
        "animation_type": "computer",
        "domestic_gross_usd": 1000,
        "worldwide_gross_usd": 2000,
        "gross_note": None,
    }
    record.update(overrides)
    if record["release_type"] == "theatrical" and "gross_source" not in overrides:
        record["gross_source"] = gross_source(record["domestic_gross_usd"], record["worldwide_gross_usd"])
    return record


def gross_source(domestic: int | None, worldwide: int | None, **overrides: Any) -> dict[str, Any]:
    """A gross_source for these figures, read from a stored page, a null recorded as not yet sourced."""
    record = {
        "publication": "The Numbers" if domestic is not None or worldwide is not None else None,
        "domestic_usd": domestic,
        "worldwide_usd": worldwide,
        "includes_re_releases": False,
        "retrieved_from": "https://www.the-numbers.com/movie/example",
        "null_reason": None if domestic is not None and worldwide is not None else "not-yet-sourced",
    }
    record.update(overrides)
    return record


def character(character_id: str, name: str, **overrides: Any) -> dict[str, Any]:
    record = {
        "character_id": character_id,
        "name": name,
        "role": "supporting",
        "species": "toy",
        "species_detail": None,
        "gender": "male",
        "voice_actors": ["Voice One"],
        "singing_voice_actors": [],
        "notes": None,
    }
    record.update(overrides)
    return record


def valid_dataset() -> dict[str, Any]:
    """Three films: two with character files, one direct-to-video sequel listed as uncovered."""
    return {
        "catalog": {
            "schema_version": 1,
            "films": [
                film("alpha", "Alpha", "2001-05-01", franchise_id="alpha", franchise="Alpha"),
                film(
                    "beta",
                    "Beta",
                    "2002-06-01",
                    domestic_gross_usd=None,
                    gross_note="no reliable reported gross",
                    gross_source=gross_source(None, 2000, null_reason="no-figure-published"),
                ),
                film(
                    "alpha-2",
                    "Alpha 2",
                    "2003-07-01",
                    studio_id="disneytoon",
                    studio="DisneyToon Studios",
                    franchise_id="alpha",
                    franchise="Alpha",
                    release_type="direct-to-video",
                    animation_type="traditional",
                    domestic_gross_usd=None,
                    worldwide_gross_usd=None,
                ),
            ],
        },
        "characters": {
            "alpha": {
                "film_id": "alpha",
                "characters": [
                    character("hero", "Hero", role="protagonist", voice_actors=["Voice One", "Voice Two"]),
                    character(
                        "villain", "Villain", role="antagonist", gender="female", voice_actors=["Voice Three"]
                    ),
                ],
            },
            "beta": {
                "film_id": "beta",
                "characters": [character("hero", "Hero"), character("sidekick-bird", "Bird", species="bird")],
            },
        },
        "uncovered": {
            "uncovered": [{"film_id": "alpha-2", "reason": "direct-to-video sequel; cast not compiled"}]
        },
        "aliases": {
            "schema_version": 1,
            "people": [
                {"canonical": "Voice One", "aliases": ["V. One"], "reason": "one person, two credits"}
            ],
        },
    }


def write_dataset(root: Path, dataset: dict[str, Any]) -> Path:
    data_dir = root / "data"
    (data_dir / "characters").mkdir(parents=True)
    for schema_file_name in (FILM_SCHEMA_FILE_NAME, CHARACTER_SCHEMA_FILE_NAME, ALIASES_SCHEMA_FILE_NAME):
        shutil.copy(DEFAULT_DATA_DIR / schema_file_name, data_dir / schema_file_name)
    (data_dir / "talent_aliases.json").write_text(json.dumps(dataset["aliases"]), encoding="utf-8")
    (data_dir / "complete_movie_list.json").write_text(json.dumps(dataset["catalog"]), encoding="utf-8")
    for file_stem, document in dataset["characters"].items():
        (data_dir / "characters" / f"{file_stem}.json").write_text(json.dumps(document), encoding="utf-8")
    (data_dir / "uncovered_films.json").write_text(json.dumps(dataset["uncovered"]), encoding="utf-8")
    return data_dir


def problems_for(tmp_path: Path, dataset: dict[str, Any], coverage: bool = False) -> list[Problem]:
    problems, _ = validate_dataset(write_dataset(tmp_path, dataset), coverage=coverage)
    return problems


def test_valid_dataset_passes_with_summary_counts(tmp_path: Path) -> None:
    problems, summary = validate_dataset(write_dataset(tmp_path, valid_dataset()))

    assert problems == []
    assert summary.films == 3
    assert summary.films_by_studio == {"pixar": 2, "disneytoon": 1}
    assert summary.character_files == 2
    assert summary.characters == 3  # hero appears in both films but is one character
    assert summary.appearances == 4
    assert summary.talent == 3
    assert summary.uncovered_films == 1


def test_script_prints_summary_and_exits_zero_on_valid_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = write_dataset(tmp_path, valid_dataset())

    exit_code = load_validator_script().main(["--data-dir", str(data_dir)])

    output = capsys.readouterr().out.splitlines()
    assert exit_code == 0
    assert len(output) == 1
    assert output[0].startswith("ok: films=3 ")
    assert "appearances=4" in output[0]


def test_script_prints_one_line_per_problem_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = valid_dataset()
    dataset["characters"]["alpha"]["characters"][0]["gender"] = "robot"
    dataset["characters"]["beta"]["characters"][1]["role"] = "hero"
    data_dir = write_dataset(tmp_path, dataset)

    exit_code = load_validator_script().main(["--data-dir", str(data_dir)])

    output = capsys.readouterr().out.splitlines()
    assert exit_code == 1
    assert output == [
        "data/characters/alpha.json: $.characters[0].gender: gender 'robot' is not one of: "
        "male, female, nonbinary, unknown",
        "data/characters/beta.json: $.characters[1].role: role 'hero' is not one of: "
        "protagonist, deuteragonist, antagonist, sidekick, love-interest, mentor, supporting, minor",
    ]


def test_bad_gender_is_reported_at_its_path(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["beta"]["characters"][1]["gender"] = "Male"

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path) for problem in problems] == [
        ("data/characters/beta.json", "$.characters[1].gender")
    ]
    assert "'Male' is not one of" in problems[0].reason


def test_unknown_film_id_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["gamma"] = {
        "film_id": "gamma",
        "characters": [character("gamma-hero", "Gamma Hero")],
    }

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem("data/characters/gamma.json", "$.film_id", "film_id 'gamma' is not in the film catalog")
    ]


def test_film_id_that_does_not_match_the_file_name_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["beta"]["film_id"] = "alpha"

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem(
            "data/characters/beta.json",
            "$.film_id",
            "film_id 'alpha' does not match the file name (expected 'beta')",
        )
    ]


def test_duplicate_film_id_in_catalog_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"].append(film("beta", "Beta Again", "2004-01-01"))
    dataset["uncovered"]["uncovered"].append({"film_id": "beta", "reason": "listed to keep coverage quiet"})

    problems = problems_for(tmp_path, dataset)

    assert (
        Problem(
            "data/complete_movie_list.json",
            "$.films[3].film_id",
            "duplicate film_id 'beta' (first at $.films[1])",
        )
        in problems
    )


def test_same_title_and_release_year_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"].append(film("beta-2002", "Beta", "2002-12-01"))
    dataset["uncovered"]["uncovered"].append({"film_id": "beta-2002", "reason": "not compiled"})

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path) for problem in problems] == [
        ("data/complete_movie_list.json", "$.films[3].title")
    ]
    assert "same title 'Beta' and release year 2002" in problems[0].reason


def test_same_character_id_with_two_names_reports_the_disagreeing_file(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["alpha-2"] = {
        "film_id": "alpha-2",
        "characters": [character("villain", "Villain"), character("hero", "The Hero")],
    }
    dataset["characters"]["beta"]["characters"].append(character("villain", "Villain"))
    dataset["uncovered"]["uncovered"] = []

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem(
            "data/characters/alpha-2.json",
            "$.characters[1].name",
            "character_id 'hero' is named 'The Hero' here but 'Hero' in "
            "data/characters/alpha.json, data/characters/beta.json; one id must name one character",
        )
    ]


def test_duplicate_character_id_within_a_film_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["alpha"]["characters"].append(character("hero", "Hero"))

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem(
            "data/characters/alpha.json",
            "$.characters[2].character_id",
            "duplicate character_id 'hero' in this film (first at $.characters[0])",
        )
    ]


def test_uncovered_film_missing_from_the_list_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["uncovered"]["uncovered"] = []

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem(
            "data/uncovered_films.json",
            "$.uncovered",
            "catalog film 'alpha-2' has no character file and is not listed as uncovered",
        )
    ]


def test_film_both_covered_and_listed_as_uncovered_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["uncovered"]["uncovered"].append({"film_id": "beta", "reason": "stale entry"})

    problems = problems_for(tmp_path, dataset)

    assert problems == [
        Problem(
            "data/uncovered_films.json",
            "$.uncovered[1].film_id",
            "film 'beta' has a character file and must not also be listed as uncovered",
        )
    ]


def test_theatrical_film_with_null_gross_and_no_note_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"][1]["gross_note"] = None

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path) for problem in problems] == [
        ("data/complete_movie_list.json", "$.films[1].gross_note")
    ]
    assert problems[0].reason.startswith("a theatrical film with a null gross needs a non-empty gross_note")


def test_non_theatrical_film_with_a_gross_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"][2]["worldwide_gross_usd"] = 5

    problems = problems_for(tmp_path, dataset)

    assert [(problem.json_path, problem.reason.split(" (")[0]) for problem in problems] == [
        ("$.films[2].worldwide_gross_usd", "a non-theatrical film must have a null gross")
    ]


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"][0]["studio_id"] = "dreamworks"
    dataset["catalog"]["films"][1]["release_date"] = "2002-13-01"
    dataset["characters"]["alpha"]["characters"][1]["species"] = "Sea Witch"
    dataset["characters"]["alpha"]["characters"][1]["voice_actors"] = ["Voice Three", "Voice Three"]
    del dataset["characters"]["beta"]["characters"][0]["notes"]

    problems = problems_for(tmp_path, dataset)

    assert sorted((problem.file, problem.json_path) for problem in problems) == [
        ("data/characters/alpha.json", "$.characters[1].species"),
        ("data/characters/alpha.json", "$.characters[1].voice_actors"),
        ("data/characters/beta.json", "$.characters[0]"),
        ("data/complete_movie_list.json", "$.films[0].studio_id"),
        ("data/complete_movie_list.json", "$.films[1].release_date"),
    ]


def test_invalid_json_is_reported_and_other_files_are_still_checked(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["beta"]["characters"][0]["gender"] = "robot"
    data_dir = write_dataset(tmp_path, dataset)
    (data_dir / "characters" / "alpha.json").write_text('{"film_id": "alpha",', encoding="utf-8")

    problems, _ = validate_dataset(data_dir)

    assert [(problem.file, problem.json_path) for problem in problems] == [
        ("data/characters/alpha.json", "$"),
        ("data/characters/beta.json", "$.characters[0].gender"),
        ("data/uncovered_films.json", "$.uncovered"),
    ]
    assert problems[0].reason.startswith("not valid UTF-8 JSON")


def test_coverage_thresholds_apply_only_with_the_coverage_flag(tmp_path: Path) -> None:
    dataset = valid_dataset()

    structural_problems, summary = validate_dataset(write_dataset(tmp_path / "plain", dataset))
    coverage_problems, _ = validate_dataset(write_dataset(tmp_path / "coverage", dataset), coverage=True)

    assert structural_problems == []
    assert summary.thin_core_films == ["alpha", "beta"]
    assert [(problem.file, problem.json_path) for problem in coverage_problems] == [
        ("data/characters/alpha.json", "$.characters"),
        ("data/characters/beta.json", "$.characters"),
        ("data/characters", "$"),
    ]
    assert coverage_problems[0].reason == (
        f"theatrical Pixar Animation Studios film has 2 characters; coverage needs at least "
        f"{MINIMUM_CORE_FILM_CHARACTERS}"
    )
    assert (
        coverage_problems[2].reason == "all character files hold 4 appearances; coverage needs at least 2000"
    )


def test_coverage_passes_a_full_core_film_and_ignores_non_core_studios(tmp_path: Path) -> None:
    dataset = valid_dataset()
    for film_record in dataset["catalog"]["films"][:2]:
        film_record.update(studio_id="disney-hybrid", studio="Walt Disney Pictures")
    dataset["characters"]["alpha"]["characters"] = [
        character(f"person-{number}", f"Person {number}") for number in range(MINIMUM_CORE_FILM_CHARACTERS)
    ]
    dataset["catalog"]["films"][0].update(studio_id="wdas", studio="Walt Disney Animation Studios")

    problems, summary = validate_dataset(write_dataset(tmp_path, dataset), coverage=True)

    assert summary.thin_core_films == []
    assert [problem.json_path for problem in problems] == ["$"]  # only the 2000-appearance target remains


def test_loaders_return_catalog_films_and_character_files_in_name_order(tmp_path: Path) -> None:
    data_dir = write_dataset(tmp_path, valid_dataset())

    films = load_catalog(data_dir / "complete_movie_list.json")
    character_files = list(iter_character_files(data_dir))

    assert [film_record["film_id"] for film_record in films] == ["alpha", "beta", "alpha-2"]
    assert [character_file.film_id for character_file in character_files] == ["alpha", "beta"]
    assert character_files[1].document["characters"][1]["name"] == "Bird"


def test_write_uncovered_file_keeps_existing_reasons_and_labels_sequels(tmp_path: Path) -> None:
    dataset = valid_dataset()
    del dataset["characters"]["beta"]
    data_dir = write_dataset(tmp_path, dataset)

    document = write_uncovered_file(data_dir)

    assert document == {
        "uncovered": [
            {"film_id": "beta", "reason": "theatrical feature; principal cast not yet compiled"},
            {"film_id": "alpha-2", "reason": "direct-to-video sequel; cast not compiled"},
        ]
    }
    assert json.loads((data_dir / "uncovered_films.json").read_text(encoding="utf-8")) == document
    assert validate_dataset(data_dir)[0] == []


def test_build_uncovered_document_names_sequels_after_the_first_franchise_film() -> None:
    films = copy.deepcopy(valid_dataset()["catalog"]["films"])

    document = build_uncovered_document(films, covered_film_ids=[])

    assert [entry["reason"] for entry in document["uncovered"]] == [
        "theatrical feature; principal cast not yet compiled",
        "theatrical feature; principal cast not yet compiled",
        "direct-to-video sequel or spin-off; principal cast not yet compiled",
    ]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], "$"),
        (["characters", 3, "gender"], "$.characters[3].gender"),
        (["films", 0, "odd key"], '$.films[0]["odd key"]'),
    ],
)
def test_json_path_rendering(parts: list[str | int], expected: str) -> None:
    assert json_path(parts) == expected


def test_real_bundled_data_has_no_structural_problems() -> None:
    problems, summary = validate_dataset(DEFAULT_DATA_DIR)

    assert [str(problem) for problem in problems] == []
    assert summary.films >= 180


@pytest.mark.parametrize(
    ("first", "second"),
    [("T. J. Miller", "T.J. Miller"), ("Tone Lōc", "Tone Loc"), ("Luis van Rooten", "Luis Van Rooten")],
)
def test_name_key_treats_spacing_accents_and_case_as_one_person(first: str, second: str) -> None:
    assert name_key(first) == name_key(second)
    assert name_key(first) != name_key("Jimmy MacDonald")


def test_alias_spelling_in_a_character_file_is_rejected_with_the_canonical_name(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["beta"]["characters"][1]["voice_actors"] = ["V. One"]

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path) for problem in problems] == [
        ("data/characters/beta.json", "$.characters[1].voice_actors[0]")
    ]
    assert "'V. One' is an alias of 'Voice One'" in problems[0].reason


def test_two_spellings_of_one_person_are_reported_at_the_minority_spelling(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["characters"]["beta"]["characters"][0]["voice_actors"] = ["VOICE one"]

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path, problem.reason) for problem in problems] == [
        (
            "data/characters/beta.json",
            "$.characters[0].voice_actors[0]",
            "'VOICE one' is spelled 'Voice One' elsewhere; one person, one spelling",
        )
    ]


def test_alias_that_is_another_persons_canonical_name_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["aliases"]["people"].append(
        {"canonical": "Voice Two", "aliases": ["Voice One"], "reason": "wrongly merged"}
    )

    problems = problems_for(tmp_path, dataset)

    assert [(problem.file, problem.json_path, problem.reason) for problem in problems] == [
        (
            "data/talent_aliases.json",
            "$.people[1].aliases[0]",
            "alias 'Voice One' is the canonical name 'Voice One'",
        )
    ]


def test_bundled_film_must_name_maker_and_distributor(tmp_path: Path) -> None:
    dataset = valid_dataset()
    del dataset["catalog"]["films"][2]["maker"]
    dataset["catalog"]["films"][2]["distributor"] = ""

    problems = problems_for(tmp_path, dataset)

    assert ("data/complete_movie_list.json", "$.films[2].maker", "a bundled film needs maker") in [
        (problem.file, problem.json_path, problem.reason) for problem in problems
    ]
    assert "$.films[2].distributor" in [problem.json_path for problem in problems]


@pytest.mark.parametrize(
    ("source_change", "path", "reason_part"),
    [
        (None, "$.films[0].gross_source", "a theatrical film needs gross_source"),
        ({"worldwide_usd": 2500}, "$.films[0].gross_source.worldwide_usd", "gross_source gives 2500"),
        ({"publication": None}, "$.films[0].gross_source.publication", "a figure needs its publication"),
        (
            {"retrieved_from": None},
            "$.films[0].gross_source.retrieved_from",
            "needs the page it was read from",
        ),
        ({"null_reason": "not-yet-sourced"}, "$.films[0].gross_source.null_reason", "no figure is null"),
    ],
)
def test_gross_figures_must_carry_their_source(
    tmp_path: Path, source_change: dict[str, Any] | None, path: str, reason_part: str
) -> None:
    dataset = valid_dataset()
    alpha = dataset["catalog"]["films"][0]
    if source_change is None:
        del alpha["gross_source"]
    else:
        alpha["gross_source"].update(source_change)

    problems = problems_for(tmp_path, dataset)

    assert [problem.json_path for problem in problems] == [path]
    assert reason_part in problems[0].reason


def test_null_gross_needs_a_reason_and_carried_over_figures_need_no_page(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"][1]["gross_source"]["null_reason"] = None
    dataset["catalog"]["films"][0]["gross_source"].update(
        publication="Box Office Mojo or The Numbers", retrieved_from=None
    )

    problems = problems_for(tmp_path, dataset)

    assert [(problem.json_path, problem.reason) for problem in problems] == [
        (
            "$.films[1].gross_source.null_reason",
            "a null gross needs null_reason (no-figure-published or run-not-complete)",
        )
    ]


def test_non_theatrical_film_with_a_gross_source_is_reported(tmp_path: Path) -> None:
    dataset = valid_dataset()
    dataset["catalog"]["films"][2]["gross_source"] = gross_source(None, None)

    problems = problems_for(tmp_path, dataset)

    assert [(problem.json_path, problem.reason) for problem in problems] == [
        ("$.films[2].gross_source", "only theatrical films have grosses")
    ]


def test_gross_coverage_excludes_films_with_no_published_figure_and_counts_1980_on_for_worldwide() -> None:
    films = [
        film("old", "Old", "1950-01-01", worldwide_gross_usd=None),
        film("rentals", "Rentals", "1946-01-01", domestic_gross_usd=None, worldwide_gross_usd=None),
        film("new", "New", "1990-01-01", worldwide_gross_usd=None),
        film("full", "Full", "2000-01-01"),
        film("video", "Video", "2001-01-01", release_type="direct-to-video"),
    ]
    films[1]["gross_source"]["null_reason"] = "no-figure-published"

    coverage = gross_coverage(films)

    assert (coverage.domestic_films, coverage.domestic_with_figure, coverage.domestic_no_figure) == (4, 3, 1)
    assert (coverage.worldwide_films, coverage.worldwide_with_figure, coverage.worldwide_no_figure) == (
        2,
        1,
        0,
    )
    assert coverage.domestic_share == 1.0
    assert coverage.worldwide_share == 0.5


def test_gross_floor_applies_with_coverage_and_targets_with_gross_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The floors are a ratchet that follows the bundled data; pin the worldwide one below the fixture's
    # share (10 of 11) so that the floor and the target give different answers.
    monkeypatch.setattr("hyperion.sources.gross.WORLDWIDE_GROSS_FLOOR", 0.85)
    dataset = valid_dataset()
    dataset["characters"]["alpha"]["characters"] = [
        character(f"person-{number}", f"Person {number}") for number in range(MINIMUM_CORE_FILM_CHARACTERS)
    ]
    dataset["characters"]["beta"]["characters"] = dataset["characters"]["alpha"]["characters"]
    extra_films = [
        film(f"gamma-{number}", f"Gamma {number}", f"2010-0{number + 1}-01") for number in range(8)
    ]
    extra_films.append(
        film("delta", "Delta", "2012-01-01", worldwide_gross_usd=None, gross_note="not found yet")
    )
    dataset["catalog"]["films"] += extra_films
    dataset["uncovered"]["uncovered"] += [
        {"film_id": extra["film_id"], "reason": "cast not compiled"} for extra in extra_films
    ]

    floor_problems, summary = validate_dataset(write_dataset(tmp_path / "floor", dataset), coverage=True)
    target_problems, _ = validate_dataset(
        write_dataset(tmp_path / "target", dataset), coverage=True, gross_targets=True
    )

    assert summary.gross_coverage is not None
    assert (summary.gross_coverage.worldwide_with_figure, summary.gross_coverage.worldwide_films) == (10, 11)
    assert [problem.reason for problem in floor_problems] == [
        "all character files hold 16 appearances; coverage needs at least 2000"
    ]
    assert [problem.reason for problem in target_problems][1:] == [
        "10 of 11 theatrical films from 1980 that can have one carry a worldwide gross (90.9%); "
        "the target is 95%"
    ]


def test_real_bundled_data_meets_its_coverage_and_source_rules() -> None:
    problems, summary = validate_dataset(DEFAULT_DATA_DIR, coverage=True)
    catalog = load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")
    theatrical = [record for record in catalog if record["release_type"] == "theatrical"]

    assert [str(problem) for problem in problems] == []
    assert summary.gross_coverage == gross_coverage(catalog)
    assert summary.gross_coverage.domestic_films == len(theatrical)
    assert all(
        record["gross_source"]["null_reason"] or record["worldwide_gross_usd"] for record in theatrical
    )


def test_gross_share_below_the_floor_is_a_problem_naming_the_counts() -> None:
    films = [
        film("found", "Found", "1999-01-01"),
        film("missing", "Missing", "2001-01-01", worldwide_gross_usd=None),
    ]

    problems = gross_coverage_problems(gross_coverage(films), "data/complete_movie_list.json")

    assert [problem.reason for problem in problems] == [
        "1 of 2 theatrical films from 1980 that can have one carry a worldwide gross (50.0%); "
        f"the floor is {WORLDWIDE_GROSS_FLOOR:.0%}"
    ]
