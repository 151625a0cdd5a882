#!/usr/bin/env bash
# Creates the Hyperion HDFS folders (the hdfs-init service of docker-compose.yml): /raw/<topic> for each
# raw topic, /processed, /rejects and /exports, owned by $HYPERION_HDFS_USER.
# Prerequisites: a NameNode out of safe mode and a live DataNode; runs as the HDFS superuser (the user
# the NameNode runs as). Re-run safe: mkdir -p, chown and chmod are idempotent.
set -euo pipefail

hdfs_user="${HYPERION_HDFS_USER:-hyperion}"
read -r -a raw_topics <<< "${RAW_TOPICS:-raw-films raw-characters raw-boxoffice}"

folders=(/raw /processed /rejects /exports)
for topic in "${raw_topics[@]}"; do
    folders+=("/raw/${topic}")
done

hdfs dfsadmin -safemode wait
hdfs dfs -mkdir -p "${folders[@]}"
hdfs dfs -chown "${hdfs_user}:supergroup" "${folders[@]}"
# Group-writable: Spark executors, Trino and the metastore act under other user names. hadoop.env turns
# permission checks off for this single-user stack; these modes are what a checked cluster would need.
hdfs dfs -chmod 775 "${folders[@]}"
hdfs dfs -ls -d "${folders[@]}" >&2
