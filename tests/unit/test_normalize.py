"""Table-driven tests of hyperion.sources.legacy.normalize: slugs, voice credits, roles, genders, species."""

from __future__ import annotations

import pytest

from hyperion.sources.legacy.normalize import (
    character_id_from_name,
    is_placeholder,
    normalize_gender,
    normalize_role,
    normalize_species,
    parse_voice_credits,
    singularize,
    slugify,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Snow White and the Seven Dwarfs", "snow-white-and-the-seven-dwarfs"),
        ("The Lion King", "the-lion-king"),
        ("Toy Story 2", "toy-story-2"),
        ("WALL-E", "wall-e"),
        ("Ice Age", "ice-age"),
        ("The Lion King II: Simba's Pride", "the-lion-king-2-simbas-pride"),
        ("Chip 'n Dale: Rescue Rangers", "chip-n-dale-rescue-rangers"),
        ("Lilo & Stitch", "lilo-and-stitch"),
        ("Titan A.E.", "titan-ae"),
        ("Monsters, Inc.", "monsters-inc"),
        ("The Lion King 1½", "the-lion-king-1-and-a-half"),
        ("Raya and the Last Dragon (Carlos López Estrada)", "raya-and-the-last-dragon-carlos-lopez-estrada"),
        ("Frozen II", "frozen-2"),
        ("I Am Groot", "i-am-groot"),
    ],
)
def test_slugify_follows_the_shared_slug_rule(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("name", "character_id"),
    [
        ("Woody", "woody"),
        ("Buzz Lightyear", "buzz-lightyear"),
        ("Anastasia (Anya)", "anastasia"),
        ("Anastasia/Anya", "anastasia"),
        ("Bob Parr / Mr. Incredible", "bob-parr"),
        ("Mr. George Banks", "george-banks"),
        ("Mr. Ray", "mr-ray"),
        ("Princess Jasmine", "jasmine"),
        ("King Triton", "king-triton"),
        ("Túlio Monteiro", "tulio-monteiro"),
        # A variant aside stays in the id; an aside that is another name does not.
        ("Spider-Man (Earth-42)", "spider-man-earth-42"),
        ("Miles Morales (Earth-42) / Prowler", "miles-morales-earth-42"),
        ("Peggy Carter (Variant)", "peggy-carter-variant"),
        ("Stitch (Experiment 626)", "stitch"),
        ("Thor (Young)", "thor"),
    ],
)
def test_character_id_from_name(name: str, character_id: str) -> None:
    assert character_id_from_name(name) == character_id


@pytest.mark.parametrize(
    ("raw", "speaking", "singing"),
    [
        ("A Person, B Person (singing)", ["A Person"], ["B Person"]),
        ("X Person / Y Person", ["X Person", "Y Person"], []),
        ("X Person and Y Person", ["X Person", "Y Person"], []),
        ("X Person & Y Person", ["X Person", "Y Person"], []),
        ("Meg Ryan (speaking), Liz Callaway (singing)", ["Meg Ryan"], ["Liz Callaway"]),
        (
            "Niketa Calame (young), Moira Kelly (adult), Sally Dworsky (adult singing)",
            ["Niketa Calame", "Moira Kelly"],
            ["Sally Dworsky"],
        ),
        ("Roy Rogers (narrator/singer)", ["Roy Rogers"], []),
        ("Mark Walton, various", ["Mark Walton"], []),
        ("William Ostrander (voice), Randy Norton (model)", ["William Ostrander"], []),
        ("Andy García", ["Andy García"], []),
        ("Alexander Andrews", ["Alexander Andrews"], []),
        ("N/A", [], []),
        ("N/A (silent)", [], []),
        ("Various", [], []),
        ("unknown", [], []),
        ("none", [], []),
        ("TBA", [], []),
        ("—", [], []),
        ("various original voice actors", [], []),
        (None, [], []),
    ],
)
def test_parse_voice_credits_splits_people_and_singing(
    raw: str | None, speaking: list[str], singing: list[str]
) -> None:
    credits = parse_voice_credits(raw)
    assert credits.voice_actors == speaking
    assert credits.singing_voice_actors == singing


