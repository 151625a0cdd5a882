"""Tests of the seeded box-office generator (hyperion/sources/boxoffice.py, scripts/generate_boxoffice.py).

Every catalog here is built inline: the tests never read data/complete_movie_list.json.
"""

from __future__ import annotations

import collections
import datetime
import importlib.util
import io
import itertools
import json
import logging
import tracemalloc
from fractions import Fraction
from pathlib import Path

import pytest

from hyperion.sources.boxoffice import (
    MAXIMUM_DAILY_RETENTION,
    MAXIMUM_WEEKLY_DROP,
    MINIMUM_DAILY_RETENTION,
    MINIMUM_WEEKLY_DROP,
    GenerationStatistics,
    TheatricalFilm,
    apportion,
    generate_boxoffice_file,
    iter_boxoffice_lines,
    iter_boxoffice_rows,
    opening_weekend_offsets,
    theatrical_films,
    us_holiday_lifts,
    write_jsonl,
)
from hyperion.sources.us_states import US_STATE_CODES, US_STATES

REPOSITORY = Path(__file__).resolve().parents[2]
ROW_KEYS = {"film_id", "date", "state", "theater_id", "gross_cents"}

# 936,662,225 USD is the largest domestic gross on record (Star Wars: The Force Awakens): a "huge" case.
HUGE_GROSS = 936_662_225
BIG_FILM = TheatricalFilm("big-film", datetime.date(2015, 3, 6), HUGE_GROSS)  # a Friday, no nearby holiday


def film(film_id: str, release: str, gross: int) -> TheatricalFilm:
    return TheatricalFilm(film_id, datetime.date.fromisoformat(release), gross)


def catalog_entry(film_id: str, release: str, gross: int | None, release_type: str = "theatrical") -> dict:
    return {
        "film_id": film_id,
        "title": film_id.replace("-", " ").title(),
        "release_date": release,
        "release_type": release_type,
        "domestic_gross_usd": gross,
        "worldwide_gross_usd": gross,
        "gross_note": None if gross is not None else "no reliable reported gross",
    }


def daily_totals(rows: list[dict]) -> dict[datetime.date, int]:
    totals: dict[datetime.date, int] = collections.defaultdict(int)
    for row in rows:
        totals[datetime.date.fromisoformat(row["date"])] += row["gross_cents"]
    return dict(totals)


# --- apportionment -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (0, [1, 2, 3]),
        (1, [5, 5, 5]),
        (100, [3, 3, 3]),
        (7, [0, 1, 0, 1]),
        (93_666_222_500, [39_538_223, 576_851, 689_545, 1]),
        (10**6 + 3, list(range(1, 52))),
    ],
)
def test_apportion_is_exact_and_each_part_is_within_one_of_its_quota(total: int, weights: list[int]) -> None:
    parts = apportion(total, weights)
    assert sum(parts) == total
    assert all(isinstance(part, int) and part >= 0 for part in parts)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(Fraction(part) - Fraction(total * weight, weight_sum)) < 1


def test_apportion_breaks_remainder_ties_toward_the_earlier_index() -> None:
    assert apportion(2, [1, 1, 1]) == [1, 1, 0]


def test_apportion_rejects_a_positive_total_over_zero_weights() -> None:
    with pytest.raises(ValueError):
        apportion(5, [0, 0])


# --- exact sums ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("gross", [0, 1, 3, 99, 12_345, 191_796_233, HUGE_GROSS])
@pytest.mark.parametrize("scale", [1, 3])
def test_rows_of_a_film_sum_exactly_to_its_gross_in_cents(gross: int, scale: int) -> None:
    films = [film("a-film", "2010-06-18", gross)]
    rows = list(iter_boxoffice_rows(films, seed=7, scale=scale))
    statistics = GenerationStatistics()
    lines = list(iter_boxoffice_lines(films, seed=7, scale=scale, statistics=statistics))
    assert sum(row["gross_cents"] for row in rows) == gross * 100
    assert statistics.total_cents == gross * 100
    assert statistics.rows == len(rows) == len(lines)
    assert statistics.films == 1


