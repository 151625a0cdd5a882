"""Static checks of the Docker runtime (docker-compose.yml, docker/, hyperion.runtime.docker).

The Compose file is validated against the Compose Specification JSON schema vendored by check-jsonschema,
then against Hyperion's rules: our own images built FROM debian:bookworm-slim with no registry access,
tags that follow the versions of the POMs and pyproject.toml, health checks that ask for real work,
start-up order, ports published on HYPERION_PUBLISH_ADDRESS only, services that listen on every interface
of their container, the rendered Hadoop settings and the in-network spark-submit command. The health
check script runs against fake servers; scripts/detect_runtime.sh runs against a fake docker command.
The stack itself runs in tests/e2e/test_docker_stack.py.
"""

from __future__ import annotations

import http.server
import importlib.resources
import importlib.util
import json
import os
import re
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest
import yaml
from jsonschema.validators import validator_for

from hyperion.config import PORTS, REPOSITORY_ROOT, Settings
from hyperion.runtime import docker
from hyperion.runtime.spark_submit import SubmitOptions

COMPOSE_FILE = REPOSITORY_ROOT / "docker-compose.yml"
DOCKER_FOLDER = REPOSITORY_ROOT / "docker"
PUBLISH = "${HYPERION_PUBLISH_ADDRESS:-127.0.0.1}"
# Ports in hyperion.config.PORTS that stay inside the Compose network: the KRaft controller listener.
INTERNAL_ONLY_PORTS = {("kafka", "controller"), ("trino-policy", "http")}
ONE_SHOT_SERVICES = {"kafka-init", "hdfs-init", "spark-submit"}
# The stack's memory target (docs/benchmarks.md): the daemons' heaps, one job's executor (the pipeline
# runs one job at a time) within 6 GB; docs/benchmarks.md has the measured figure.
MEMORY_BUDGET_MEGABYTES = 6 * 1024


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


def schema_errors(document: dict) -> list[str]:
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]


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


def load_healthcheck() -> ModuleType:
    specification = importlib.util.spec_from_file_location("healthcheck", DOCKER_FOLDER / "healthcheck.py")
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


# --- the Compose Specification -----------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification(compose: dict) -> None:
    assert schema_errors(compose) == []


def test_the_schema_rejects_an_unknown_depends_on_condition(compose: dict) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["hive-metastore"]["depends_on"]["metastore-db"]["condition"] = "service_ready"
    assert any("hive-metastore/depends_on" in error for error in schema_errors(broken))


# --- images ------------------------------------------------------------------------------------------


def test_every_service_runs_one_of_our_images_built_from_a_staged_context(services: dict[str, dict]) -> None:
    tags = {image.tag: image for image in docker.images()}
    for name, service in services.items():
        assert service["image"] in tags, f"{name} runs {service['image']}, not one of {sorted(tags)}"
        folder = tags[service["image"]].folder
        assert service["build"]["context"] == f".runtime/docker/{folder}"
        assert (DOCKER_FOLDER / folder / "Dockerfile").is_file()


def test_image_tags_follow_the_pinned_versions() -> None:
    tags = {image.folder: image.tag for image in docker.images()}
    pins = docker.pinned_versions()
    assert tags["spark"] == f"hyperion-spark:{pins['pyspark']}-python3.11"
    assert tags["trino"] == "hyperion-trino:476"
    assert tags["kafka"].startswith("hyperion-kafka:4.")


