"""The commands of ``scripts/stack.py`` (fetch, up, down, status, logs) over the local supervisor.

Kept out of the entrypoint so that the script stays a parser; exit statuses: 0 done, 1 failed (the reason
is logged), 2 unknown command.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time

from hyperion.config import Settings
from hyperion.runtime import supervisor
from hyperion.runtime.services import SERVICES, RuntimeLayout

logger = logging.getLogger("stack")


def stack_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run one parsed ``stack.py`` command."""
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
        # --check makes the table a probe for scripts: healthy or exit 1.
        return 1 if arguments.check and not all(entry.health.healthy for entry in statuses) else 0
    if arguments.command == "logs":
        names = arguments.services or [service.name for service in SERVICES]
        files = [str(layout.log(name)) for name in names if layout.log(name).is_file()]
        if not files:
            logger.error("no logs yet in %s", layout.root / "logs")
            return 1
        follow = [] if arguments.no_follow else ["--follow=name", "--retry"]
        return subprocess.call(["tail", f"--lines={arguments.lines}", *follow, *files])
    return 2