def test_statistics_count_exactly_the_rows_taken_when_the_caller_stops_mid_state_day(
    catalog_path: Path, tmp_path: Path
) -> None:
    """--max-rows cuts inside a state-day (1234 = 411 * 3 + 1): the totals are of the rows written."""
    output = tmp_path / "boxoffice.jsonl"
    statistics, _ = generate_boxoffice_file(
        catalog_path, str(output), seed=3, scale=3, max_rows=1234, films=["toy-story"]
    )
    written = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(written) == statistics.rows == 1234
    assert statistics.total_cents == sum(row["gross_cents"] for row in written)
    assert statistics.films == 1


def test_theaters_split_each_state_day_without_changing_it() -> None:
    films = [film("toy-story", "1995-11-22", 191_796_233), film("small", "2003-05-30", 4_321)]
    unscaled = list(iter_boxoffice_rows(films, seed=11))
    scaled = list(iter_boxoffice_rows(films, seed=11, scale=4))
    assert len(scaled) == 4 * len(unscaled)
    summed: dict[tuple, int] = collections.defaultdict(int)
    for row in scaled:
        summed[(row["film_id"], row["date"], row["state"])] += row["gross_cents"]
    assert summed == {(row["film_id"], row["date"], row["state"]): row["gross_cents"] for row in unscaled}
    assert {row["theater_id"] for row in scaled} == {0, 1, 2, 3}


# --- determinism ---------------------------------------------------------------------------------------

THREE_FILMS = [
    film("snow-white-and-the-seven-dwarfs", "1937-12-21", 184_925_486),
    film("the-lion-king", "1994-06-15", 422_783_777),
    film("frozen-ii", "2019-11-22", 477_373_578),
]


def serialize(films: list[TheatricalFilm], seed: int | str, scale: int = 1) -> bytes:
    buffer = io.StringIO()
    write_jsonl(iter_boxoffice_lines(films, seed, scale), buffer)
    return buffer.getvalue().encode("utf-8")


def test_same_seed_gives_byte_identical_output() -> None:
    assert serialize(THREE_FILMS, 42, scale=2) == serialize(THREE_FILMS, 42, scale=2)


def test_different_seed_gives_different_output() -> None:
    assert serialize(THREE_FILMS, 42) != serialize(THREE_FILMS, 43)


def test_one_film_alone_equals_its_rows_from_a_multi_film_run() -> None:
    full_run = [
        row
        for row in iter_boxoffice_rows(THREE_FILMS, seed="x", scale=2)
        if row["film_id"] == "the-lion-king"
    ]
    alone = list(iter_boxoffice_rows([THREE_FILMS[1]], seed="x", scale=2))
    assert alone == full_run


def test_lines_are_exactly_json_dumps_of_the_rows() -> None:
    rows = iter_boxoffice_rows(THREE_FILMS, seed=5, scale=2)
    lines = iter_boxoffice_lines(THREE_FILMS, seed=5, scale=2)
    for row, line in itertools.zip_longest(rows, lines):
        assert line == json.dumps(row) + "\n"


# --- validity ------------------------------------------------------------------------------------------


def test_every_row_is_valid_and_the_order_is_film_date_state_theater() -> None:
    films = [film("wall-e", "2008-06-27", 223_808_164), film("tiny", "2001-01-05", 1)]
    rows = list(iter_boxoffice_rows(films, seed=3, scale=2))
    release = {f.film_id: f.release_date for f in films}
    state_position = {code: index for index, code in enumerate(US_STATE_CODES)}
    film_position = {f.film_id: index for index, f in enumerate(films)}

    for row in rows:
        assert set(row) == ROW_KEYS
        assert row["state"] in state_position
        assert type(row["gross_cents"]) is int and row["gross_cents"] >= 0
        assert row["theater_id"] in (0, 1)
        day = datetime.date.fromisoformat(row["date"])
        assert release[row["film_id"]] <= day < release[row["film_id"]] + datetime.timedelta(weeks=20)

    sort_keys = [
        (film_position[row["film_id"]], row["date"], state_position[row["state"]], row["theater_id"])
        for row in rows
    ]
    assert sort_keys == sorted(sort_keys)
    assert len(set(sort_keys)) == len(rows), "the natural key must be unique"

    for film_id in release:
        film_rows = [row for row in rows if row["film_id"] == film_id]
        days = {row["date"] for row in film_rows}
        assert 8 * 7 <= len(days) <= 20 * 7
        assert len(film_rows) == len(days) * 51 * 2, "every film-day has a row for every state and theater"
    assert set(US_STATE_CODES) == {state.code for state in US_STATES} and len(US_STATE_CODES) == 51
    assert "DC" in US_STATE_CODES and "PR" not in US_STATE_CODES


