"""The Docker runtime for real: compose up from empty volumes, the whole pipeline from the host, compose down.

The images are built when missing (hyperion.runtime.docker, from the artifact cache), the stack starts
from empty named volumes with ``docker compose up --wait`` on the publish address (default 127.0.0.2, so
that it can run next to a local stack on 127.0.0.1), and the numbered pipeline scripts run unchanged on
the host with one switch, HYPERION_RUNTIME=docker; Spark jobs are submitted to the containerised master
from inside the Compose network. Then the same facts as on the local runtime are asserted:

- every produced record was sent and landed (the producers' and the consumer's own reconciliation);
- the films table holds every film of data/complete_movie_list.json;
- every query's result equals the local runtime's, as committed in docs/query_results/ by make demo;
- the exports hold one film row per catalog film, and are byte-identical (the sha256 of each file in the
  manifest) to a local run's: make test (scripts/test_parallel.sh) runs the local e2e beside this test
  and names its manifest in HYPERION_LOCAL_EXPORTS_MANIFEST; run alone, without it, the test says that
  it compared with data/ only;
- the stack publishes on the publish address only, WebHDFS redirects work from the host, and
  scripts/trino runs a query file in the Trino container without JLine warnings.

No engine, no Compose v2 or a port already taken fails the test with the reason; nothing is skipped.
Durations go to test-output/docker-e2e.json (docs/benchmarks.md quotes them).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trino
from hdfs import InsecureClient

from hyperion.config import PORTS, REPOSITORY_ROOT, Settings
from hyperion.runtime import docker
from hyperion.sources.catalog import load_catalog

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

SCRIPTS = REPOSITORY_ROOT / "scripts"
PUBLISH_ADDRESS = os.environ.get("HYPERION_DOCKER_TEST_PUBLISH_ADDRESS", "127.0.0.2")
TIMINGS_FILE = REPOSITORY_ROOT / "test-output" / "docker-e2e.json"
# Ports of hyperion.config.PORTS that only the Compose network reaches: the KRaft controller listener and
# the Trino location policy (only Trino asks it).
NETWORK_ONLY_PORTS = {("kafka", "controller"), ("trino-policy", "http")}


@dataclass
class DockerRun:
    settings: Settings
    environment: dict[str, str]
    exports: Path
    query_results: Path
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def docker_environment() -> dict[str, str]:
    """This process's environment with the Docker runtime switched on and no stray endpoint overrides."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("HYPERION_")}
    for key in ("HYPERION_CACHE_DIRECTORY", "HYPERION_RUNTIME_DIRECTORY"):
        if key in os.environ:
            environment[key] = os.environ[key]
    environment.update({"HYPERION_RUNTIME": "docker", "HYPERION_PUBLISH_ADDRESS": PUBLISH_ADDRESS})
    return environment


