"""The Docker runtime's images and Compose stack: build what is missing or out of date, start and wait, stop.

Purpose: what `make up RUNTIME=docker` and `make down RUNTIME=docker` run. ``images`` stages each build
context from the artifact cache (make fetch) and builds the images that are missing or whose context
changed (--all: every one); ``up`` does that, then ``docker compose up -d --wait``, and prints the
seconds it took; ``down`` stops the stack (--volumes also drops its data).

Inputs: the artifact cache (HYPERION_CACHE_DIRECTORY), docker-compose.yml, HYPERION_PUBLISH_ADDRESS.
Outputs: images hyperion-*; the running stack; one summary line on stderr.

Run:
    .venv/bin/python scripts/docker_stack.py up          (make up RUNTIME=docker)
    .venv/bin/python scripts/docker_stack.py images --all
    .venv/bin/python scripts/docker_stack.py down --volumes
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time

from hyperion.config import get_settings
from hyperion.logs import configure_logging
from hyperion.runtime import docker

logger = logging.getLogger("docker-stack")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=docker.STACK_COMMANDS)
    parser.add_argument("--all", action="store_true", help="images: rebuild all, not only changed ones")
    parser.add_argument("--volumes", action="store_true", help="down: also drop the named data volumes")
    arguments = parser.parse_args(argv)
    configure_logging()
    started = time.perf_counter()
    try:
        docker.run_stack_command(arguments.command, get_settings(), arguments.all, arguments.volumes)
    except (docker.DockerRuntimeError, subprocess.CalledProcessError) as error:
        logger.error("%s", error)
        return 1
    logger.info("%s: done in %.1f s", arguments.command, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