# --- shape ---------------------------------------------------------------------------------------------

SHAPE_SEEDS = range(6)


def weekends(totals: dict[datetime.date, int]) -> list[int]:
    """Friday-Sunday totals in date order (a weekend keyed by the Monday after it)."""
    grouped: dict[datetime.date, int] = collections.defaultdict(int)
    for day, cents in totals.items():
        if day.weekday() >= 4:
            grouped[day + datetime.timedelta(days=7 - day.weekday())] += cents
    return [grouped[key] for key in sorted(grouped)]


@pytest.mark.parametrize("seed", SHAPE_SEEDS)
def test_opening_weekend_is_the_biggest_weekend_and_takes_a_realistic_share(seed: int) -> None:
    for a_film in [BIG_FILM, THREE_FILMS[2], film("midweek", "2016-11-23", 248_757_044)]:
        totals = daily_totals(list(iter_boxoffice_rows([a_film], seed=seed)))
        weekend_totals = weekends(totals)
        assert weekend_totals[0] > max(weekend_totals[1:])
        opening_share = weekend_totals[0] / (a_film.domestic_gross_usd * 100)
        assert 0.15 < opening_share < 0.5


@pytest.mark.parametrize("seed", SHAPE_SEEDS)
def test_week_over_week_totals_decay(seed: int) -> None:
    # A Christmas release runs through the holiday weeks, the hardest case for a steady decline.
    for a_film in [BIG_FILM, film("christmas", "2013-12-20", 400_953_009)]:
        totals = daily_totals(list(iter_boxoffice_rows([a_film], seed=seed)))
        days = sorted(totals)
        weekly = [sum(totals[day] for day in days[start : start + 7]) for start in range(0, len(days), 7)]
        assert all(later < earlier for earlier, later in itertools.pairwise(weekly))


def test_daily_retention_literals_match_the_weekly_drop_range() -> None:
    slowest_weekly_decline = MAXIMUM_DAILY_RETENTION**7
    fastest_weekly_decline = MINIMUM_DAILY_RETENTION**7
    assert slowest_weekly_decline == pytest.approx(1 - MINIMUM_WEEKLY_DROP, abs=1e-12)
    assert fastest_weekly_decline == pytest.approx(1 - MAXIMUM_WEEKLY_DROP, abs=1e-12)


def test_saturdays_beat_the_tuesdays_around_them_on_average() -> None:
    saturdays, tuesdays = [], []
    for seed in SHAPE_SEEDS:
        totals = daily_totals(list(iter_boxoffice_rows([BIG_FILM], seed=seed)))
        for day, cents in totals.items():
            before, after = day - datetime.timedelta(days=4), day + datetime.timedelta(days=3)
            if day.weekday() == 5 and before in totals and after in totals:
                saturdays.append(cents)
                tuesdays.append((totals[before] + totals[after]) / 2)
    assert len(saturdays) >= 6 * 7
    assert sum(saturdays) / len(saturdays) > 1.5 * sum(tuesdays) / len(tuesdays)


def test_thanksgiving_thursday_beats_the_ordinary_thursday_after_it() -> None:
    # Frozen II opened on 2019-11-22; Thanksgiving was 2019-11-28.
    for seed in SHAPE_SEEDS:
        totals = daily_totals(list(iter_boxoffice_rows([THREE_FILMS[2]], seed=seed)))
        assert totals[datetime.date(2019, 11, 28)] > 2 * totals[datetime.date(2019, 12, 5)]


def test_california_share_matches_its_population_share() -> None:
    rows = list(iter_boxoffice_rows([BIG_FILM], seed=1))
    california = sum(row["gross_cents"] for row in rows if row["state"] == "CA")
    population = {state.code: state.population_2020 for state in US_STATES}
    population_share = population["CA"] / sum(population.values())
    assert california / (HUGE_GROSS * 100) == pytest.approx(population_share, rel=0.10)


def test_opening_weekend_offsets_follow_the_release_weekday() -> None:
    assert opening_weekend_offsets(datetime.date(2019, 11, 22)) == [0, 1, 2]  # Friday
    assert opening_weekend_offsets(datetime.date(1995, 11, 22)) == [2, 3, 4]  # Wednesday
    assert opening_weekend_offsets(datetime.date(2020, 1, 4)) == [0, 1]  # Saturday


