"""Health checks of the Docker runtime: each asks its service for a piece of real work.

Purpose: tell Docker (and so ``depends_on: service_healthy`` and ``docker compose up --wait``) that a
service can serve, not merely that its process runs or its port is open:

- kafka: the broker answers an ApiVersions request on its internal listener;
- namenode: active and out of safe mode;
- datanode: the DataNode's own web server answers and the DataNode says it is registered with the
  NameNode (both are needed before a WebHDFS write can be redirected to it);
- spark-master: ALIVE; spark-worker: the master lists this worker as ALIVE;
- metastore-db: PostgreSQL answers the metastore's role in its database, and Hive's schema is loaded
  (its VERSION table names a version);
- hive-metastore: a Thrift ``get_all_databases`` call returns a reply;
- trino: a ``SELECT 1`` runs to FINISHED.

Inputs: the service kind and, optionally, the address to ask. Output: exit status 0 when healthy, 1
otherwise, with the reason on stderr. Standard library only: it runs on each image's bookworm python3.

Run (as docker-compose.yml does):
    python3 /opt/hyperion/healthcheck.py namenode
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import urllib.request
from collections.abc import Callable

TIMEOUT_SECONDS = 5.0


def fetch_json(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - in-network
        return json.load(response)


def jmx_bean(base_url: str, query: str) -> dict:
    beans = fetch_json(f"{base_url}/jmx?qry={query}").get("beans") or []
    if len(beans) != 1:
        raise ValueError(f"expected one JMX bean for {query}, got {len(beans)}")
    return beans[0]


def receive_exactly(connection: socket.socket, size: int) -> bytes:
    chunks = b""
    while len(chunks) < size:
        chunk = connection.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed mid-response")
        chunks += chunk
    return chunks


def kafka_api_versions(address: str) -> tuple[bool, str]:
    """ApiVersions v0 (request header v1): error code 0 means the broker serves requests."""
    host, port = address.rsplit(":", 1)
    client_id = b"hyperion-health"
    body = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    with socket.create_connection((host, int(port)), timeout=TIMEOUT_SECONDS) as connection:
        connection.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", receive_exactly(connection, 4))
        response = receive_exactly(connection, size)
    correlation_id, error_code = struct.unpack(">ih", response[:6])
    if correlation_id != 1 or error_code != 0:
        return False, f"ApiVersions answered error {error_code}"
    return True, "the broker answers ApiVersions"


def namenode(address: str) -> tuple[bool, str]:
    base = f"http://{address}"
    state = jmx_bean(base, "Hadoop:service=NameNode,name=NameNodeStatus").get("State")
    safe_mode = jmx_bean(base, "Hadoop:service=NameNode,name=NameNodeInfo").get("Safemode")
    if state != "active":
        return False, f"NameNode state {state}"
    if safe_mode:
        return False, f"NameNode in safe mode: {safe_mode}"
    return True, "NameNode active, out of safe mode"


def datanode(address: str) -> tuple[bool, str]:
    info = jmx_bean(f"http://{address}", "Hadoop:service=DataNode,name=DataNodeInfo")
    actors = json.loads(info.get("BPServiceActorInfo") or "[]")
    running = [actor for actor in actors if actor.get("ActorState") == "RUNNING"]
    if not running:
        return False, f"DataNode not registered with a NameNode: {actors}"
    return True, f"DataNode registered with {running[0].get('NamenodeAddress')}"


def spark_master(address: str) -> tuple[bool, str]:
    status = fetch_json(f"http://{address}/json/").get("status")
    return status == "ALIVE", f"master {status}"


def spark_worker(address: str) -> tuple[bool, str]:
    """The master (at ``address``) lists this container's worker as ALIVE."""
    own_address = socket.gethostbyname(socket.gethostname())
    workers = fetch_json(f"http://{address}/json/").get("workers") or []
    alive = [
        worker for worker in workers if worker.get("state") == "ALIVE" and worker.get("host") == own_address
    ]
    return bool(alive), f"{len(alive)} alive worker(s) at {own_address} among {len(workers)}"


