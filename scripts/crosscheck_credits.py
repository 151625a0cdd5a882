"""Compare the bundled voice credits with a folder in the legacy layout and print each disagreement.

Inputs:  LEGACY_DIR (a folder of legacy-layout JSON files, read only); --data-dir (default: the repo's
         data/, with characters/, talent_aliases.json and crosscheck_decisions.json).
Outputs: stdout: one tab-separated line per unexplained disagreement (film, character, ours, theirs),
         every disagreement with --all, stale decisions, then a one-line summary.
         --write-templates prints a decisions-file entry for each unexplained disagreement instead.
Exit:    0 when every disagreement is explained by a decision, 1 otherwise, 2 on bad arguments.
Run:     .venv/bin/python scripts/crosscheck_credits.py ../shared/legacy-source-data
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.logs import configure_logging
from hyperion.sources.catalog import DEFAULT_DATA_DIR
from hyperion.sources.crosscheck import crosscheck, decision_template, render_decisions, render_report


def main(argv: list[str] | None = None) -> int:
    """Run the cross-check and return the exit code."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("legacy_dir", type=Path, help="folder in the legacy layout to compare with")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="bundled dataset directory")
    parser.add_argument("--all", action="store_true", help="also print explained disagreements")
    parser.add_argument("--write-templates", action="store_true", help="print decision entries to fill in")
    arguments = parser.parse_args(argv)
    configure_logging(quiet=True)
    if not arguments.legacy_dir.is_dir():
        logging.getLogger(__name__).error("%s is not a directory", arguments.legacy_dir)
        return 2
    result = crosscheck(arguments.legacy_dir, arguments.data_dir)
    if arguments.write_templates:
        sys.stdout.write(render_decisions([decision_template(item) for item in result.unexplained]))
        sys.stderr.write(f"{result.one_line()}\n")  # stdout stays a valid decisions document
    else:
        for line in render_report(result, show_explained=arguments.all):
            sys.stdout.write(f"{line}\n")
        sys.stdout.write(f"{result.one_line()}\n")
    return 1 if result.unexplained or result.stale_decisions else 0


if __name__ == "__main__":
    sys.exit(main())
