#!/usr/bin/env bash
# EMR bootstrap action: install Python 3.11 on every node of the proof cluster.
#
# Why: the hyperion package and the Spark jobs target Python 3.11, and the driver and the
# executors must run the same Python minor version. EMR 7.1+ installs 3.11 next to the default
# 3.9 (the install below is then a no-op); spark-env in the cluster configuration points
# PYSPARK_PYTHON at /usr/bin/python3.11.
# Prerequisites: runs as the hadoop user with sudo, before applications start (EMR does this).
# Re-run safety: dnf install is idempotent.
set -euo pipefail

sudo dnf install -y python3.11 python3.11-pip
# Only what the jobs import beyond PySpark itself; keep in step with pyproject.toml.
sudo /usr/bin/python3.11 -m pip install --quiet "pyarrow==21.0.0" "jsonschema==4.25.1"
