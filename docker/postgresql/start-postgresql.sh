#!/usr/bin/env bash
# Start PostgreSQL 15 for the Hive metastore. On the first start (empty volume) create the cluster, the
# metastore's role and database, and load Hive's own schema script into it as that role, so that the
# metastore starts on a complete, versioned schema (DataNucleus creating tables lazily deadlocks on
# PostgreSQL: docs/docker-runtime.md).
# Prerequisites: the metastore-db-data volume on /var/lib/postgresql/data. Re-run safe: the set-up runs
# only while the data folder holds no cluster, and a failed set-up leaves no cluster behind.
set -euo pipefail

data=/var/lib/postgresql/data
if [[ ! -f "${data}/PG_VERSION" ]]; then
    trap 'rm -rf "${data:?}"/*' ERR
    initdb --pgdata="${data}" --encoding=UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256
    # Only the Compose network reaches this port: it is not published on the host.
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "${data}/pg_hba.conf"
    # A server on the local socket only, for the set-up.
    pg_ctl --pgdata="${data}" --options="-c listen_addresses=''" --wait start
    psql --quiet --set=ON_ERROR_STOP=1 --dbname=postgres \
        --set=user="${POSTGRES_USER:?}" --set=password="${POSTGRES_PASSWORD:?}" --set=db="${POSTGRES_DB:?}" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL
    psql --quiet --set=ON_ERROR_STOP=1 --username="${POSTGRES_USER}" --dbname="${POSTGRES_DB}" \
        --file=/opt/hyperion/hive-schema.postgres.sql > /dev/null
    pg_ctl --pgdata="${data}" --mode=fast --wait stop
    trap - ERR
fi
exec postgres -D "${data}" -c "listen_addresses=${HYPERION_BIND_ADDRESS:?}" \
    -c shared_buffers=128MB -c max_connections=50
