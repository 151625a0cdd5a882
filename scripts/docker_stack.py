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
from hyperion.runtime import docker

logger = logging.getLogger("docker-stack")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("images", "up", "down"))
    parser.add_argument("--all", action="store_true", help="images: rebuild all, not only changed ones")
    parser.add_argument("--volumes", action="store_true", help="down: also drop the named data volumes")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    started = time.perf_counter()
    try:
        if arguments.command in ("images", "up"):
            built = docker.build_images(get_settings(), only_changed=not arguments.all)
            tags = ", ".join(image.tag for image in built) or "all up to date"
            logger.info("images: built %d (%s) in %.1f s", len(built), tags, time.perf_counter() - started)
        if arguments.command == "up":
            waited = time.perf_counter()
            subprocess.run(docker.compose_command("up", "--detach", "--wait"), check=True)
            logger.info("compose up --wait: every service healthy in %.1f s", time.perf_counter() - waited)
        if arguments.command == "down":
            subprocess.run(docker.compose_command("down", *(["--volumes"] * arguments.volumes)), check=True)
    except (docker.DockerRuntimeError, subprocess.CalledProcessError) as error:
        logger.error("%s", error)
        return 1
    logger.info("%s: done in %.1f s", arguments.command, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
