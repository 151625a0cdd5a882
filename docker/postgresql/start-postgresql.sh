#!/usr/bin/env bash
# Start PostgreSQL 15 for the Hive metastore; on the first start (empty volume) create the cluster, the
# metastore role with POSTGRES_PASSWORD and its database.
# Prerequisites: the metastore-db-data volume on /var/lib/postgresql/data. Re-run safe: the set-up runs
# only while the data folder holds no cluster.
set -euo pipefail

data=/var/lib/postgresql/data
if [[ ! -f "${data}/PG_VERSION" ]]; then
    initdb --pgdata="${data}" --encoding=UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256
    # Only the Compose network reaches this port: it is not published on the host.
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "${data}/pg_hba.conf"
    postgres --single -D "${data}" postgres <<SQL
CREATE ROLE ${POSTGRES_USER:?} LOGIN PASSWORD '${POSTGRES_PASSWORD:?}';
CREATE DATABASE ${POSTGRES_DB:?} OWNER ${POSTGRES_USER};
SQL
fi
exec postgres -D "${data}" -c "listen_addresses=${HYPERION_BIND_ADDRESS:?}" \
    -c shared_buffers=128MB -c max_connections=50