def test_every_dockerfile_builds_from_debian_bookworm_slim_without_a_registry() -> None:
    for dockerfile in sorted(DOCKER_FOLDER.glob("*/Dockerfile")):
        instructions = dockerfile_instructions(dockerfile)
        stages = set()
        for instruction, arguments in instructions:
            if instruction == "FROM":
                words = arguments.split()
                assert words[0] == docker.BASE_IMAGE or words[0] in stages, f"{dockerfile}: FROM {words[0]}"
                if len(words) == 3 and words[1].upper() == "AS":
                    stages.add(words[2])
            # Nothing may be downloaded at build time except Debian packages over apt.
            assert not (instruction == "ADD" and "://" in arguments), f"{dockerfile}: ADD from a URL"
            assert not re.search(r"\b(curl|wget)\b", arguments), f"{dockerfile}: downloads with {arguments}"
            if "pip install" in arguments:
                assert "--no-index" in arguments, f"{dockerfile}: pip may reach an index"


def test_the_java_17_images_share_their_first_layer() -> None:
    # An identical first RUN on the same base is built and stored once.
    first_runs = set()
    for folder in ("kafka", "hadoop", "hive-metastore", "spark"):
        instructions = dockerfile_instructions(DOCKER_FOLDER / folder / "Dockerfile")
        last_from = max(index for index, (instruction, _) in enumerate(instructions) if instruction == "FROM")
        first_runs.add(instructions[last_from + 1])
    assert len(first_runs) == 1
    (instruction, arguments) = first_runs.pop()
    assert instruction == "RUN" and "openjdk-17-jre-headless" in arguments


# --- health and start-up order -----------------------------------------------------------------------


def test_one_shot_services_are_exactly_the_init_jobs_and_the_driver(services: dict[str, dict]) -> None:
    one_shots = {name for name, service in services.items() if service.get("restart") == "no"}
    assert one_shots == ONE_SHOT_SERVICES
    for name in set(services) - ONE_SHOT_SERVICES:
        assert services[name]["restart"] == "unless-stopped", name


def test_every_long_running_service_asks_itself_for_real_work(services: dict[str, dict]) -> None:
    checks = load_healthcheck().CHECKS
    for name in set(services) - ONE_SHOT_SERVICES:
        test = services[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python3", "/opt/hyperion/healthcheck.py"], name
        assert test[3] == name and name in checks


def test_every_dependency_names_the_condition_it_waits_for(services: dict[str, dict]) -> None:
    for name, service in services.items():
        for dependency, options in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT_SERVICES else "service_healthy"
            )
            assert options["condition"] == expected, f"{name} -> {dependency}"


def test_up_wait_returns_only_after_both_init_jobs(services: dict[str, dict]) -> None:
    assert set(services["trino"]["depends_on"]) >= {"hdfs-init", "kafka-init"}
    assert set(services["kafka-init"]["depends_on"]) == {"kafka"}
    assert set(services["hdfs-init"]["depends_on"]) == {"datanode"}
    assert services["spark-submit"]["profiles"] == ["submit"]


def test_init_services_run_the_pipelines_own_steps(services: dict[str, dict]) -> None:
    assert services["kafka-init"]["command"] == ["python3", "scripts/01_create_topics.py"]
    assert services["hdfs-init"]["command"] == ["python3", "scripts/02_init_hdfs.py"]
    for name in ("kafka-init", "hdfs-init"):
        for command_part in services[name]["command"][1:]:
            assert (REPOSITORY_ROOT / command_part).is_file()


# --- exposure ----------------------------------------------------------------------------------------


def test_ports_are_published_on_the_publish_address_with_their_own_number(services: dict[str, dict]) -> None:
    expected = {
        (service, port)
        for service, ports in PORTS.items()
        for name, port in ports.items()
        if (service, name) not in INTERNAL_ONLY_PORTS
    }
    published = set()
    for name, service in services.items():
        for entry in service.get("ports", []):
            address, host_port, container_port = entry.rsplit(":", 2)
            assert address == PUBLISH, f"{name}: {entry} is not bound to the publish address"
            assert host_port == container_port, f"{name}: {entry}"
            published.add((name, int(host_port)))
    assert published == expected


