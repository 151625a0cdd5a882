"""Unit tests of the local runtime's own logic: configuration rendering, version probing, bookkeeping."""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from hyperion.config import PORTS, REPOSITORY_ROOT, Settings
from hyperion.runtime import artifacts, services
from hyperion.runtime.hadoop_config import (
    HadoopEnvError,
    parse_hadoop_env,
    render_configuration,
    spark_hadoop_client_confs,
    write_local_configuration,
)
from hyperion.runtime.health import Health
from hyperion.runtime.java import JavaRuntime, parse_major_version
from hyperion.runtime.services import SERVICES, RuntimeLayout, Service
from hyperion.runtime.supervisor import (
    ProcessRecord,
    ServiceStatus,
    StackError,
    _process_matches,
    _stop_record,
    format_status_table,
    read_record,
    start_services,
)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "25" 2025-09-16', 25),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21.0.2-ea" 2024-01-16', 21),
        ("no version here", None),
    ],
)
def test_parse_major_version(output: str, expected: int | None) -> None:
    assert parse_major_version(output) == expected


def test_parse_hadoop_env_groups_properties_by_file_and_skips_comments() -> None:
    text = "# comment\n\nCORE-SITE.XML_fs.defaultFS=hdfs://namenode:8020\nHDFS-SITE.XML_dfs.replication=1\n"
    assert parse_hadoop_env(text) == {
        "core-site.xml": {"fs.defaultFS": "hdfs://namenode:8020"},
        "hdfs-site.xml": {"dfs.replication": "1"},
    }


def test_parse_hadoop_env_names_file_and_line_of_a_bad_line() -> None:
    with pytest.raises(HadoopEnvError, match=r"my.env:2: expected FILE.XML_property=value"):
        parse_hadoop_env("HDFS-SITE.XML_dfs.replication=1\nnot a property line\n", source="my.env")


def test_render_configuration_escapes_and_round_trips() -> None:
    document = render_configuration({"a.b": "x<y&z", "c": ""})
    root = ElementTree.fromstring(document)
    pairs = [(prop.findtext("name"), prop.findtext("value") or "") for prop in root.iter("property")]
    assert pairs == [("a.b", "x<y&z"), ("c", "")]


def test_spark_gets_the_hdfs_client_settings_only_with_the_runtimes_overrides() -> None:
    files = parse_hadoop_env(
        "HDFS-SITE.XML_dfs.replication=1\n"
        "HDFS-SITE.XML_dfs.client.use.datanode.hostname=true\n"
        "CORE-SITE.XML_dfs.client.not.hdfs=1\n"
        "HDFS-SITE.XML_dfs.client.block.write.locateFollowingBlock.initial.delay.ms=50\n"
    )
    assert spark_hadoop_client_confs(files) == [
        "--conf",
        "spark.hadoop.dfs.client.use.datanode.hostname=true",
        "--conf",
        "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=50",
    ]
    overridden = spark_hadoop_client_confs(
        files, {"hdfs-site.xml": {"dfs.client.use.datanode.hostname": "false", "dfs.replication": "3"}}
    )
    assert "spark.hadoop.dfs.client.use.datanode.hostname=false" in overridden
    assert not any("replication" in argument for argument in overridden)


def test_repository_hadoop_env_renders_local_files_with_localhost(tmp_path: Path) -> None:
    written = write_local_configuration(tmp_path / "hdfs", tmp_path / "conf")
    assert sorted(path.name for path in written) == ["core-site.xml", "hdfs-site.xml"]
    hdfs_site = {
        prop.findtext("name"): prop.findtext("value")
        for prop in ElementTree.parse(tmp_path / "conf" / "hdfs-site.xml").getroot().iter("property")
    }
    core_site = {
        prop.findtext("name"): prop.findtext("value")
        for prop in ElementTree.parse(tmp_path / "conf" / "core-site.xml").getroot().iter("property")
    }
    assert core_site["fs.defaultFS"] == f"hdfs://localhost:{PORTS['namenode']['rpc']}"
    assert hdfs_site["dfs.datanode.hostname"] == "localhost"
    assert hdfs_site["dfs.namenode.name.dir"] == (tmp_path / "hdfs" / "name").as_uri()
    # Shared settings come through unchanged from hadoop.env.
    assert hdfs_site["dfs.replication"] == "1"
    assert hdfs_site["dfs.permissions.enabled"] == "false"


def test_every_component_pom_names_its_version() -> None:
    versions = {name: component.version for name, component in artifacts.COMPONENTS.items()}
    assert versions == {"kafka": "4.1.1", "hadoop": "3.4.1", "hive-metastore": "4.0.1", "trino": "476"}