def test_us_holidays_fall_on_their_calendar_dates() -> None:
    holidays_2019 = us_holiday_lifts(2019)
    for holiday in ["2019-01-21", "2019-02-18", "2019-05-27", "2019-07-04", "2019-09-02", "2019-11-28"]:
        assert datetime.date.fromisoformat(holiday) in holidays_2019
    assert datetime.date(1985, 1, 21) not in us_holiday_lifts(1985), "MLK Day was first observed in 1986"
    assert datetime.date(2019, 11, 21) not in holidays_2019


# --- catalog -------------------------------------------------------------------------------------------


def test_theatrical_films_keeps_catalog_order_and_skips_films_without_a_gross() -> None:
    catalog = {
        "schema_version": 1,
        "films": [
            catalog_entry("b-film", "2001-01-05", 10),
            catalog_entry("dtv-film", "2002-02-01", None, release_type="direct-to-video"),
            catalog_entry("lost-gross", "1950-02-15", None),
            catalog_entry("a-film", "2000-01-07", 20),
        ],
    }
    assert [f.film_id for f in theatrical_films(catalog)] == ["b-film", "a-film"]
    assert [f.film_id for f in theatrical_films(catalog, ["a-film", "b-film"])] == ["b-film", "a-film"]
    with pytest.raises(ValueError, match="dtv-film"):
        theatrical_films(catalog, ["dtv-film"])


# --- streaming -----------------------------------------------------------------------------------------


def peak_memory_while_consuming(row_count: int) -> int:
    # Many films, so that both runs cross film boundaries (each film opens its own random streams).
    films = [film(f"film-{index}", "2012-05-04", 300_000_000 + index) for index in range(20)]
    tracemalloc.start()
    try:
        lines = iter_boxoffice_lines(films, seed=9, scale=4)
        consumed = sum(1 for _ in itertools.islice(lines, row_count))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert consumed == row_count
    return peak


def test_memory_stays_flat_while_streaming() -> None:
    # The first run pays one-off costs (Faker's locale data, the holiday cache); keep them out of the measure.
    peak_memory_while_consuming(1_000)
    small_peak = peak_memory_while_consuming(20_000)
    large_peak = peak_memory_while_consuming(200_000)
    assert large_peak < 1.5 * small_peak + 64 * 1024


# --- entrypoint ----------------------------------------------------------------------------------------


def load_script():
    path = REPOSITORY / "scripts" / "generate_boxoffice.py"
    specification = importlib.util.spec_from_file_location("generate_boxoffice_under_test", path)
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    catalog = {
        "schema_version": 1,
        "films": [
            catalog_entry("toy-story", "1995-11-22", 191_796_233),
            catalog_entry("dtv-film", "2002-02-01", None, release_type="direct-to-video"),
            catalog_entry("tiny", "2001-06-01", 1),
        ],
    }
    path = tmp_path / "complete_movie_list.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    return path


def test_script_writes_json_lines_that_sum_to_the_catalog_grosses(
    catalog_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    output = tmp_path / "out" / "boxoffice.jsonl"
    with caplog.at_level(logging.INFO):
        assert (
            load_script().main(["--catalog", str(catalog_path), "--seed", "1", "--output", str(output)]) == 0
        )
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    sums: dict[str, int] = collections.defaultdict(int)
    for row in rows:
        sums[row["film_id"]] += row["gross_cents"]
    assert sums == {"toy-story": 19_179_623_300, "tiny": 100}
    summary = caplog.records[-1].getMessage()
    assert f"films=2 rows={len(rows)} total_cents=19179623400" in summary
    assert "rows_per_second=" in summary


def test_script_max_rows_cuts_the_run_exactly_and_writes_to_stdout(
    catalog_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--catalog", str(catalog_path), "--films", "toy-story", "--scale", "3", "--max-rows", "1234"]
    assert load_script().main([*arguments, "--output", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1234
    assert {json.loads(line)["film_id"] for line in lines} == {"toy-story"}
    assert [json.loads(line)["theater_id"] for line in lines[:4]] == [0, 1, 2, 0]


def test_script_rejects_an_unknown_film(catalog_path: Path, tmp_path: Path) -> None:
    output = tmp_path / "never.jsonl"
    arguments = ["--catalog", str(catalog_path), "--films", "no-such-film", "--output", str(output)]
    assert load_script().main(arguments) == 2
    assert not output.exists()
