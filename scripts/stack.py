#!/usr/bin/env python3
"""Run the Hyperion stack as local processes (no Docker): fetch, up, down, status, logs.

Inputs: the artifacts named in runtime/maven/*.pom.xml (fetched from Maven Central into
$HYPERION_CACHE_DIRECTORY, default ~/.cache/hyperion), conf/ and hadoop.env.
Outputs: running services on the ports of docs/architecture.md; data, logs and pid files in .runtime/.

Run:  .venv/bin/python scripts/stack.py up          (also: make up)
      .venv/bin/python scripts/stack.py status      (make status)
      .venv/bin/python scripts/stack.py down        (make down)
      .venv/bin/python scripts/stack.py logs trino  (make logs)
"""

from __future__ import annotations

import argparse
import sys

from hyperion.config import get_settings
from hyperion.logs import configure_logging
from hyperion.runtime import supervisor
from hyperion.runtime.stack_cli import stack_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download and cache the artifacts, start nothing")
    up = commands.add_parser("up", help="start every service and wait until all are healthy")
    up.add_argument("services", nargs="*", help="only these services (default: all)")
    up.add_argument("--timeout", type=float, default=supervisor.HEALTH_TIMEOUT_SECONDS)
    down = commands.add_parser("down", help="stop the services this runtime started")
    down.add_argument("services", nargs="*")
    status = commands.add_parser("status", help="print a table of services, ports, pids and health")
    status.add_argument("--check", action="store_true", help="exit 1 unless every service is healthy")
    logs = commands.add_parser("logs", help="follow the service logs")
    logs.add_argument("services", nargs="*", help="default: all")
    logs.add_argument("--lines", type=int, default=20)
    logs.add_argument("--no-follow", action="store_true")
    arguments = parser.parse_args(argv)
    configure_logging()
    return stack_command(arguments, get_settings())


if __name__ == "__main__":
    sys.exit(main())
