"""Static checks of the Docker runtime (docker-compose.yml and docker/), which no engine runs here.

The file is validated against the Compose Specification JSON schema as vendored by the PyPI package
check-jsonschema (``check_jsonschema/builtin_schemas/vendor/compose-spec.json``, taken from the
compose-spec repository), then against Hyperion's own rules: pinned images, health checks, start-up
order, the published host ports of hyperion/config.py, the Kafka listeners, the WebHDFS DataNode
address, the Spark image's Python and pyspark pins and the files mounted from the repository. The
container scripts (init jobs, health checks, WebHDFS smoke test) run here against fakes.
"""

from __future__ import annotations

import http.server
import importlib.resources
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest
import yaml
from jsonschema.validators import validator_for

from hyperion.config import PORTS, Settings

REPOSITORY = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPOSITORY / "docker-compose.yml"
DOCKER_FOLDER = REPOSITORY / "docker"

# The service table of the Docker runtime (issue 2). Host ports come from hyperion.config.PORTS.
EXPECTED_IMAGE_REPOSITORIES = {
    "kafka": "apache/kafka:4.1.1",
    "kafka-init": "apache/kafka:4.1.1",
    "namenode": "apache/hadoop:3.4.1",
    "datanode": "apache/hadoop:3.4.1",
    "hdfs-init": "apache/hadoop:3.4.1",
    "trino": "trinodb/trino:476",
}
# Ports in hyperion.config.PORTS that stay inside the Compose network: the KRaft controller listener and
# the location policy that only Trino calls.
INTERNAL_ONLY_PORTS = {("kafka", "controller"), ("trino-policy", "http")}
# Services outside hyperion.config.PORTS that publish a port: the optional Kafka UI (profile "ui").
EXTRA_PUBLISHED_PORTS = {"kafka-ui": {8085: 8080}}
ONE_SHOT_SERVICES = {"kafka-init", "hdfs-init", "spark-submit", "webhdfs-smoke"}
EXPECTED_TOPIC_PARTITIONS = {"raw-films": 3, "raw-characters": 3, "raw-boxoffice": 6, "raw-deadletter": 1}
# Heap and memory budget: everything must start on a 2-core, 24 GB machine with headroom.
MEMORY_BUDGET_MEGABYTES = 16 * 1024


# ---------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


def compose_schema() -> dict:
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(schema_file.read_text(encoding="utf-8"))


def schema_errors(document: dict) -> list[str]:
    schema = compose_schema()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def is_default_profile(service: dict) -> bool:
    return not service.get("profiles")


def published_ports(service: dict) -> dict[int, int]:
    """Host port -> container port of a service's short-syntax ``ports`` entries."""
    mapping: dict[int, int] = {}
    for entry in service.get("ports", []):
        assert isinstance(entry, str), f"use the short 'HOST:CONTAINER' syntax, got {entry!r}"
        host_port, container_port = entry.split(":")
        mapping[int(host_port)] = int(container_port)
    return mapping


def bind_mount_sources(service: dict) -> list[str]:
    return [volume.split(":")[0] for volume in service.get("volumes", []) if volume.startswith(".")]


def parse_memory_megabytes(text: str) -> int:
    match = re.fullmatch(r"(\d+)([mMgG])", text)
    assert match, f"not a memory size: {text!r}"
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * 1024 if unit == "g" else number


def maximum_heap_megabytes(java_options: str) -> int:
    sizes = re.findall(r"-Xmx(\d+[mMgG])", java_options)
    assert sizes, f"no -Xmx in {java_options!r}"
    # The JVM honours the last -Xmx it is given.
    return parse_memory_megabytes(sizes[-1])


def load_script(path: Path) -> ModuleType:
    specification = importlib.util.spec_from_file_location(path.stem, path)
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical_lines: list[str] = []
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical_lines.append(current + stripped)
        current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in logical_lines]


# ---------------------------------------------------------------------------------------------------
# The Compose Specification


def test_compose_file_is_valid_against_the_compose_specification(compose: dict) -> None:
    assert schema_errors(compose) == []


