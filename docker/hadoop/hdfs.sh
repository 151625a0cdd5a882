#!/usr/bin/env bash
# Start an HDFS daemon in the Docker runtime: `hdfs.sh namenode` (formats its storage on the first start)
# or `hdfs.sh datanode`. The same Java command as the local runtime (hyperion/runtime/services.py), with
# the Hadoop 3.4 --add-opens flags from java17.args (rendered from the same list).
# Prerequisites: a volume on /data. Re-run safe: the format is skipped once /data/namenode is formatted.
set -euo pipefail

hadoop=/opt/hadoop
java_command=(java "-Xmx${HADOOP_HEAPSIZE_MAX:-512m}" @/opt/hyperion/conf/java17.args
    -Dhadoop.home.dir="${hadoop}" -Dhadoop.log.dir=/tmp
    -Dlog4j.configuration=file:/opt/hyperion/conf/hadoop/log4j.properties
    -cp "/opt/hyperion/conf/hadoop:${hadoop}/webapps-root:${hadoop}/lib/*")
case "${1:-}" in
    namenode)
        if [[ ! -f /data/namenode/current/VERSION ]]; then
            "${java_command[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode \
                -format -nonInteractive -clusterId hyperion
        fi
        exec "${java_command[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode ;;
    datanode)
        exec "${java_command[@]}" org.apache.hadoop.hdfs.server.datanode.DataNode ;;
    *)
        echo "usage: hdfs.sh namenode|datanode" >&2
        exit 2 ;;
esac
