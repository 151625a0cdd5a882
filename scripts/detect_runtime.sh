#!/usr/bin/env bash
# Print the runtime to use on stdout, "docker" or "local", and why on stderr.
#   scripts/detect_runtime.sh               choose (below)
#   scripts/detect_runtime.sh --record R    remember R as the running stack's runtime (make up)
#   scripts/detect_runtime.sh --forget      forget it (make down)
# Once a stack is up, every later make call must drive that stack: detecting again could flip (an engine
# that answers slowly under load, Compose installed meanwhile) and send the jobs to a stack that is not
# running. So the order is:
# 1. the runtime `make up` recorded in $HYPERION_RUNTIME_DIRECTORY/runtime (default .runtime/runtime);
# 2. the runtime that is up: the Docker stack when its Kafka is published on 127.0.0.1:9092
#    (HYPERION_DETECT_LOCAL_ADDRESS overrides, host:port), else a local stack whose Kafka answers there,
#    else a Docker stack published elsewhere (HYPERION_PUBLISH_ADDRESS=127.0.0.2);
# 3. with none up, Docker when an engine answers and Compose v2 (`docker compose`, with `up --wait`) is
#    installed; anything less means local.
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
local_address="${HYPERION_DETECT_LOCAL_ADDRESS:-127.0.0.1:9092}"
compose_file="$(dirname "$0")/../docker-compose.yml"
local_stack_answers() {
    timeout 2 bash -c "exec 3<>/dev/tcp/${local_address%:*}/${local_address##*:}" 2>/dev/null
}
if ! command -v docker >/dev/null 2>&1; then
    echo "runtime local: no docker command (make docker-tools installs the Docker runtime)" >&2
    echo local
elif ! timeout 10 docker info >/dev/null 2>&1; then
    echo "runtime local: the docker command finds no engine that answers" >&2
    echo local
elif ! timeout 10 docker compose version >/dev/null 2>&1; then
    echo "runtime local: a Docker engine answers but 'docker compose' (v2) is missing (make docker-tools)" >&2
    echo local
elif [[ -n "${docker_kafka:=$(timeout 10 docker compose --file "${compose_file}" port kafka 9092 2>/dev/null || true)}" \
        && "${docker_kafka}" == "${local_address}" ]]; then
    echo "runtime docker: the Docker stack runs (its Kafka on ${docker_kafka})" >&2
    echo docker
elif local_stack_answers; then
    echo "runtime local: a local stack runs (${local_address} answers)" >&2
    echo local
elif [[ -n "${docker_kafka}" ]]; then
    echo "runtime docker: the Docker stack runs (its Kafka on ${docker_kafka})" >&2
    echo docker
else
    echo "runtime docker: no stack runs, a Docker engine answers and $(docker compose version --short 2>/dev/null || echo compose) is installed" >&2
    echo docker
fi
