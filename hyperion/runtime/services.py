"""The local runtime's services: how each one is configured, started and probed.

Every service is a plain host process on the same port as in the Docker runtime. Configuration files are
rendered from the shared ones in ``conf/`` and ``hadoop.env`` into ``.runtime/conf/``; data and logs
stay under ``.runtime/``. One-time initialisation (formatting Kafka's and HDFS's storage) happens in
``prepare`` and is skipped when the storage is already formatted, so ``up`` can run any number of times.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hyperion.config import LOOPBACK_ADDRESS, PORTS, REPOSITORY_ROOT, WILDCARD_ADDRESSES, Settings
from hyperion.runtime import health, rehearsal_catalog
from hyperion.runtime.artifacts import COMPONENTS
from hyperion.runtime.hadoop_config import write_local_configuration
from hyperion.runtime.java import JavaRuntime, find_java
from hyperion.runtime.trino_policy import policy_health

CONF_DIRECTORY = REPOSITORY_ROOT / "conf"

# A fixed KRaft cluster id (16 bytes, base64url): the storage is formatted once and reused across runs.
KAFKA_CLUSTER_ID = base64.urlsafe_b64encode(b"hyperion-kafka-1").decode().rstrip("=")

# Hadoop 3.4 and Hive 4 reach into JDK internals that Java 17 closes by default (HADOOP-19310).
JAVA_17_OPENS = [
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in (
        "java.lang",
        "java.lang.reflect",
        "java.io",
        "java.net",
        "java.nio",
        "java.util",
        "java.util.concurrent",
        "java.util.concurrent.atomic",
        "java.util.regex",
        "sun.nio.ch",
        "sun.nio.cs",
        "sun.security.action",
        "sun.util.calendar",
    )
]


@dataclass(frozen=True)
class RuntimeLayout:
    """Where the local runtime keeps things."""

    settings: Settings

    @property
    def root(self) -> Path:
        return Path(self.settings.runtime_directory)

    @property
    def cache(self) -> Path:
        return Path(self.settings.cache_directory)

    def data(self, service: str) -> Path:
        return self.root / "data" / service

    def conf(self, service: str) -> Path:
        return self.root / "conf" / service

    def log(self, service: str) -> Path:
        return self.root / "logs" / f"{service}.log"

    def pid_file(self, service: str) -> Path:
        return self.root / "pids" / f"{service}.json"

    def artifact(self, component: str) -> Path:
        return COMPONENTS[component].directory(self.cache)


@dataclass(frozen=True)
class Service:
    name: str
    ports: dict[str, int]
    java_versions: tuple[int, int | None]
    command: Callable[[RuntimeLayout, JavaRuntime], list[str]]
    probe: Callable[[Settings], health.Health]
    prepare: Callable[[RuntimeLayout, JavaRuntime], None] = lambda layout, java: None
    environment: Callable[[RuntimeLayout, JavaRuntime], dict[str, str]] = lambda layout, java: {}
    artifacts: tuple[str, ...] = field(default_factory=tuple)

    def java(self) -> JavaRuntime:
        return find_java(*self.java_versions)


def _classpath(*entries: Path | str) -> str:
    return os.pathsep.join(str(entry) for entry in entries)


def advertised_host(bind_address: str) -> str:
    """The name a service hands to its clients (Kafka metadata, WebHDFS redirects, Spark URLs).

    On loopback that is ``localhost``, the name every default URL uses. A service opened to the network
    on every interface must hand out a name other hosts can resolve: the machine's; one bound to a
    single address hands out that address.
    """
    if bind_address == LOOPBACK_ADDRESS:
        return "localhost"
    if bind_address in WILDCARD_ADDRESSES:
        return socket.getfqdn()
    return bind_address


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace each ``${NAME}`` of a shared conf/ file; a placeholder left over is an error."""
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    leftover = [line for line in text.splitlines() if "${" in line and not line.lstrip().startswith("#")]
    if leftover:
        raise ValueError(f"unreplaced placeholders in {leftover}")
    return text


def kafka_properties(template: str, data_directory: Path, bind_address: str) -> str:
    """conf/kafka/server.properties with the data folder and the listener addresses filled in."""
    return render_template(
        template,
        {
            "KAFKA_DATA_DIRECTORY": str(data_directory),
            "HYPERION_BIND_ADDRESS": bind_address,
            "HYPERION_ADVERTISED_HOST": advertised_host(bind_address),
        },
    )


