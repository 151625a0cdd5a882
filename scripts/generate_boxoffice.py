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
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from hyperion.logs import configure_logging
from hyperion.sources.boxoffice import generate_boxoffice_file
from hyperion.sources.catalog import CATALOG_FILE_NAME, DEFAULT_DATA_DIR

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Generate the rows and write them; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=DEFAULT_DATA_DIR / CATALOG_FILE_NAME, help="catalog")
    parser.add_argument("--output", default="-", help="JSON Lines output path, or - for stdout (default)")
    parser.add_argument("--seed", default="42", help="generator seed (any string; default 42)")
    parser.add_argument("--scale", type=int, default=1, help="theaters per state and day (default 1)")
    parser.add_argument("--max-rows", type=int, default=None, help="stop after exactly this many rows")
    parser.add_argument("--films", nargs="+", metavar="FILM_ID", help="only these film_ids (catalog order)")
    arguments = parser.parse_args(argv)
    if arguments.scale < 1 or (arguments.max_rows is not None and arguments.max_rows < 0):
        parser.error("--scale must be at least 1 and --max-rows non-negative")
    configure_logging()
    try:
        statistics, seconds = generate_boxoffice_file(**vars(arguments))
    except (OSError, ValueError, KeyError) as error:
        logger.error("cannot read films from %s: %s", arguments.catalog, error)
        return 2
    rate = statistics.rows / seconds if seconds > 0 else 0.0
    summary = (statistics.films, statistics.rows, statistics.total_cents, seconds, rate)
    logger.info("films=%d rows=%d total_cents=%d seconds=%.2f rows_per_second=%.0f", *summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
