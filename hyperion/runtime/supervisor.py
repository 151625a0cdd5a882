"""Start, stop and report the local runtime's processes.

``up`` starts every service that is not already running and healthy, all at once (each service retries
its own dependencies, so start order only matters for readiness), then polls their health probes until
all pass. If one fails, it prints that service's log tail and stops what this call started. ``down``
stops only processes whose pid files this module wrote, after checking that the pid still belongs to the
command it started (a pid can be reused after a reboot).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hyperion.config import Settings
from hyperion.runtime import artifacts
from hyperion.runtime.health import Health, port_open
from hyperion.runtime.services import SERVICES, SERVICES_BY_NAME, RuntimeLayout, Service

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 240.0
POLL_INTERVAL_SECONDS = 0.5
STOP_TIMEOUT_SECONDS = 30.0
EXEC_TIMEOUT_SECONDS = 10.0


class StackError(RuntimeError):
    """A service could not be started or did not become healthy."""


@dataclass(frozen=True)
class ProcessRecord:
    pid: int
    command: list[str]
    started_at: float

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "command": self.command, "started_at": self.started_at})

    @classmethod
    def from_file(cls, path: Path) -> ProcessRecord | None:
        try:
            payload = json.loads(path.read_text())
            return cls(int(payload["pid"]), list(payload["command"]), float(payload["started_at"]))
        except (OSError, ValueError, KeyError):
            return None


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    ports: dict[str, int]
    pid: int | None
    running: bool
    health: Health


def _process_matches(record: ProcessRecord) -> bool:
    """The pid is alive and still runs the command we started (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{record.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    arguments = [argument.decode(errors="replace") for argument in cmdline if argument]
    # spark-class execs java, so the running command differs from the one started; the main class
    # (the last element that names a class or the script) is what identifies the service.
    identifying = [
        part for part in record.command if "." in part and "/" not in part and not part.startswith("-")
    ]
    marker = identifying[-1] if identifying else record.command[-1]
    return any(marker in argument for argument in arguments)


def read_record(layout: RuntimeLayout, service: Service) -> ProcessRecord | None:
    record = ProcessRecord.from_file(layout.pid_file(service.name))
    if record is None or not _process_matches(record):
        return None
    return record


def service_status(layout: RuntimeLayout, service: Service) -> ServiceStatus:
    record = read_record(layout, service)
    probe = service.probe(layout.settings)
    return ServiceStatus(
        service.name, service.ports, record.pid if record else None, record is not None, probe
    )


def _start(layout: RuntimeLayout, service: Service) -> tuple[ProcessRecord, subprocess.Popen]:
    java = service.java()
    service.prepare(layout, java)
    command = service.command(layout, java)
    environment = {**os.environ, **service.environment(layout, java)}
    log_file = layout.log(service.name)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    working_directory = layout.data(service.name)
    working_directory.mkdir(parents=True, exist_ok=True)
    with log_file.open("a") as log:
        log.write(
            f"\n===== {time.strftime('%Y-%m-%dT%H:%M:%S')} starting {service.name}: {' '.join(command)}\n"
        )
        log.flush()
        # A new session puts the service in its own process group, so down can signal all of it.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=working_directory,
            env=environment,
            start_new_session=True,
        )
    record = ProcessRecord(process.pid, command, time.time())
    # Until the child has exec'd, /proc shows Python's command line; wait for the exec (or an early exit)
    # so that everything after this, status included, can recognise the process by its command.
    deadline = time.monotonic() + EXEC_TIMEOUT_SECONDS
    while process.poll() is None and not _process_matches(record) and time.monotonic() < deadline:
        time.sleep(0.01)
    pid_file = layout.pid_file(service.name)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(record.to_json())
    logger.info("started %s (pid %d, java %d)", service.name, process.pid, java.major_version)
    return record, process


def _stop_record(layout: RuntimeLayout, service: Service, record: ProcessRecord) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline and _process_matches(record):
        time.sleep(0.2)
    if _process_matches(record):
        logger.warning("%s did not stop within %.0f s; killing it", service.name, STOP_TIMEOUT_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(record.pid, signal.SIGKILL)
    # Reap it if it is our child (up and down in one process, as in tests).
    with contextlib.suppress(ChildProcessError):
        os.waitpid(record.pid, os.WNOHANG)
    layout.pid_file(service.name).unlink(missing_ok=True)
    logger.info("stopped %s (pid %d)", service.name, record.pid)


def log_tail(layout: RuntimeLayout, service_name: str, lines: int = 40) -> str:
    path = layout.log(service_name)
    if not path.is_file():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _select(names: Iterable[str] | None) -> list[Service]:
    if names is None:
        return list(SERVICES)
    unknown = [name for name in names if name not in SERVICES_BY_NAME]
    if unknown:
        raise StackError(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(SERVICES_BY_NAME)}")
    wanted = set(names)
    return [service for service in SERVICES if service.name in wanted]


def fetch_artifacts(settings: Settings) -> dict[str, Path]:
    layout = RuntimeLayout(settings)
    return artifacts.ensure_all(layout.cache, layout.root / "logs" / "fetch.log")


def up(
    settings: Settings, names: Iterable[str] | None = None, timeout: float = HEALTH_TIMEOUT_SECONDS
) -> None:
    """Start the services that are not running, and wait until every selected one is healthy."""
    fetch_artifacts(settings)
    start_services(RuntimeLayout(settings), _select(names), timeout)


def start_services(layout: RuntimeLayout, selected: list[Service], timeout: float) -> None:
    """Start what is not running; on any failure stop what this call started, then re-raise."""
    started: dict[str, tuple[ProcessRecord, subprocess.Popen]] = {}
    try:
        for service in selected:
            if read_record(layout, service) is not None:
                logger.info("%s is already running", service.name)
                continue
            busy = [port for port in service.ports.values() if port_open("localhost", port)]
            if busy:
                raise StackError(
                    f"{service.name}: port(s) {busy} already in use by a process this runtime did not start "
                    "(another stack, or the Docker runtime?). Stop it, or run make down first."
                )
            started[service.name] = _start(layout, service)
        _wait_healthy(layout, selected, started, timeout)
    except BaseException:
        for service in reversed(selected):
            if service.name in started:
                _stop_record(layout, service, started[service.name][0])
        raise


def _wait_healthy(
    layout: RuntimeLayout,
    selected: list[Service],
    started: dict[str, tuple[ProcessRecord, subprocess.Popen]],
    timeout: float,
) -> None:
    began = time.monotonic()
    pending = {service.name: service for service in selected}
    last: dict[str, Health] = {}
    while pending:
        for name, service in list(pending.items()):
            # A process started here is asked directly: right after the fork its command line is still
            # Python's, so matching it against the recorded command would misreport it as gone.
            if name in started:
                alive = started[name][1].poll() is None
            else:
                alive = read_record(layout, service) is not None
            if not alive:
                raise StackError(f"{name} exited during start-up. Last log lines:\n{log_tail(layout, name)}")
            last[name] = service.probe(layout.settings)
            if last[name].healthy:
                logger.info(
                    "%s is healthy after %.1f s (%s)", name, time.monotonic() - began, last[name].detail
                )
                del pending[name]
        if not pending:
            return
        if time.monotonic() - began > timeout:
            name = next(iter(pending))
            raise StackError(
                f"{', '.join(pending)} not healthy after {timeout:.0f} s ({name}: {last[name].detail}). "
                f"Last log lines of {name}:\n{log_tail(layout, name)}"
            )
        time.sleep(POLL_INTERVAL_SECONDS)


def down(settings: Settings, names: Iterable[str] | None = None) -> list[str]:
    """Stop the services this runtime started, in reverse start order; return their names."""
    layout = RuntimeLayout(settings)
    stopped = []
    for service in reversed(_select(names)):
        record = read_record(layout, service)
        if record is None:
            layout.pid_file(service.name).unlink(missing_ok=True)
            continue
        _stop_record(layout, service, record)
        stopped.append(service.name)
    return stopped


def status(settings: Settings) -> list[ServiceStatus]:
    layout = RuntimeLayout(settings)
    return [service_status(layout, service) for service in SERVICES]


def is_running(settings: Settings) -> bool:
    """Every service is healthy (started by this runtime or by Docker: only the probes are asked)."""
    return all(service.probe(settings).healthy for service in SERVICES)


def format_status_table(statuses: list[ServiceStatus]) -> str:
    header = ("SERVICE", "PORTS", "PID", "HEALTH", "DETAIL")
    rows = [
        (
            entry.name,
            ",".join(str(port) for port in entry.ports.values()),
            str(entry.pid) if entry.pid else "-",
            "healthy" if entry.health.healthy else ("unhealthy" if entry.running else "down"),
            entry.health.detail[:60],
        )
        for entry in statuses
    ]
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    )
