#!/usr/bin/env bash
# Print the runtime to use on stdout, "docker" or "local", and why on stderr.
#   scripts/detect_runtime.sh               choose: the runtime `make up` recorded, else detect
#   scripts/detect_runtime.sh --record R    remember R as the running stack's runtime (make up)
#   scripts/detect_runtime.sh --forget      forget it (make down)
# Once a stack is up, every later make call must drive that stack: detecting again could flip (an engine
# that answers slowly under load, Compose installed meanwhile) and send the jobs to a stack that is not
# running. Detection: Docker needs an engine that answers and Compose v2 (`docker compose`, with
# `up --wait`); anything less means local.
# Prerequisites: none. Re-run safety: read-only without options.
set -euo pipefail
state_file="${HYPERION_RUNTIME_DIRECTORY:-$(dirname "$0")/../.runtime}/runtime"
case "${1:-}" in
    --record)
        mkdir -p "$(dirname "$state_file")"
        echo "$2" > "$state_file"
        exit 0 ;;
    --forget)
        rm -f "$state_file"
        exit 0 ;;
esac
if [[ -f "$state_file" ]]; then
    recorded="$(cat "$state_file")"
    if [[ "$recorded" == docker || "$recorded" == local ]]; then
        echo "runtime $recorded: the stack was started with it (make up; make down forgets it)" >&2
        echo "$recorded"
        exit 0
    fi
fi
if ! command -v docker >/dev/null 2>&1; then
    echo "runtime local: no docker command (make docker-tools installs the Docker runtime)" >&2
    echo local
elif ! timeout 10 docker info >/dev/null 2>&1; then
    echo "runtime local: the docker command finds no engine that answers" >&2
    echo local
elif ! timeout 10 docker compose version >/dev/null 2>&1; then
    echo "runtime local: a Docker engine answers but 'docker compose' (v2) is missing (make docker-tools)" >&2
    echo local
else
    echo "runtime docker: a Docker engine answers and $(docker compose version --short 2>/dev/null || echo compose) is installed" >&2
    echo docker
fi
