"""Fetch the local runtime's artifacts from Maven Central and cache them outside the checkout.

Each component has a small POM under ``runtime/maven/`` that names its artifacts and versions; this
module runs Maven's dependency plugin on it and unpacks the result into
``<cache>/<component>-<version>/``. A component folder is built under a temporary name and renamed into
place only when complete, so an interrupted fetch never leaves a half-filled cache that looks valid.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tarfile
import time
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT

logger = logging.getLogger(__name__)

POM_DIRECTORY = REPOSITORY_ROOT / "runtime" / "maven"
_POM_NAMESPACE = {"maven": "http://maven.apache.org/POM/4.0.0"}

# Trino loads every plugin folder at start-up; the stack needs only these, and dropping the other ~55
# plugins saves about 700 MB of disk and several seconds of start-up.
# "opa" is the access control that asks the location policy (hyperion/runtime/trino_policy.py).
TRINO_PLUGINS_KEPT = ("hive", "tpch", "memory", "opa")


class ArtifactFetchError(RuntimeError):
    """Maven could not fetch or the cache could not unpack an artifact."""


def pom_property(pom: Path, name: str) -> str:
    """A ``<properties>`` value of a POM: the versions live in the POMs, and only there."""
    root = ElementTree.parse(pom).getroot()
    element = root.find(f"maven:properties/maven:{name}", _POM_NAMESPACE)
    if element is None or not (element.text or "").strip():
        raise ArtifactFetchError(f"{pom}: no <{name}> property")
    return element.text.strip()


def _run_maven(pom: Path, goal: str, output_directory: Path, log_file: Path) -> None:
    command = [
        "mvn",
        "--batch-mode",
        "--no-transfer-progress",
        "-f",
        str(pom),
        goal,
        f"-DoutputDirectory={output_directory}",
    ]
    if goal.endswith("copy-dependencies"):
        command.append("-DincludeScope=runtime")
    with log_file.open("a") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        completed = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-20:])
        raise ArtifactFetchError(f"mvn {goal} on {pom.name} failed (exit {completed.returncode}):\n{tail}")


def _fetch_jars(pom: Path, staging: Path, log_file: Path) -> None:
    _run_maven(pom, "dependency:copy-dependencies", staging / "lib", log_file)


def _fetch_hadoop(pom: Path, staging: Path, log_file: Path) -> None:
    _fetch_jars(pom, staging, log_file)
    downloads = staging / "downloads"
    _run_maven(pom, "dependency:copy", downloads, log_file)
    # The daemons' HTTP servers look up webapps/<name> on the class path.
    for tests_jar in downloads.glob("hadoop-hdfs-*-tests.jar"):
        with zipfile.ZipFile(tests_jar) as archive:
            members = [name for name in archive.namelist() if name.startswith("webapps/")]
            archive.extractall(staging / "webapps-root", members)
    shutil.rmtree(downloads)


def _fetch_trino(pom: Path, staging: Path, log_file: Path) -> None:
    downloads = staging / "downloads"
    _run_maven(pom, "dependency:copy", downloads, log_file)
    tarballs = list(downloads.glob("trino-server-*.tar.gz"))
    cli_jars = list(downloads.glob("trino-cli-*-executable.jar"))
    if len(tarballs) != 1 or len(cli_jars) != 1:
        raise ArtifactFetchError(f"expected one Trino tarball and one CLI jar in {downloads}")
    with tarfile.open(tarballs[0]) as archive:
        archive.extractall(staging, filter="data")
    (server_directory,) = [path for path in staging.iterdir() if path.name.startswith("trino-server-")]
    server_directory.rename(staging / "server")
    for plugin in (staging / "server" / "plugin").iterdir():
        if plugin.name not in TRINO_PLUGINS_KEPT:
            shutil.rmtree(plugin)
    cli = staging / "trino-cli.jar"
    cli_jars[0].rename(cli)
    cli.chmod(0o755)
    shutil.rmtree(downloads)


@dataclass(frozen=True)
class Component:
    name: str
    pom_name: str
    version_property: str
    fetch: Callable[[Path, Path, Path], None]
    # Paths a complete folder must hold: a cache filled by an older fetch that kept fewer parts is
    # fetched again (from the local Maven repository, so without a download).
    required_paths: tuple[str, ...] = ()

    @property
    def pom(self) -> Path:
        return POM_DIRECTORY / self.pom_name

    @property
    def version(self) -> str:
        return pom_property(self.pom, self.version_property)

    def directory(self, cache_directory: Path) -> Path:
        return cache_directory / f"{self.name}-{self.version}"


COMPONENTS: dict[str, Component] = {
    component.name: component
    for component in (
        Component("kafka", "kafka.pom.xml", "kafka.version", _fetch_jars),
        Component("hadoop", "hadoop.pom.xml", "hadoop.version", _fetch_hadoop),
        Component("hive-metastore", "hive.pom.xml", "hive.version", _fetch_jars),
        Component(
            "trino",
            "trino.pom.xml",
            "trino.version",
            _fetch_trino,
            tuple(f"server/plugin/{plugin}" for plugin in TRINO_PLUGINS_KEPT),
        ),
    )
}

# Fetched on demand, not by `make fetch`: only the EMR rehearsal needs S3A (hadoop-aws and the ~280 MB AWS SDK
# bundle), matched to pyspark 3.5.5's Hadoop 3.3.4.
REHEARSAL_COMPONENTS: dict[str, Component] = {
    "hadoop-aws": Component("hadoop-aws", "hadoop-aws.pom.xml", "hadoop-aws.version", _fetch_jars),
}

_COMPLETE_MARKER = ".complete"


def is_cached(component: Component, cache_directory: Path) -> bool:
    directory = component.directory(cache_directory)
    return (directory / _COMPLETE_MARKER).is_file() and all(
        (directory / path).exists() for path in component.required_paths
    )


def ensure_component(component: Component, cache_directory: Path, log_file: Path) -> Path:
    """The component's cache folder, fetched first if it is not complete yet."""
    target = component.directory(cache_directory)
    if is_cached(component, cache_directory):
        return target
    if shutil.which("mvn") is None:
        raise ArtifactFetchError("Maven (mvn) is not installed; on Debian: apt-get install maven")
    cache_directory.mkdir(parents=True, exist_ok=True)
    staging = cache_directory / f".{target.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    staging.mkdir(parents=True)
    started = time.monotonic()
    logger.info("fetching %s %s from Maven Central into %s", component.name, component.version, target)
    component.fetch(component.pom, staging, log_file)
    (staging / _COMPLETE_MARKER).write_text(f"{component.name} {component.version}\n")
    staging.rename(target)
    logger.info("fetched %s in %.1f s", component.name, time.monotonic() - started)
    return target


def ensure_all(cache_directory: Path, log_file: Path) -> dict[str, Path]:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    return {
        name: ensure_component(component, cache_directory, log_file) for name, component in COMPONENTS.items()
    }