def _run_once(command: list[str], log_file: Path, what: str) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a") as log:
        completed = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"{what} failed (exit {completed.returncode}); see {log_file}:\n{tail}")


# --- Kafka -------------------------------------------------------------------------------------------


def _kafka_prepare(layout: RuntimeLayout, java: JavaRuntime) -> None:
    conf = layout.conf("kafka")
    conf.mkdir(parents=True, exist_ok=True)
    data = layout.data("kafka")
    template = (CONF_DIRECTORY / "kafka" / "server.properties").read_text()
    (conf / "server.properties").write_text(kafka_properties(template, data, layout.settings.bind_address))
    shutil.copy(CONF_DIRECTORY / "kafka" / "log4j2.properties", conf / "log4j2.properties")
    if (data / "meta.properties").is_file():
        return
    data.mkdir(parents=True, exist_ok=True)
    lib = layout.artifact("kafka") / "lib"
    _run_once(
        [
            str(java.executable),
            f"-Dlog4j2.configurationFile={conf / 'log4j2.properties'}",
            "-cp",
            f"{lib}/*",
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "--ignore-formatted",
            "--cluster-id",
            KAFKA_CLUSTER_ID,
            "--config",
            str(conf / "server.properties"),
        ],
        layout.log("kafka"),
        "formatting Kafka storage",
    )


def _kafka_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    conf = layout.conf("kafka")
    return [
        str(java.executable),
        "-Xms256m",
        "-Xmx768m",
        "-XX:+UseG1GC",
        f"-Dlog4j2.configurationFile={conf / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={layout.data('kafka')}",
        "-cp",
        f"{layout.artifact('kafka') / 'lib'}/*",
        "kafka.Kafka",
        str(conf / "server.properties"),
    ]


# --- HDFS --------------------------------------------------------------------------------------------


def _hadoop_prepare(layout: RuntimeLayout, java: JavaRuntime) -> None:
    conf = layout.conf("hadoop")
    bind_address = layout.settings.bind_address
    write_local_configuration(layout.data("hdfs"), conf, bind_address, advertised_host(bind_address))
    shutil.copy(CONF_DIRECTORY / "hadoop" / "log4j.properties", conf / "log4j.properties")


def _hadoop_java(layout: RuntimeLayout, java: JavaRuntime, main_class: str, heap: str) -> list[str]:
    hadoop = layout.artifact("hadoop")
    conf = layout.conf("hadoop")
    return [
        str(java.executable),
        f"-Xmx{heap}",
        *JAVA_17_OPENS,
        f"-Dhadoop.home.dir={hadoop}",
        f"-Dhadoop.log.dir={layout.root / 'logs'}",
        f"-Dlog4j.configuration=file:{conf / 'log4j.properties'}",
        "-cp",
        _classpath(conf, hadoop / "webapps-root", f"{hadoop / 'lib'}/*"),
        main_class,
    ]


def _namenode_prepare(layout: RuntimeLayout, java: JavaRuntime) -> None:
    _hadoop_prepare(layout, java)
    if (layout.data("hdfs") / "name" / "current" / "VERSION").is_file():
        return
    command = _hadoop_java(layout, java, "org.apache.hadoop.hdfs.server.namenode.NameNode", "256m")
    _run_once(
        [*command, "-format", "-nonInteractive", "-clusterId", "hyperion"],
        layout.log("namenode"),
        "formatting HDFS",
    )


def _namenode_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    return _hadoop_java(layout, java, "org.apache.hadoop.hdfs.server.namenode.NameNode", "512m")


def _datanode_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    return _hadoop_java(layout, java, "org.apache.hadoop.hdfs.server.datanode.DataNode", "384m")


# --- Hive metastore ----------------------------------------------------------------------------------


def _metastore_prepare(layout: RuntimeLayout, java: JavaRuntime) -> None:
    _hadoop_prepare(layout, java)
    conf = layout.conf("hive-metastore")
    conf.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONF_DIRECTORY / "hive" / "metastore-site.xml", conf / "metastore-site.xml")
    layout.data("hive-metastore").mkdir(parents=True, exist_ok=True)


def _metastore_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    metastore = layout.artifact("hive-metastore")
    return [
        str(java.executable),
        "-Xmx512m",
        *JAVA_17_OPENS,
        f"-Dderby.system.home={layout.data('hive-metastore')}",
        f"-Dhive.log.dir={layout.root / 'logs'}",
        "-cp",
        _classpath(layout.conf("hive-metastore"), layout.conf("hadoop"), f"{metastore / 'lib'}/*"),
        "org.apache.hadoop.hive.metastore.HiveMetaStore",
    ]


