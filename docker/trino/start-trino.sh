#!/usr/bin/env bash
# Start Trino in the Docker runtime: the same Java command as the local runtime
# (hyperion/runtime/services.py, _trino_command), JVM options from conf/trino/jvm.config.
# Prerequisites: the metastore healthy. Re-run safe: keeps its state in /data/trino only.
set -euo pipefail

etc=/opt/hyperion/conf/trino
server=/opt/trino/server
mapfile -t jvm_options < <(grep -v -e '^#' -e '^[[:space:]]*$' "${etc}/jvm.config")
exec java "${jvm_options[@]}" -cp "${server}/lib/*" \
    -Dnode.data-dir=/data/trino -Dconfig="${etc}/config.properties" \
    -Dlog.levels-file="${etc}/log.properties" -Dcatalog.config-dir="${etc}/catalog" \
    -Dplugin.dir="${server}/plugin" -Dnode.environment=hyperion -Dnode.id=hyperion-docker-1 \
    io.trino.server.TrinoServer
