#!/usr/bin/env bash
# Start Kafka (KRaft) in the Docker runtime: conf/kafka/server.properties, as the local runtime uses it,
# plus the container's listeners; formats the storage on the first start only.
# Prerequisites: the kafka-data volume on /var/lib/kafka/data. Re-run safe: the format is skipped when
# the storage already holds meta.properties.
set -euo pipefail

data=/var/lib/kafka/data
conf=/var/lib/kafka/server.properties
bind="${HYPERION_BIND_ADDRESS:?set HYPERION_BIND_ADDRESS (0.0.0.0 inside a container)}"
# Later keys win in a Java properties file: the shared file first, then what differs in a container.
# INTERNAL serves the Compose network (kafka:29092); HOST is what the host reaches through the published
# port, advertised on the publish address, since a broker answers every client with the advertised
# address of the listener it came in through.
sed "s#\${KAFKA_DATA_DIRECTORY}#${data}#" /opt/hyperion/conf/kafka/server.properties > "${conf}"
cat >> "${conf}" <<PROPERTIES
listeners=INTERNAL://${bind}:29092,HOST://${bind}:9092,CONTROLLER://${bind}:9093
advertised.listeners=INTERNAL://kafka:29092,HOST://${HYPERION_PUBLISH_ADDRESS:-127.0.0.1}:9092,CONTROLLER://kafka:9093
listener.security.protocol.map=INTERNAL:PLAINTEXT,HOST:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.quorum.bootstrap.servers=kafka:9093
PROPERTIES

read -r -a heap_options <<< "${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
java_command=(java "${heap_options[@]}" -XX:+UseG1GC
    -Dlog4j2.configurationFile=/opt/hyperion/conf/kafka/log4j2.properties -Dkafka.logs.dir="${data}"
    -cp '/opt/kafka/lib/*')
if [[ ! -f "${data}/meta.properties" ]]; then
    "${java_command[@]}" kafka.tools.StorageTool format --standalone --ignore-formatted \
        --cluster-id "${KAFKA_CLUSTER_ID:?}" --config "${conf}"
fi
exec "${java_command[@]}" kafka.Kafka "${conf}"