def _metastore_environment(layout: RuntimeLayout, java: JavaRuntime) -> dict[str, str]:
    # Derby in the local runtime has no schematool scripts on Maven Central, so DataNucleus creates the
    # schema on first start; the Docker runtime initialises Postgres with schematool instead.
    return {
        "HYPERION_METASTORE_AUTO_CREATE_SCHEMA": "true",
        "HYPERION_METASTORE_SCHEMA_VERIFICATION": "false",
        "HYPERION_METASTORE_DB_URL": (
            f"jdbc:derby:;databaseName={layout.data('hive-metastore') / 'metastore_db'};create=true"
        ),
        # metastore-site.xml binds the Thrift port to this address (metastore.thrift.bind.host).
        "HYPERION_BIND_ADDRESS": layout.settings.bind_address,
    }


# --- Spark (from the pyspark wheel, which has spark-class but no start-master.sh) --------------------


def pyspark_home() -> Path:
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyspark is not installed in this Python; run make install")
    return Path(next(iter(spec.submodule_search_locations)))


def _spark_environment(layout: RuntimeLayout, java: JavaRuntime) -> dict[str, str]:
    return {
        "SPARK_HOME": str(pyspark_home()),
        "JAVA_HOME": str(java.home),
        "SPARK_DAEMON_MEMORY": "384m",
        # The web UIs bind to SPARK_LOCAL_IP (0.0.0.0 without it); RPC binds to --host.
        "SPARK_LOCAL_IP": layout.settings.bind_address,
        "SPARK_LOG_DIR": str(layout.root / "logs"),
        "SPARK_LOCAL_DIRS": str(layout.data("spark-worker") / "local"),
        # Executors must run the driver's Python (same minor version), which is this one.
        "PYSPARK_PYTHON": sys.executable,
    }


def _spark_master_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    ports = PORTS["spark-master"]
    return [
        str(pyspark_home() / "bin" / "spark-class"),
        "org.apache.spark.deploy.master.Master",
        "--host",
        advertised_host(layout.settings.bind_address),
        "--port",
        str(ports["rpc"]),
        "--webui-port",
        str(ports["http"]),
    ]


def _spark_worker_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    work = layout.data("spark-worker")
    work.mkdir(parents=True, exist_ok=True)
    return [
        str(pyspark_home() / "bin" / "spark-class"),
        "org.apache.spark.deploy.worker.Worker",
        f"spark://{advertised_host(layout.settings.bind_address)}:{PORTS['spark-master']['rpc']}",
        "--host",
        advertised_host(layout.settings.bind_address),
        "--cores",
        "2",
        "--memory",
        "3g",
        "--webui-port",
        str(PORTS["spark-worker"]["http"]),
        "--work-dir",
        str(work),
    ]


# --- Trino -------------------------------------------------------------------------------------------


def _trino_prepare(layout: RuntimeLayout, java: JavaRuntime) -> None:
    etc = layout.conf("trino")
    if etc.exists():
        shutil.rmtree(etc)
    shutil.copytree(CONF_DIRECTORY / "trino", etc)
    (etc / "catalog" / f"{rehearsal_catalog.CATALOG}.properties").write_text(
        rehearsal_catalog.catalog_properties(layout.settings.rehearsal_s3_endpoint)
    )
    layout.data("trino").mkdir(parents=True, exist_ok=True)


