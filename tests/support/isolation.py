"""One test's own Kafka topics and HDFS root on the shared stack, so that tests never see each other's data.

The integration tests share one stack (the session ``stack`` fixture), so each run gets topics and a
landing root named after a random run id, and an environment that points the producers and the consumer
(subprocesses) at them through the ``HYPERION_TOPIC_*`` settings. Everything is deleted afterwards, also
when the test fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hdfs import InsecureClient

from hyperion.config import REPOSITORY_ROOT, Settings, get_settings
from hyperion.ingest.topics import (
    admin_client,
    create_topics,
    delete_topics,
    load_topic_specs,
    specs_for_settings,
)

TOPIC_ROLES = ("films", "characters", "boxoffice", "deadletter")


@dataclass(frozen=True)
class Isolation:
    """The run id, the settings and subprocess environment naming its topics, and its HDFS root."""

    run_id: str
    settings: Settings
    environment: dict[str, str]
    landing_root: str
    client: InsecureClient


@contextmanager
def isolated_topics(label: str, landing_root: bool = True) -> Iterator[Isolation]:
    """Create ``test-<run id>-<label>-<role>`` topics (and ``/tests/<run id>``); drop them on exit."""
    run_id = uuid.uuid4().hex[:10]
    overrides = {f"HYPERION_TOPIC_{role.upper()}": f"test-{run_id}-{label}-{role}" for role in TOPIC_ROLES}
    # PYTHONPATH: the subprocesses import hyperion and tests' helpers from this checkout.
    environment = {**os.environ, **overrides, "PYTHONPATH": str(REPOSITORY_ROOT)}
    settings = Settings.from_environment(environment)
    base = get_settings()
    client = InsecureClient(base.webhdfs_url, user=base.hdfs_user)
    admin = admin_client(settings)
    specs = specs_for_settings(settings, load_topic_specs())
    create_topics(admin, specs)
    root = f"/tests/{run_id}"
    try:
        yield Isolation(run_id, settings, environment, root, client)
    finally:
        delete_topics(admin, [spec.name for spec in specs])
        admin.close()
        if landing_root:
            client.delete(root, recursive=True)
