-- Register every processed table in the Hive catalog as an external table over its Parquet folder.
--
-- Question: none; this is the setup that every other file in queries/ reads from.
-- Grain: one table per /processed/<table>/ folder written by spark_jobs/01..03 (one row per natural key;
-- see docs/05-transform.md for each table's grain).
--
-- Types match what Spark wrote: bigint for Spark longs (keys, cents, USD), integer for ints, date for
-- dates, array(varchar) for string lists. box_office_daily is partitioned by box_office_year, so its
-- partitions are registered after the create (sync_partition_metadata).
--
-- Runs as is in the Trino CLI against the local runtime:
--     trino --server http://localhost:8080 --file queries/00_create_tables.sql
-- scripts/06_queries.py runs it through the trino client and rewrites two things first: the location
-- prefix 'hdfs://localhost:8020/processed' (to --processed-root, e.g. s3://bucket/processed on EMR or
-- hdfs://namenode:8020/processed inside Docker) and the schema name hyperion (to --schema).
-- Dropping an external table drops only its metadata, so re-running this file is safe.

create schema if not exists hive.hyperion;

drop table if exists hive.hyperion.studios;

create table hive.hyperion.studios (
    studio_key bigint,
    studio_id varchar,
    studio_name varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/studios'
);

drop table if exists hive.hyperion.franchises;

create table hive.hyperion.franchises (
    franchise_key bigint,
    franchise_id varchar,
    franchise_name varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/franchises'
);

drop table if exists hive.hyperion.films;

create table hive.hyperion.films (
    film_key bigint,
    film_id varchar,
    title varchar,
    release_date date,
    release_year integer,
    studio_key bigint,
    studio_id varchar,
    franchise_key bigint,
    franchise_id varchar,
    directors array(varchar),
    runtime_minutes integer,
    release_type varchar,
    animation_type varchar,
    domestic_gross_usd bigint,
    worldwide_gross_usd bigint,
    gross_note varchar,
    source_file varchar,
    run_id varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/films'
);

drop table if exists hive.hyperion.characters;

create table hive.hyperion.characters (
    character_key bigint,
    character_id varchar,
    name varchar,
    species varchar,
    species_detail varchar,
    gender varchar,
    first_film_id varchar,
    film_count integer
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/characters'
);

drop table if exists hive.hyperion.talent;

create table hive.hyperion.talent (
    talent_key bigint,
    talent_name varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/talent'
);

drop table if exists hive.hyperion.character_appearances;

create table hive.hyperion.character_appearances (
    appearance_key bigint,
    character_key bigint,
    character_id varchar,
    film_key bigint,
    film_id varchar,
    talent_key bigint,
    talent_name varchar,
    credit_type varchar,
    role varchar,
    character_name varchar,
    notes varchar,
    attribution varchar,
    source_file varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/character_appearances'
);

drop table if exists hive.hyperion.box_office_daily;

create table hive.hyperion.box_office_daily (
    film_key bigint,
    film_id varchar,
    box_office_date date,
    state varchar,
    gross_cents bigint,
    theater_count integer,
    day_number integer,
    box_office_year integer
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/box_office_daily',
    partitioned_by = array['box_office_year']
);

call hive.system.sync_partition_metadata(schema_name => 'hyperion', table_name => 'box_office_daily', mode => 'FULL');

drop table if exists hive.hyperion.box_office_weekly;

create table hive.hyperion.box_office_weekly (
    film_key bigint,
    film_id varchar,
    week_number integer,
    week_start_date date,
    gross_cents bigint,
    days_with_gross integer
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/box_office_weekly'
);

drop table if exists hive.hyperion.box_office_film_summary;

create table hive.hyperion.box_office_film_summary (
    film_key bigint,
    film_id varchar,
    total_gross_cents bigint,
    opening_weekend_gross_cents bigint,
    opening_weekend_share double,
    first_date date,
    last_date date,
    days_with_gross integer,
    peak_day_gross_cents bigint,
    state_count integer,
    top_state varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/box_office_film_summary'
);

drop table if exists hive.hyperion.box_office_reconciliation;

create table hive.hyperion.box_office_reconciliation (
    film_key bigint,
    film_id varchar,
    catalog_domestic_gross_cents bigint,
    box_office_gross_cents bigint,
    difference_cents bigint,
    status varchar
) with (
    format = 'PARQUET',
    external_location = 'hdfs://localhost:8020/processed/box_office_reconciliation'
);