def test_services_listen_on_their_container_interfaces_explicitly(services: dict[str, dict]) -> None:
    for name in set(services) - ONE_SHOT_SERVICES:
        environment = services[name]["environment"]
        assert environment["HYPERION_BIND_ADDRESS"] == "0.0.0.0", name
        assert environment["HYPERION_PUBLISH_ADDRESS"] == PUBLISH, name


def test_kafka_advertises_the_publish_address_to_the_host() -> None:
    script = (DOCKER_FOLDER / "kafka" / "start-kafka.sh").read_text()
    advertised = re.search(r"^advertised\.listeners=(.*)$", script, re.M).group(1)
    assert "HOST://${HYPERION_PUBLISH_ADDRESS:-127.0.0.1}:9092" in advertised
    assert "INTERNAL://kafka:29092" in advertised


def test_the_datanode_registers_under_the_publish_address_for_webhdfs_redirects(tmp_path: Path) -> None:
    docker.render_docker_hadoop_configuration(tmp_path)
    root = ElementTree.parse(tmp_path / "hdfs-site.xml").getroot()
    properties = {item.findtext("name"): item.findtext("value") for item in root}
    assert properties["dfs.datanode.hostname"] == "${env.HYPERION_PUBLISH_ADDRESS}"
    assert properties["dfs.datanode.http.address"] == "${env.HYPERION_BIND_ADDRESS}:9864"
    # Containers reach the DataNode by IP: the publish address means the host, not the DataNode, to them.
    assert properties["dfs.client.use.datanode.hostname"] == "false"
    # hadoop.env's shared settings are kept.
    assert properties["dfs.replication"] == "1"


def test_docker_runtime_settings_put_host_endpoints_on_the_publish_address() -> None:
    settings = Settings.from_environment(
        {"HYPERION_RUNTIME": "docker", "HYPERION_PUBLISH_ADDRESS": "127.0.0.2"}
    )
    assert settings.kafka_bootstrap_servers == "127.0.0.2:9092"
    assert settings.webhdfs_url == "http://127.0.0.2:9870"
    assert settings.trino_url == "http://127.0.0.2:8080"
    # Spark drivers and Trino run in the network, so HDFS locations keep the service name.
    assert settings.hdfs_url == "hdfs://namenode:8020"
    assert settings.spark_master_url == "spark://spark-master:7077"
    explicit = Settings.from_environment({"HYPERION_RUNTIME": "docker", "HYPERION_TRINO_URL": "http://x:1"})
    assert explicit.trino_url == "http://x:1"
    assert Settings.from_environment({}).hdfs_url == "hdfs://localhost:8020"


def test_in_network_settings_name_the_services(services: dict[str, dict]) -> None:
    settings = Settings.from_environment(services["spark-submit"]["environment"])
    assert settings.hdfs_url == "hdfs://namenode:8020"
    assert settings.kafka_bootstrap_servers == "kafka:29092"
    assert settings.hive_metastore_uri == services["trino"]["environment"]["HYPERION_HIVE_METASTORE_URI"]


# --- spark-submit inside the network -----------------------------------------------------------------


def test_spark_submit_runs_the_driver_in_the_network_with_the_images_python(tmp_path: Path) -> None:
    job = REPOSITORY_ROOT / "spark_jobs" / "04_export_analytics.py"
    exports = tmp_path / "exports"
    command = docker.spark_submit_command(
        job,
        ["--input", "hdfs://namenode:8020/processed", "--exports", str(exports)],
        "spark://spark-master:7077",
    )
    run = command.index("run")
    assert command[:2] == ["docker", "compose"] and "--rm" in command[run:]
    assert command[command.index("--user") + 1] == f"{os.getuid()}:{os.getgid()}"
    volumes = {command[index + 1] for index, part in enumerate(command) if part == "--volume"}
    # The checkout and the exports folder keep their paths inside, so every path argument still works.
    assert f"{REPOSITORY_ROOT}:{REPOSITORY_ROOT}" in volumes
    assert f"{exports}:{exports}" in volumes and exports.is_dir()
    assert f"spark.pyspark.python={docker.CONTAINER_PYTHON}" in command
    assert command[command.index("spark-submit") + 1 : command.index("spark-submit") + 3] == [
        "--master",
        "spark://spark-master:7077",
    ]
    assert command[-5:] == [str(job), "--input", "hdfs://namenode:8020/processed", "--exports", str(exports)]


