"""Import a directory of legacy-layout source files and print the reconciliation report.

Purpose: read a user's own source directory in the original author's layout (recursively), turn it into
Hyperion's canonical film and character-appearance records, set aside what is not a film and reject what
cannot be read, and report how every record read was accounted for (docs/legacy-import.md).

Inputs:  --path DIR: the legacy directory (every *.json file below it is read).
Outputs: stdout: the reconciliation report as a table (or as JSON with --json).
         With --output-dir OUT: OUT/films.jsonl, OUT/appearances.jsonl, OUT/set_aside.jsonl and
         OUT/rejected.jsonl, one JSON object per line.
         stderr: diagnostics (rejected files are logged as warnings).
Exit:    0 on success (also when some files were rejected: they are in the report), 2 on bad arguments.
Caps:    HYPERION_SOURCE_* (file size, string length, integer range, nesting depth): docs/legacy-import.md.

Run:     .venv/bin/python scripts/import_legacy.py --path ../shared/legacy-source-data \
             --output-dir /tmp/legacy-import
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hyperion.sources.legacy.importer import LegacyImportError, import_legacy_directory

logger = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--path", type=Path, required=True, help="legacy source directory to import")
    parser.add_argument(
        "--output-dir", type=Path, help="write films/appearances/set_aside/rejected .jsonl here"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--verbose", action="store_true", help="log debug diagnostics to stderr")
    return parser.parse_args(argv)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line; return the number of lines."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not arguments.path.is_dir():
        logger.error("%s is not a directory", arguments.path)
        return 2
    try:
        result = import_legacy_directory(arguments.path)
    except LegacyImportError as error:
        logger.error("%s", error)
        return 2
    if arguments.output_dir is not None:
        arguments.output_dir.mkdir(parents=True, exist_ok=True)
        outputs = {
            "films.jsonl": (film.to_dict() for film in result.films),
            "appearances.jsonl": (appearance.to_dict() for appearance in result.appearances),
            "set_aside.jsonl": (record.to_dict() for record in result.set_aside),
            "rejected.jsonl": (record.to_dict() for record in result.rejected),
        }
        for name, rows in outputs.items():
            lines = write_jsonl(arguments.output_dir / name, rows)
            logger.info("wrote %d lines to %s", lines, arguments.output_dir / name)
    print(result.report.to_json() if arguments.json else result.report.to_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
