"""Generate seeded synthetic daily x US-state box-office rows from the film catalog, as JSON Lines.

Purpose: turn each theatrical film's real domestic gross into synthetic rows that sum exactly to it
(see hyperion/sources/boxoffice.py for the shape: opening weekend, weekly decay, weekend and holiday bumps,
2020 Census state weights). The same seed and catalog always give byte-identical output.

Inputs:  --catalog PATH (default data/complete_movie_list.json), films with release_type "theatrical"
         and a non-null domestic_gross_usd.
Outputs: --output PATH (default "-", stdout), one row per line:
         {"film_id": "toy-story", "date": "1995-11-24", "state": "CA", "theater_id": 0, "gross_cents": 123456}
         Ordered by film (catalog order), date, state, theater. A summary line goes to stderr at the end.

Run:
    .venv/bin/python scripts/generate_boxoffice.py --seed 42 --output build/boxoffice.jsonl
    .venv/bin/python scripts/generate_boxoffice.py --films toy-story frozen --scale 10 --max-rows 1000000 \
        --output /dev/null
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import time
from pathlib import Path

from hyperion.sources.boxoffice import (
    GenerationStatistics,
    iter_boxoffice_lines,
    theatrical_films,
    write_jsonl,
)

logger = logging.getLogger(__name__)

DEFAULT_CATALOG = Path(__file__).resolve().parents[1] / "data" / "complete_movie_list.json"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="film catalog JSON")
    parser.add_argument("--output", default="-", help="JSON Lines output path, or - for stdout (default)")
    parser.add_argument("--seed", default="42", help="generator seed (any string; default 42)")
    parser.add_argument(
        "--scale", type=int, default=1, help="theaters per state and day (theater_id 0..N-1; default 1)"
    )
    parser.add_argument("--max-rows", type=int, default=None, help="stop after exactly this many rows")
    parser.add_argument(
        "--films", nargs="+", metavar="FILM_ID", help="only these film_ids (catalog order kept)"
    )
    arguments = parser.parse_args(argv)
    if arguments.scale < 1:
        parser.error("--scale must be at least 1")
    if arguments.max_rows is not None and arguments.max_rows < 0:
        parser.error("--max-rows must be non-negative")
    return arguments


def main(argv: list[str] | None = None) -> int:
    """Generate the rows and write them; return the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    arguments = parse_arguments(argv)
    try:
        catalog = json.loads(arguments.catalog.read_text(encoding="utf-8"))
        films = theatrical_films(catalog, arguments.films)
    except (OSError, ValueError, KeyError) as error:
        logger.error("cannot read films from %s: %s", arguments.catalog, error)
        return 2

    statistics = GenerationStatistics()
    lines = iter_boxoffice_lines(films, arguments.seed, arguments.scale, statistics)
    if arguments.max_rows is not None:
        lines = itertools.islice(lines, arguments.max_rows)

    started = time.perf_counter()
    if arguments.output == "-":
        write_jsonl(lines, sys.stdout)
        sys.stdout.flush()
    else:
        output_path = Path(arguments.output)
        if output_path.parent != Path(""):
            output_path.parent.mkdir(parents=True, exist_ok=True)
        with output_path.open("w", encoding="utf-8", buffering=1 << 20) as stream:
            write_jsonl(lines, stream)
    seconds = time.perf_counter() - started

    rows_per_second = statistics.rows / seconds if seconds > 0 else 0.0
    logger.info(
        "films=%d rows=%d total_cents=%d seconds=%.2f rows_per_second=%.0f",
        statistics.films,
        statistics.rows,
        statistics.total_cents,
        seconds,
        rows_per_second,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
