#!/usr/bin/env bash
# Start the Hive standalone metastore in the Docker runtime: the same Java command as the local runtime
# (hyperion/runtime/services.py); the database comes from HYPERION_METASTORE_DB_* (PostgreSQL).
# Prerequisites: the NameNode and metastore-db healthy. Re-run safe: it only reads and writes metadata.
set -euo pipefail

conf=/opt/hyperion/conf
exec java -Xmx512m @"${conf}/java17.args" -Dhive.log.dir=/tmp \
    -cp "${conf}/hive:${conf}/hadoop:/opt/hive-metastore/lib/*" \
    org.apache.hadoop.hive.metastore.HiveMetaStore
