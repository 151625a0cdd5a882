#!/usr/bin/env bash
# spark-submit from inside the Compose network (the spark-submit service); hyperion/runtime/docker.py
# renders its arguments. Prerequisites: spark-master and spark-worker healthy. Re-run safe: submits only
# the job it is given.
set -euo pipefail

# A `docker compose run` container has no DNS name that executors could resolve: advertise its address.
driver_address="$(hostname -i | cut -d' ' -f1)"
exec spark-submit --conf "spark.driver.host=${driver_address}" "$@"
