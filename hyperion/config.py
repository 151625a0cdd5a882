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
}


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
    # Transient faults (a DataNode restarting, a broker moving its coordinator): WebHDFS calls and Kafka
    # commits are tried this often, waiting first_delay, then twice as long each time, up to maximum_delay.
    retry_attempts: int = 6
    retry_first_delay_seconds: float = 1.0
    retry_maximum_delay_seconds: float = 20.0

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``HYPERION_<FIELD>`` variables, falling back to the defaults."""
        environment = os.environ if environment is None else environment
        overrides: dict[str, str] = {}
        for field in fields(cls):
            value = environment.get(f"HYPERION_{field.name.upper()}")
            if value:
                # Annotations are strings here (postponed evaluation): convert numbers by their name.
                convert = {"int": int, "float": float}.get(str(field.type), str)
                overrides[field.name] = convert(value)
        return cls(**overrides)

    @property
    def trino_host(self) -> str:
        return self.trino_url.split("://", 1)[1].rsplit(":", 1)[0]

    @property
    def trino_port(self) -> int:
        return int(self.trino_url.rsplit(":", 1)[1])

    @property
    def raw_topics(self) -> tuple[str, str, str]:
        return (self.topic_films, self.topic_characters, self.topic_boxoffice)


def get_settings() -> Settings:
    """The settings of this process, from its environment."""
    return Settings.from_environment()
