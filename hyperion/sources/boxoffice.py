"""Seeded synthetic box office: split each theatrical film's real domestic gross into daily x US-state rows.

The generator is anchored on one fact per film, its domestic gross in USD, and invents only the shape:

* a run of 8 to 20 weeks from the release date, with a per-film weekly drop of 35 to 60 percent;
* weekend bumps (Friday, Saturday and Sunday well above weekdays; Tuesday a little above the other
  weekdays, as discount Tuesdays do) and US holiday bumps (Martin Luther King Jr. Day, Presidents' Day,
  Memorial Day, Independence Day, Labor Day, Thanksgiving, the Christmas to New Year's week and the
  school summer break), which lift a day toward a Saturday;
* an opening weekend (the first Friday to Sunday from the release date) that takes a per-film share of
  the run and is always the biggest weekend;
* a split across the 50 states and DC by 2020 Census population, jittered per film by up to 8 percent;
* with ``scale`` N > 1, a split of each state's day across N theaters with per-film seeded sizes.

Exactness comes from integer arithmetic: floats only shape the relative day weights, which are turned into
integers before any money is split, and every split is a largest-remainder apportionment. So the rows of a
film sum exactly to ``domestic_gross_usd * 100`` cents, and every row is a non-negative integer.

Determinism: each film draws from its own streams seeded by ``f"{seed}:{film_id}"`` (a seeded Faker
instance's ``random``) and ``f"{seed}:{film_id}:theaters"``, so one film generated alone gives exactly its
rows from a full run, and the theater split never changes the state-day totals.

Streaming: rows are produced lazily, one (film, day, state) at a time; the per-film state is a few hundred
integers (at most 140 day totals and 51 state weights, plus ``scale`` theater weights), so memory stays flat
whether a run yields fifty thousand rows or fifty million.

Row format (one JSON object per line, the shared box-office raw row contract)::

    {"film_id": "toy-story", "date": "1995-11-24", "state": "CA", "theater_id": 0, "gross_cents": 123456}
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import logging
import random
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from faker import Faker

from hyperion.sources.us_states import US_STATES

logger = logging.getLogger(__name__)

MINIMUM_RUN_WEEKS = 8
MAXIMUM_RUN_WEEKS = 20
MINIMUM_WEEKLY_DROP = 0.35
MAXIMUM_WEEKLY_DROP = 0.60
# The same range as a day-over-day retention, (1 - drop) ** (1 / 7), written as literals: the shape is then
# built from +, -, * and / only, which IEEE 754 rounds identically everywhere (libm's pow need not).
MINIMUM_DAILY_RETENTION = 0.8773066621237415  # a 60% weekly drop
MAXIMUM_DAILY_RETENTION = 0.9403149406530322  # a 35% weekly drop
MINIMUM_OPENING_WEEKEND_SHARE = 0.22
MAXIMUM_OPENING_WEEKEND_SHARE = 0.36
# Day-to-day noise; small enough that the weekly shape stays recognisable.
DAILY_NOISE = 0.08
# A holiday may slow the decline but never reverse it: a week earns at most this fraction of the week before.
WEEK_OVER_WEEK_CEILING = 0.95
# The opening weekend beats every later Friday-to-Sunday by at least this factor.
OPENING_WEEKEND_MARGIN = 1.10
# Per-film, per-state deviation from the population share, in thousandths.
STATE_JITTER_PER_MILLE = 80
# Relative theater sizes (think screens or seats) drawn per film when --scale splits a state's day.
MINIMUM_THEATER_SIZE = 4
MAXIMUM_THEATER_SIZE = 16
# Day weights become integers of this magnitude before any money is split (2**40 keeps 12 digits).
INTEGER_WEIGHT_SCALE = 2**40

# Relative attendance by weekday, Monday first. Animated films skew to Saturday family matinees.
DAY_OF_WEEK_FACTORS: tuple[float, ...] = (0.24, 0.30, 0.23, 0.22, 0.85, 1.25, 0.95)
SATURDAY_FACTOR = DAY_OF_WEEK_FACTORS[5]
FRIDAY, SATURDAY, SUNDAY = 4, 5, 6

# How far a holiday lifts a day from its weekday level toward the Saturday level (0 = none, 1 = Saturday).
MONDAY_HOLIDAY_LIFT = 0.5
SUNDAY_BEFORE_MONDAY_HOLIDAY_LIFT = 0.25
INDEPENDENCE_DAY_LIFT = 0.45
THANKSGIVING_EVE_LIFT = 0.25
THANKSGIVING_LIFT = 0.55
BLACK_FRIDAY_LIFT = 0.6
CHRISTMAS_EVE_LIFT = 0.15
CHRISTMAS_DAY_LIFT = 0.55
CHRISTMAS_WEEK_LIFT = 0.7
NEW_YEARS_DAY_LIFT = 0.6
SCHOOL_SUMMER_LIFT = 0.3
# The school summer break, approximately: mid-June to about the third week of August.
SCHOOL_SUMMER_START = (6, 15)
SCHOOL_SUMMER_END = (8, 20)


@dataclass(frozen=True)
class TheatricalFilm:
    """The facts the generator needs about one theatrical film."""

    film_id: str
    release_date: datetime.date
    domestic_gross_usd: int


@dataclass
class GenerationStatistics:
    """Running totals of what an iterator has yielded so far (updated row by row)."""

    films: int = 0
    rows: int = 0
    total_cents: int = 0


def theatrical_films(
    catalog: Mapping[str, Any], film_ids: Sequence[str] | None = None
) -> list[TheatricalFilm]:
    """Return the catalog's theatrical films with a known domestic gross, in catalog order.

    ``film_ids`` restricts the result to those films (still in catalog order); an id that is not a
    theatrical film with a gross raises ``ValueError`` so that a typo does not silently produce nothing.
    """
    films: list[TheatricalFilm] = []
    for entry in catalog["films"]:
        if entry.get("release_type") != "theatrical" or entry.get("domestic_gross_usd") is None:
            continue
        gross = entry["domestic_gross_usd"]
        if not isinstance(gross, int) or isinstance(gross, bool) or gross < 0:
            raise ValueError(
                f"film {entry.get('film_id')!r}: domestic_gross_usd must be a non-negative integer"
            )
        films.append(
            TheatricalFilm(
                film_id=entry["film_id"],
                release_date=datetime.date.fromisoformat(entry["release_date"]),
                domestic_gross_usd=gross,
            )
        )
    if film_ids is None:
        return films
    wanted = set(film_ids)
    known = {film.film_id for film in films}
    missing = sorted(wanted - known)
    if missing:
        raise ValueError(f"not theatrical films with a domestic gross in the catalog: {', '.join(missing)}")
    return [film for film in films if film.film_id in wanted]


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split the integer ``total`` in proportion to integer ``weights`` by the largest-remainder method.

    The parts are non-negative and sum exactly to ``total``. Ties in the remainders go to the earlier
    index, so the result is fully deterministic. All weights zero is only allowed for a zero total.
    """
    weight_sum = sum(weights)
    if total < 0:
        raise ValueError("total must be non-negative")
    if total == 0:
        return [0] * len(weights)
    if weight_sum <= 0:
        raise ValueError("cannot apportion a positive total over zero weights")
    products = [total * weight for weight in weights]
    parts = [product // weight_sum for product in products]
    leftover = total - sum(parts)
    if leftover:
        by_remainder = sorted(range(len(weights)), key=lambda index: (-(products[index] % weight_sum), index))
        for index in by_remainder[:leftover]:
            parts[index] += 1
    return parts


def _nth_weekday(year: int, month: int, weekday: int, occurrence: int) -> datetime.date:
    """The ``occurrence``-th (1-based; -1 for the last) ``weekday`` (Monday 0) of a month."""
    if occurrence > 0:
        first = datetime.date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + datetime.timedelta(days=offset + 7 * (occurrence - 1))
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = next_month - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


@functools.lru_cache(maxsize=256)
def us_holiday_lifts(year: int) -> Mapping[datetime.date, float]:
    """Holiday lifts (0..1 toward a Saturday) for the named days of a year, excluding the summer break.

    The Monday holidays follow the Uniform Monday Holiday Act from 1971 (earlier: fixed dates), Martin
    Luther King Jr. Day exists from 1986, and Thanksgiving is the fourth Thursday of November from 1942.
    """
    lifts: dict[datetime.date, float] = {}
    monday_holidays: list[datetime.date] = []
    if year >= 1986:
        monday_holidays.append(_nth_weekday(year, 1, 0, 3))
    if year >= 1971:
        monday_holidays += [_nth_weekday(year, 2, 0, 3), _nth_weekday(year, 5, 0, -1)]
    else:
        lifts[datetime.date(year, 2, 22)] = MONDAY_HOLIDAY_LIFT
        lifts[datetime.date(year, 5, 30)] = MONDAY_HOLIDAY_LIFT
    monday_holidays.append(_nth_weekday(year, 9, 0, 1))
    for holiday in monday_holidays:
        lifts[holiday] = MONDAY_HOLIDAY_LIFT
        lifts[holiday - datetime.timedelta(days=1)] = SUNDAY_BEFORE_MONDAY_HOLIDAY_LIFT
    lifts[datetime.date(year, 7, 4)] = INDEPENDENCE_DAY_LIFT
    thanksgiving = _nth_weekday(year, 11, 3, 4 if year >= 1942 else -1)
    lifts[thanksgiving - datetime.timedelta(days=1)] = THANKSGIVING_EVE_LIFT
    lifts[thanksgiving] = THANKSGIVING_LIFT
    lifts[thanksgiving + datetime.timedelta(days=1)] = BLACK_FRIDAY_LIFT
    lifts[datetime.date(year, 1, 1)] = NEW_YEARS_DAY_LIFT
    lifts[datetime.date(year, 12, 24)] = CHRISTMAS_EVE_LIFT
    lifts[datetime.date(year, 12, 25)] = CHRISTMAS_DAY_LIFT
    for day in range(26, 32):
        lifts[datetime.date(year, 12, day)] = CHRISTMAS_WEEK_LIFT
    return lifts


def day_factor(day: datetime.date) -> float:
    """Relative attendance of a calendar day: its weekday level, lifted toward a Saturday on holidays."""
    weekday_level = DAY_OF_WEEK_FACTORS[day.weekday()]
    lift = us_holiday_lifts(day.year).get(day, 0.0)
    in_summer_break = SCHOOL_SUMMER_START <= (day.month, day.day) <= SCHOOL_SUMMER_END
    if in_summer_break:
        lift = max(lift, SCHOOL_SUMMER_LIFT)
    if weekday_level >= SATURDAY_FACTOR:
        return weekday_level
    return weekday_level + (SATURDAY_FACTOR - weekday_level) * lift


def opening_weekend_offsets(release_date: datetime.date) -> list[int]:
    """Day offsets from the release date of the opening weekend: the first Friday-Sunday days of the run.

    A Friday release opens on days 0, 1 and 2; a Wednesday release on days 2, 3 and 4; a Saturday release
    has a two-day opening weekend (days 0 and 1).
    """
    days_to_sunday = (SUNDAY - release_date.weekday()) % 7
    offsets = []
    for offset in range(days_to_sunday + 1):
        if (release_date + datetime.timedelta(days=offset)).weekday() >= FRIDAY:
            offsets.append(offset)
    return offsets


def _weekend_groups(release_date: datetime.date, run_days: int) -> list[list[int]]:
    """Day offsets of each Friday-Sunday weekend of the run, the opening weekend first."""
    groups: dict[int, list[int]] = {}
    for offset in range(run_days):
        day = release_date + datetime.timedelta(days=offset)
        if day.weekday() >= FRIDAY:
            # Days of the same weekend share the Monday that follows them.
            following_monday = day + datetime.timedelta(days=7 - day.weekday())
            groups.setdefault(following_monday.toordinal(), []).append(offset)
    return [groups[key] for key in sorted(groups)]


def film_random(seed: int | str, film_id: str, fake: Faker | None = None) -> random.Random:
    """The film's own random stream: ``fake`` (or a new Faker instance) reseeded with ``f"{seed}:{film_id}"``.

    Reseeding one Faker per run rather than building one per film matters: a Faker instance holds reference
    cycles, so discarded instances pile up until the cycle collector runs and memory would not stay flat.
    """
    fake = fake if fake is not None else Faker()
    fake.seed_instance(f"{seed}:{film_id}")
    return fake.random


def daily_weights(film: TheatricalFilm, rng: random.Random) -> list[int]:
    """Integer weights, one per day of the film's run, that shape its gross over time.

    Floats are used here only for the relative shape; the result is integers so the money split that
    follows is exact.
    """
    run_days = 7 * rng.randint(MINIMUM_RUN_WEEKS, MAXIMUM_RUN_WEEKS)
    daily_retention = rng.uniform(MINIMUM_DAILY_RETENTION, MAXIMUM_DAILY_RETENTION)
    opening_share = rng.uniform(MINIMUM_OPENING_WEEKEND_SHARE, MAXIMUM_OPENING_WEEKEND_SHARE)
    weights = []
    # The decline is smooth, day by day, so that a midweek release has no cliff between Tuesday and Wednesday.
    level = 1.0
    for offset in range(run_days):
        day = film.release_date + datetime.timedelta(days=offset)
        noise = 1.0 + rng.uniform(-DAILY_NOISE, DAILY_NOISE)
        weights.append(level * day_factor(day) * noise)
        level *= daily_retention

    weekends = _weekend_groups(film.release_date, run_days)
    opening = weekends[0]
    opening_total = sum(weights[offset] for offset in opening)
    rest_total = sum(weights) - opening_total
    # Share s of the whole run means opening = s / (1 - s) * rest.
    opening_scale = opening_share / (1.0 - opening_share) * rest_total / opening_total
    later_weekend_best = max(
        (sum(weights[offset] for offset in group) for group in weekends[1:]), default=0.0
    )
    opening_scale = max(opening_scale, OPENING_WEEKEND_MARGIN * later_weekend_best / opening_total)
    for offset in opening:
        weights[offset] *= opening_scale

    # Holidays (Christmas week, summer break) could otherwise make a later week outgrow the one before.
    previous_week_total = sum(weights[0:7])
    for week_start in range(7, run_days, 7):
        week_total = sum(weights[week_start : week_start + 7])
        ceiling = WEEK_OVER_WEEK_CEILING * previous_week_total
        if week_total > ceiling:
            for offset in range(week_start, week_start + 7):
                weights[offset] *= ceiling / week_total
            week_total = ceiling
        previous_week_total = week_total

    largest = max(weights)
    return [int(weight / largest * INTEGER_WEIGHT_SCALE) for weight in weights]


def state_weights(rng: random.Random) -> list[int]:
    """Integer weights for the 50 states and DC: 2020 population, jittered per film in thousandths."""
    return [
        state.population_2020 * (1000 + rng.randint(-STATE_JITTER_PER_MILLE, STATE_JITTER_PER_MILLE))
        for state in US_STATES
    ]


def theater_weights(seed: int | str, film_id: str, scale: int) -> list[int]:
    """Relative sizes of the film's ``scale`` theaters per state, from a stream separate from the shape."""
    if scale == 1:
        return [1]
    rng = random.Random(f"{seed}:{film_id}:theaters")
    return [rng.randint(MINIMUM_THEATER_SIZE, MAXIMUM_THEATER_SIZE) for _ in range(scale)]


def iter_film_state_days(
    film: TheatricalFilm, seed: int | str, scale: int = 1, fake: Faker | None = None
) -> Iterator[tuple[str, str, list[int]]]:
    """Yield ``(date, state, cents_per_theater)`` for one film, ordered by date then state.

    ``cents_per_theater`` has ``scale`` entries (theater 0 first). Over the whole film the cents sum
    exactly to ``domestic_gross_usd * 100``. Every random draw happens before the first yield, so a
    ``fake`` shared by consecutive films is never reseeded while a film still needs it.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = film_random(seed, film.film_id, fake)
    day_weights = daily_weights(film, rng)
    per_state_weights = state_weights(rng)
    per_theater_weights = theater_weights(seed, film.film_id, scale)
    state_codes = [state.code for state in US_STATES]
    day_cents = apportion(film.domestic_gross_usd * 100, day_weights)
    for offset, cents in enumerate(day_cents):
        day_iso = (film.release_date + datetime.timedelta(days=offset)).isoformat()
        for state_code, state_cents in zip(state_codes, apportion(cents, per_state_weights), strict=True):
            if scale == 1:
                yield day_iso, state_code, [state_cents]
            else:
                yield day_iso, state_code, apportion(state_cents, per_theater_weights)


def iter_boxoffice_rows(
    films: Iterable[TheatricalFilm], seed: int | str, scale: int = 1
) -> Iterator[dict[str, Any]]:
    """Yield box-office raw rows (dicts) for ``films`` in order: film, date, state, theater."""
    fake = Faker()
    for film in films:
        for day_iso, state_code, theater_cents in iter_film_state_days(film, seed, scale, fake):
            for theater_id, cents in enumerate(theater_cents):
                yield {
                    "film_id": film.film_id,
                    "date": day_iso,
                    "state": state_code,
                    "theater_id": theater_id,
                    "gross_cents": cents,
                }


def iter_boxoffice_lines(
    films: Iterable[TheatricalFilm],
    seed: int | str,
    scale: int = 1,
    statistics: GenerationStatistics | None = None,
) -> Iterator[str]:
    """Yield the same rows as :func:`iter_boxoffice_rows` as JSON Lines, newline included.

    Each line is byte-identical to ``json.dumps(row) + "\\n"``, built from string pieces so that no dict is
    created per row (the benchmarks run this path for tens of millions of rows). ``statistics``, when given,
    counts each row as it is yielded, so a caller that stops early (``--max-rows``) gets the totals of
    exactly the rows it took.
    """
    fake = Faker()
    for film in films:
        film_prefix = '{"film_id": ' + json.dumps(film.film_id) + ', "date": "'
        first_row = True
        for day_iso, state_code, theater_cents in iter_film_state_days(film, seed, scale, fake):
            row_prefix = film_prefix + day_iso + '", "state": "' + state_code + '", "theater_id": '
            for theater_id, cents in enumerate(theater_cents):
                if statistics is not None:
                    if first_row:
                        statistics.films += 1
                        first_row = False
                    statistics.rows += 1
                    statistics.total_cents += cents
                yield f'{row_prefix}{theater_id}, "gross_cents": {cents}}}\n'


def write_jsonl(lines: Iterable[str], stream: TextIO, batch_size: int = 8192) -> int:
    """Write pre-serialized lines to ``stream`` in batches; return the number of lines written."""
    written = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= batch_size:
            stream.write("".join(batch))
            written += len(batch)
            batch.clear()
    if batch:
        stream.write("".join(batch))
        written += len(batch)
    return written


def generate_boxoffice_file(
    catalog: Path,
    output: str,
    seed: int | str,
    scale: int = 1,
    max_rows: int | None = None,
    films: Sequence[str] | None = None,
) -> tuple[GenerationStatistics, float]:
    """Generate the rows of the theatrical films of the ``catalog`` file into ``output`` ("-" is stdout).

    ``films`` keeps only those film_ids. Returns the statistics and the seconds spent writing. Raises
    OSError, ValueError or KeyError when the catalog cannot be read or names an unknown film, before
    anything is written.
    """
    theatrical = theatrical_films(json.loads(catalog.read_text(encoding="utf-8")), films)
    statistics = GenerationStatistics()
    lines: Iterable[str] = iter_boxoffice_lines(theatrical, seed, scale, statistics)
    if max_rows is not None:
        lines = itertools.islice(lines, max_rows)
    started = time.perf_counter()
    if output == "-":
        write_jsonl(lines, sys.stdout)
        sys.stdout.flush()
    else:
        output_path = Path(output)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        # A 1 MiB buffer: the rows are small and many; line buffering would cost a write call per row.
        with output_path.open("w", encoding="utf-8", buffering=1 << 20) as stream:
            write_jsonl(lines, stream)
    return statistics, time.perf_counter() - started