def test_pom_property_reports_a_missing_property(tmp_path: Path) -> None:
    pom = tmp_path / "pom.xml"
    pom.write_text('<project xmlns="http://maven.apache.org/POM/4.0.0"><properties/></project>')
    with pytest.raises(artifacts.ArtifactFetchError, match="no <x.version> property"):
        artifacts.pom_property(pom, "x.version")


def test_settings_read_hyperion_variables_and_keep_defaults() -> None:
    settings = Settings.from_environment(
        {"HYPERION_KAFKA_BOOTSTRAP_SERVERS": "broker:29092", "HYPERION_TRINO_URL": "http://trino:8081"}
    )
    assert settings.kafka_bootstrap_servers == "broker:29092"
    assert (settings.trino_host, settings.trino_port) == ("trino", 8081)
    assert settings.hdfs_url == "hdfs://localhost:8020"


def test_services_use_distinct_ports_from_the_shared_table() -> None:
    ports = [port for service in SERVICES for port in service.ports.values()]
    assert len(ports) == len(set(ports))
    assert {service.name for service in SERVICES} == set(PORTS)


def test_process_record_matches_only_a_live_process_of_its_command(tmp_path: Path) -> None:
    process = subprocess.Popen(["sleep", "30"])
    record = ProcessRecord(process.pid, ["sleep", "30"], time.time())
    # Between fork and exec the child still shows Python's command line; wait for the exec.
    deadline = time.monotonic() + 10
    while Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")[0] != b"sleep":
        assert time.monotonic() < deadline, "sleep did not start"
        time.sleep(0.01)
    try:
        assert _process_matches(record)
        assert not _process_matches(ProcessRecord(process.pid, ["java", "kafka.Kafka"], time.time()))
    finally:
        process.kill()
        process.wait()
    assert not _process_matches(record)
    pid_file = tmp_path / "kafka.json"
    pid_file.write_text(record.to_json())
    assert ProcessRecord.from_file(pid_file) == record
    pid_file.write_text("{not json")
    assert ProcessRecord.from_file(pid_file) is None


