"""Each service of the stack does real work, driven from Python on the host."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
import trino
from hdfs import InsecureClient
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from hyperion.config import Settings
from hyperion.runtime import supervisor
from hyperion.runtime.services import SERVICES, RuntimeLayout, trino_cli_command
from hyperion.runtime.spark_submit import SubmitOptions, spark_submit_command, submit_environment
from hyperion.runtime.supervisor import read_record

pytestmark = pytest.mark.integration

JOB = Path(__file__).parent / "jobs" / "hdfs_roundtrip.py"
FILMS = [
    {"studio": "pixar", "gross": 191_796_233},
    {"studio": "pixar", "gross": 245_852_179},
    {"studio": "wdas", "gross": 422_783_777},
]


@pytest.fixture
def hdfs_root(stack: Settings):
    client = InsecureClient(stack.webhdfs_url, user=stack.hdfs_user)
    # Under the warehouse root: Trino registers tables over /processed only (docs/architecture.md).
    root = f"/processed/_stack_test_{uuid.uuid4().hex[:12]}"
    client.makedirs(root)
    yield client, root
    client.delete(root, recursive=True)


def test_kafka_produce_and_consume_a_message(stack: Settings) -> None:
    topic = f"test-stack-{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap_servers)
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    try:
        producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap_servers, acks="all")
        metadata = producer.send(topic, key=b"toy-story", value=b'{"title": "Toy Story"}').get(timeout=30)
        producer.close()
        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=stack.kafka_bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            consumer_timeout_ms=20_000,
        )
        messages = list(consumer)
        consumer.close()
    finally:
        admin.delete_topics([topic])
        admin.close()
    assert metadata.topic == topic
    assert [(message.key, json.loads(message.value)) for message in messages] == [
        (b"toy-story", {"title": "Toy Story"})
    ]


def test_webhdfs_write_list_and_read(hdfs_root) -> None:
    client, root = hdfs_root
    body = "\n".join(json.dumps(film) for film in FILMS) + "\n"
    # The write follows the NameNode's redirect to the DataNode, which is what breaks on a badly
    # advertised DataNode host name.
    client.write(f"{root}/films.jsonl", data=body, encoding="utf-8")
    assert client.list(root) == ["films.jsonl"]
    assert client.status(f"{root}/films.jsonl")["length"] == len(body.encode())
    with client.read(f"{root}/films.jsonl", encoding="utf-8") as reader:
        assert reader.read() == body


def test_spark_job_on_the_standalone_master_reads_and_writes_hdfs_and_trino_queries_it(
    stack: Settings, hdfs_root, tmp_path: Path
) -> None:
    client, root = hdfs_root
    client.write(
        f"{root}/input/films.jsonl", data="\n".join(json.dumps(film) for film in FILMS), encoding="utf-8"
    )
    command = spark_submit_command(
        JOB,
        ["--input", f"{stack.hdfs_url}{root}/input", "--output", f"{stack.hdfs_url}{root}/output"],
        SubmitOptions(master=stack.spark_master_url),
    )
    completed = subprocess.run(command, env=submit_environment(), capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert f"MASTER={stack.spark_master_url}" in completed.stdout
    parquet_files = [name for name in client.list(f"{root}/output") if name.endswith(".parquet")]
    assert len(parquet_files) == 1

    # Register the Parquet output in the Hive metastore through Trino, then query it two ways.
    schema = f"stack_test_{uuid.uuid4().hex[:12]}"
    location = f"{stack.hdfs_url}{root}/output"
    connection = trino.dbapi.connect(
        host=stack.trino_host, port=stack.trino_port, user=stack.trino_user, catalog=stack.trino_catalog
    )
    cursor = connection.cursor()
    cursor.execute(f"create schema {schema}")
    try:
        cursor.execute(
            f"create table {schema}.studio_totals (studio varchar, films bigint, gross bigint) "
            f"with (external_location = '{location}', format = 'PARQUET')"
        )
        cursor.fetchall()
        cursor.execute(f"select studio, films, gross from {schema}.studio_totals order by studio")
        assert cursor.fetchall() == [["pixar", 2, 437_648_412], ["wdas", 1, 422_783_777]]

        query_file = tmp_path / "studio_totals.sql"
        query_file.write_text(f"select studio, gross from {schema}.studio_totals where films = 2;\n")
        cli = subprocess.run(
            [
                *trino_cli_command(stack),
                "--catalog",
                "hive",
                "--output-format",
                "CSV",
                "--file",
                str(query_file),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        assert cli.stdout.strip().splitlines() == ['"pixar","437648412"']
    finally:
        cursor.execute(f"drop table if exists {schema}.studio_totals")
        cursor.fetchall()
        cursor.execute(f"drop schema {schema}")
        cursor.fetchall()
    # The table was external: dropping it must leave Spark's files in place.
    assert client.list(f"{root}/output")


def test_up_again_on_a_running_stack_keeps_every_process(stack: Settings) -> None:
    layout = RuntimeLayout(stack)
    before = {service.name: read_record(layout, service) for service in SERVICES}
    missing = [name for name, record in before.items() if record is None]
    assert not missing, f"not started by the local runtime (no live pid record): {missing}"
    supervisor.up(stack, timeout=60)
    after = {service.name: read_record(layout, service) for service in SERVICES}
    assert after == before
    assert all(entry.health.healthy for entry in supervisor.status(stack))
