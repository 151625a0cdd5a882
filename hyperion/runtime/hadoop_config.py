"""Render ``hadoop.env`` into Hadoop XML files, so both runtimes share one Hadoop configuration.

``hadoop.env`` uses the apache/hadoop image convention, one ``CORE-SITE.XML_<property>=<value>`` per
line. Both runtimes render them into XML here: the local one with the container-only values (host names,
container paths) replaced by local ones, the Docker one (``hyperion.runtime.docker``) with the containers'
own values, when it stages the images. Spark reads none of these
files, so the HDFS client lines also become ``spark.hadoop.*`` settings: ``--conf`` arguments or
``spark-defaults.conf`` lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from hyperion.config import REPOSITORY_ROOT

# The one file both runtimes' Hadoop (and Spark's HDFS client) settings come from.
HADOOP_ENV = REPOSITORY_ROOT / "hadoop.env"
# Properties read by the HDFS client (the writer and reader of files), not by the daemons.
HDFS_CLIENT_PREFIX = "dfs.client."


class HadoopEnvError(ValueError):
    """A line of hadoop.env is not of the FILE.XML_property=value form."""


def parse_hadoop_env(text: str, source: str = "hadoop.env") -> dict[str, dict[str, str]]:
    """Map each XML file name (``core-site.xml``) to its properties, in file order."""
    files: dict[str, dict[str, str]] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, separator, value = stripped.partition("=")
        file_part, underscore, property_name = key.partition("_")
        if not separator or not underscore or not file_part.endswith(".XML") or not property_name:
            raise HadoopEnvError(f"{source}:{line_number}: expected FILE.XML_property=value, got {line!r}")
        files.setdefault(file_part.lower(), {})[property_name] = value
    return files


def load_hadoop_env(path: Path = HADOOP_ENV) -> dict[str, dict[str, str]]:
    """:func:`parse_hadoop_env` of the file at ``path``, naming it in any error."""
    return parse_hadoop_env(path.read_text(), source=str(path))


def spark_hadoop_client_properties(
    files: Mapping[str, Mapping[str, str]], overrides: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, str]:
    """hadoop.env's HDFS client settings as Spark properties (``spark.hadoop.dfs.client.*``), in file order.

    Spark does not read the stack's hdfs-site.xml (no ``HADOOP_CONF_DIR``, so that a job's plain paths
    stay local), yet its driver and executors are HDFS clients too: without these, every file a job
    writes waited on the client's default 400 ms back-off at close (about 0.2 s per file measured, against
    0.04 s with hadoop.env's 50 ms; job 03 writes a hundred year folders). ``overrides`` are the runtime's
    own values, as for the XML files.
    """
    properties = dict(files.get("hdfs-site.xml", {}))
    properties.update((overrides or {}).get("hdfs-site.xml", {}))
    return {
        f"spark.hadoop.{name}": value
        for name, value in properties.items()
        if name.startswith(HDFS_CLIENT_PREFIX)
    }


def spark_hadoop_client_confs(
    files: Mapping[str, Mapping[str, str]], overrides: Mapping[str, Mapping[str, str]] | None = None
) -> list[str]:
    """:func:`spark_hadoop_client_properties` as ``--conf name=value`` arguments of spark-submit."""
    return [
        argument
        for name, value in spark_hadoop_client_properties(files, overrides).items()
        for argument in ("--conf", f"{name}={value}")
    ]


def render_spark_defaults(properties: Mapping[str, str]) -> str:
    """``spark-defaults.conf`` lines (``name value``), sorted by name so that the file is stable."""
    return "".join(f"{name} {value}\n" for name, value in sorted(properties.items()))


def render_configuration(properties: Mapping[str, str]) -> str:
    """A Hadoop ``<configuration>`` document with the properties in the given order."""
    lines = [
        '<?xml version="1.0"?>',
        "<!-- Generated from hadoop.env by hyperion.runtime. -->",
        "<configuration>",
    ]
    for name, value in properties.items():
        lines.append(f"  <property><name>{escape(name)}</name><value>{escape(value)}</value></property>")
    lines.append("</configuration>")
    return "\n".join(lines) + "\n"


def local_overrides(
    data_directory: Path, bind_address: str = "127.0.0.1", advertised_host: str = "localhost"
) -> dict[str, dict[str, str]]:
    """What differs on the host: data lives under .runtime/, and every daemon port is bound to
    ``bind_address`` (loopback by default) and handed to clients as ``advertised_host``.

    The NameNode binds its RPC and HTTP ports to the ``*-bind-host`` values and tells clients the
    ``*-address`` ones; the DataNode binds its three ports to the address given with each, and WebHDFS
    redirects clients to its registered ``dfs.datanode.hostname``.
    """
    return {
        "core-site.xml": {"fs.defaultFS": f"hdfs://{advertised_host}:8020"},
        "hdfs-site.xml": {
            "dfs.namenode.rpc-address": f"{advertised_host}:8020",
            "dfs.namenode.rpc-bind-host": bind_address,
            "dfs.namenode.http-address": f"{advertised_host}:9870",
            "dfs.namenode.http-bind-host": bind_address,
            # Off by default; bound here too so that turning them on cannot open a port to the network.
            "dfs.namenode.servicerpc-bind-host": bind_address,
            "dfs.namenode.lifeline.rpc-bind-host": bind_address,
            "dfs.namenode.https-bind-host": bind_address,
            "dfs.namenode.name.dir": (data_directory / "name").as_uri(),
            "dfs.datanode.data.dir": (data_directory / "data").as_uri(),
            "dfs.datanode.address": f"{bind_address}:9866",
            "dfs.datanode.http.address": f"{bind_address}:9864",
            "dfs.datanode.ipc.address": f"{bind_address}:9867",
            "dfs.datanode.https.address": f"{bind_address}:9865",
            "dfs.datanode.hostname": advertised_host,
        },
    }


def write_local_configuration(
    data_directory: Path,
    output_directory: Path,
    bind_address: str = "127.0.0.1",
    advertised_host: str = "localhost",
    hadoop_env: Path = HADOOP_ENV,
) -> list[Path]:
    """Write core-site.xml and hdfs-site.xml for the local runtime; return their paths."""
    files = load_hadoop_env(hadoop_env)
    for file_name, overrides in local_overrides(data_directory, bind_address, advertised_host).items():
        files.setdefault(file_name, {}).update(overrides)
    output_directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, properties in files.items():
        path = output_directory / file_name
        path.write_text(render_configuration(properties))
        written.append(path)
    return written