def test_the_spark_images_defaults_carry_hadoop_envs_hdfs_client_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Spark process of the stack writes HDFS with hadoop.env's client settings, a driver started by a
    hand-typed ``docker compose run spark-submit`` included: they are in the image's spark-defaults.conf."""
    monkeypatch.setattr(docker, "fetch_wheels", lambda settings: tmp_path / "wheels")
    (tmp_path / "wheels").mkdir()
    settings = Settings(cache_directory=str(tmp_path / "cache"), runtime_directory=str(tmp_path / "runtime"))
    spark = next(image for image in docker.images() if image.folder == "spark")
    checked_in = docker.DOCKER_DIRECTORY / "spark" / "spark-defaults.conf"
    checked_in_bytes = checked_in.read_bytes()
    context = docker.stage_build_context(spark, settings, tmp_path / "contexts")
    lines = (context / "spark-defaults.conf").read_text().splitlines()
    defaults = dict(line.split(maxsplit=1) for line in lines if line and not line.startswith("#"))
    # hadoop.env's close back-off (50 ms, not the client's 400 ms), and the containers' DataNode by IP.
    assert defaults["spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms"] == "50"
    assert defaults["spark.hadoop.dfs.client.use.datanode.hostname"] == "false"
    assert defaults["spark.hadoop.fs.defaultFS"] == "hdfs://namenode:8020"
    assert len(defaults) == sum(1 for line in lines if line and not line.startswith("#")), "a name repeats"
    # Staging writes a new file: the checked-in one, which the context hard-links at first, keeps its bytes.
    assert checked_in.read_bytes() == checked_in_bytes


# --- memory ------------------------------------------------------------------------------------------


def megabytes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([mMgG])", text).groups()
    return int(number) * (1024 if unit.lower() == "g" else 1)


def test_heaps_fit_the_memory_target(services: dict[str, dict]) -> None:
    environment = {name: service.get("environment", {}) for name, service in services.items()}
    jvm_config = (REPOSITORY_ROOT / "conf" / "trino" / "jvm.config").read_text()
    metastore_script = (DOCKER_FOLDER / "hive-metastore" / "start-metastore.sh").read_text()
    postgresql_script = (DOCKER_FOLDER / "postgresql" / "start-postgresql.sh").read_text()
    total = (
        megabytes(re.findall(r"-Xmx(\d+[mg])", environment["kafka"]["KAFKA_HEAP_OPTS"])[-1])
        + megabytes(environment["namenode"]["HADOOP_HEAPSIZE_MAX"])
        + megabytes(environment["datanode"]["HADOOP_HEAPSIZE_MAX"])
        + megabytes(environment["spark-master"]["SPARK_DAEMON_MEMORY"])
        + megabytes(environment["spark-worker"]["SPARK_DAEMON_MEMORY"])
        + megabytes(re.search(r"-Xmx(\d+[mg])", metastore_script).group(1))
        + megabytes(re.search(r"-Xmx(\d+[MmGg])", jvm_config).group(1))
        + megabytes(re.search(r"shared_buffers=(\d+[MmGg])B", postgresql_script).group(1))
        + megabytes(SubmitOptions(master="spark://spark-master:7077").executor_memory)
    )
    assert total <= MEMORY_BUDGET_MEGABYTES


# --- the metastore's database ---------------------------------------------------------------------------