@pytest.mark.parametrize(
    ("raw", "notes"),
    [
        ("Tony Goldwyn, Alex D. Linz (young)", ["Alex D. Linz (young)"]),
        ("Somebody (uncredited)", ["Somebody (uncredited)"]),
        ("Somebody (1995 re-release)", ["Somebody (1995 re-release)"]),
        ("Meg Ryan (speaking), Liz Callaway (singing)", []),
        ("Joseph Williams (adult singing)", ["Joseph Williams (adult singing)"]),
    ],
)
def test_other_qualifiers_are_kept_as_notes(raw: str, notes: list[str]) -> None:
    assert parse_voice_credits(raw).qualifier_notes() == notes


def test_qualifier_notes_can_ignore_film_tags() -> None:
    credits = parse_voice_credits("Alexander Gould (FN), Hayden Rolence (FD)")
    assert credits.qualifier_notes(ignore=frozenset({"FN", "FD"})) == []
    assert [credit.qualifiers for credit in credits.credits] == [("FN",), ("FD",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N/A", True),
        ("n/a", True),
        ("N/A (mute)", True),
        ("TBA", True),
        ("—", True),
        ("Various", True),
        ("Tom Hanks", False),
        ("Vanessa Williams", False),
    ],
)
def test_is_placeholder(text: str, expected: bool) -> None:
    assert is_placeholder(text) is expected


@pytest.mark.parametrize(
    ("raw", "role"),
    [
        ("protagonist", "protagonist"),
        ("hero", "protagonist"),
        ("deuteragonist", "deuteragonist"),
        ("villain", "antagonist"),
        ("antagonist", "antagonist"),
        ("henchman", "antagonist"),
        ("sidekick", "sidekick"),
        ("comic_relief", "sidekick"),
        ("comic relief", "sidekick"),
        ("love_interest", "love-interest"),
        ("love interest", "love-interest"),
        ("mentor", "mentor"),
        ("ally", "supporting"),
        ("narrator", "supporting"),
        ("supporting", "supporting"),
        ("minor", "minor"),
        ("cameo", "minor"),
        ("Main Villain", "antagonist"),
        ("something else", "supporting"),
        (None, "supporting"),
    ],
)
def test_normalize_role(raw: str | None, role: str) -> None:
    assert normalize_role(raw) == role


@pytest.mark.parametrize(
    ("raw", "gender"),
    [
        ("male", "male"),
        ("Male", "male"),
        ("female", "female"),
        ("Female", "female"),
        ("non-binary", "nonbinary"),
        ("nonbinary", "nonbinary"),
        ("male_presenting", "male"),
        ("unknown", "unknown"),
        ("various", "unknown"),
        ("n/a", "unknown"),
        ("N/A", "unknown"),
        ("none", "unknown"),
        (None, "unknown"),
    ],
)
def test_normalize_gender(raw: str | None, gender: str) -> None:
    assert normalize_gender(raw) == gender


@pytest.mark.parametrize(
    ("raw", "kind", "detail"),
    [
        ("Dalmatian dog", "dog", "dalmatian"),
        ("dalmatian", "dog", "dalmatian"),
        ("dog (German Shepherd)", "dog", "german shepherd"),
        ("Dog (Pug)", "dog", "pug"),
        ("Human", "human", None),
        ("human (super)", "human", "super"),
        ("human_mutate", "human", "mutate"),
        ("Spix's macaw", "macaw", "spix's"),
        ("clownfish", "fish", "clownfish"),
        ("sea lion", "sea lion", None),
        ("great white shark", "shark", "great white"),
        ("kangaroo (stuffed)", "kangaroo", "stuffed"),
        ("Robot", "robot", None),
        ("frost_giant", "giant", "frost"),
        ("alien experiments", "experiment", "alien"),
        ("wolves", "wolf", None),
        ("mice", "mouse", None),
        ("N/A", "unknown", None),
        ("various", "unknown", None),
        (None, "unknown", None),
    ],
)
def test_normalize_species(raw: str | None, kind: str, detail: str | None) -> None:
    species = normalize_species(raw)
    assert (species.kind, species.detail) == (kind, detail)


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("bears", "bear"),
        ("fairies", "fairy"),
        ("foxes", "fox"),
        ("fish", "fish"),
        ("walrus", "walrus"),
        ("zombies", "zombie"),
        ("geese", "goose"),
        ("cyclops", "cyclops"),
    ],
)
def test_singularize(plural: str, singular: str) -> None:
    assert singularize(plural) == singular
