"""Step 3 of ingest: run the three producers (films, characters, box office), one after the other.

Inputs: the bundled data/ (or --source legacy --path DIR for films and characters); the box-office
generator options --seed, --scale, --max-rows. Topics from the settings (see scripts/01_create_topics.py).
Outputs: messages on raw-films, raw-characters, raw-boxoffice (rejects on raw-deadletter); each producer's
summary line on stdout. Exit status 1 if any producer failed.
Re-run: sends everything again with a new run_id (the landing then holds both runs).
The producers run inside this process (no children), so `kill -9` of it leaves no producer behind.

Run:
    .venv/bin/python scripts/03_produce.py
    .venv/bin/python scripts/03_produce.py --source legacy --path ../shared/legacy-source-data --scale 2
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hyperion.ingest.producer_cli import producer_main


def producer_arguments(arguments: argparse.Namespace) -> dict[str, list[str]]:
    """The command line of each producer, in the order they run."""
    common = ["--no-progress"] if arguments.no_progress else []
    common += ["--compression", arguments.compression]
    source = ["--source", arguments.source] + (["--path", str(arguments.path)] if arguments.path else [])
    boxoffice = ["--seed", arguments.seed, "--scale", str(arguments.scale)]
    if arguments.max_rows is not None:
        boxoffice += ["--max-rows", str(arguments.max_rows)]
    return {"films": source + common, "characters": source + common, "boxoffice": boxoffice + common}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", choices=("bundled", "legacy"), default="bundled")
    parser.add_argument("--path", type=Path, help="data or legacy directory for films and characters")
    parser.add_argument("--seed", default="42")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--max-rows", type=int)
    parser.add_argument("--compression", default="lz4", choices=("none", "gzip", "lz4", "zstd"))
    parser.add_argument("--no-progress", action="store_true")
    arguments = parser.parse_args(argv)
    failed = [
        kind
        for kind, kind_arguments in producer_arguments(arguments).items()
        if producer_main(kind, f"{kind} producer", kind_arguments) != 0
    ]
    if failed:
        logging.getLogger(__name__).error("producers failed: %s", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
