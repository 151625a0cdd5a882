"""The site's US box-office map file: the ``boxoffice_weekly_by_state`` export as one compact JSON body.

The map is the only view of that export, and it is loaded lazily (when the map scrolls into view), so the
export stays out of the packed database every visit downloads. ``scripts/07_build_site.py`` runs
:data:`MAP_QUERY` on the export with Python DuckDB and writes :func:`map_file_body` under a content-hashed
name that ``site.json`` lists under ``lazy``.

The body, one object::

    {"format": 1, "sql": MAP_QUERY,
     "states": [["AL", "Alabama"], ...],                      # the 50 states and DC, in this order
     "films": [{"film_id": "toy-story",
                "weeks": [{"week": 1, "start": "1995-11-22", "cents": [123, ...]}, ...]}, ...]}

``cents[i]`` is the gross of ``states[i]`` that week, in cents (exact: no rounding anywhere), or null when
the export has no row for that state and week. Films, weeks and states keep the export's order, so the
same export gives byte-identical bytes. Pure: no Spark, no I/O.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hyperion.sources.us_states import US_STATES

MAP_EXPORT = "boxoffice_weekly_by_state"
MAP_FILE_STEM = "boxoffice-map"
MAP_FILE_FORMAT = 1
MAP_QUERY = (
    "select film_id, week_number, week_start_date, state, gross_cents "
    f"from {MAP_EXPORT} order by film_id, week_number, state"
)


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def map_file(
    rows: Iterable[Mapping[str, Any]], states: Sequence[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The map file's object from export rows (``film_id``, ``week_number``, ``week_start_date``,
    ``state``, ``gross_cents``), ordered by film then week.

    Raises ``ValueError`` naming the row for a state outside ``states``, a duplicate film x week x state,
    a negative gross, or two start dates for one film-week: the map would otherwise draw a wrong number.
    """
    state_list = (
        [tuple(state) for state in states] if states is not None else [(s.code, s.name) for s in US_STATES]
    )
    index = {code: position for position, (code, _) in enumerate(state_list)}
    films: dict[str, dict[str, Any]] = {}
    weeks: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        film_id, week, state, cents = (
            row["film_id"],
            int(row["week_number"]),
            row["state"],
            row["gross_cents"],
        )
        where = f"{MAP_EXPORT} row film_id={film_id!r} week_number={week} state={state!r}"
        if state not in index:
            raise ValueError(f"{where}: unknown state (not one of the {len(index)} states and DC)")
        if cents is None or cents < 0:
            raise ValueError(f"{where}: gross_cents must be a non-negative integer, got {cents!r}")
        start = _iso(row["week_start_date"])
        entry = weeks.get((film_id, week))
        if entry is None:
            entry = {"week": week, "start": start, "cents": [None] * len(state_list)}
            films.setdefault(film_id, {"film_id": film_id, "weeks": []})["weeks"].append(entry)
            weeks[(film_id, week)] = entry
        if entry["start"] != start:
            raise ValueError(f"{where}: week starts on {start} and on {entry['start']}")
        if entry["cents"][index[state]] is not None:
            raise ValueError(f"{where}: duplicate row")
        entry["cents"][index[state]] = int(cents)
    return {
        "format": MAP_FILE_FORMAT,
        "sql": MAP_QUERY,
        "states": [list(state) for state in state_list],
        "films": list(films.values()),
    }


def map_file_body(
    rows: Iterable[Mapping[str, Any]], states: Sequence[tuple[str, str]] | None = None
) -> bytes:
    """:func:`map_file` as compact UTF-8 JSON (no spaces: the file is about one integer per state-week)."""
    return json.dumps(map_file(rows, states), separators=(",", ":")).encode("utf-8")