def test_the_metastore_runs_on_postgresql_with_hives_own_verified_schema(services: dict[str, dict]) -> None:
    metastore = services["hive-metastore"]
    assert metastore["depends_on"]["metastore-db"] == {"condition": "service_healthy"}
    environment = metastore["environment"]
    assert environment["HYPERION_METASTORE_DB_URL"] == "jdbc:postgresql://metastore-db:5432/metastore"
    assert environment["HYPERION_METASTORE_DB_DRIVER"] == "org.postgresql.Driver"
    assert (
        environment["HYPERION_METASTORE_DB_USER"] == services["metastore-db"]["environment"]["POSTGRES_USER"]
    )
    # DataNucleus creating tables lazily deadlocks on PostgreSQL: the schema is loaded, then verified.
    assert environment["HYPERION_METASTORE_AUTO_CREATE_SCHEMA"] == "false"
    assert environment["HYPERION_METASTORE_SCHEMA_VERIFICATION"] == "true"
    # Only the metastore, in the network, reaches the database; its data is on a named volume.
    assert "ports" not in services["metastore-db"]
    assert services["metastore-db"]["volumes"] == ["metastore-db-data:/var/lib/postgresql/data"]


def test_the_database_image_loads_the_schema_script_the_build_context_receives() -> None:
    script = (DOCKER_FOLDER / "postgresql" / "start-postgresql.sh").read_text()
    assert "--file=/opt/hyperion/hive-schema.postgres.sql" in script and "ON_ERROR_STOP=1" in script
    dockerfile = (DOCKER_FOLDER / "postgresql" / "Dockerfile").read_text()
    assert "COPY hive-schema.postgres.sql " in dockerfile
    assert docker.metastore_schema_version("4.0.1") == "4.0.0"


# --- the health check script against fake servers ----------------------------------------------------


@pytest.fixture
def tcp_server() -> Iterator[callable]:
    """Start a one-connection TCP server that answers with ``reply(request_bytes)``; yield its starter."""
    threads = []

    def start(reply) -> str:
        listener = socket.create_server(("127.0.0.1", 0))

        def serve() -> None:
            connection, _ = listener.accept()
            with connection:
                request = connection.recv(65536)
                connection.sendall(reply(request))
            listener.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        threads.append(thread)
        return f"127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for thread in threads:
        thread.join(timeout=5)


def test_kafka_check_reads_the_api_versions_error_code(tcp_server) -> None:
    healthcheck = load_healthcheck()

    def answer(error_code: int):
        def reply(request: bytes) -> bytes:
            api_key, api_version, correlation_id = struct.unpack(">hhi", request[4:12])
            assert (api_key, api_version) == (18, 0)
            body = struct.pack(">ihi", correlation_id, error_code, 0)
            return struct.pack(">i", len(body)) + body

        return reply

    assert healthcheck.kafka_api_versions(tcp_server(answer(0)))[0] is True
    assert healthcheck.kafka_api_versions(tcp_server(answer(35)))[0] is False


def test_metastore_check_needs_a_thrift_reply_not_an_exception(tcp_server) -> None:
    healthcheck = load_healthcheck()

    def answer(message_type: int):
        def reply(request: bytes) -> bytes:
            assert b"get_all_databases" in request
            return struct.pack(">I", 0x80010000 | message_type) + healthcheck.thrift_string(
                "get_all_databases"
            )

        return reply

    assert healthcheck.hive_metastore(tcp_server(answer(2)))[0] is True
    assert healthcheck.hive_metastore(tcp_server(answer(3)))[0] is False


