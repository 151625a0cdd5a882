#!/usr/bin/env bash
# Print the runtime to use on stdout, "docker" or "local", and why on stderr. Docker needs both an engine
# that answers and Compose v2 (`docker compose`, with `up --wait`); anything less means local.
# Prerequisites: none. Re-run safety: read-only.
set -euo pipefail
if ! command -v docker >/dev/null 2>&1; then
    echo "runtime local: no docker command (make docker-tools installs the Docker runtime)" >&2
    echo local
elif ! timeout 5 docker info >/dev/null 2>&1; then
    echo "runtime local: the docker command finds no engine that answers" >&2
    echo local
elif ! timeout 5 docker compose version >/dev/null 2>&1; then
    echo "runtime local: a Docker engine answers but 'docker compose' (v2) is missing (make docker-tools)" >&2
    echo local
else
    echo "runtime docker: a Docker engine answers and $(docker compose version --short 2>/dev/null || echo compose) is installed" >&2
    echo docker
fi