def test_status_table_has_a_row_per_service_with_health() -> None:
    table = format_status_table(
        [
            ServiceStatus("kafka", {"broker": 9092}, 123, True, Health(True, "3 topics")),
            ServiceStatus("trino", {"http": 8080}, None, False, Health(False, "ConnectionRefusedError")),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["SERVICE", "PORTS", "PID", "HEALTH", "DETAIL"]
    assert lines[1].split() == ["kafka", "9092", "123", "healthy", "3", "topics"]
    assert lines[2].split() == ["trino", "8080", "-", "down", "ConnectionRefusedError"]


def _fake_service(name: str, port: int, command: list[str], healthy: bool) -> Service:
    return Service(
        name=name,
        ports={"http": port},
        java_versions=(1, None),
        command=lambda layout, java: command,
        probe=lambda settings: Health(healthy, "ready" if healthy else "not yet"),
    )


def test_a_failing_service_stops_what_this_start_began_and_shows_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Services here need no Java; a stand-in keeps the test independent of the machine's JDKs.
    monkeypatch.setattr(Service, "java", lambda self: JavaRuntime(Path("/nonexistent"), 17))
    layout = RuntimeLayout(Settings(runtime_directory=str(tmp_path)))
    sleeper = _fake_service("sleeper", 1, ["sleep", "60"], healthy=False)
    crasher = _fake_service("crasher", 2, ["sh", "-c", "echo boom: bad config; exit 3"], healthy=False)

    with pytest.raises(StackError, match=r"crasher exited during start-up(.|\n)*boom: bad config"):
        start_services(layout, [sleeper, crasher], timeout=30)

    record_file = layout.pid_file("sleeper")
    assert not record_file.exists()
    assert read_record(layout, sleeper) is None
    assert "starting sleeper: sleep 60" in layout.log("sleeper").read_text()


def test_start_services_is_a_no_op_for_running_services_and_down_stops_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Service, "java", lambda self: JavaRuntime(Path("/nonexistent"), 17))
    layout = RuntimeLayout(Settings(runtime_directory=str(tmp_path)))
    sleeper = _fake_service("sleeper", 1, ["sleep", "60"], healthy=True)

    start_services(layout, [sleeper], timeout=30)
    first = read_record(layout, sleeper)
    start_services(layout, [sleeper], timeout=30)
    second = read_record(layout, sleeper)
    assert first is not None and first == second

    _stop_record(layout, sleeper, first)
    assert read_record(layout, sleeper) is None
    assert not Path(f"/proc/{first.pid}").exists() or not _process_matches(first)


# --- Exposure: every listener binds the one setting, loopback by default -----------------------------


def _hadoop_properties(directory: Path, file_name: str) -> dict[str, str]:
    return {
        prop.findtext("name"): prop.findtext("value") or ""
        for prop in ElementTree.parse(directory / file_name).getroot().iter("property")
    }


def _bound_addresses(hdfs_site: dict[str, str]) -> dict[str, str]:
    """Every property that decides where a daemon listens: *-bind-host, and the DataNode's addresses."""
    bound = {name: value for name, value in hdfs_site.items() if name.endswith("bind-host")}
    for name, value in hdfs_site.items():
        if name.startswith("dfs.datanode.") and name.endswith("address"):
            bound[name] = value.rsplit(":", 1)[0]
    return bound


def test_settings_bind_loopback_unless_one_setting_opens_the_stack() -> None:
    assert Settings().bind_address == "127.0.0.1"
    assert Settings.from_environment({"HYPERION_BIND_ADDRESS": "0.0.0.0"}).bind_address == "0.0.0.0"


def test_warehouse_locations_are_hdfs_processed_plus_the_s3_prefix() -> None:
    assert Settings().warehouse_locations == (
        "hdfs://localhost:8020/processed",
        "s3://hyperion-emr-rehearsal/hyperion-emr-proof/rehearsal",
    )
    settings = Settings.from_environment(
        {
            "HYPERION_HDFS_URL": "hdfs://namenode:8020/",
            "HYPERION_WAREHOUSE_S3_PREFIX": "s3://bucket/processed/",
        }
    )
    assert settings.warehouse_locations == ("hdfs://namenode:8020/processed", "s3://bucket/processed")


def test_hadoop_daemons_bind_every_port_to_loopback_by_default(tmp_path: Path) -> None:
    write_local_configuration(tmp_path / "hdfs", tmp_path / "conf")
    hdfs_site = _hadoop_properties(tmp_path / "conf", "hdfs-site.xml")
    bound = _bound_addresses(hdfs_site)
    # hadoop.env's container values (0.0.0.0) must all be overridden, including ports that are off.
    assert {"dfs.namenode.rpc-bind-host", "dfs.namenode.http-bind-host", "dfs.datanode.address"} <= set(bound)
    assert {"dfs.datanode.http.address", "dfs.datanode.ipc.address", "dfs.datanode.https.address"} <= set(
        bound
    )
    assert set(bound.values()) == {"127.0.0.1"}, bound


def test_hadoop_daemons_opened_up_bind_everywhere_and_advertise_the_host_name(tmp_path: Path) -> None:
    write_local_configuration(tmp_path / "hdfs", tmp_path / "conf", "0.0.0.0", "box.example")
    hdfs_site = _hadoop_properties(tmp_path / "conf", "hdfs-site.xml")
    assert set(_bound_addresses(hdfs_site).values()) == {"0.0.0.0"}
    # Clients are told a name they can resolve: WebHDFS redirects and the NameNode address.
    assert hdfs_site["dfs.datanode.hostname"] == "box.example"
    assert hdfs_site["dfs.namenode.rpc-address"] == "box.example:8020"
    assert _hadoop_properties(tmp_path / "conf", "core-site.xml")["fs.defaultFS"] == "hdfs://box.example:8020"


def test_kafka_broker_and_controller_listen_on_the_bind_address(tmp_path: Path) -> None:
    template = (REPOSITORY_ROOT / "conf" / "kafka" / "server.properties").read_text()
    rendered = services.kafka_properties(template, tmp_path / "kafka", "127.0.0.1")
    properties = dict(
        line.split("=", 1) for line in rendered.splitlines() if line and not line.startswith("#")
    )
    listeners = dict(item.split("://") for item in properties["listeners"].split(","))
    assert listeners == {"PLAINTEXT": "127.0.0.1:9092", "CONTROLLER": "127.0.0.1:9093"}
    assert properties["advertised.listeners"] == "PLAINTEXT://localhost:9092"
    assert properties["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert properties["log.dirs"] == str(tmp_path / "kafka")


def test_kafka_opened_up_advertises_the_machine_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.socket, "getfqdn", lambda: "box.example")
    template = (REPOSITORY_ROOT / "conf" / "kafka" / "server.properties").read_text()
    rendered = services.kafka_properties(template, tmp_path, "0.0.0.0")
    assert "listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093" in rendered.splitlines()
    assert "advertised.listeners=PLAINTEXT://box.example:9092" in rendered.splitlines()


def test_a_placeholder_left_in_a_template_is_an_error() -> None:
    with pytest.raises(ValueError, match="unreplaced placeholders"):
        services.render_template("a=${KNOWN}\nb=${UNKNOWN}\n", {"KNOWN": "1"})


def test_advertised_host_follows_the_bind_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.socket, "getfqdn", lambda: "box.example")
    assert services.advertised_host("127.0.0.1") == "localhost"
    assert services.advertised_host("0.0.0.0") == "box.example"
    assert services.advertised_host("10.1.2.3") == "10.1.2.3"


