"""Health probes: each asks a service whether it can do real work, not just whether a port is open."""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Health:
    healthy: bool
    detail: str


def fetch_json(url: str, timeout: float = 3.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local endpoints only
        return json.load(response)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _guarded(probe):
    """Turn connection errors into an unhealthy answer: a starting service refuses connections."""

    def wrapper(*arguments: Any) -> Health:
        try:
            return probe(*arguments)
        except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as error:
            return Health(False, f"{type(error).__name__}: {error}")

    wrapper.__name__ = probe.__name__
    wrapper.__doc__ = probe.__doc__
    return wrapper


@_guarded
def kafka_health(bootstrap_servers: str) -> Health:
    """The broker answers a metadata request."""
    from kafka import KafkaAdminClient

    # kafka-python logs every refused connection as an error while the broker is starting.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers, request_timeout_ms=3000, bootstrap_timeout_ms=3000
        )
    except Exception as error:  # kafka-python raises its own NoBrokersAvailable, not an OSError
        return Health(False, f"{type(error).__name__}: {error}")
    try:
        topics = admin.list_topics()
        return Health(True, f"{len([topic for topic in topics if not topic.startswith('__')])} topics")
    finally:
        admin.close()


@_guarded
def namenode_health(http_address: str) -> Health:
    """The NameNode is active and out of safe mode."""
    status = fetch_json(f"http://{http_address}/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus")
    state = status["beans"][0]["State"]
    info = fetch_json(f"http://{http_address}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo")
    safemode = info["beans"][0]["Safemode"]
    if state != "active":
        return Health(False, f"state {state}")
    if safemode:
        return Health(False, "in safe mode")
    return Health(True, "active")


@_guarded
def datanode_health(datanode_http_address: str) -> Health:
    """The DataNode itself answers on its HTTP port (where WebHDFS writes are redirected) and its block
    pool service is registered with the NameNode and running. The NameNode's live count is not enough: it
    lags a dead DataNode by minutes and counts one whose HTTP port is not open yet."""
    info = fetch_json(f"http://{datanode_http_address}/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo")
    actors = json.loads(info["beans"][0]["BPServiceActorInfo"])
    running = [actor for actor in actors if actor.get("ActorState") == "RUNNING"]
    if not running:
        states = ", ".join(str(actor.get("ActorState")) for actor in actors) or "no block pool"
        return Health(False, f"not registered with the NameNode ({states})")
    return Health(True, f"registered with {running[0].get('NamenodeAddress', 'the NameNode')}")


@_guarded
def hive_metastore_health(host: str, port: int) -> Health:
    """The Thrift port accepts connections (the metastore opens it only once its database is ready)."""
    return Health(
        port_open(host, port), "thrift port open" if port_open(host, port) else "thrift port closed"
    )


@_guarded
def spark_master_health(http_address: str) -> Health:
    state = fetch_json(f"http://{http_address}/json/")
    return Health(state["status"] == "ALIVE", str(state["status"]).lower())


@_guarded
def spark_worker_health(master_http_address: str) -> Health:
    """The master has registered at least one live worker."""
    state = fetch_json(f"http://{master_http_address}/json/")
    alive = int(state.get("aliveworkers", 0))
    return Health(alive >= 1, f"{alive} registered")


@_guarded
def trino_health(http_address: str) -> Health:
    """Trino has started and runs a query: /v1/info says ready a moment before the node can be scheduled
    ("nodes is empty"), so only a finished query proves it can do work."""
    info = fetch_json(f"http://{http_address}/v1/info")
    if info.get("starting", True):
        return Health(False, "starting")
    import trino

    host, port = http_address.rsplit(":", 1)
    connection = trino.dbapi.connect(host=host, port=int(port), user="hyperion-health", request_timeout=5)
    try:
        cursor = connection.cursor()
        cursor.execute("select 1")
        cursor.fetchall()
    except trino.exceptions.TrinoQueryError as error:
        return Health(False, f"query failed: {error.message}")
    finally:
        connection.close()
    return Health(True, f"version {info['nodeVersion']['version']}")