def test_the_schema_rejects_an_unknown_depends_on_condition(compose: dict) -> None:
    # Proves that the validation above is strict, not vacuous.
    broken = json.loads(json.dumps(compose))
    broken["services"]["trino"]["depends_on"]["hive-metastore"]["condition"] = "service_ready"
    assert any("trino/depends_on" in error for error in schema_errors(broken))


# ---------------------------------------------------------------------------------------------------
# Images


def test_every_image_is_pinned_to_an_explicit_tag(services: dict[str, dict]) -> None:
    for name, service in services.items():
        image = service.get("image")
        assert image, f"{name} has no image name (built services name their image too)"
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag != "latest", f"{name}: image {image!r} uses latest"


def test_images_match_the_service_table(services: dict[str, dict]) -> None:
    for name, image in EXPECTED_IMAGE_REPOSITORIES.items():
        assert services[name]["image"] == image
    assert re.fullmatch(r"postgres:17\.\d+", services["hive-metastore-db"]["image"])
    assert re.fullmatch(r"kafbat/kafka-ui:v\d+\.\d+\.\d+", services["kafka-ui"]["image"])


def test_every_dockerfile_base_image_is_pinned() -> None:
    dockerfiles = sorted(DOCKER_FOLDER.rglob("Dockerfile"))
    assert dockerfiles, "no Dockerfile under docker/"
    for dockerfile in dockerfiles:
        bases = [
            arguments
            for instruction, arguments in dockerfile_instructions(dockerfile)
            if instruction == "FROM"
        ]
        assert bases, f"{dockerfile} has no FROM"
        for base in bases:
            image = base.split()[0]
            assert re.fullmatch(r"[\w./-]+:[\w.-]+", image), f"{dockerfile}: base {image!r} is not pinned"
            assert not image.endswith(":latest"), f"{dockerfile}: base {image!r} uses latest"


def test_built_services_share_one_spark_image(services: dict[str, dict]) -> None:
    spark_services = ["spark-master", "spark-worker", "spark-submit", "webhdfs-smoke"]
    assert {services[name]["image"] for name in spark_services} == {services["spark-master"]["image"]}
    assert services["spark-master"]["build"]["context"] == "docker/spark"


# ---------------------------------------------------------------------------------------------------
# Health and start-up order


def test_one_shot_services_are_exactly_the_init_jobs_and_tools(services: dict[str, dict]) -> None:
    one_shots = {name for name, service in services.items() if service.get("restart") == "no"}
    assert one_shots == ONE_SHOT_SERVICES
    for name, service in services.items():
        if name not in ONE_SHOT_SERVICES:
            assert service.get("restart") == "unless-stopped", f"{name} should restart unless stopped"


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict]) -> None:
    for name, service in services.items():
        if name in ONE_SHOT_SERVICES:
            continue
        healthcheck = service.get("healthcheck")
        assert healthcheck and not healthcheck.get("disable"), f"{name} has no healthcheck"
        test = healthcheck["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"}, f"{name}: healthcheck {test!r}"
        for timing in ("interval", "timeout", "retries", "start_period"):
            assert timing in healthcheck, f"{name}: healthcheck has no {timing}"


def test_every_dependency_names_the_condition_it_waits_for(services: dict[str, dict]) -> None:
    for name, service in services.items():
        dependencies = service.get("depends_on", {})
        assert isinstance(dependencies, dict), f"{name}: depends_on must use the long syntax"
        for dependency, options in dependencies.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT_SERVICES else "service_healthy"
            )
            assert options.get("condition") == expected, f"{name} -> {dependency}: expected {expected}"


def test_default_init_jobs_are_awaited_by_a_long_running_default_service(services: dict[str, dict]) -> None:
    # `docker compose up --wait` reports an exited container as a failure unless a running service waits
    # for it with service_completed_successfully (docker/compose issue 10596).
    default_init_jobs = {
        name for name in ONE_SHOT_SERVICES if name in services and is_default_profile(services[name])
    }
    assert default_init_jobs == {"kafka-init", "hdfs-init"}
    awaited = {
        dependency
        for name, service in services.items()
        if name not in ONE_SHOT_SERVICES and is_default_profile(service)
        for dependency, options in service.get("depends_on", {}).items()
        if options["condition"] == "service_completed_successfully"
    }
    assert default_init_jobs <= awaited


