#!/usr/bin/env bash
# Creates the Hyperion Kafka topics listed in topics.txt (the kafka-init service of docker-compose.yml).
# Prerequisites: a healthy broker at $KAFKA_BOOTSTRAP_SERVERS; the Kafka CLI in /opt/kafka/bin.
# Re-run safe: topics are created with --if-not-exists and their configs are set again to the listed
# values; a topic that exists with a different partition count stops the script with an error.
set -euo pipefail

bootstrap_servers="${KAFKA_BOOTSTRAP_SERVERS:-kafka:29092}"
topics_file="${TOPICS_FILE:-/opt/hyperion/kafka/topics.txt}"
kafka_bin="${KAFKA_BIN_DIR:-/opt/kafka/bin}"

while read -r topic partitions configs; do
    [[ -z "${topic}" || "${topic}" == \#* ]] && continue

    config_arguments=()
    IFS=',' read -r -a config_pairs <<< "${configs}"
    for pair in "${config_pairs[@]}"; do
        config_arguments+=(--config "${pair}")
    done

    "${kafka_bin}/kafka-topics.sh" --bootstrap-server "${bootstrap_servers}" --create --if-not-exists \
        --topic "${topic}" --partitions "${partitions}" --replication-factor 1 "${config_arguments[@]}"
    # --if-not-exists leaves an existing topic untouched, so apply the configs explicitly.
    "${kafka_bin}/kafka-configs.sh" --bootstrap-server "${bootstrap_servers}" --alter \
        --entity-type topics --entity-name "${topic}" --add-config "${configs}"

    actual_partitions="$("${kafka_bin}/kafka-topics.sh" --bootstrap-server "${bootstrap_servers}" \
        --describe --topic "${topic}" | grep -c 'Partition: ' || true)"
    if [[ "${actual_partitions}" != "${partitions}" ]]; then
        echo "topic ${topic} has ${actual_partitions} partitions, expected ${partitions};" \
            "drop the kafka-data volume (docker compose down -v) to recreate it" >&2
        exit 1
    fi
    echo "topic ${topic}: ${partitions} partitions, ${configs}" >&2
done < "${topics_file}"
