"""Health checks for the Docker runtime's HDFS and Spark containers.

Purpose: tell Docker whether a service is ready for work, not merely running. The NameNode is healthy
once it has left safe mode; the DataNode once the NameNode counts a live DataNode; the Spark master
once it reports ALIVE; the Spark worker once the master lists an alive worker.

Inputs: the service kind and the base URL of the web endpoint to ask (the NameNode's or the Spark
master's). Output: exit status 0 when healthy, 1 otherwise, with the reason on stderr.

Run (as docker-compose.yml does):
    python3 /opt/hyperion/healthcheck.py namenode --url http://localhost:9870

Standard library only, and Python 3.7 syntax, because it runs with whatever python3 the apache/hadoop
image ships.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import urllib.error
import urllib.request

logger = logging.getLogger(__name__)

NAMENODE_INFO_PATH = "/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo"
NAMESYSTEM_STATE_PATH = "/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState"
SPARK_MASTER_STATE_PATH = "/json/"
REQUEST_TIMEOUT_SECONDS = 5.0


def _single_jmx_bean(document: dict) -> dict:
    beans = document.get("beans") or []
    if len(beans) != 1:
        raise ValueError(f"expected one JMX bean, got {len(beans)}")
    return beans[0]


def namenode_health(namenode_info: dict) -> tuple[bool, str]:
    """Healthy when the NameNode is out of safe mode (its ``Safemode`` text is empty)."""
    safe_mode = _single_jmx_bean(namenode_info).get("Safemode")
    if safe_mode is None:
        return False, "the NameNodeInfo bean has no Safemode attribute"
    if safe_mode:
        return False, f"the NameNode is in safe mode: {safe_mode}"
    return True, "the NameNode is out of safe mode"


def datanode_health(namesystem_state: dict) -> tuple[bool, str]:
    """Healthy when the NameNode counts at least one live DataNode."""
    live_datanodes = _single_jmx_bean(namesystem_state).get("NumLiveDataNodes")
    if not isinstance(live_datanodes, int):
        return False, "the FSNamesystemState bean has no NumLiveDataNodes count"
    if live_datanodes < 1:
        return False, "the NameNode counts no live DataNode"
    return True, f"the NameNode counts {live_datanodes} live DataNode(s)"


def spark_master_health(master_state: dict) -> tuple[bool, str]:
    """Healthy when the Spark master reports itself ALIVE (not STANDBY or RECOVERING)."""
    status = master_state.get("status")
    if status != "ALIVE":
        return False, f"the Spark master status is {status!r}"
    return True, "the Spark master is ALIVE"


def spark_worker_health(master_state: dict) -> tuple[bool, str]:
    """Healthy when the Spark master lists at least one alive worker."""
    alive_workers = [worker for worker in master_state.get("workers", []) if worker.get("state") == "ALIVE"]
    if not alive_workers:
        return False, "the Spark master lists no alive worker"
    return True, f"the Spark master lists {len(alive_workers)} alive worker(s)"


CHECKS = {
    "namenode": (NAMENODE_INFO_PATH, namenode_health),
    "datanode": (NAMESYSTEM_STATE_PATH, datanode_health),
    "spark-master": (SPARK_MASTER_STATE_PATH, spark_master_health),
    "spark-worker": (SPARK_MASTER_STATE_PATH, spark_worker_health),
}


def fetch_json(url: str, timeout_seconds: float = REQUEST_TIMEOUT_SECONDS) -> dict:
    """GET ``url`` and parse its JSON body."""
    with urllib.request.urlopen(url, timeout=timeout_seconds) as response:
        return json.loads(response.read().decode("utf-8"))


def check(service: str, base_url: str) -> tuple[bool, str]:
    """Ask the service's web endpoint and judge its answer; failures to ask count as unhealthy."""
    path, judge = CHECKS[service]
    try:
        document = fetch_json(base_url.rstrip("/") + path)
    except (OSError, ValueError) as error:
        return False, f"could not read {base_url}{path}: {error}"
    try:
        return judge(document)
    except ValueError as error:
        return False, str(error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=sorted(CHECKS), help="which readiness rule to apply")
    parser.add_argument("--url", required=True, help="base URL of the NameNode or Spark master web endpoint")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    healthy, reason = check(arguments.service, arguments.url)
    if healthy:
        logger.info("healthy: %s", reason)
        return 0
    logger.error("unhealthy: %s", reason)
    return 1


if __name__ == "__main__":
    sys.exit(main())
