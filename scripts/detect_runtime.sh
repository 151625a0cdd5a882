#!/usr/bin/env bash
# Print the runtime to use: "docker" when a Docker engine answers, "local" otherwise.
# Prerequisites: none. Re-run safety: read-only.
set -euo pipefail
if command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1; then
  echo docker
else
  echo local
fi
