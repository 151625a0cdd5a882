"""The EMR rehearsal's pure parts: Spark's S3A settings, the step commands, the catalog, the comparison."""

from __future__ import annotations

from pathlib import Path

from hyperion.cloud import emr
from hyperion.cloud.emr_rehearsal import (
    Comparison,
    RehearsalReport,
    fingerprint_sql,
    in_catalog,
    local_step_command,
    rows_digest,
    spark_defaults,
)
from hyperion.runtime import rehearsal_catalog
from hyperion.transform.schemas import PROCESSED_TABLES

ENDPOINT = "http://127.0.0.1:9555"


def test_s3_maps_to_s3a_on_moto_with_path_style_and_dummy_credentials():
    defaults = spark_defaults(
        ENDPOINT, [Path("/cache/hadoop-aws.jar"), Path("/cache/bundle.jar")], "/venv/python"
    )
    assert defaults["spark.hadoop.fs.s3.impl"] == "org.apache.hadoop.fs.s3a.S3AFileSystem"
    assert defaults["spark.hadoop.fs.s3a.endpoint"] == ENDPOINT
    assert defaults["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert defaults["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert defaults["spark.driver.extraClassPath"] == "/cache/hadoop-aws.jar:/cache/bundle.jar"
    assert defaults["spark.hadoop.fs.s3a.access.key"] == rehearsal_catalog.ACCESS_KEY


def test_a_step_keeps_its_exact_arguments_only_spark_submit_is_local():
    step = emr.spark_steps(emr.RunLocation("bucket", "run"))[0]
    command = local_step_command(step, Path("/venv/pyspark/bin/spark-submit"))
    assert command[0] == "/venv/pyspark/bin/spark-submit"
    assert command[1:] == step["HadoopJarStep"]["Args"][1:]


def test_sql_for_the_hive_catalog_moves_to_the_rehearsal_catalog():
    sql = (
        "create table hive.hyperion.films (archive varchar);\n"
        "call hive.system.sync_partition_metadata(schema_name => 'hyperion')"
    )
    assert in_catalog(sql, "rehearsal") == (
        "create table rehearsal.hyperion.films (archive varchar);\n"
        "call rehearsal.system.sync_partition_metadata(schema_name => 'hyperion')"
    )


def test_rows_digest_ignores_order_but_not_values():
    assert rows_digest([[1, "a"], [2, "b"]]) == rows_digest([[2, "b"], [1, "a"]])
    assert rows_digest([[1, "a"], [2, "b"]]) != rows_digest([[1, "a"], [2, "c"]])


def test_the_report_fails_on_any_difference_and_on_nothing_compared():
    assert not RehearsalReport().passed
    report = RehearsalReport(comparisons=[Comparison("table", "films", "x", "x", 3)])
    assert report.passed
    report.comparisons.append(Comparison("query", "q.sql", "x", "y", 1))
    assert not report.passed
    assert report.lines()[-1] == "rehearsal FAILED: 1/2 equal"


def test_the_rehearsal_catalog_reads_s3_through_the_file_metastore():
    properties = rehearsal_catalog.catalog_properties(ENDPOINT)
    assert "hive.metastore=file" in properties
    assert f"hive.metastore.catalog.dir=s3://{rehearsal_catalog.BUCKET}/" in properties
    assert f"s3.endpoint={ENDPOINT}" in properties
    assert "fs.native-s3.enabled=true" in properties
    assert "s3.path-style-access=true" in properties


def test_the_load_steps_write_the_version_the_uploaded_registration_publishes():
    location = emr.RunLocation("bucket", "run")
    for step in emr.spark_steps(location):
        arguments = step["HadoopJarStep"]["Args"]
        if "--topic" in arguments:
            assert arguments[arguments.index("--version") + 1] == location.version
        else:
            assert "--version" not in arguments
    registration = emr.table_registration_sql(location.locations.processed, location.version)
    assert f"'{location.uri('processed/films')}/{location.version}'" in registration


def test_a_tables_fingerprint_hashes_whole_rows_of_every_column():
    sql = fingerprint_sql("rehearsal", "hyperion", "films")
    columns = [column.name for column in PROCESSED_TABLES["films"].fields]
    assert sql == f"select count(*), checksum(row({', '.join(columns)})) from rehearsal.hyperion.films"


def test_the_report_counts_rows_of_tables_and_bytes_of_exports():
    report = RehearsalReport(
        comparisons=[
            Comparison("table", "films", "a" * 64, "a" * 64, 208),
            Comparison("export", "films_complete.parquet", "b" * 64, "b" * 64, 24098),
        ]
    )
    table, export = report.lines()[-3:-1]
    assert "rows=208 " in table and "bytes=" not in table
    assert "bytes=24098 " in export and "rows=" not in export
