"""WebHDFS round trip: create a file, read it back through the DataNode redirect, delete it.

Purpose: prove that a WebHDFS client can follow the NameNode's 307 redirect to the DataNode from
where it runs. Both runtimes register the DataNode as ``localhost``, so this passes on the host, and
inside Docker only in a container that shares the DataNode's network namespace (the webhdfs-smoke
service). docs/docker-runtime.md explains why.

Inputs: the NameNode's WebHDFS base URL, the HDFS user name and a scratch folder.
Output: exit status 0 when the round trip succeeded, 1 otherwise; one line per step on stderr.

Run:
    python3 docker/webhdfs_smoke.py --namenode-url http://localhost:9870          # from the host
    docker compose run --rm webhdfs-smoke                                          # from a container

Standard library only, so it runs in the Spark image and on a bare host Python.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import sys
import urllib.parse
import uuid

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10.0
WEBHDFS_PREFIX = "/webhdfs/v1"


class WebHdfsError(RuntimeError):
    """A WebHDFS step answered with something other than what the protocol promises."""


def _request(method: str, url: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request without following redirects: the redirect is what this script checks."""
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        path = parts.path + ("?" + parts.query if parts.query else "")
        headers = {"Content-Type": "application/octet-stream"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {key.lower(): value for key, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def operation_url(namenode_url: str, path: str, operation: str, user: str, **parameters: str) -> str:
    """The NameNode URL of a WebHDFS operation on ``path``."""
    query = {"op": operation, "user.name": user, **parameters}
    return f"{namenode_url.rstrip('/')}{WEBHDFS_PREFIX}{path}?{urllib.parse.urlencode(query)}"


def _redirect_location(status: int, headers: dict[str, str], step: str) -> str:
    if status != 307 or "location" not in headers:
        raise WebHdfsError(f"{step}: expected a 307 redirect to the DataNode, got HTTP {status}")
    return headers["location"]


def round_trip(namenode_url: str, user: str, folder: str) -> str:
    """Write, read back and delete one small file; return the DataNode address the redirect named."""
    path = f"{folder.rstrip('/')}/webhdfs-smoke-{uuid.uuid4().hex}.txt"
    payload = f"hyperion webhdfs smoke {path}\n".encode()

    status, headers, _ = _request("PUT", operation_url(namenode_url, path, "CREATE", user, overwrite="true"))
    datanode_url = _redirect_location(status, headers, "create")
    datanode_address = urllib.parse.urlsplit(datanode_url).netloc
    logger.info("create: the NameNode redirected to %s", datanode_address)
    try:
        status, _, _ = _request("PUT", datanode_url, body=payload)
    except OSError as error:
        raise WebHdfsError(f"create: cannot reach the DataNode at {datanode_address}: {error}") from error
    if status != 201:
        raise WebHdfsError(f"create: the DataNode answered HTTP {status}, expected 201")
    logger.info("create: wrote %d bytes to %s", len(payload), path)

    try:
        status, headers, _ = _request("GET", operation_url(namenode_url, path, "OPEN", user))
        read_url = _redirect_location(status, headers, "open")
        try:
            status, _, content = _request("GET", read_url)
        except OSError as error:
            raise WebHdfsError(f"open: cannot reach the DataNode at {datanode_address}: {error}") from error
        if status != 200 or content != payload:
            raise WebHdfsError(
                f"open: HTTP {status} with {len(content)} bytes, not the {len(payload)} written"
            )
        logger.info("open: read the same %d bytes back", len(content))
    finally:
        status, _, body = _request("DELETE", operation_url(namenode_url, path, "DELETE", user))
        if status != 200 or json.loads(body or b"{}").get("boolean") is not True:
            logger.warning("delete: HTTP %d, %s was not removed", status, path)
    return datanode_address


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--namenode-url", default="http://localhost:9870", help="WebHDFS base URL")
    parser.add_argument("--user", default="hyperion", help="HDFS user name (simple authentication)")
    parser.add_argument("--folder", default="/tmp", help="HDFS folder for the scratch file")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    try:
        datanode_address = round_trip(arguments.namenode_url, arguments.user, arguments.folder)
    except (WebHdfsError, OSError) as error:
        logger.error("webhdfs smoke test failed: %s", error)
        return 1
    logger.info("webhdfs smoke test passed through the DataNode at %s", datanode_address)
    return 0


if __name__ == "__main__":
    sys.exit(main())