def thrift_string(text: str) -> bytes:
    encoded = text.encode()
    return struct.pack(">i", len(encoded)) + encoded


def hive_metastore(address: str) -> tuple[bool, str]:
    """A Thrift binary-protocol call of ThriftHiveMetastore.get_all_databases()."""
    host, port = address.rsplit(":", 1)
    request = (
        struct.pack(">I", 0x80010001) + thrift_string("get_all_databases") + struct.pack(">i", 1) + b"\x00"
    )
    with socket.create_connection((host, int(port)), timeout=TIMEOUT_SECONDS) as connection:
        connection.sendall(request)
        (version,) = struct.unpack(">I", receive_exactly(connection, 4))
        (name_length,) = struct.unpack(">i", receive_exactly(connection, 4))
        name = receive_exactly(connection, name_length).decode()
        # Read the reply to its end and close politely: a reset connection is logged by the metastore.
        connection.shutdown(socket.SHUT_WR)
        while connection.recv(65536):
            pass
    message_type = version & 0xFF
    # 2 is REPLY; 3 is an application EXCEPTION (for example, no database connection).
    if message_type != 2 or name != "get_all_databases":
        return False, f"metastore answered message type {message_type} to {name}"
    return True, "the metastore lists its databases"


def trino(address: str) -> tuple[bool, str]:
    headers = {"X-Trino-User": "hyperion-health"}
    result = fetch_json(f"http://{address}/v1/statement", data=b"SELECT 1", headers=headers)
    for _ in range(50):
        if "error" in result:
            return False, f"query failed: {result['error'].get('message')}"
        if "nextUri" not in result:
            break
        result = fetch_json(result["nextUri"], headers=headers)
    state = result.get("stats", {}).get("state")
    return state == "FINISHED", f"SELECT 1 {state}"


def trino_policy(address: str) -> tuple[bool, str]:
    # Its GET answers with a decision on a fixed foreign location, so "healthy" means it really decides.
    answer = fetch_json(f"http://{address}/")
    return bool(answer.get("healthy")), f"policy roots {answer.get('roots')}"


def metastore_db(socket_directory: str) -> tuple[bool, str]:
    """As the metastore's role (POSTGRES_USER) in its database (POSTGRES_DB), over the local socket."""
    completed = subprocess.run(
        [
            "psql",
            f"--host={socket_directory}",
            f"--username={os.environ['POSTGRES_USER']}",
            f"--dbname={os.environ['POSTGRES_DB']}",
            "--tuples-only",
            "--no-align",
            "--command",
            'select "SCHEMA_VERSION" from "VERSION"',
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    version = completed.stdout.strip()
    if completed.returncode != 0 or not version:
        return False, completed.stderr.strip()[-200:] or "no schema version"
    return True, f"metastore schema {version}"


CHECKS: dict[str, tuple[Callable[[str], tuple[bool, str]], str]] = {
    "kafka": (kafka_api_versions, "127.0.0.1:29092"),
    "namenode": (namenode, "127.0.0.1:9870"),
    "datanode": (datanode, "127.0.0.1:9864"),
    "spark-master": (spark_master, "127.0.0.1:8090"),
    "spark-worker": (spark_worker, "spark-master:8090"),
    "metastore-db": (metastore_db, "/var/run/postgresql"),
    "hive-metastore": (hive_metastore, "127.0.0.1:9083"),
    "trino": (trino, "127.0.0.1:8080"),
    "trino-policy": (trino_policy, "127.0.0.1:8181"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=sorted(CHECKS))
    parser.add_argument("--address", help="host:port to ask (default: the service's own)")
    arguments = parser.parse_args(argv)
    check, default_address = CHECKS[arguments.service]
    try:
        healthy, detail = check(arguments.address or default_address)
    except (OSError, ValueError, KeyError, struct.error, subprocess.TimeoutExpired) as error:
        healthy, detail = False, f"{type(error).__name__}: {error}"
    print(f"{arguments.service}: {detail}", file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
