"""Validate the bundled canonical dataset in data/.

Purpose: check the film catalog, every character file and the uncovered-films list against the JSON
Schemas and the cross-file rules (film ids match file names and the catalog, one name per
character_id, every catalog film covered or listed as uncovered), and report every problem found.

Inputs:  <data-dir>/complete_movie_list.json, <data-dir>/FILM_SCHEMA.json, <data-dir>/CHARACTER_SCHEMA.json,
         <data-dir>/characters/*.json, <data-dir>/uncovered_films.json (default data-dir: the repo's data/).
Outputs: stdout: one line per problem, `FILE: JSON_PATH: reason`, or a one-line summary when there are none.
         With --write-uncovered, rewrites <data-dir>/uncovered_films.json first.
Exit:    0 when the dataset is valid, 1 when any problem was found, 2 on bad arguments.

Run:     .venv/bin/python scripts/validate_data.py --coverage
         (--coverage also enforces the coverage targets: >= 8 characters per theatrical film of the core
         studios that has a character file, >= 2000 appearances in total, and the gross-coverage floors;
         --gross-targets enforces the gross targets of 98% domestic and 95% worldwide instead.)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.sources.dataset import (
    DEFAULT_DATA_DIR,
    MINIMUM_CORE_FILM_CHARACTERS,
    MINIMUM_TOTAL_APPEARANCES,
    validate_dataset,
    write_uncovered_file,
)

logger = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line; ``argv`` None means ``sys.argv[1:]``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"dataset directory (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help=(
            "also fail when a theatrical film of a core studio has fewer than "
            f"{MINIMUM_CORE_FILM_CHARACTERS} characters or all files hold fewer than "
            f"{MINIMUM_TOTAL_APPEARANCES} appearances"
        ),
    )
    parser.add_argument(
        "--gross-targets",
        action="store_true",
        help="with --coverage, enforce the gross targets rather than the floors",
    )
    parser.add_argument(
        "--write-uncovered",
        action="store_true",
        help="recompute uncovered_films.json from the character files present before validating",
    )
    parser.add_argument("--verbose", action="store_true", help="log debug diagnostics to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Validate the dataset and return the process exit code."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    data_dir: Path = arguments.data_dir.resolve()
    if not data_dir.is_dir():
        logger.error("data directory %s does not exist", data_dir)
        return 2
    if arguments.write_uncovered:
        document = write_uncovered_file(data_dir)
        logger.info(
            "wrote %d uncovered films to %s", len(document["uncovered"]), data_dir / "uncovered_films.json"
        )

    problems, summary = validate_dataset(
        data_dir, coverage=arguments.coverage, gross_targets=arguments.gross_targets
    )
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    if problems:
        logger.error("%d problem(s) found; %s", len(problems), summary.one_line())
        return 1
    sys.stdout.write(f"ok: {summary.one_line()}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