@pytest.fixture
def json_server() -> Iterator[callable]:
    servers = []

    def start(routes: dict[str, dict]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def respond(self) -> None:
                body = json.dumps(routes[self.path]).replace("BASE", address).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            do_GET = respond  # noqa: N815 - the http.server naming
            do_POST = respond  # noqa: N815

            def log_message(self, *arguments) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        address = f"127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return address

    yield start
    for server in servers:
        server.shutdown()


def test_datanode_check_asks_the_datanode_whether_it_is_registered(json_server) -> None:
    healthcheck = load_healthcheck()
    query = "/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo"

    def datanode(actor_state: str) -> str:
        actors = [{"NamenodeAddress": "namenode:8020", "ActorState": actor_state}]
        return json_server({query: {"beans": [{"BPServiceActorInfo": json.dumps(actors)}]}})

    assert healthcheck.datanode(datanode("RUNNING"))[0] is True
    assert healthcheck.datanode(datanode("CONNECTING"))[0] is False


@pytest.mark.parametrize(
    ("exit_status", "output", "healthy"), [(0, "4.0.0\n", True), (0, "\n", False), (2, "", False)]
)
def test_metastore_db_check_needs_a_schema_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_status: int, output: str, healthy: bool
) -> None:
    fake_psql = tmp_path / "psql"
    fake_psql.write_text(
        "#!/usr/bin/env bash\n"
        '[[ "$*" == *"--username=hive --dbname=metastore"*VERSION* ]] || exit 3\n'
        f"printf '{output}'; echo 'could not connect' >&2; exit {exit_status}\n"
    )
    fake_psql.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    monkeypatch.setenv("POSTGRES_USER", "hive")
    monkeypatch.setenv("POSTGRES_DB", "metastore")
    assert load_healthcheck().metastore_db("/var/run/postgresql")[0] is healthy


def test_trino_check_follows_the_query_to_finished(json_server) -> None:
    healthcheck = load_healthcheck()

    def trino(final_state: str) -> str:
        return json_server(
            {
                "/v1/statement": {
                    "nextUri": "http://BASE/v1/statement/queued/1",
                    "stats": {"state": "QUEUED"},
                },
                "/v1/statement/queued/1": {"stats": {"state": final_state}},
            }
        )

    assert healthcheck.trino(trino("FINISHED"))[0] is True
    assert healthcheck.trino(trino("FAILED"))[0] is False


# --- runtime detection -------------------------------------------------------------------------------


