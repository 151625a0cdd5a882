#!/usr/bin/env bash
# Runs spark-submit from inside the Compose network (the spark-submit service), passing its arguments.
#   docker compose run --rm spark-submit spark_jobs/<job>.py <arguments>
# Prerequisites: spark-master and spark-worker healthy. Re-run safe: it only submits the job it is given.
set -euo pipefail

# A `docker compose run` container has no DNS name the executors could resolve, so the driver
# advertises its IP address.
driver_address="$(python3 -c 'import socket; print(socket.gethostbyname(socket.gethostname()))')"

exec spark-submit \
    --master "${HYPERION_SPARK_MASTER_URL:-spark://spark-master:7077}" \
    --conf "spark.driver.host=${driver_address}" \
    "$@"
