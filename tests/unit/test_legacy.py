"""Tests of the legacy-layout importer (hyperion.sources.legacy.importer).

The shared legacy directory is read in place (never copied into the repository); the expected facts
below were checked by reading those files by hand. Small synthetic directories in tmp_path cover
rejects and the no-evidence rule.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest

from hyperion.sources.legacy.importer import (
    FileRead,
    LegacyAppearance,
    LegacyImportError,
    LegacyImportResult,
    ReconciliationError,
    ReconciliationReport,
    RejectedRecord,
    SetAsideRecord,
    detect_layout,
    import_legacy_directory,
    iter_legacy_records,
    write_import_outputs,
)

LEGACY_DIR = Path(
    os.environ.get(
        "HYPERION_LEGACY_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "legacy-source-data"
    )
)


@pytest.fixture(scope="module")
def shared() -> LegacyImportResult:
    assert LEGACY_DIR.is_dir(), f"legacy test input not found at {LEGACY_DIR} (set HYPERION_LEGACY_DIR)"
    return import_legacy_directory(LEGACY_DIR)


def _appearances(result: LegacyImportResult, **fields: str) -> list[LegacyAppearance]:
    return [a for a in result.appearances if all(getattr(a, key) == value for key, value in fields.items())]


def _set_aside_of(result: LegacyImportResult, source_file: str) -> list[SetAsideRecord]:
    return [record for record in result.set_aside if record.source.source_file == source_file]


# --- the shared legacy directory -------------------------------------------------------------------


def test_reconciliation_identity_holds_on_the_shared_directory(shared: LegacyImportResult) -> None:
    report = shared.report
    assert report.identity_holds()
    assert report.records_read == report.records_accepted + report.records_set_aside + report.records_rejected
    assert report.records_set_aside == len(shared.set_aside)
    assert report.records_rejected == len(shared.rejected)
    assert report.files_read == len(list(LEGACY_DIR.rglob("*.json")))
    assert report.films_accepted == len(shared.films)
    assert report.appearances_accepted == len(shared.appearances)


def test_sequel_characters_are_attached_to_the_sequel_only(shared: LegacyImportResult) -> None:
    # frozen_characters.json lists Honeymaren only under frozen_2_2019 and Hans only under frozen_2013.
    assert [a.film_id for a in _appearances(shared, character_id="honeymaren")] == ["frozen-2"]
    frozen_hans = [a for a in _appearances(shared, name="Hans") if a.source.source_file.startswith("wdas")]
    assert [a.film_id for a in frozen_hans] == ["frozen"]
    # rio_characters.json: Eduardo is in the group "rio_2_new_characters", Marcel in "rio_1_villains".
    eduardo = _appearances(shared, character_id="eduardo")
    assert [(a.film_id, a.attribution) for a in eduardo] == [("rio-2", "category-names-film")]
    assert [a.film_id for a in _appearances(shared, character_id="marcel")] == ["rio"]


def test_recurring_cast_is_attributed_to_every_film_of_the_file(shared: LegacyImportResult) -> None:
    # finding_nemo_characters.json, core_recurring_cast (films: Finding Nemo, Finding Dory): Marlin is
    # voiced "Albert Brooks" with no film tag, so he is in both films with that voice. Nemo is voiced
    # "Alexander Gould (FN), Hayden Rolence (FD)": each film gets its own voice. Dory's note "Protagonist
    # in Finding Dory" no longer narrows her to the sequel: she is recurring cast.
    marlin = {a.film_id: a for a in _appearances(shared, character_id="marlin")}
    assert set(marlin) == {"finding-nemo", "finding-dory"}
    assert marlin["finding-nemo"].voice_actors == ["Albert Brooks"]
    assert marlin["finding-dory"].voice_actors == ["Albert Brooks"]
    assert marlin["finding-nemo"].attribution == "recurring-cast"
    nemo = {a.film_id: a for a in _appearances(shared, character_id="nemo")}
    assert set(nemo) == {"finding-nemo", "finding-dory"}
    assert nemo["finding-nemo"].voice_actors == ["Alexander Gould"]
    assert nemo["finding-dory"].voice_actors == ["Hayden Rolence"]
    assert {a.attribution for a in nemo.values()} == {"voice-credit-film-tags"}
    dory = _appearances(shared, character_id="dory")
    assert sorted(a.film_id for a in dory) == ["finding-dory", "finding-nemo"]
    nemo_file = "pixar_characters/finding_nemo_characters.json"
    assert [r for r in _set_aside_of(shared, nemo_file) if r.reason == "no-film-evidence"] == []


@pytest.mark.parametrize(
    ("character_id", "films"),
    [
        # incredibles_characters.json: "Bob Parr / Mr. Incredible", "Craig T. Nelson".
        ("bob-parr", {"the-incredibles": ["Craig T. Nelson"], "incredibles-2": ["Craig T. Nelson"]}),
        # "Dash Parr", "Spencer Fox (I1), Huck Milner (I2)".
        ("dash-parr", {"the-incredibles": ["Spencer Fox"], "incredibles-2": ["Huck Milner"]}),
        # inside_out_characters.json: "Joy", "Amy Poehler"; "Fear", "Bill Hader (IO1), Tony Hale (IO2)".
        ("joy", {"inside-out": ["Amy Poehler"], "inside-out-2": ["Amy Poehler"]}),
        ("fear", {"inside-out": ["Bill Hader"], "inside-out-2": ["Tony Hale"]}),
        # monsters_inc_characters.json: "James P. Sullivan (Sulley)", "John Goodman".
        ("james-p-sullivan", {"monsters-inc": ["John Goodman"], "monsters-university": ["John Goodman"]}),
        ("mike-wazowski", {"monsters-inc": ["Billy Crystal"], "monsters-university": ["Billy Crystal"]}),
    ],
)
def test_franchise_leads_are_attributed_with_each_films_voice(
    shared: LegacyImportResult, character_id: str, films: dict[str, list[str]]
) -> None:
    found = {a.film_id: a.voice_actors for a in _appearances(shared, character_id=character_id)}
    assert found == films


def test_only_groups_without_any_evidence_stay_set_aside(shared: LegacyImportResult) -> None:
    # Every core_recurring_cast entry is attributed now (18 were set aside before). What remains set aside
    # as no-film-evidence is rio_characters.json's "main_characters", "bird_friends" and
    # "blu_and_jewel_children": groups of a two-film file that neither name a film nor call themselves
    # recurring, whose entries carry no film tag, films field or title in their notes.
    no_evidence = [r for r in shared.set_aside if r.reason == "no-film-evidence"]
    assert {r.source.source_file for r in no_evidence} == {"blue_sky_characters/rio_characters.json"}
    groups = {r.source.json_path.split("[")[0] for r in no_evidence}
    assert groups == {
        "$.characters.main_characters",
        "$.characters.bird_friends",
        "$.characters.blu_and_jewel_children",
    }
    assert len(no_evidence) == 11


def test_a_year_like_number_in_a_title_survives(shared: LegacyImportResult) -> None:
    # fantasia_characters.json lists "Fantasia (1940)" and "Fantasia 2000 (1999)", with categories
    # "fantasia_1940" and "fantasia_2000": the second is Fantasia 2000, not Fantasia of the year 2000.
    firebird = _appearances(shared, character_id="the-firebird")
    assert [a.film_id for a in firebird] == ["fantasia-2000"]
    (fantasia_2000,) = [film for film in shared.films if film.film_id == "fantasia-2000"]
    assert (fantasia_2000.title, fantasia_2000.release_year) == ("Fantasia 2000", 1999)
    in_2000 = {a.character_id for a in shared.appearances if a.film_id == "fantasia-2000"}
    assert {"donald-duck", "daisy-duck", "the-steadfast-tin-soldier", "jack-in-the-box"} <= in_2000
    assert not {"the-firebird", "daisy-duck"} & {
        a.character_id for a in shared.appearances if a.film_id == "fantasia"
    }


def test_function_names_are_not_one_character_across_films(shared: LegacyImportResult) -> None:
    # "Narrator" is a different person in Enchanted (Julie Andrews) and Horton Hears a Who! (Charles
    # Osgood); before, one character_id covered six films. Fire and Ice and Wizards share their
    # narrator's voice (Susan Tyrrell) and are joined, with that reason recorded.
    narrators = {
        a.film_id: a.character_id for a in shared.appearances if a.character_id.startswith("narrator")
    }
    assert narrators["enchanted"] != narrators["horton-hears-a-who"]
    assert narrators["fire-and-ice"] == narrators["wizards"]
    joined = [m for m in shared.merges if set(m.film_ids) == {"fire-and-ice", "wizards"}]
    assert [m.reason for m in joined] == ["shared-voice-actor"]


def test_multi_actor_string_becomes_separate_talent(shared: LegacyImportResult) -> None:
    # bobs_burgers_movie.json: "Andy and Ollie Pesto" voiced by "Laura Silverman, Sarah Silverman".
    (pesto,) = _appearances(shared, film_id="the-bobs-burgers-movie", character_id="andy-and-ollie-pesto")
    assert pesto.voice_actors == ["Laura Silverman", "Sarah Silverman"]
    # marvel_animation_dtv.json: "Michael Massee / Fred Tatasciore".
    banner = _appearances(
        shared, film_id="ultimate-avengers-2-rise-of-the-panther", character_id="bruce-banner"
    )
    assert banner[0].voice_actors == ["Michael Massee", "Fred Tatasciore"]


def test_singing_credit_lands_in_singing_voice_actors(shared: LegacyImportResult) -> None:
    # wdas aladdin_characters.json: "Princess Jasmine", "Linda Larkin, Lea Salonga (singing)".
    (jasmine,) = _appearances(shared, film_id="aladdin", character_id="jasmine")
    assert jasmine.voice_actors == ["Linda Larkin"]
    assert jasmine.singing_voice_actors == ["Lea Salonga"]
    # 20th_century_animation/fox_animation_studios.json holds the singer in a separate "singing_voice".
    (dimitri,) = _appearances(shared, film_id="anastasia", character_id="dimitri")
    assert dimitri.singing_voice_actors == ["Jonathan Dokuchitz"]
    assert "Jonathan Dokuchitz" not in dimitri.voice_actors


def test_placeholder_voice_is_dropped(shared: LegacyImportResult) -> None:
    # rio_characters.json: Mauro's voice_actor is "N/A".
    (mauro,) = _appearances(shared, character_id="mauro")
    assert mauro.voice_actors == []


@pytest.mark.parametrize(
    ("source_file", "reason", "records"),
    [
        ("awards/awards.json", "awards", 364),
        ("awards/shorts.json", "short-film", 66),
        ("wdas_soundtracks_complete.json", "soundtrack", 63),
        ("disney_interactive_characters/toy_story_games.json", "video-game", 57),
        ("kingdom_hearts_characters/kh1_characters.json", "video-game", 55),
        ("marvel_animation_characters/marvel_animation_disney_plus.json", "tv-series", 87),
        ("20th_century_animation/00_studio_summary.json", "collection-summary", 6),
    ],
)
def test_non_film_files_are_set_aside_with_their_reason(
    shared: LegacyImportResult, source_file: str, reason: str, records: int
) -> None:
    set_aside = _set_aside_of(shared, source_file)
    assert len(set_aside) == records
    assert {record.reason for record in set_aside} == {reason}
    assert not any(a.source.source_file == source_file for a in shared.appearances)


def test_game_category_named_like_a_film_does_not_create_the_film(shared: LegacyImportResult) -> None:
    # lion_king_games.json has a category "lion_king_1994"; the film comes only from the WDAS file.
    (lion_king,) = [film for film in shared.films if film.film_id == "the-lion-king"]
    assert [s.source_file for s in lion_king.sources] == ["wdas_characters/lion_king_characters.json"]


def test_different_characters_sharing_a_name_get_distinct_ids(shared: LegacyImportResult) -> None:
    # Nigel is a pelican in finding_nemo_characters.json and a cockatoo in rio_characters.json.
    nigels = {(a.film_id, a.character_id, a.species) for a in _appearances(shared, name="Nigel")}
    assert nigels == {("finding-nemo", "nigel-finding-nemo", "pelican"), ("rio", "nigel-rio", "cockatoo")}


def test_a_film_in_two_files_is_one_film(shared: LegacyImportResult) -> None:
    # Anastasia is in 20th_century_animation/ and fox_disney_plus_characters/ fox_animation_studios.json.
    anastasia = [film for film in shared.films if film.film_id == "anastasia"]
    assert len(anastasia) == 1
    assert sorted(s.source_file for s in anastasia[0].sources) == [
        "20th_century_animation/fox_animation_studios.json",
        "fox_disney_plus_characters/fox_animation_studios.json",
    ]
    assert anastasia[0].studio_id == "20th-century-animation"
    assert anastasia[0].release_year == 1997
    (rasputin,) = _appearances(shared, film_id="anastasia", character_id="grigori-rasputin")
    assert len(rasputin.sources) == 2
    assert rasputin.singing_voice_actors == ["Jim Cummings"]


def test_film_records_follow_the_catalog_shape(shared: LegacyImportResult) -> None:
    (film,) = [film for film in shared.films if film.film_id == "the-lion-king-2-simbas-pride"]
    record = film.catalog_record()
    assert record["title"] == "The Lion King II: Simba's Pride"
    assert record["studio_id"] == "disneytoon"
    assert record["release_type"] == "direct-to-video"
    assert record["directors"] == ["Darrell Rooney", "Rob LaDuca"]
    assert record["franchise_id"] == "the-lion-king"
    assert record["release_date"] is None and record["runtime_minutes"] is None
    assert record["gross_note"]


def test_every_appearance_uses_the_vocabularies(shared: LegacyImportResult) -> None:
    roles = {
        "protagonist",
        "deuteragonist",
        "antagonist",
        "sidekick",
        "love-interest",
        "mentor",
        "supporting",
        "minor",
    }
    assert {a.role for a in shared.appearances} <= roles
    assert {a.gender for a in shared.appearances} <= {"male", "female", "nonbinary", "unknown"}
    assert all(a.species == a.species.lower() for a in shared.appearances)
    assert all(a.attribution for a in shared.appearances)


def test_iterator_names_source_file_and_json_path() -> None:
    records = list(iter_legacy_records(LEGACY_DIR))
    assert isinstance(records[0], FileRead)
    blu = [r for r in records if isinstance(r, SetAsideRecord) and r.label == "Blu"]
    assert [(r.source.source_file, r.source.json_path) for r in blu] == [
        ("blue_sky_characters/rio_characters.json", "$.characters.main_characters[0]")
    ]
    woody_like = [r for r in records if isinstance(r, LegacyAppearance) and r.character_id == "simba"]
    assert woody_like and all(r.source.json_path.startswith("$.categories.") for r in woody_like)


# --- synthetic directories -------------------------------------------------------------------------


def _write(directory: Path, name: str, content: object | str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def test_invalid_json_is_rejected_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "studio/broken.json", '{"films": ["Oops (2001)"], ')
    result = import_legacy_directory(tmp_path)
    (rejected,) = result.rejected
    assert rejected.reason == "invalid-json"
    assert rejected.source.source_file == "studio/broken.json"
    assert "studio/broken.json" in rejected.message
    assert result.report.rejected_reasons == {"invalid-json": 1}
    assert result.report.identity_holds()


def test_unknown_layout_is_rejected_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "mystery.json", {"heroes": [{"name": "Someone"}]})
    result = import_legacy_directory(tmp_path)
    (rejected,) = result.rejected
    assert rejected.reason == "unknown-layout"
    assert "mystery.json" in rejected.message
    with pytest.raises(LegacyImportError, match="mystery.json"):
        detect_layout({"heroes": []}, "mystery.json")


def _two_film_collection(group: dict[str, object]) -> dict[str, object]:
    return {
        "franchise": "Sky Fish",
        "studio": "Pixar Animation Studios",
        "films": ["Sky Fish (2001)", "Sky Fish 2 (2005)"],
        "categories": {
            "main_trio": group,
            "sky_fish_2001": {"year": 2001, "directors": ["A Director"], "characters": []},
            "sky_fish_2_2005": {"year": 2005, "characters": [{"name": "Newcomer", "role": "villain"}]},
        },
    }


def test_non_film_category_without_evidence_sets_the_character_aside(tmp_path: Path) -> None:
    group = {"count": 1, "characters": [{"name": "Finley", "role": "hero", "voice_actor": "Some Actor"}]}
    _write(tmp_path, "sky_fish.json", _two_film_collection(group))
    result = import_legacy_directory(tmp_path)
    (finley,) = [r for r in result.set_aside if r.label == "Finley"]
    assert finley.reason == "no-film-evidence"
    assert finley.source.json_path == "$.categories.main_trio.characters[0]"
    assert [(a.film_id, a.character_id, a.role) for a in result.appearances] == [
        ("sky-fish-2", "newcomer", "antagonist")
    ]
    assert {f.film_id for f in result.films} == {"sky-fish", "sky-fish-2"}
    assert result.report.records_read == 2 and result.report.identity_holds()


def test_character_films_field_and_first_appearance_are_evidence(tmp_path: Path) -> None:
    group = {
        "characters": [
            {"name": "Finley", "films": ["Sky Fish (2001)", "Sky Fish 2"], "voice_actor": "A, B (singing)"},
            {"name": "Gill", "first_appearance": "Sky Fish 2"},
        ]
    }
    _write(tmp_path, "sky_fish.json", _two_film_collection(group))
    result = import_legacy_directory(tmp_path)
    finley = _appearances(result, character_id="finley")
    assert [(a.film_id, a.attribution) for a in finley] == [
        ("sky-fish", "character-films-field"),
        ("sky-fish-2", "character-films-field"),
    ]
    assert all(a.voice_actors == ["A"] and a.singing_voice_actors == ["B"] for a in finley)
    assert [(a.film_id, a.attribution) for a in _appearances(result, character_id="gill")] == [
        ("sky-fish-2", "first-appearance")
    ]
    assert result.report.records_accepted == 3


def test_mixed_file_sets_aside_its_non_film_groups(tmp_path: Path) -> None:
    document = _two_film_collection({"characters": []})
    document["categories"]["the_series"] = {
        "type": "series",
        "seasons": 2,
        "characters": [{"name": "Tv Person"}],
    }
    _write(tmp_path, "mixed.json", document)
    result = import_legacy_directory(tmp_path)
    assert [(r.reason, r.label) for r in result.set_aside] == [("tv-series", "Tv Person")]
    assert result.report.files_set_aside == {}


def test_duplicates_across_files_are_merged(tmp_path: Path) -> None:
    single = {
        "film": "Sky Fish",
        "year": 2001,
        "studio": "Pixar",
        "characters": [{"name": "Finley", "species": "Clownfish", "voice_actor": "Some Actor (young)"}],
    }
    _write(tmp_path, "a.json", single)
    _write(
        tmp_path,
        "b.json",
        {**single, "characters": [{"name": "Finley", "gender": "Male", "voice_actor": "Other"}]},
    )
    result = import_legacy_directory(tmp_path)
    (finley,) = result.appearances
    assert finley.voice_actors == ["Some Actor", "Other"]
    assert (finley.species, finley.species_detail, finley.gender) == ("fish", "clownfish", "male")
    assert [s.source_file for s in finley.sources] == ["a.json", "b.json"]
    assert result.report.film_mentions_merged == 1 and result.report.appearances_merged == 1
    assert result.report.records_accepted == 2


def test_entry_without_a_name_is_rejected_not_dropped(tmp_path: Path) -> None:
    _write(tmp_path, "f.json", {"film": "Sky Fish", "characters": [{"role": "minor"}, "just text"]})
    result = import_legacy_directory(tmp_path)
    assert [r.reason for r in result.rejected] == ["malformed-character-entry"] * 2
    assert all("f.json" in r.message for r in result.rejected)
    assert result.report.identity_holds()


def test_report_check_raises_when_the_identity_is_broken() -> None:
    report = ReconciliationReport(records_read=3, records_accepted=1, records_set_aside=1, records_rejected=0)
    with pytest.raises(ReconciliationError):
        report.check()
    assert "BROKEN" in report.to_table()
    assert json.loads(report.to_json())["records_read"] == 3


def test_report_prints_table_and_json(tmp_path: Path) -> None:
    _write(tmp_path, "f.json", {"film": "Sky Fish", "characters": [{"name": "Finley"}]})
    report = import_legacy_directory(tmp_path).report
    assert "records accepted" in report.to_table() and "holds" in report.to_table()
    assert json.loads(report.to_json())["appearances_accepted"] == 1


def test_a_missing_directory_raises() -> None:
    with pytest.raises(LegacyImportError):
        list(iter_legacy_records(Path("/nonexistent/legacy")))


def test_rejected_record_is_typed(tmp_path: Path) -> None:
    _write(tmp_path, "x.json", "[1, 2]")
    records = list(iter_legacy_records(tmp_path))
    assert [type(record) for record in records] == [FileRead, RejectedRecord]


def test_import_writes_jsonl_and_the_report(tmp_path: Path) -> None:
    """What scripts/import_legacy.py prints and writes: the report as JSON and four JSON Lines files."""
    source = tmp_path / "source"
    _write(source, "f.json", {"film": "Sky Fish", "characters": [{"name": "Finley", "voice_actor": "A & B"}]})
    _write(source, "bad.json", "{")
    output = tmp_path / "out"
    result = import_legacy_directory(source)
    written = write_import_outputs(result, output)
    report = json.loads(result.report.to_json())
    assert (report["records_read"], report["records_accepted"], report["records_rejected"]) == (2, 1, 1)
    (appearance,) = [json.loads(line) for line in (output / "appearances.jsonl").read_text().splitlines()]
    assert (appearance["film_id"], appearance["voice_actors"]) == ("sky-fish", ["A", "B"])
    (rejected,) = [json.loads(line) for line in (output / "rejected.jsonl").read_text().splitlines()]
    assert rejected["source_file"] == "bad.json"
    assert (output / "films.jsonl").read_text().count("\n") == 1
    assert (output / "set_aside.jsonl").read_text() == ""
    assert {path.name: lines for path, lines in written.items()} == {
        "films.jsonl": 1,
        "appearances.jsonl": 1,
        "set_aside.jsonl": 0,
        "rejected.jsonl": 1,
    }


# --- attribution rules of issue 13, on inline fixtures --------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "legacy_fixtures"
A_DAY = datetime.date(2026, 1, 15)


def _import_one(tmp_path: Path, document: object, name: str = "franchise.json") -> LegacyImportResult:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    return import_legacy_directory(tmp_path, today=A_DAY)


def test_per_actor_film_ranges_give_each_film_its_voice(tmp_path: Path) -> None:
    document = {
        "franchise": "Spring Tale",
        "studio": "Pixar Animation Studios",
        "films": [
            "Spring Tale 3 (2010)",
            "Spring Tale (1995)",
            "Spring Tale 2 (1999)",
            "Spring Tale 4 (2019)",
        ],
        "categories": {
            "core_recurring_cast": {
                "characters": [
                    {
                        "name": "Coil Dog",
                        "gender": "male",
                        "voice_actor": "Jim Varney (1-2), Blake Clark (3-4)",
                    },
                    {"name": "Sheriff Wood", "gender": "male", "voice_actor": "Tom Hanks"},
                    {"name": "Late Arrival", "gender": "female", "voice_actor": "Annie Potts (3-4)"},
                ]
            }
        },
    }
    result = _import_one(tmp_path, document)
    coil = {a.film_id: a.voice_actors for a in _appearances(result, character_id="coil-dog")}
    # "1-2" are the first two films in release order, whatever the order of the films list.
    assert coil == {
        "spring-tale": ["Jim Varney"],
        "spring-tale-2": ["Jim Varney"],
        "spring-tale-3": ["Blake Clark"],
        "spring-tale-4": ["Blake Clark"],
    }
    sheriff = _appearances(result, character_id="sheriff-wood")
    assert sorted(a.film_id for a in sheriff) == [
        "spring-tale",
        "spring-tale-2",
        "spring-tale-3",
        "spring-tale-4",
    ]
    assert {a.attribution for a in sheriff} == {"recurring-cast"}
    late = _appearances(result, character_id="late-arrival")
    assert sorted(a.film_id for a in late) == ["spring-tale-3", "spring-tale-4"]
    assert result.report.records_accepted == 3 and result.report.identity_holds()


def test_initials_with_a_range_name_films(tmp_path: Path) -> None:
    document = {
        "franchise": "Cars",
        "studio": "Pixar",
        "films": ["Cars (2006)", "Cars 2 (2011)", "Cars 3 (2017)"],
        "categories": {
            "recurring_characters": {
                "characters": [{"name": "Tow Truck", "voice_actor": "Larry Cable (C1), Curtis Hook (C2-3)"}]
            }
        },
    }
    truck = {
        a.film_id: a.voice_actors
        for a in _appearances(_import_one(tmp_path, document), character_id="tow-truck")
    }
    assert truck == {"cars": ["Larry Cable"], "cars-2": ["Curtis Hook"], "cars-3": ["Curtis Hook"]}


def test_a_recurring_group_without_films_to_name_is_still_set_aside(tmp_path: Path) -> None:
    # A recurring group in a file with no films list names no film: nothing to attribute to.
    document = {
        "franchise": "Nowhere",
        "categories": {"core_recurring_cast": {"characters": [{"name": "Ghost"}]}},
    }
    result = _import_one(tmp_path, document)
    assert [(r.reason, r.label) for r in result.set_aside] == [("no-film-evidence", "Ghost")]


@pytest.mark.parametrize(
    ("categories", "films"),
    [
        # With a films list: the whole key is matched first.
        (
            {
                "fantasia_1940": {"characters": [{"name": "Hyacinth"}]},
                "fantasia_2000": {"characters": [{"name": "Firebird"}]},
            },
            ["Fantasia (1940)", "Fantasia 2000 (1999)"],
        ),
        # Without one: the category with a year is the film, and "2000" is not its year (1999).
        ({"fantasia_2000": {"year": 1999, "characters": [{"name": "Firebird"}]}}, None),
    ],
)
def test_a_year_like_title_word_is_kept(tmp_path: Path, categories: dict, films: list[str] | None) -> None:
    document: dict[str, object] = {"studio": "Walt Disney Animation Studios", "categories": categories}
    if films:
        document["films"] = films
    result = _import_one(tmp_path, document)
    assert [a.film_id for a in _appearances(result, character_id="firebird")] == ["fantasia-2000"]
    assert "Fantasia 2000" in {film.title for film in result.films}


def test_a_trailing_year_that_is_the_films_year_is_still_dropped(tmp_path: Path) -> None:
    document = {
        "categories": {"rescuers_down_under_1990": {"year": 1990, "characters": [{"name": "Wilbur"}]}}
    }
    result = _import_one(tmp_path, document, "wdas_characters/rescuers.json")
    assert [(f.film_id, f.release_year, f.studio_id) for f in result.films] == [
        ("rescuers-down-under", 1990, "wdas")
    ]


def test_a_sony_film_is_not_filed_under_a_disney_studio(tmp_path: Path) -> None:
    # In a Pixar folder, but the file says Sony: set aside with the reason, never studio "pixar".
    document = {
        "studio": "Sony Pictures Animation",
        "films": ["Cloudy with a Chance of Meatballs (2009)"],
        "categories": {"cloudy_with_a_chance_of_meatballs": {"characters": [{"name": "Flint Lockwood"}]}},
    }
    result = _import_one(tmp_path, document, "pixar_characters/cloudy.json")
    assert result.films == [] and result.appearances == []
    assert [(r.reason, r.label) for r in result.set_aside] == [("not-disney-released", "Flint Lockwood")]
    (film,) = result.films_set_aside
    assert (film.title, film.reason) == ("Cloudy with a Chance of Meatballs", "not-disney-released")
    assert "Sony Pictures Animation" in film.detail
    assert result.report.films_set_aside == {"not-disney-released": 1}


def test_made_elsewhere_released_by_disney_keeps_maker_and_distributor(tmp_path: Path) -> None:
    document = {
        "maker": "Skellington Productions",
        "distributor": "Buena Vista Pictures Distribution (Touchstone Pictures)",
        "film": "The Nightmare Before Christmas",
        "year": 1993,
        "characters": [{"name": "Jack Skellington", "voice_actor": "Chris Sarandon, Danny Elfman (singing)"}],
    }
    (film,) = _import_one(tmp_path, document).films
    record = film.catalog_record()
    assert (record["studio_id"], record["studio"]) == (
        "disney-released",
        "Disney releases from other studios",
    )
    assert record["maker"] == "Skellington Productions"
    assert record["distributor"].startswith("Buena Vista")


def test_a_film_released_after_today_is_set_aside(tmp_path: Path) -> None:
    document = {
        "studio": "Walt Disney Animation Studios",
        "films": ["Old Film (2020)", "Next Film (2027)"],
        "categories": {
            "old_film": {"characters": [{"name": "Elder"}]},
            "next_film": {"characters": [{"name": "Newcomer"}]},
        },
    }
    result = _import_one(tmp_path, document)
    assert [f.film_id for f in result.films] == ["old-film"]
    assert [(f.title, f.reason) for f in result.films_set_aside] == [("Next Film", "future-release")]
    assert [(r.reason, r.label) for r in result.set_aside] == [("future-release", "Newcomer")]
    # The same file read on a later day imports both.
    later = import_legacy_directory(tmp_path, today=datetime.date(2028, 1, 1))
    assert sorted(f.film_id for f in later.films) == ["next-film", "old-film"]


def test_a_named_variant_never_merges_into_the_original(tmp_path: Path) -> None:
    document = {
        "film": "Spider Tale",
        "characters": [
            {"name": "Spider-Man", "gender": "male", "voice_actor": "Voice One"},
            {"name": "Spider-Man (Earth-42)", "gender": "male", "voice_actor": "Voice Two"},
            {"name": "Stitch (Experiment 626)", "voice_actor": "Voice Three"},
            {"name": "Stitch", "voice_actor": "Voice Three"},
        ],
    }
    result = _import_one(tmp_path, document)
    ids = {a.character_id: a.voice_actors for a in result.appearances}
    assert ids["spider-man"] == ["Voice One"]
    assert ids["spider-man-earth-42"] == ["Voice Two"]
    # An aside that is another name is one character, and the merge is recorded with its reason.
    (merge,) = [m for m in result.merges if m.character_id == "stitch"]
    assert merge.reason == "same-common-name-in-one-film"
    assert merge.names == ("Stitch (Experiment 626)", "Stitch")


def test_namesakes_of_one_franchise_are_not_merged_without_evidence(tmp_path: Path) -> None:
    # Two films of one franchise each have a "Max": a boy, then a girl, voiced by different people.
    document = {
        "franchise": "Harbour Days",
        "films": ["Harbour Days (2001)", "Harbour Days 2 (2005)"],
        "categories": {
            "harbour_days": {"characters": [{"name": "Max", "gender": "male", "voice_actor": "Voice A"}]},
            "harbour_days_2": {
                "characters": [
                    {"name": "Max", "gender": "female", "voice_actor": "Voice B"},
                    {"name": "Captain Finn", "gender": "male", "voice_actor": "Voice C"},
                ]
            },
            "recurring_cast": {
                "characters": [{"name": "Captain Finn", "gender": "male", "voice_actor": "Voice C"}]
            },
        },
    }
    result = _import_one(tmp_path, document)
    maxes = {a.film_id: a.character_id for a in _appearances(result, name="Max")}
    assert maxes == {"harbour-days": "max-harbour-days", "harbour-days-2": "max-harbour-days-2"}
    # The recurring captain is one character in both films; each join is recorded with its reason.
    finn = {a.film_id: a.character_id for a in _appearances(result, name="Captain Finn")}
    assert finn == {"harbour-days": "captain-finn", "harbour-days-2": "captain-finn"}
    reasons = {(m.character_id, m.reason) for m in result.merges}
    assert reasons == {("captain-finn", "shared-voice-actor"), ("captain-finn", "same-name-in-one-film")}
    assert sum(result.report.merges.values()) == len(result.merges) == 2


def test_release_list_counts_every_film_and_character(tmp_path: Path) -> None:
    fixture = FIXTURES / "release_list"
    (file_read,) = [r for r in iter_legacy_records(fixture, today=A_DAY) if isinstance(r, FileRead)]
    assert file_read.layout == "release-list"
    result = import_legacy_directory(fixture, today=A_DAY)
    report = result.report
    # 3 + 2 + 1 + 1 + 1 + 1 characters, one untitled release's character, one entry that is a string.
    assert report.records_read == 11
    assert (report.records_accepted, report.records_set_aside, report.records_rejected) == (4, 4, 3)
    assert report.set_aside_reasons == {"future-release": 1, "not-disney-released": 2, "short-film": 1}
    assert report.rejected_reasons == {"malformed-character-entry": 1, "malformed-release-entry": 2}
    films = {f.film_id: f.catalog_record() for f in result.films}
    assert {k: v["studio_id"] for k, v in films.items()} == {
        "up": "pixar",
        "fantastic-mr-fox": "20th-century-animation",
        "a-christmas-carol": "disney-released",
    }
    assert films["fantastic-mr-fox"]["maker"] == "American Empirical Pictures"
    assert films["up"]["release_date"] == "2009-05-29"
    assert {(f.title, f.reason) for f in result.films_set_aside} == {
        ("Cloudy with a Chance of Meatballs", "not-disney-released"),
        ("The Lantern Keeper", "future-release"),
    }
    paths = {r.source.json_path: r.reason for r in result.rejected}
    assert paths == {
        "$.releases[0].characters[2]": "malformed-character-entry",
        "$.releases[6].characters[0]": "malformed-release-entry",
        "$.releases[7]": "malformed-release-entry",
    }
    assert {a.film_id for a in result.appearances} == {"up", "fantastic-mr-fox", "a-christmas-carol"}
    assert {a.attribution for a in result.appearances} == {"release-entry-is-film"}


def test_a_refused_value_in_a_release_rejects_that_release_only(tmp_path: Path) -> None:
    document = json.loads(
        (FIXTURES / "release_list" / "animated_releases_2009.json").read_text(encoding="utf-8")
    )
    document["releases"][1]["title"] = "x" * 20_000  # over HYPERION_SOURCE_MAX_STRING_CHARACTERS
    result = _import_one(tmp_path, document)
    (refused,) = [r for r in result.rejected if r.reason == "string-too-long"]
    assert refused.source.json_path == "$.releases[1].title"
    assert result.report.records_read == 10  # the refused release is one record, not its two characters
    assert result.report.identity_holds()
    assert {"up", "fantastic-mr-fox", "a-christmas-carol"} == {f.film_id for f in result.films}