def run(name: str, command: list[str], environment: dict[str, str], timeout: float) -> str:
    completed = subprocess.run(
        command, cwd=REPOSITORY_ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, (
        f"{name} failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}"
    )
    return completed.stdout + completed.stderr


def require_docker() -> None:
    """Fail, never skip, when the Docker runtime cannot run here."""
    for command, remedy in (
        (["docker", "info"], "no Docker engine answers; run make docker-tools"),
        (["docker", "compose", "version"], "Compose v2 is missing; run make docker-tools"),
        (["docker", "image", "inspect", docker.BASE_IMAGE], f"no {docker.BASE_IMAGE}; run make docker-tools"),
    ):
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.fail(f"the Docker runtime cannot run: {' '.join(command)}: {error}; {remedy}")
        if completed.returncode != 0:
            pytest.fail(f"the Docker runtime cannot run: {remedy} ({completed.stderr.strip()[-300:]})")


def require_free_ports() -> None:
    for service, ports in PORTS.items():
        for name, port in ports.items():
            if (service, name) in NETWORK_ONLY_PORTS:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind((PUBLISH_ADDRESS, port))
                except OSError as error:
                    pytest.fail(
                        f"{PUBLISH_ADDRESS}:{port} ({service}) is taken: {error}. Another stack listens "
                        "there (or on 0.0.0.0); stop it or set HYPERION_DOCKER_TEST_PUBLISH_ADDRESS"
                    )


def summary(output: str, marker: str) -> dict[str, str]:
    line = [line for line in output.splitlines() if marker in line][-1]
    return dict(item.split("=", 1) for item in line.split() if "=" in item)


@pytest.fixture(scope="module")
def docker_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DockerRun]:
    require_docker()
    environment = docker_environment()
    work = tmp_path_factory.mktemp("docker-pipeline")
    result = DockerRun(
        Settings.from_environment(environment), environment, work / "exports", work / "results"
    )
    python = sys.executable
    down = docker.compose_command("down", "--volumes", "--remove-orphans")
    run("compose down (clean start)", down, environment, 300)
    require_free_ports()
    try:
        started = time.perf_counter()
        result.outputs["up"] = run(
            "make up", [python, str(SCRIPTS / "docker_stack.py"), "up"], environment, 3600
        )
        result.seconds["up_from_empty_volumes"] = time.perf_counter() - started
        steps = {
            "topics": [python, str(SCRIPTS / "01_create_topics.py")],
            "hdfs": [python, str(SCRIPTS / "02_init_hdfs.py")],
            "produce": [python, str(SCRIPTS / "03_produce.py"), "--no-progress"],
            "consume": [python, str(SCRIPTS / "04_consume.py")],
            # Its own log folder (and package archive): a local transform may run beside this one.
            "transform": [
                python,
                str(SCRIPTS / "05_transform.py"),
                "--exports",
                str(result.exports),
                "--log-directory",
                str(work / "transform-logs"),
            ],
            "queries": [
                python,
                str(SCRIPTS / "06_queries.py"),
                "--output-directory",
                str(result.query_results),
            ],
        }
        for name, command in steps.items():
            started = time.perf_counter()
            result.outputs[name] = run(name, command, environment, 1800)
            result.seconds[name] = time.perf_counter() - started
        yield result
    finally:
        logs = subprocess.run(
            docker.compose_command("logs", "--tail", "30"), env=environment, capture_output=True, text=True
        )
        sys.stdout.write(logs.stdout[-8000:])
        started = time.perf_counter()
        subprocess.run(down, env=environment, capture_output=True, text=True, timeout=300, check=False)
        result.seconds["down"] = time.perf_counter() - started
        TIMINGS_FILE.parent.mkdir(parents=True, exist_ok=True)
        TIMINGS_FILE.write_text(json.dumps({"publish_address": PUBLISH_ADDRESS, **result.seconds}, indent=2))


def test_the_stack_publishes_on_the_publish_address_only(docker_run: DockerRun) -> None:
    listing = subprocess.run(
        docker.compose_command("ps", "--format", "json"),
        env=docker_run.environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    containers = [json.loads(line) for line in listing.splitlines() if line.strip()]
    publishers = [
        publisher
        for container in containers
        for publisher in container.get("Publishers") or []
        if publisher["PublishedPort"]
    ]
    assert publishers, listing
    assert {publisher["URL"] for publisher in publishers} == {PUBLISH_ADDRESS}
    assert {publisher["PublishedPort"] for publisher in publishers} == {
        port
        for service, ports in PORTS.items()
        for name, port in ports.items()
        if (service, name) not in NETWORK_ONLY_PORTS
    }


def test_webhdfs_redirects_reach_the_datanode_from_the_host(docker_run: DockerRun) -> None:
    client = InsecureClient(docker_run.settings.webhdfs_url, user=docker_run.settings.hdfs_user)
    path = f"/tmp/docker-e2e-{uuid.uuid4().hex}.txt"
    client.write(path, data=b"written from the host through the DataNode redirect\n")
    with client.read(path) as reader:
        assert reader.read() == b"written from the host through the DataNode redirect\n"
    client.delete(path)


def test_every_produced_record_was_sent_and_landed(docker_run: DockerRun) -> None:
    produced = [
        summary(line, "topic=") for line in docker_run.outputs["produce"].splitlines() if "sent=" in line
    ]
    assert sorted(fields["topic"] for fields in produced) == ["raw-boxoffice", "raw-characters", "raw-films"]
    for fields in produced:
        assert fields["failed"] == "0" and fields["reconciled"] == "yes", fields
    # The summary line, not a progress report (those carry records_per_second= too, but no stopped_by=).
    consumed = summary(docker_run.outputs["consume"], "stopped_by=")
    assert consumed["lag"] == "0", consumed
    # The volumes started empty, so the consumer landed exactly this run's messages.
    assert int(consumed["messages"]) == sum(int(fields["messages"]) for fields in produced) > 0


def test_the_films_table_holds_every_film_of_the_catalog(docker_run: DockerRun) -> None:
    settings = docker_run.settings
    connection = trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog="hive"
    )
    cursor = connection.cursor()
    cursor.execute(f"select count(*), count(distinct film_id) from hive.{settings.trino_schema}.films")
    films, distinct_films = cursor.fetchone()
    connection.close()
    catalog = load_catalog(Path(settings.data_directory) / "complete_movie_list.json")
    assert films == distinct_films == len(catalog)


