#!/usr/bin/env bash
# Run the test suite in two halves at once, to save wall time on a 2-core machine whose CPUs the stacks
# leave idle much of the time: the Docker e2e (`make test-docker`: its own stack on 127.0.0.2) beside
# the given command (the rest of the suite, with the local stack on 127.0.0.1).
#   scripts/test_parallel.sh .venv/bin/python -m pytest tests -m "not docker"
# Every output line starts with its half, "[docker] " or "[local] ". Both halves always run to the end;
# the exit status is 0 only when both pass, and both statuses are printed last.
# The Docker half compares its exports by checksum with the local e2e's: the local half writes its
# manifest to test-output/local-e2e/exports-manifest.json, and the Docker half waits for it.
# Prerequisites: make install. Re-run safety: each half cleans up its own stack.
set -euo pipefail
cd "$(dirname "$0")/.."

local_manifest=test-output/local-e2e/exports-manifest.json
local_half_finished="${local_manifest%/*}/local-half-finished"
rm -f "${local_manifest}" "${local_half_finished}"
mkdir -p "${local_manifest%/*}"
export HYPERION_LOCAL_EXPORTS_MANIFEST="${PWD}/${local_manifest}"
# Long enough for the local half to reach its pipeline's exports on a loaded machine.
export HYPERION_LOCAL_EXPORTS_WAIT_SECONDS="${HYPERION_LOCAL_EXPORTS_WAIT_SECONDS:-2700}"

SECONDS=0
(make --no-print-directory test-docker 2>&1 | sed -u 's/^/[docker] /') &
docker_pid=$!
local_status=0
"$@" 2>&1 | sed -u 's/^/[local] /' || local_status=$?
local_seconds=${SECONDS}
touch "${local_half_finished}"
docker_status=0
wait "${docker_pid}" || docker_status=$?
echo "test: local half exit ${local_status} (${local_seconds} s); docker half exit ${docker_status} (${SECONDS} s in all)" >&2
((local_status == 0 && docker_status == 0))
