"""Topic administration: the topic list of ``conf/kafka/topics.json``, created and deleted explicitly.

The broker runs with ``auto.create.topics.enable=false``, so topics exist only when this module (or the
Docker kafka-init service, which reads the same list from ``docker/kafka/topics.txt``) creates them.
Creation is idempotent: an existing topic is left as it is, but a partition count that differs from the
list is an error, because keys would then map to other partitions than the landed files assume.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyperion.config import REPOSITORY_ROOT, Settings

logger = logging.getLogger(__name__)

TOPICS_FILE = REPOSITORY_ROOT / "conf" / "kafka" / "topics.json"
ROLES = ("films", "characters", "boxoffice", "deadletter")


@dataclass(frozen=True)
class TopicSpec:
    """One topic: its role (films, characters, boxoffice or deadletter), name, partitions and configs."""

    role: str
    name: str
    partitions: int
    configs: Mapping[str, str]


def load_topic_specs(path: Path = TOPICS_FILE) -> list[TopicSpec]:
    """The topics of the JSON topic list, in file order."""
    document = json.loads(path.read_text(encoding="utf-8"))
    specs = [
        TopicSpec(
            role=entry["role"],
            name=entry["name"],
            partitions=int(entry["partitions"]),
            configs={key: str(value) for key, value in entry["configs"].items()},
        )
        for entry in document["topics"]
    ]
    unknown = sorted({spec.role for spec in specs} - set(ROLES))
    if unknown:
        raise ValueError(f"{path}: unknown topic roles: {', '.join(unknown)}")
    return specs


def parse_topics_text(text: str) -> list[tuple[str, int, dict[str, str]]]:
    """Parse ``docker/kafka/topics.txt`` (name, partitions, comma-separated key=value configs per line)."""
    topics = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, partitions, configs = line.split(maxsplit=2)
        pairs = dict(pair.split("=", 1) for pair in configs.split(","))
        topics.append((name, int(partitions), pairs))
    return topics


def topic_name_for_role(settings: Settings, role: str) -> str:
    """The topic name this process uses for ``role`` (``HYPERION_TOPIC_<ROLE>`` overrides the default)."""
    return getattr(settings, f"topic_{role}")


def specs_for_settings(settings: Settings, specs: Iterable[TopicSpec]) -> list[TopicSpec]:
    """The specs with each name replaced by the settings' topic name for its role."""
    return [
        TopicSpec(spec.role, topic_name_for_role(settings, spec.role), spec.partitions, spec.configs)
        for spec in specs
    ]


def admin_client(settings: Settings) -> Any:
    """A ``kafka.admin.KafkaAdminClient`` for the configured bootstrap servers."""
    from kafka.admin import KafkaAdminClient

    return KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","), client_id="hyperion-topics"
    )


def existing_partition_counts(admin: Any, names: Iterable[str]) -> dict[str, int]:
    """Partition counts of the topics among ``names`` that exist."""
    wanted = set(names)
    present = wanted & set(admin.list_topics())
    if not present:
        return {}
    return {
        description["name"]: len(description["partitions"])
        for description in admin.describe_topics(sorted(present))
        if description.get("error_code", 0) == 0
    }


def create_topics(admin: Any, specs: Iterable[TopicSpec], replication_factor: int = 1) -> list[str]:
    """Create the topics that do not exist yet; return the names created.

    Raises ``ValueError`` when an existing topic has a different partition count than its spec.
    """
    from kafka.admin import NewTopic

    specs = list(specs)
    existing = existing_partition_counts(admin, [spec.name for spec in specs])
    mismatched = [
        f"{spec.name} has {existing[spec.name]} partitions, expected {spec.partitions}"
        for spec in specs
        if spec.name in existing and existing[spec.name] != spec.partitions
    ]
    if mismatched:
        raise ValueError("; ".join(mismatched) + " (delete the topic to recreate it)")
    missing = [spec for spec in specs if spec.name not in existing]
    if missing:
        admin.create_topics(
            [
                NewTopic(spec.name, spec.partitions, replication_factor, topic_configs=dict(spec.configs))
                for spec in missing
            ],
            wait_for_metadata=True,
        )
    for spec in missing:
        logger.info("created topic %s: %d partitions, %s", spec.name, spec.partitions, dict(spec.configs))
    for spec in specs:
        if spec.name in existing:
            logger.info("topic %s exists with %d partitions", spec.name, spec.partitions)
    return [spec.name for spec in missing]


def delete_topics(admin: Any, names: Iterable[str], timeout_seconds: float = 30.0) -> None:
    """Delete the topics among ``names`` that exist, and wait until the broker no longer lists them."""
    present = sorted(set(names) & set(admin.list_topics()))
    if not present:
        return
    admin.delete_topics(present)
    deadline = time.monotonic() + timeout_seconds
    while set(present) & set(admin.list_topics()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics still listed after deletion: {', '.join(present)}")
        time.sleep(0.2)