def test_start_up_order_follows_the_data_flow(services: dict[str, dict]) -> None:
    def dependencies(name: str) -> set[str]:
        return set(services[name].get("depends_on", {}))

    assert dependencies("kafka-init") == {"kafka"}
    assert dependencies("datanode") == {"namenode"}
    assert dependencies("hdfs-init") == {"datanode"}
    assert dependencies("spark-worker") == {"spark-master"}
    assert dependencies("hive-metastore") == {"hive-metastore-db", "hdfs-init"}
    assert {"hive-metastore", "hdfs-init", "kafka-init"} <= dependencies("trino")


# ---------------------------------------------------------------------------------------------------
# Ports and networking


def test_published_host_ports_match_hyperion_config(services: dict[str, dict]) -> None:
    expected: dict[str, set[int]] = {}
    for service_name, ports in PORTS.items():
        for port_name, port in ports.items():
            if (service_name, port_name) not in INTERNAL_ONLY_PORTS:
                expected.setdefault(service_name, set()).add(port)
    for service_name, mapping in EXTRA_PUBLISHED_PORTS.items():
        expected[service_name] = set(mapping)

    published = {
        name: set(published_ports(service)) for name, service in services.items() if "ports" in service
    }
    assert published == expected


def test_published_ports_keep_their_number_inside_the_container(services: dict[str, dict]) -> None:
    # Advertised addresses (Kafka's localhost:9092, the DataNode's localhost:9864) only work when the
    # host port and the container port are the same number.
    for name, service in services.items():
        for host_port, container_port in published_ports(service).items():
            expected = EXTRA_PUBLISHED_PORTS.get(name, {}).get(host_port, host_port)
            assert container_port == expected, f"{name}: {host_port}:{container_port}"


