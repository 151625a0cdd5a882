"""Unit tests of the local runtime's own logic: configuration rendering, version probing, bookkeeping."""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from hyperion.config import PORTS, REPOSITORY_ROOT, Settings
from hyperion.runtime import artifacts
from hyperion.runtime.hadoop_config import (
    HadoopEnvError,
    parse_hadoop_env,
    render_configuration,
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


def test_repository_hadoop_env_renders_local_files_with_localhost(tmp_path: Path) -> None:
    written = write_local_configuration(REPOSITORY_ROOT / "hadoop.env", tmp_path / "hdfs", tmp_path / "conf")
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
