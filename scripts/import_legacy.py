"""Import a directory of legacy-layout source files and print the reconciliation report.

Purpose: read a user's own source directory in the original author's layout (recursively), turn it into
Hyperion's canonical film and character-appearance records, set aside what is not a film and reject what
cannot be read, and report how every record read was accounted for (docs/legacy-import.md).

Inputs:  --path DIR: the legacy directory (every *.json file below it is read).
Outputs: stdout: the reconciliation report as a table (or as JSON with --json).
         With --output-dir OUT: OUT/films.jsonl, OUT/appearances.jsonl, OUT/set_aside.jsonl and
         OUT/rejected.jsonl, one JSON object per line. stderr: diagnostics.
Exit:    0 on success (also when some files were rejected: they are in the report), 2 on bad arguments.
Caps:    HYPERION_SOURCE_* (file size, string length, integer range, nesting depth): docs/legacy-import.md.

Run:     .venv/bin/python scripts/import_legacy.py --path ../shared/legacy-source-data \
             --output-dir /tmp/legacy-import
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.logs import configure_logging
from hyperion.sources.legacy.importer import LegacyImportError, import_legacy_directory, write_import_outputs

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--path", type=Path, required=True, help="legacy source directory to import")
    parser.add_argument("--output-dir", type=Path, help="write films/appearances/set_aside/rejected .jsonl")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--verbose", action="store_true", help="log debug diagnostics to stderr")
    arguments = parser.parse_args(argv)
    configure_logging(arguments.verbose)
    if not arguments.path.is_dir():
        logger.error("%s is not a directory", arguments.path)
        return 2
    try:
        result = import_legacy_directory(arguments.path)
    except LegacyImportError as error:
        logger.error("%s", error)
        return 2
    if arguments.output_dir is not None:
        for path, lines in write_import_outputs(result, arguments.output_dir).items():
            logger.info("wrote %d lines to %s", lines, path)
    sys.stdout.write((result.report.to_json() if arguments.json else result.report.to_table()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