def test_kafka_advertises_an_internal_listener_and_localhost_9092(services: dict[str, dict]) -> None:
    environment = services["kafka"]["environment"]
    listeners = dict(item.split("://") for item in environment["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in environment["KAFKA_ADVERTISED_LISTENERS"].split(","))
    host_listener = next(name for name, address in advertised.items() if address == "localhost:9092")
    assert listeners[host_listener].endswith(":9092")
    internal_listener = environment["KAFKA_INTER_BROKER_LISTENER_NAME"]
    assert advertised[internal_listener] == "kafka:29092"
    assert environment["KAFKA_CONTROLLER_LISTENER_NAMES"] not in advertised
    assert environment["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # A KRaft cluster id is 16 bytes in URL-safe base64 without padding.
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", environment["CLUSTER_ID"])


def test_containers_reach_kafka_through_the_internal_listener(services: dict[str, dict]) -> None:
    assert services["kafka-init"]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:29092"
    assert services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == "kafka:29092"
    assert services["spark-submit"]["environment"]["HYPERION_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:29092"


def test_datanode_registers_as_localhost_for_webhdfs_redirects(services: dict[str, dict]) -> None:
    datanode = services["datanode"]
    assert datanode["environment"]["HDFS-SITE.XML_dfs.datanode.hostname"] == "localhost"
    assert set(published_ports(datanode)) == set(PORTS["datanode"].values())
    # Containers must not follow the "localhost" name over RPC: it would point at themselves.
    for name in ("datanode", "hdfs-init"):
        assert services[name]["environment"]["HDFS-SITE.XML_dfs.client.use.datanode.hostname"] == "false"
    spark_defaults = (DOCKER_FOLDER / "spark" / "spark-defaults.conf").read_text(encoding="utf-8")
    assert re.search(r"^spark\.hadoop\.dfs\.client\.use\.datanode\.hostname\s+false$", spark_defaults, re.M)
    # The in-container WebHDFS check shares the DataNode's network, where localhost is the DataNode.
    assert services["webhdfs-smoke"]["network_mode"] == "service:datanode"


def test_hadoop_overrides_name_real_hadoop_env_properties(services: dict[str, dict]) -> None:
    hadoop_environment = {}
    for line in (REPOSITORY / "hadoop.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            hadoop_environment[key] = value
    assert hadoop_environment["CORE-SITE.XML_fs.defaultFS"] == "hdfs://namenode:8020"
    for name in ("namenode", "datanode", "hdfs-init"):
        assert services[name]["env_file"] == ["hadoop.env"]
        for key in services[name]["environment"]:
            if ".XML_" in key:
                assert key in hadoop_environment, f"{name} overrides {key}, which hadoop.env does not set"


def test_in_network_settings_use_container_addresses(services: dict[str, dict]) -> None:
    environment = services["spark-submit"]["environment"]
    settings = Settings.from_environment(environment)
    assert settings.hdfs_url == "hdfs://namenode:8020"
    assert settings.webhdfs_url == "http://namenode:9870"
    assert settings.spark_master_url == "spark://spark-master:7077"
    assert settings.hive_metastore_uri == services["trino"]["environment"]["HYPERION_HIVE_METASTORE_URI"]
    assert settings.trino_url == "http://trino:8080"


# ---------------------------------------------------------------------------------------------------
# Memory


def test_heap_sizes_are_explicit_and_fit_the_machine(services: dict[str, dict]) -> None:
    heaps = {
        "kafka": maximum_heap_megabytes(services["kafka"]["environment"]["KAFKA_HEAP_OPTS"]),
        "namenode": parse_memory_megabytes(services["namenode"]["environment"]["HADOOP_HEAPSIZE_MAX"]),
        "datanode": parse_memory_megabytes(services["datanode"]["environment"]["HADOOP_HEAPSIZE_MAX"]),
        "spark-master": parse_memory_megabytes(
            services["spark-master"]["environment"]["SPARK_DAEMON_MEMORY"]
        ),
        "spark-worker": parse_memory_megabytes(
            services["spark-worker"]["environment"]["SPARK_DAEMON_MEMORY"]
        ),
        "hive-metastore": maximum_heap_megabytes(services["hive-metastore"]["environment"]["SERVICE_OPTS"]),
        "trino": maximum_heap_megabytes(
            " ".join((REPOSITORY / "conf" / "trino" / "jvm.config").read_text(encoding="utf-8").split())
        ),
        "kafka-ui": maximum_heap_megabytes(services["kafka-ui"]["environment"]["JAVA_OPTS"]),
    }
    worker_command = services["spark-worker"]["command"]
    executor_memory = parse_memory_megabytes(worker_command[worker_command.index("--memory") + 1])
    worker_cores = int(worker_command[worker_command.index("--cores") + 1])
    assert worker_cores <= 2
    # Postgres with 128 MB shared buffers and 50 connections stays well under 512 MB.
    total = sum(heaps.values()) + executor_memory + 512
    assert total <= MEMORY_BUDGET_MEGABYTES, f"{total} MB of heaps: {heaps}"


# ---------------------------------------------------------------------------------------------------
# Files and volumes


def test_files_mounted_from_the_repository_exist(services: dict[str, dict]) -> None:
    for name, service in services.items():
        for source in bind_mount_sources(service):
            assert (REPOSITORY / source).exists(), f"{name} mounts missing {source}"
        for env_file in service.get("env_file", []):
            assert (REPOSITORY / env_file).is_file(), f"{name} reads missing {env_file}"
        build = service.get("build")
        if build:
            assert (REPOSITORY / build["context"] / "Dockerfile").is_file(), f"{name}: no Dockerfile"


def test_trino_mounts_the_shared_configuration(services: dict[str, dict]) -> None:
    targets = {volume.split(":")[1]: volume.split(":")[0] for volume in services["trino"]["volumes"]}
    assert targets["/etc/trino/config.properties"] == "./conf/trino/config.properties"
    assert targets["/etc/trino/jvm.config"] == "./conf/trino/jvm.config"
    assert targets["/etc/trino/catalog"] == "./conf/trino/catalog"
    catalog = (REPOSITORY / "conf" / "trino" / "catalog" / "hive.properties").read_text(encoding="utf-8")
    variable = re.search(r"^hive\.metastore\.uri=\$\{ENV:(\w+)\}$", catalog, re.M)
    assert variable, "hive.properties no longer reads the metastore URI from the environment"
    assert services["trino"]["environment"][variable.group(1)] == "thrift://hive-metastore:9083"


def compose_interpolated(value: str) -> str:
    """A value as `docker compose` would pass it when the ${NAME:-default} variables are unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def effective_metastore_properties(environment: dict[str, str]) -> dict[str, str]:
    """metastore-site.xml as Hadoop's Configuration expands it: ${env.NAME:-default}."""
    root = ElementTree.parse(REPOSITORY / "conf" / "hive" / "metastore-site.xml").getroot()

    def expand(match: re.Match[str]) -> str:
        return environment.get(match.group(1)) or match.group(2)

    return {
        prop.findtext("name"): re.sub(r"\$\{env\.(\w+):-([^}]*)\}", expand, prop.findtext("value") or "")
        for prop in root.iter("property")
    }


def test_metastore_reads_the_shared_file_with_postgres_settings(services: dict[str, dict]) -> None:
    environment = {
        key: compose_interpolated(value) for key, value in services["hive-metastore"]["environment"].items()
    }
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in services["hive-metastore"]["volumes"]}
    assert mounts[environment["HIVE_CUSTOM_CONF_DIR"]] == "./conf/hive"
    assert environment["DB_DRIVER"] == "postgres" and environment["SERVICE_NAME"] == "metastore"

    properties = effective_metastore_properties(environment)
    database = services["hive-metastore-db"]["environment"]
    assert properties["javax.jdo.option.ConnectionDriverName"] == "org.postgresql.Driver"
    assert properties["javax.jdo.option.ConnectionURL"] == (
        f"jdbc:postgresql://hive-metastore-db:5432/{database['POSTGRES_DB']}"
    )
    assert properties["javax.jdo.option.ConnectionUserName"] == database["POSTGRES_USER"]
    assert properties["javax.jdo.option.ConnectionPassword"] == compose_interpolated(
        database["POSTGRES_PASSWORD"]
    )
    assert properties["metastore.warehouse.dir"].startswith("hdfs://namenode:8020/")
    # The image's entrypoint creates the schema with schematool; DataNucleus must not improvise one.
    assert properties["datanucleus.schema.autoCreateAll"] == "false"
    assert properties["metastore.schema.verification"] == "true"
    assert properties["metastore.thrift.port"] == "9083"

    # The system properties in SERVICE_OPTS repeat the file's connection settings; they must agree.
    system_properties = dict(re.findall(r"-D([\w.]+)=(\S+)", environment["SERVICE_OPTS"]))
    for key, value in system_properties.items():
        assert properties[key] == value, key


def test_named_volumes_are_declared_and_used(compose: dict, services: dict[str, dict]) -> None:
    used = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith(".")
    }
    assert used == set(compose["volumes"])
    assert "metastore-db-data" in used and "namenode-data" in used and "kafka-data" in used


# ---------------------------------------------------------------------------------------------------
# Dockerfiles


def test_spark_image_pins_the_host_python_minor_and_pyspark_version() -> None:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    pyspark_pin = next(
        dependency
        for dependency in pyproject["project"]["dependencies"]
        if dependency.startswith("pyspark==")
    )
    python_minor = re.search(r">=(\d+\.\d+)", pyproject["project"]["requires-python"]).group(1)
    assert python_minor == f"{sys.version_info.major}.{sys.version_info.minor}"

    instructions = dockerfile_instructions(DOCKER_FOLDER / "spark" / "Dockerfile")
    base = next(arguments for instruction, arguments in instructions if instruction == "FROM")
    assert re.fullmatch(rf"python:{re.escape(python_minor)}\.\d+-slim-bookworm", base)
    installs = [
        arguments
        for instruction, arguments in instructions
        if instruction == "RUN" and "pip install" in arguments
    ]
    assert len(installs) == 1
    assert re.findall(r"pyspark==[\d.]+", installs[0]) == [pyspark_pin]
    assert any(
        "openjdk-17-jre-headless" in arguments
        for instruction, arguments in instructions
        if instruction == "RUN"
    )


def test_spark_image_copies_only_files_that_exist() -> None:
    context = DOCKER_FOLDER / "spark"
    for instruction, arguments in dockerfile_instructions(context / "Dockerfile"):
        if instruction == "COPY":
            for source in arguments.split()[:-1]:
                assert (context / source).is_file(), f"COPY of missing {source}"


def test_hive_image_adds_a_checked_postgresql_driver_from_maven_central() -> None:
    instructions = dockerfile_instructions(DOCKER_FOLDER / "hive" / "Dockerfile")
    build_arguments = dict(
        arguments.split("=", 1) for instruction, arguments in instructions if instruction == "ARG"
    )
    assert build_arguments["POSTGRESQL_JDBC_VERSION"] == "42.7.7"
    assert re.fullmatch(r"[0-9a-f]{64}", build_arguments["POSTGRESQL_JDBC_SHA256"])
    added = next(arguments for instruction, arguments in instructions if instruction == "ADD")
    assert added.startswith(
        "https://repo1.maven.org/maven2/org/postgresql/postgresql/${POSTGRESQL_JDBC_VERSION}/"
    )
    assert any(
        "sha256sum --check" in arguments for instruction, arguments in instructions if instruction == "RUN"
    )
    assert (
        next(arguments for instruction, arguments in instructions if instruction == "FROM")
        == "apache/hive:4.0.1"
    )


# ---------------------------------------------------------------------------------------------------
# Topics


def read_topics_file() -> dict[str, tuple[int, dict[str, str]]]:
    topics: dict[str, tuple[int, dict[str, str]]] = {}
    for line in (DOCKER_FOLDER / "kafka" / "topics.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, partitions, configs = line.split()
            topics[name] = (int(partitions), dict(pair.split("=") for pair in configs.split(",")))
    return topics


def test_topics_file_lists_the_settings_topics_with_their_partitions() -> None:
    topics = read_topics_file()
    settings = Settings()
    assert set(topics) == {*settings.raw_topics, settings.topic_deadletter}
    assert {name: partitions for name, (partitions, _) in topics.items()} == EXPECTED_TOPIC_PARTITIONS
    for name, (_, configs) in topics.items():
        assert int(configs["retention.ms"]) > 0, f"{name} has no finite retention"
        assert "compression.type" in configs, f"{name} has no compression setting"


# ---------------------------------------------------------------------------------------------------
# Container scripts, run against fakes


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
    scripts = sorted(str(path) for path in DOCKER_FOLDER.rglob("*.sh"))
    assert scripts
    result = subprocess.run([shellcheck, *scripts], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    for script in scripts:
        assert "set -euo pipefail" in Path(script).read_text(encoding="utf-8")


def write_fake_executable(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + body, encoding="utf-8")
    path.chmod(0o755)


def test_create_topics_creates_each_topic_and_applies_its_configs(tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    # The fake describe answers with as many partitions as the create call asked for.
    write_fake_executable(
        bin_folder / "kafka-topics.sh",
        f'echo "kafka-topics.sh $*" >> {calls}\n'
        'if [[ " $* " == *" --describe "* ]]; then\n'
        f'  count=$(grep -- "--create" {calls} | tail -n 1 | sed -E "s/.*--partitions ([0-9]+).*/\\1/")\n'
        "  for ((partition = 0; partition < count; partition++)); do\n"
        '    printf "\\tTopic: x\\tPartition: %d\\tLeader: 1\\n" "$partition"\n'
        "  done\n"
        "fi\n",
    )
    write_fake_executable(bin_folder / "kafka-configs.sh", f'echo "kafka-configs.sh $*" >> {calls}\n')
    environment = {
        **os.environ,
        "KAFKA_BIN_DIR": str(bin_folder),
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:29092",
        "TOPICS_FILE": str(DOCKER_FOLDER / "kafka" / "topics.txt"),
    }
    result = subprocess.run(
        ["bash", str(DOCKER_FOLDER / "kafka" / "create-topics.sh")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = calls.read_text(encoding="utf-8").splitlines()
    creates = [line for line in lines if "--create" in line]
    alters = [line for line in lines if line.startswith("kafka-configs.sh")]
    topics = read_topics_file()
    assert len(creates) == len(alters) == len(topics)
    for (name, (partitions, configs)), create, alter in zip(topics.items(), creates, alters, strict=True):
        assert "--if-not-exists" in create and "--bootstrap-server kafka:29092" in create
        assert f"--topic {name} --partitions {partitions} --replication-factor 1" in create
        assert all(f"--config {key}={value}" in create for key, value in configs.items())
        assert (
            f"--entity-name {name} --add-config {','.join(f'{k}={v}' for k, v in configs.items())}" in alter
        )


def test_create_topics_fails_on_a_topic_with_other_partitions(tmp_path: Path) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    # An existing topic with one partition: create is a no-op, describe reports one partition.
    write_fake_executable(
        bin_folder / "kafka-topics.sh",
        'if [[ " $* " == *" --describe "* ]]; then printf "\\tTopic: x\\tPartition: 0\\n"; fi\n',
    )
    write_fake_executable(bin_folder / "kafka-configs.sh", "true\n")
    environment = {
        **os.environ,
        "KAFKA_BIN_DIR": str(bin_folder),
        "TOPICS_FILE": str(DOCKER_FOLDER / "kafka" / "topics.txt"),
    }
    result = subprocess.run(
        ["bash", str(DOCKER_FOLDER / "kafka" / "create-topics.sh")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "topic raw-films has 1 partitions, expected 3" in result.stderr


def test_create_folders_makes_the_raw_and_table_folders(tmp_path: Path, services: dict[str, dict]) -> None:
    calls = tmp_path / "calls.log"
    write_fake_executable(tmp_path / "hdfs", f'echo "hdfs $*" >> {calls}\n')
    init_environment = services["hdfs-init"]["environment"]
    environment = {
        **os.environ,
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "HYPERION_HDFS_USER": init_environment["HYPERION_HDFS_USER"],
        "RAW_TOPICS": init_environment["RAW_TOPICS"],
    }
    result = subprocess.run(
        ["bash", str(DOCKER_FOLDER / "hadoop" / "create-folders.sh")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = calls.read_text(encoding="utf-8").splitlines()
    expected_folders = ["/raw", "/processed", "/rejects", "/exports"] + [
        f"/raw/{topic}" for topic in Settings().raw_topics
    ]
    assert lines[0] == "hdfs dfsadmin -safemode wait"
    assert lines[1] == "hdfs dfs -mkdir -p " + " ".join(expected_folders)
    assert lines[2] == "hdfs dfs -chown hyperion:supergroup " + " ".join(expected_folders)
    assert lines[3] == "hdfs dfs -chmod 775 " + " ".join(expected_folders)


class FakeEndpoints(http.server.BaseHTTPRequestHandler):
    """JSON answers by path, plus a minimal WebHDFS NameNode and DataNode pair."""

    json_answers: dict[str, dict] = {}
    datanode_address = ""
    stored_files: dict[str, bytes] = {}

    def log_message(self, format: str, *arguments: object) -> None:  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server method name
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        if self.path in self.json_answers:
            self._send(200, json.dumps(self.json_answers[self.path]).encode())
        elif query.get("op") == ["OPEN"] and "datanode" not in query:
            self._send(307, headers={"Location": f"http://{self.datanode_address}{self.path}&datanode=1"})
        elif query.get("op") == ["OPEN"]:
            self._send(200, self.stored_files.get(parsed.path, b""))
        else:
            self._send(404)

    def do_PUT(self) -> None:  # noqa: N802 - the http.server method name
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        if "datanode" not in query:
            self._send(307, headers={"Location": f"http://{self.datanode_address}{self.path}&datanode=1"})
            return
        length = int(self.headers.get("Content-Length", "0"))
        self.stored_files[parsed.path] = self.rfile.read(length)
        self._send(201)

    def do_DELETE(self) -> None:  # noqa: N802 - the http.server method name
        removed = self.stored_files.pop(urllib.parse.urlsplit(self.path).path, None) is not None
        self._send(200, json.dumps({"boolean": removed}).encode())


@pytest.fixture
def fake_server() -> Iterator[tuple[str, type[FakeEndpoints]]]:
    handler = type("Handler", (FakeEndpoints,), {"json_answers": {}, "stored_files": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    address = f"127.0.0.1:{server.server_address[1]}"
    handler.datanode_address = address
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}", handler
    finally:
        server.shutdown()
        server.server_close()


def jmx(bean: dict) -> dict:
    return {"beans": [bean]}


def test_namenode_health_requires_leaving_safe_mode() -> None:
    healthcheck = load_script(DOCKER_FOLDER / "healthcheck.py")
    in_safe_mode = "Safe mode is ON. The reported blocks 0 needs additional 1 blocks."
    assert healthcheck.namenode_health(jmx({"Safemode": in_safe_mode}))[0] is False
    assert healthcheck.namenode_health(jmx({"Safemode": ""})) == (True, "the NameNode is out of safe mode")
    assert healthcheck.namenode_health(jmx({}))[0] is False


def test_datanode_health_requires_a_live_datanode() -> None:
    healthcheck = load_script(DOCKER_FOLDER / "healthcheck.py")
    assert healthcheck.datanode_health(jmx({"NumLiveDataNodes": 0}))[0] is False
    assert healthcheck.datanode_health(jmx({"NumLiveDataNodes": 1}))[0] is True
    with pytest.raises(ValueError, match="expected one JMX bean, got 0"):
        healthcheck.datanode_health({"beans": []})


def test_spark_health_reads_the_master_state() -> None:
    healthcheck = load_script(DOCKER_FOLDER / "healthcheck.py")
    state = {"status": "ALIVE", "aliveworkers": 0, "workers": [{"id": "w1", "state": "DEAD"}]}
    assert healthcheck.spark_master_health(state)[0] is True
    assert healthcheck.spark_worker_health(state)[0] is False
    state["workers"].append({"id": "w2", "state": "ALIVE"})
    assert healthcheck.spark_worker_health(state) == (True, "the Spark master lists 1 alive worker(s)")
    assert healthcheck.spark_master_health({"status": "STANDBY"})[0] is False


def test_healthcheck_main_asks_the_endpoint_the_compose_file_names(
    fake_server: tuple[str, type[FakeEndpoints]], services: dict[str, dict]
) -> None:
    base_url, handler = fake_server
    healthcheck = load_script(DOCKER_FOLDER / "healthcheck.py")
    handler.json_answers[healthcheck.NAMENODE_INFO_PATH] = jmx({"Safemode": ""})
    handler.json_answers[healthcheck.NAMESYSTEM_STATE_PATH] = jmx({"NumLiveDataNodes": 0})
    assert healthcheck.main(["namenode", "--url", base_url]) == 0
    assert healthcheck.main(["datanode", "--url", base_url]) == 1
    # Nothing answers /json/ here: an endpoint that cannot be read is unhealthy, not an exception.
    assert healthcheck.main(["spark-master", "--url", base_url]) == 1

    for name in ("namenode", "datanode", "spark-master", "spark-worker"):
        test = services[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python3", "/opt/hyperion/healthcheck.py"]
        assert test[3] == name and test[4] == "--url"


def test_webhdfs_smoke_follows_the_datanode_redirect(fake_server: tuple[str, type[FakeEndpoints]]) -> None:
    base_url, handler = fake_server
    smoke = load_script(DOCKER_FOLDER / "webhdfs_smoke.py")
    assert smoke.round_trip(base_url, "hyperion", "/tmp") == handler.datanode_address
    assert handler.stored_files == {}, "the scratch file was not deleted"
    assert smoke.main(["--namenode-url", base_url]) == 0


def refused_address() -> str:
    """A local TCP address with nothing listening: bound, then closed, so connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def test_webhdfs_smoke_fails_when_the_redirect_target_is_unreachable(
    fake_server: tuple[str, type[FakeEndpoints]],
) -> None:
    base_url, handler = fake_server
    # A DataNode address that leads nowhere from here, like a container host name seen from the host.
    handler.datanode_address = refused_address()
    smoke = load_script(DOCKER_FOLDER / "webhdfs_smoke.py")
    with pytest.raises(smoke.WebHdfsError, match=f"cannot reach the DataNode at {handler.datanode_address}"):
        smoke.round_trip(base_url, "hyperion", "/tmp")
    assert smoke.main(["--namenode-url", base_url]) == 1
