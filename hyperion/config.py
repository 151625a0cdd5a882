"""The one configuration module: every setting the pipeline code reads comes from here.

Settings come from ``HYPERION_*`` environment variables. The defaults are the local runtime's
endpoints, which are also the host ports the Docker runtime publishes, so code never needs to know
which runtime is running. ``.env.example`` documents each variable; ``docs/architecture.md`` has the
port table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent

# Host ports shared by both runtimes. The Docker Compose file publishes exactly these, and a unit
# test checks that it does.
PORTS: dict[str, dict[str, int]] = {
    "kafka": {"broker": 9092, "controller": 9093},
    "namenode": {"rpc": 8020, "http": 9870},
    "datanode": {"http": 9864, "data": 9866, "ipc": 9867},
    "spark-master": {"rpc": 7077, "http": 8090},
    "spark-worker": {"http": 8091},
    "hive-metastore": {"thrift": 9083},
    "trino": {"http": 8080},
    # The location policy that Trino asks before every statement (hyperion/runtime/trino_policy.py).
    # Only Trino calls it, so the Docker runtime keeps it inside the Compose network.
    "trino-policy": {"http": 8181},
}

# What every local-runtime service listens on unless HYPERION_BIND_ADDRESS says otherwise: loopback,
# so nothing is reachable from another host (docs/architecture.md, "Authentication and exposure").
LOOPBACK_ADDRESS = "127.0.0.1"
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::"})


def _default_cache_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "hyperion")


@dataclass(frozen=True)
class Settings:
    """Endpoints, topic names and local paths, read once from the environment."""

    kafka_bootstrap_servers: str = f"localhost:{PORTS['kafka']['broker']}"
    webhdfs_url: str = f"http://localhost:{PORTS['namenode']['http']}"
    hdfs_url: str = f"hdfs://localhost:{PORTS['namenode']['rpc']}"
    hdfs_user: str = "hyperion"
    spark_master_url: str = f"spark://localhost:{PORTS['spark-master']['rpc']}"
    hive_metastore_uri: str = f"thrift://localhost:{PORTS['hive-metastore']['thrift']}"
    trino_url: str = f"http://localhost:{PORTS['trino']['http']}"
    trino_user: str = "hyperion"
    trino_catalog: str = "hive"
    trino_schema: str = "hyperion"
    # The address every local-runtime service binds. 0.0.0.0 opens the whole stack to the network: none
    # of its services authenticate (docs/architecture.md lists what each one lets a caller do).
    bind_address: str = LOOPBACK_ADDRESS
    # The S3 root (s3://bucket/prefix) that, with <hdfs_url>/processed, is the only place Trino may register
    # tables over. The default is the EMR rehearsal's run prefix on moto (hyperion.cloud.emr_rehearsal).
    warehouse_s3_prefix: str = "s3://hyperion-emr-rehearsal/hyperion-emr-proof/rehearsal"
    topic_films: str = "raw-films"
    topic_characters: str = "raw-characters"
    topic_boxoffice: str = "raw-boxoffice"
    topic_deadletter: str = "raw-deadletter"
    # Artifacts (jars, the Trino tarball) are cached outside the checkout so a fresh clone reuses them.
    cache_directory: str = _default_cache_directory()
    # Service data, logs and pid files of the local runtime: git-ignored, inside the checkout.
    runtime_directory: str = str(REPOSITORY_ROOT / ".runtime")
    data_directory: str = str(REPOSITORY_ROOT / "data")
    # Deployment defaults for deploy/ (empty: the script asks for them). Credentials never live here:
    # boto3 and the aws CLI read them from the standard AWS environment.
    site_bucket: str = ""
    cloudfront_distribution_id: str = ""
    acm_certificate_arn: str = ""
    site_domain: str = ""
    # Caps on untrusted source files (legacy directories, --path data, box-office JSON Lines); see
    # docs/legacy-import.md "Hostile input". A file or value beyond a cap is rejected, never read further.
    source_max_file_bytes: int = 4 * 1024 * 1024
    source_max_line_bytes: int = 64 * 1024
    source_max_string_characters: int = 10_000
    # 2^53 - 1: the largest integer the site's DuckDB-WASM (BigInt cast to double) and JSON readers keep
    # exactly; well inside Parquet's bigint, so sums of many such values do not overflow either.
    source_max_integer: int = 2**53 - 1
    source_max_depth: int = 64
    # The EMR rehearsal's S3 (moto's server, started by the rehearsal on loopback); the local Trino's
    # rehearsal catalog is rendered with it at start-up, so it is a fixed address.
    rehearsal_s3_endpoint: str = "http://127.0.0.1:9555"
    # Which runtime the stack runs on: "local" (host processes) or "docker" (docker-compose.yml). With
    # "docker", the endpoints that only in-network processes use (HDFS RPC for Spark and Trino table
    # locations, the Spark master, the metastore) default to their Compose service names, and the host
    # endpoints to the address the Compose file publishes on (see docker_defaults).
    runtime: str = "local"
    publish_address: str = "127.0.0.1"
    # Transient faults (a DataNode restarting, a broker moving its coordinator): WebHDFS calls and Kafka
    # commits are tried this often, waiting first_delay, then twice as long each time, up to maximum_delay.
    retry_attempts: int = 6
    retry_first_delay_seconds: float = 1.0
    retry_maximum_delay_seconds: float = 20.0

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``HYPERION_<FIELD>`` variables, falling back to the defaults."""
        environment = os.environ if environment is None else environment
        overrides: dict[str, str | int | float] = {}
        for field in fields(cls):
            value = environment.get(f"HYPERION_{field.name.upper()}")
            if value:
                # Annotations are strings here (postponed evaluation): convert numbers by their name.
                convert = {"int": int, "float": float}.get(str(field.type), str)
                overrides[field.name] = convert(value)
        if overrides.get("runtime") == "docker":
            for name, value in docker_defaults(overrides.get("publish_address", cls.publish_address)).items():
                overrides.setdefault(name, value)
        return cls(**overrides)

    @property
    def trino_host(self) -> str:
        return self.trino_url.split("://", 1)[1].rsplit(":", 1)[0]

    @property
    def trino_port(self) -> int:
        return int(self.trino_url.rsplit(":", 1)[1])

    @property
    def trino_policy_url(self) -> str:
        """Where Trino's OPA access control asks for each decision (a loopback-only service)."""
        return f"http://{LOOPBACK_ADDRESS}:{PORTS['trino-policy']['http']}/v1/data/trino/allow"

    @property
    def warehouse_locations(self) -> tuple[str, ...]:
        """The roots that Trino may register tables and schemas under; nothing else is readable."""
        roots = [f"{self.hdfs_url.rstrip('/')}/processed"]
        if self.warehouse_s3_prefix:
            roots.append(self.warehouse_s3_prefix.rstrip("/"))
        return tuple(roots)

    @property
    def raw_topics(self) -> tuple[str, str, str]:
        return (self.topic_films, self.topic_characters, self.topic_boxoffice)


def docker_defaults(publish_address: str) -> dict[str, str]:
    """Endpoints under HYPERION_RUNTIME=docker; an explicit HYPERION_* variable still wins over each.

    Host processes (producers, consumers, the Trino client) reach the ports docker-compose.yml publishes on
    ``publish_address``. Spark drivers run inside the Compose network (hyperion/runtime/docker.py), and
    Trino resolves table locations there too, so HDFS, the master and the metastore keep their service names.
    """
    return {
        "kafka_bootstrap_servers": f"{publish_address}:{PORTS['kafka']['broker']}",
        "webhdfs_url": f"http://{publish_address}:{PORTS['namenode']['http']}",
        "trino_url": f"http://{publish_address}:{PORTS['trino']['http']}",
        "hdfs_url": f"hdfs://namenode:{PORTS['namenode']['rpc']}",
        "spark_master_url": f"spark://spark-master:{PORTS['spark-master']['rpc']}",
        "hive_metastore_uri": f"thrift://hive-metastore:{PORTS['hive-metastore']['thrift']}",
    }


def get_settings() -> Settings:
    """The settings of this process, from its environment."""
    return Settings.from_environment()
