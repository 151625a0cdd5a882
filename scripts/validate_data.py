"""Validate the bundled canonical dataset in data/.

Purpose: check the film catalog, every character file, the talent aliases and the uncovered-films list
against the JSON Schemas and the cross-file rules (hyperion.sources.validation), and the gross sources
(hyperion.sources.gross), and report every problem found.

Inputs:  --data-dir (default data/): complete_movie_list.json, *_SCHEMA.json, characters/*.json,
         talent_aliases.json, uncovered_films.json (rewritten first with --write-uncovered).
Outputs: stdout: one line per problem, `FILE: JSON_PATH: reason`, or a one-line summary when there are none.
Exit:    0 when the dataset is valid, 1 when any problem was found, 2 on bad arguments.

Run:     .venv/bin/python scripts/validate_data.py --coverage  (>= 8 characters per core theatrical film,
         >= 2000 appearances, the gross floors; add --gross-targets for 98% domestic and 95% worldwide)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.logs import configure_logging
from hyperion.sources.catalog import DEFAULT_DATA_DIR, UNCOVERED_FILE_NAME
from hyperion.sources.validation import validate_dataset, write_uncovered_file

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Validate the dataset and return the process exit code."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dataset directory")
    parser.add_argument("--coverage", action="store_true", help="also enforce the coverage targets")
    parser.add_argument("--gross-targets", action="store_true", help="gross targets, not floors")
    parser.add_argument("--write-uncovered", action="store_true", help="recompute uncovered_films.json first")
    parser.add_argument("--verbose", action="store_true", help="log debug diagnostics to stderr")
    arguments = parser.parse_args(argv)
    configure_logging(arguments.verbose)
    data_dir: Path = arguments.data_dir.resolve()
    if not data_dir.is_dir():
        logger.error("data directory %s does not exist", data_dir)
        return 2
    if arguments.write_uncovered:
        document = write_uncovered_file(data_dir)
        written = (len(document["uncovered"]), data_dir / UNCOVERED_FILE_NAME)
        logger.info("wrote %d uncovered films to %s", *written)
    problems, summary = validate_dataset(data_dir, arguments.coverage, arguments.gross_targets)
    sys.stdout.writelines(f"{problem}\n" for problem in problems)
    if problems:
        logger.error("%d problem(s) found; %s", len(problems), summary.one_line())
        return 1
    sys.stdout.write(f"ok: {summary.one_line()}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