def result_section(markdown: str) -> str:
    """The part of a query result page after its SQL: the row count and the table."""
    return markdown.split("</details>", 1)[1]


def test_query_results_equal_the_local_runtimes(docker_run: DockerRun) -> None:
    # The local e2e's pages when make test runs both (they share the exports manifest's folder), else the
    # committed docs/query_results, which `make queries` wrote on the local runtime from the same data/.
    local_manifest_path = local_exports_manifest()
    reference = (
        local_manifest_path.parent / "query_results"
        if local_manifest_path is not None
        else REPOSITORY_ROOT / "docs" / "query_results"
    )
    pages = sorted(docker_run.query_results.glob("*.md"))
    assert [page.name for page in pages] == sorted(page.name for page in reference.glob("*.md"))
    for page in pages:
        assert result_section(page.read_text()) == result_section((reference / page.name).read_text()), (
            page.name
        )


def local_exports_manifest() -> Path | None:
    """The manifest of a local run's exports, waited for when it is still being made; None when none is named.

    HYPERION_LOCAL_EXPORTS_MANIFEST names it: scripts/test_parallel.sh (make test) points it at the file
    the local e2e writes beside this test, and HYPERION_LOCAL_EXPORTS_WAIT_SECONDS says how long the local
    half may take to get there.
    """
    named = os.environ.get("HYPERION_LOCAL_EXPORTS_MANIFEST")
    if not named:
        return None
    path = Path(named)
    deadline = time.monotonic() + float(os.environ.get("HYPERION_LOCAL_EXPORTS_WAIT_SECONDS", "0"))
    # scripts/test_parallel.sh leaves this mark when the local half has ended: no use waiting longer.
    local_half_finished = path.with_name("local-half-finished")
    while not path.is_file() and not local_half_finished.exists() and time.monotonic() < deadline:
        time.sleep(10)
    if not path.is_file():
        pytest.fail(f"no local run's exports manifest at {path}: the local e2e did not get to its exports")
    return path


def test_exports_equal_the_local_runtimes(docker_run: DockerRun) -> None:
    manifest = json.loads((docker_run.exports / "manifest.json").read_text())
    for entry in manifest["files"].values():
        assert (docker_run.exports / entry["file"]).stat().st_size == entry["bytes"]
    # What data/ implies, whatever else is at hand: one row per catalog film.
    catalog = load_catalog(Path(docker_run.settings.data_directory) / "complete_movie_list.json")
    assert manifest["files"]["films_complete"]["rows"] == len(catalog)
    local_manifest_path = local_exports_manifest()
    if local_manifest_path is None:
        sys.stderr.write(
            "exports compared with data/ only: set HYPERION_LOCAL_EXPORTS_MANIFEST to a local run's "
            "exports/manifest.json (make test does) to compare them by checksum\n"
        )
        return
    local = json.loads(local_manifest_path.read_text())
    checksums = {name: (entry["rows"], entry["sha256"]) for name, entry in manifest["files"].items()}
    assert checksums == {name: (entry["rows"], entry["sha256"]) for name, entry in local["files"].items()}


def test_scripts_trino_runs_a_file_in_the_container_without_warnings(docker_run: DockerRun) -> None:
    completed = subprocess.run(
        [str(SCRIPTS / "trino"), "queries/revenue_by_studio.sql"],
        cwd=REPOSITORY_ROOT,
        env=docker_run.environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    expected_rows = int(
        result_section((docker_run.query_results / "revenue_by_studio.md").read_text()).split()[0]
    )
    assert (
        f"({expected_rows} rows)" in completed.stdout or len(completed.stdout.splitlines()) >= expected_rows
    )
    assert "WARNING" not in completed.stderr and "restricted method" not in completed.stderr, completed.stderr