def _trino_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    etc = layout.conf("trino")
    jvm_options = [
        line.strip()
        for line in (etc / "jvm.config").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    server = layout.artifact("trino") / "server"
    bind_address = layout.settings.bind_address
    # Airlift's HTTP server binds node.bind-ip (0.0.0.0 by default); the node announces itself to the
    # coordinator (itself) at node.internal-address, which must then be an address it listens on.
    internal_address = LOOPBACK_ADDRESS if bind_address in WILDCARD_ADDRESSES else bind_address
    return [
        str(java.executable),
        *jvm_options,
        "-cp",
        f"{server / 'lib'}/*",
        f"-Dnode.data-dir={layout.data('trino')}",
        f"-Dconfig={etc / 'config.properties'}",
        f"-Dlog.levels-file={etc / 'log.properties'}",
        f"-Dcatalog.config-dir={etc / 'catalog'}",
        f"-Daccess-control.config-files={etc / 'access-control.properties'}",
        f"-Dplugin.dir={server / 'plugin'}",
        # What Trino's launcher would read from node.properties.
        "-Dnode.environment=hyperion",
        "-Dnode.id=hyperion-local-1",
        f"-Dnode.bind-ip={bind_address}",
        f"-Dnode.internal-address={internal_address}",
        "io.trino.server.TrinoServer",
    ]


def _trino_environment(layout: RuntimeLayout, java: JavaRuntime) -> dict[str, str]:
    return {
        "HYPERION_HIVE_METASTORE_URI": layout.settings.hive_metastore_uri,
        "HYPERION_TRINO_POLICY_URL": layout.settings.trino_policy_url,
        "JAVA_HOME": str(java.home),
    }


def _trino_policy_command(layout: RuntimeLayout, java: JavaRuntime) -> list[str]:
    return [
        sys.executable,
        str(REPOSITORY_ROOT / "scripts" / "trino_policy.py"),
        "--host",
        LOOPBACK_ADDRESS,
        "--port",
        str(PORTS["trino-policy"]["http"]),
    ]


def _trino_policy_environment(layout: RuntimeLayout, java: JavaRuntime) -> dict[str, str]:
    settings = layout.settings
    return {
        "HYPERION_HDFS_URL": settings.hdfs_url,
        "HYPERION_WAREHOUSE_S3_PREFIX": settings.warehouse_s3_prefix,
        "PYTHONPATH": str(REPOSITORY_ROOT),
    }


def trino_cli_command(settings: Settings) -> list[str]:
    """The Trino CLI (executable jar) on a Java new enough for it, pointed at our server."""
    layout = RuntimeLayout(settings)
    java = find_java(24)
    return [
        str(java.executable),
        "-jar",
        str(layout.artifact("trino") / "trino-cli.jar"),
        "--server",
        settings.trino_url,
        "--user",
        settings.trino_user,
    ]


def _address(service: str, port: str) -> str:
    return f"localhost:{PORTS[service][port]}"


SERVICES: tuple[Service, ...] = (
    Service(
        "kafka",
        PORTS["kafka"],
        (17, None),
        _kafka_command,
        lambda settings: health.kafka_health(settings.kafka_bootstrap_servers),
        prepare=_kafka_prepare,
        artifacts=("kafka",),
    ),
    Service(
        "namenode",
        PORTS["namenode"],
        (17, 21),
        _namenode_command,
        lambda settings: health.namenode_health(_address("namenode", "http")),
        prepare=_namenode_prepare,
        artifacts=("hadoop",),
    ),
    Service(
        "datanode",
        PORTS["datanode"],
        (17, 21),
        _datanode_command,
        lambda settings: health.datanode_health(_address("datanode", "http")),
        prepare=_hadoop_prepare,
        artifacts=("hadoop",),
    ),
    Service(
        "hive-metastore",
        PORTS["hive-metastore"],
        (17, 21),
        _metastore_command,
        lambda settings: health.hive_metastore_health("localhost", PORTS["hive-metastore"]["thrift"]),
        prepare=_metastore_prepare,
        environment=_metastore_environment,
        artifacts=("hive-metastore", "hadoop"),
    ),
    Service(
        "spark-master",
        PORTS["spark-master"],
        (17, 21),
        _spark_master_command,
        lambda settings: health.spark_master_health(_address("spark-master", "http")),
        environment=_spark_environment,
    ),
    Service(
        "spark-worker",
        PORTS["spark-worker"],
        (17, 21),
        _spark_worker_command,
        lambda settings: health.spark_worker_health(_address("spark-master", "http")),
        environment=_spark_environment,
    ),
    Service(
        "trino-policy",
        PORTS["trino-policy"],
        (17, None),
        _trino_policy_command,
        lambda settings: policy_health(f"{LOOPBACK_ADDRESS}:{PORTS['trino-policy']['http']}"),
        environment=_trino_policy_environment,
    ),
    Service(
        "trino",
        PORTS["trino"],
        (24, None),
        _trino_command,
        lambda settings: health.trino_health(_address("trino", "http")),
        prepare=_trino_prepare,
        environment=_trino_environment,
        artifacts=("trino",),
    ),
)

SERVICES_BY_NAME = {service.name: service for service in SERVICES}