def test_hive_metastore_binds_its_thrift_port_to_the_setting_and_loopback_by_default() -> None:
    site = _hadoop_properties(REPOSITORY_ROOT / "conf" / "hive", "metastore-site.xml")
    assert site["metastore.thrift.bind.host"] == "${env.HYPERION_BIND_ADDRESS:-127.0.0.1}"
    layout = RuntimeLayout(Settings.from_environment({"HYPERION_BIND_ADDRESS": "10.1.2.3"}))
    environment = services.SERVICES_BY_NAME["hive-metastore"].environment(layout, _FAKE_JAVA)
    assert environment["HYPERION_BIND_ADDRESS"] == "10.1.2.3"


_FAKE_JAVA = JavaRuntime(home=Path("/opt/java"), major_version=25)


def _system_properties(command: list[str]) -> dict[str, str]:
    return dict(part[2:].split("=", 1) for part in command if part.startswith("-D") and "=" in part)


def test_trino_binds_the_setting_and_asks_the_location_policy(tmp_path: Path) -> None:
    layout = RuntimeLayout(Settings.from_environment({"HYPERION_RUNTIME_DIRECTORY": str(tmp_path)}))
    (layout.conf("trino")).mkdir(parents=True)
    (layout.conf("trino") / "jvm.config").write_text("-Xmx1G\n")
    trino = services.SERVICES_BY_NAME["trino"]
    properties = _system_properties(trino.command(layout, _FAKE_JAVA))
    assert properties["node.bind-ip"] == "127.0.0.1"
    assert properties["node.internal-address"] == "127.0.0.1"
    assert properties["access-control.config-files"].endswith("access-control.properties")
    environment = trino.environment(layout, _FAKE_JAVA)
    assert environment["HYPERION_TRINO_POLICY_URL"] == "http://127.0.0.1:8181/v1/data/trino/allow"
    access_control = (REPOSITORY_ROOT / "conf" / "trino" / "access-control.properties").read_text()
    assert "access-control.name=opa" in access_control.splitlines()
    assert "opa.policy.uri=${ENV:HYPERION_TRINO_POLICY_URL}" in access_control.splitlines()
    opened = RuntimeLayout(
        Settings.from_environment(
            {"HYPERION_RUNTIME_DIRECTORY": str(tmp_path), "HYPERION_BIND_ADDRESS": "0.0.0.0"}
        )
    )
    opened_properties = _system_properties(trino.command(opened, _FAKE_JAVA))
    assert (opened_properties["node.bind-ip"], opened_properties["node.internal-address"]) == (
        "0.0.0.0",
        "127.0.0.1",
    )


def test_spark_daemons_bind_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    layout = RuntimeLayout(Settings())
    master = services.SERVICES_BY_NAME["spark-master"]
    assert master.environment(layout, _FAKE_JAVA)["SPARK_LOCAL_IP"] == "127.0.0.1"
    command = master.command(layout, _FAKE_JAVA)
    assert command[command.index("--host") + 1] == "localhost"
    opened = RuntimeLayout(Settings.from_environment({"HYPERION_BIND_ADDRESS": "0.0.0.0"}))
    monkeypatch.setattr(services.socket, "getfqdn", lambda: "box.example")
    assert master.environment(opened, _FAKE_JAVA)["SPARK_LOCAL_IP"] == "0.0.0.0"
    opened_command = master.command(opened, _FAKE_JAVA)
    assert opened_command[opened_command.index("--host") + 1] == "box.example"


def test_the_location_policy_stays_on_loopback_even_when_the_stack_is_opened() -> None:
    opened = RuntimeLayout(Settings.from_environment({"HYPERION_BIND_ADDRESS": "0.0.0.0"}))
    command = services.SERVICES_BY_NAME["trino-policy"].command(opened, _FAKE_JAVA)
    assert command[command.index("--host") + 1] == "127.0.0.1"


def test_trino_cache_without_a_kept_plugin_is_not_complete(tmp_path: Path) -> None:
    component = artifacts.COMPONENTS["trino"]
    folder = component.directory(tmp_path)
    for plugin in artifacts.TRINO_PLUGINS_KEPT:
        (folder / "server" / "plugin" / plugin).mkdir(parents=True)
    (folder / ".complete").write_text("trino\n")
    assert artifacts.is_cached(component, tmp_path)
    (folder / "server" / "plugin" / "opa").rmdir()
    assert not artifacts.is_cached(component, tmp_path)
