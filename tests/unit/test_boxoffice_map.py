"""The site's map file from the boxoffice_weekly_by_state export: exact cents, fixed order, clear errors."""

from __future__ import annotations

import datetime
import json

import pytest

from hyperion.cloud.boxoffice_map import MAP_QUERY, map_file, map_file_body
from hyperion.sources.us_states import US_STATES

STATES = [("CA", "California"), ("NY", "New York"), ("WY", "Wyoming")]


def row(film_id: str, week: int, state: str, cents: int | None, start: str = "2009-05-29") -> dict:
    return {
        "film_id": film_id,
        "week_number": week,
        "week_start_date": datetime.date.fromisoformat(start),
        "state": state,
        "gross_cents": cents,
    }


def test_rows_become_one_array_of_cents_per_film_week_in_state_order() -> None:
    rows = [
        row("up", 1, "NY", 100),
        row("up", 1, "CA", 800),
        row("up", 2, "NY", 40, "2009-06-05"),
        row("wall-e", 1, "WY", 7, "2008-06-27"),
    ]
    assert map_file(rows, STATES) == {
        "format": 1,
        "sql": MAP_QUERY,
        "states": [list(state) for state in STATES],
        "films": [
            {
                "film_id": "up",
                "weeks": [
                    {"week": 1, "start": "2009-05-29", "cents": [800, 100, None]},
                    {"week": 2, "start": "2009-06-05", "cents": [None, 40, None]},
                ],
            },
            {"film_id": "wall-e", "weeks": [{"week": 1, "start": "2008-06-27", "cents": [None, None, 7]}]},
        ],
    }
    # Every cent of the rows is in the file, per film-week (what the map sums and shows).
    body = json.loads(map_file_body(rows, STATES))
    total = sum(cents or 0 for film in body["films"] for week in film["weeks"] for cents in week["cents"])
    assert total == sum(item["gross_cents"] for item in rows)


def test_the_default_states_are_the_generators_fifty_states_and_dc() -> None:
    body = map_file([row("up", 1, "DC", 5)])
    assert [tuple(state) for state in body["states"]] == [(state.code, state.name) for state in US_STATES]
    assert len(body["states"]) == 51
    assert body["films"][0]["weeks"][0]["cents"][[s.code for s in US_STATES].index("DC")] == 5


def test_the_body_is_deterministic_compact_json() -> None:
    rows = [row("up", 1, "CA", 1), row("up", 1, "NY", 2)]
    assert map_file_body(rows, STATES) == map_file_body(list(rows), STATES)
    compact = map_file_body(rows, STATES).replace(MAP_QUERY.encode(), b"")
    assert b", " not in compact and b": " not in compact


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([row("up", 1, "PR", 1)], "row film_id='up' week_number=1 state='PR': unknown state"),
        ([row("up", 1, "CA", -1)], "state='CA': gross_cents must be a non-negative integer, got -1"),
        ([row("up", 1, "CA", None)], "gross_cents must be a non-negative integer, got None"),
        ([row("up", 1, "CA", 1), row("up", 1, "CA", 2)], "state='CA': duplicate row"),
        ([row("up", 1, "CA", 1), row("up", 1, "NY", 2, "2009-05-30")], "week starts on 2009-05-30 and on"),
    ],
)
def test_a_row_the_map_would_draw_wrong_is_refused_with_its_key(rows: list[dict], reason: str) -> None:
    with pytest.raises(ValueError, match="boxoffice_weekly_by_state row") as raised:
        map_file(rows, STATES)
    assert reason in str(raised.value)
