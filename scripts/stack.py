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
import logging
import subprocess
import sys
import time

from hyperion.config import get_settings
from hyperion.runtime import supervisor
from hyperion.runtime.services import SERVICES, RuntimeLayout

logger = logging.getLogger("stack")


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

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    settings = get_settings()
    layout = RuntimeLayout(settings)

    if arguments.command == "fetch":
        started = time.monotonic()
        for name, path in supervisor.fetch_artifacts(settings).items():
            logger.info("%s: %s", name, path)
        logger.info("artifacts ready in %.1f s", time.monotonic() - started)
        return 0
    if arguments.command == "up":
        started = time.monotonic()
        try:
            supervisor.up(settings, arguments.services or None, timeout=arguments.timeout)
        except supervisor.StackError as error:
            logger.error("%s", error)
            return 1
        logger.info("stack is up in %.1f s", time.monotonic() - started)
        sys.stdout.write(supervisor.format_status_table(supervisor.status(settings)) + "\n")
        return 0
    if arguments.command == "down":
        stopped = supervisor.down(settings, arguments.services or None)
        logger.info("stopped: %s", ", ".join(stopped) or "nothing was running")
        return 0
    if arguments.command == "status":
        statuses = supervisor.status(settings)
        sys.stdout.write(supervisor.format_status_table(statuses) + "\n")
        if arguments.check and not all(entry.health.healthy for entry in statuses):
            return 1
        return 0
    if arguments.command == "logs":
        names = arguments.services or [service.name for service in SERVICES]
        files = [str(layout.log(name)) for name in names if layout.log(name).is_file()]
        if not files:
            logger.error("no logs yet in %s", layout.root / "logs")
            return 1
        follow = [] if arguments.no_follow else ["--follow=name", "--retry"]
        return subprocess.call(["tail", f"--lines={arguments.lines}", *follow, *files])
    return 2


if __name__ == "__main__":
    sys.exit(main())