@pytest.fixture
def listening_address() -> Iterator[str]:
    """host:port of a socket that accepts connections, standing in for a running local stack's Kafka."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"127.0.0.1:{server.getsockname()[1]}"


def closed_address() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize(
    ("engine_answers", "compose_works", "docker_kafka", "local_stack_runs", "expected"),
    [
        (True, True, "", False, "docker"),
        (True, False, "", False, "local"),
        (False, True, "", False, "local"),
        # The runtime that is up wins over what the machine could run.
        (True, True, "", True, "local"),
        (True, True, "127.0.0.2:9092", False, "docker"),
        (True, False, "", True, "local"),
        # A local stack on 127.0.0.1 and a Docker stack beside it on 127.0.0.2: the default address wins.
        (True, True, "127.0.0.2:9092", True, "local"),
        (True, True, "LOCAL", False, "docker"),
    ],
)
def test_detect_runtime_prefers_the_running_stack_then_needs_an_engine_and_compose_v2(
    tmp_path: Path,
    listening_address: str,
    engine_answers: bool,
    compose_works: bool,
    docker_kafka: str,
    local_stack_runs: bool,
    expected: str,
) -> None:
    local_address = listening_address if local_stack_runs else closed_address()
    # "LOCAL": the Docker stack's Kafka is published on the local runtime's address itself.
    docker_kafka = local_address if docker_kafka == "LOCAL" else docker_kafka
    fake_docker = tmp_path / "docker"
    fake_docker.write_text(
        "#!/usr/bin/env bash\n"
        f'if [[ "$1" == info ]]; then exit {0 if engine_answers else 1}; fi\n'
        f'if [[ "$1" == compose ]]; then [[ {int(compose_works)} == 1 ]] || exit 1; fi\n'
        'if [[ "$*" == *" port kafka 9092"* ]]; then '
        f"{f'echo {docker_kafka}' if docker_kafka else 'exit 1'}; exit 0; fi\n"
        'if [[ "$*" == *version* ]]; then echo v2.40.3; exit 0; fi\n'
        "exit 1\n"
    )
    fake_docker.chmod(0o755)
    completed = subprocess.run(
        [str(REPOSITORY_ROOT / "scripts" / "detect_runtime.sh")],
        env={
            **os.environ,
            "PATH": f"{tmp_path}:/usr/bin:/bin",
            "HYPERION_DETECT_LOCAL_ADDRESS": local_address,
            "HYPERION_RUNTIME_DIRECTORY": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == expected
    assert completed.stderr.startswith(f"runtime {expected}: ")
    if engine_answers and not compose_works:
        assert "docker compose" in completed.stderr
    if expected == "docker" and docker_kafka:
        assert f"its Kafka on {docker_kafka}" in completed.stderr


def test_a_build_context_digest_follows_the_small_files_bytes_and_every_files_size(tmp_path: Path) -> None:
    context = tmp_path / "context"
    (context / "conf").mkdir(parents=True)
    (context / "Dockerfile").write_text("FROM debian:bookworm-slim\n")
    (context / "conf" / "server.properties").write_text("a=1\n")
    (context / "artifact.jar").write_bytes(b"\0" * docker.SMALL_FILE_BYTES)
    first = docker.context_digest(context)
    assert docker.context_digest(context) == first
    (context / "conf" / "server.properties").write_text("a=2\n")
    edited = docker.context_digest(context)
    assert edited != first
    # A large artifact is known by its name and size (its version is in its name).
    (context / "artifact.jar").write_bytes(b"\1" * docker.SMALL_FILE_BYTES)
    assert docker.context_digest(context) == edited
    (context / "artifact.jar").write_bytes(b"\1" * (docker.SMALL_FILE_BYTES + 1))
    assert docker.context_digest(context) != edited


def test_every_dockerfile_ends_with_its_context_digest_label() -> None:
    for dockerfile in sorted(DOCKER_FOLDER.glob("*/Dockerfile")):
        last_lines = dockerfile.read_text().strip().splitlines()[-2:]
        assert last_lines == [
            "ARG CONTEXT_DIGEST=unknown",
            f"LABEL {docker.CONTEXT_DIGEST_LABEL}=${{CONTEXT_DIGEST}}",
        ], dockerfile


def detect_runtime(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    """detect_runtime.sh with tmp_path first on PATH and as the runtime directory."""
    return subprocess.run(
        [str(REPOSITORY_ROOT / "scripts" / "detect_runtime.sh"), *arguments],
        env={
            **os.environ,
            "PATH": f"{tmp_path}:/usr/bin:/bin",
            "HYPERION_RUNTIME_DIRECTORY": str(tmp_path),
            # Nothing listens on port 9: no local stack seems to run.
            "HYPERION_DETECT_LOCAL_ADDRESS": "127.0.0.1:9",
        },
        capture_output=True,
        text=True,
        check=True,
    )


def test_a_running_stack_keeps_its_runtime_until_make_down(tmp_path: Path) -> None:
    # An engine and Compose appear after `make up` chose local (a helper installed them, or a slow engine
    # answered late): the jobs must still go to the local stack that runs, not to an absent Compose one.
    fake_docker = tmp_path / "docker"
    fake_docker.write_text("#!/usr/bin/env bash\necho v2.40.3\nexit 0\n")
    fake_docker.chmod(0o755)
    assert detect_runtime(tmp_path).stdout.strip() == "docker"
    detect_runtime(tmp_path, "--record", "local")
    recorded = detect_runtime(tmp_path)
    assert recorded.stdout.strip() == "local"
    assert "started with it" in recorded.stderr
    detect_runtime(tmp_path, "--forget")
    assert not (tmp_path / "runtime").exists()
    assert detect_runtime(tmp_path).stdout.strip() == "docker"
