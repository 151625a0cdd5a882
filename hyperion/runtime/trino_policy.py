"""The location policy Trino asks before every statement: no query reads or writes outside the warehouse.

Trino here has no authentication: any client can claim any user name, so a rule keyed on the user would
hold nothing. What can be held is *where* data lives. Trino's OPA access control (the ``opa`` plugin,
configured in ``conf/trino/access-control.properties``) sends each access check, with the table or
schema properties of a CREATE, to this service and refuses the statement unless the answer is
``{"result": true}``. The rules, whatever the user:

1. A table may be created only as an external table whose ``external_location`` lies under a warehouse
   root (``<HYPERION_HDFS_URL>/processed`` and ``HYPERION_WAREHOUSE_S3_PREFIX``). A managed table, and so
   a CREATE TABLE AS SELECT into the metastore's warehouse, is refused. (A CTAS with a warehouse
   ``external_location`` passes this rule and is refused by the catalog:
   ``hive.non-managed-table-writes-enabled=false``.)
2. A schema may be created with no location (the metastore gives it an empty folder under its own
   warehouse, where rule 1 lets no table live) or with one under a warehouse root.
3. No statement changes a table's location-bearing properties, sets ``extra_properties`` (table
   parameters that the connector would read back, e.g. partition projection templates), registers a
   partition at a location of its choosing (``system.register_partition``), or writes rows into the
   hive catalog (UPDATE, MERGE, TRUNCATE here; INSERT and DELETE are refused by the catalog itself, see
   WRITE_OPERATIONS): the warehouse is written by Spark only.
4. Everything else is allowed: reads see only tables registered under rules 1-3.

A location passes only in a strict form: the root's scheme and authority, then path segments of
``[A-Za-z0-9._=-]`` with no ``.`` or ``..``; no percent-escapes, query or fragment. Anything the policy
cannot parse is refused. If this service is down, Trino refuses every statement (it fails closed).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from hyperion.runtime.health import Health, fetch_json

logger = logging.getLogger(__name__)

# Trino's Hive connector properties that name a storage location or carry free-form table parameters.
TABLE_LOCATION_PROPERTIES = ("external_location", "partition_projection_location_template")
TABLE_FORBIDDEN_PROPERTIES = ("extra_properties",)
SCHEMA_LOCATION_PROPERTY = "location"
# The catalogs whose storage is the warehouse: hive (HDFS) and the EMR rehearsal's S3 catalog (rendered by
# hyperion.runtime.rehearsal_catalog); the tpch catalog has no storage. Both take the same roots.
WAREHOUSE_CATALOGS = frozenset({"hive", "rehearsal"})
# Row writes refused here. INSERT and DELETE are not among them: Trino checks exactly those two on the
# table when the pipeline syncs a partitioned table's partitions (system.sync_partition_metadata), and
# the catalog refuses them on every table there can be (only external tables exist, rule 1, and
# hive.non-managed-table-writes-enabled=false refuses writing rows into them; tests/integration/
# test_exposure.py asserts the rows are untouched).
WRITE_OPERATIONS = frozenset({"TruncateTable", "UpdateTableColumns", "MergeTable"})
# Procedures that take a location argument from the caller.
LOCATION_PROCEDURES = frozenset({"register_partition"})
# The partition projection template may hold ${column} placeholders inside a segment.
_SEGMENT = re.compile(r"[A-Za-z0-9._=-]+")
_TEMPLATE_SEGMENT = re.compile(r"[A-Za-z0-9._=${}-]+")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


ALLOW = Decision(True, "allowed")


def _split_location(location: str, template: bool = False) -> tuple[str, str, list[str]] | None:
    """(scheme, authority, path segments) of a strict location, or None when it is not strict."""
    if not isinstance(location, str) or any(character in location for character in "%?#\\ \t\r\n"):
        return None
    parts = urlsplit(location)
    if not parts.scheme or parts.query or parts.fragment:
        return None
    segments = [segment for segment in parts.path.split("/")]
    # A leading slash gives one empty first segment; a trailing slash one empty last segment.
    if segments and segments[0] == "":
        segments = segments[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]
    pattern = _TEMPLATE_SEGMENT if template else _SEGMENT
    for segment in segments:
        if segment in (".", "..") or not pattern.fullmatch(segment):
            return None
    return parts.scheme.lower(), parts.netloc.lower(), segments


def is_within(location: str, roots: Iterable[str], template: bool = False) -> bool:
    """Whether ``location`` is a root or lies below one, compared segment by segment."""
    candidate = _split_location(location, template)
    if candidate is None:
        return False
    for root in roots:
        parsed_root = _split_location(root)
        if parsed_root is None:
            continue
        scheme, authority, root_segments = parsed_root
        if (
            candidate[0] == scheme
            and candidate[1] == authority
            and candidate[2][: len(root_segments)] == root_segments
        ):
            return True
    return False


def _property(properties: Mapping[str, Any], name: str) -> Any:
    # Trino sends SET PROPERTIES values as Optional (null when reset to the default).
    return properties.get(name)


def _check_table_properties(
    properties: Mapping[str, Any], roots: tuple[str, ...], creating: bool
) -> Decision:
    for name in TABLE_FORBIDDEN_PROPERTIES:
        if _property(properties, name) is not None:
            return Decision(False, f"table property {name} is not allowed")
    if not creating:
        for name in TABLE_LOCATION_PROPERTIES:
            if name in properties:
                return Decision(False, f"table property {name} cannot be changed")
        return ALLOW
    location = _property(properties, "external_location")
    if location is None:
        return Decision(
            False, "only external tables over the warehouse may be created (no external_location)"
        )
    if not is_within(location, roots):
        return Decision(False, f"external_location {location!r} is outside the warehouse {list(roots)}")
    template = _property(properties, "partition_projection_location_template")
    if template is not None and not is_within(template, roots, template=True):
        return Decision(
            False, f"partition_projection_location_template {template!r} is outside the warehouse"
        )
    return ALLOW


def decide(request: Mapping[str, Any], roots: tuple[str, ...]) -> Decision:
    """The decision for one OPA request body (``{"input": {"context": ..., "action": ...}}``)."""
    try:
        action = request["input"]["action"]
        operation = action["operation"]
    except (KeyError, TypeError):
        return Decision(False, "not an OPA request from Trino")
    resource = action.get("resource") or {}
    table = resource.get("table") or {}
    schema = resource.get("schema") or {}
    catalog = (
        table.get("catalogName")
        or schema.get("catalogName")
        or (resource.get("function") or {}).get("catalogName")
    )
    if operation == "CreateTable":
        if catalog not in WAREHOUSE_CATALOGS:
            return Decision(False, f"tables may be created only in the {sorted(WAREHOUSE_CATALOGS)} catalogs")
        return _check_table_properties(table.get("properties") or {}, roots, creating=True)
    if operation == "SetTableProperties":
        return _check_table_properties(table.get("properties") or {}, roots, creating=False)
    if operation == "CreateSchema":
        location = (schema.get("properties") or {}).get(SCHEMA_LOCATION_PROPERTY)
        if location is not None and not is_within(location, roots):
            return Decision(False, f"schema location {location!r} is outside the warehouse {list(roots)}")
        return ALLOW
    if operation in WRITE_OPERATIONS and catalog in WAREHOUSE_CATALOGS:
        return Decision(False, f"{operation}: the warehouse is written by Spark only, never through Trino")
    if operation == "ExecuteProcedure":
        procedure = (resource.get("function") or {}).get("functionName")
        if procedure in LOCATION_PROCEDURES:
            return Decision(False, f"procedure {procedure} takes a location and is not allowed")
    return ALLOW


def _handler(roots: tuple[str, ...]) -> type[BaseHTTPRequestHandler]:
    class PolicyHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            try:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length))
            except ValueError:
                self._answer(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
                return
            decision = decide(request, roots)
            if not decision.allowed:
                identity = ((request.get("input") or {}).get("context") or {}).get("identity") or {}
                logger.warning("refused for user %r: %s", identity.get("user"), decision.reason)
            self._answer(HTTPStatus.OK, {"result": decision.allowed})

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            # The health probe: a decision on a fixed request, so "healthy" means it really decides.
            probe = {"input": {"action": {"operation": "CreateTable", "resource": {"table": {}}}}}
            self._answer(HTTPStatus.OK, {"healthy": not decide(probe, roots).allowed, "roots": list(roots)})

        def _answer(self, status: HTTPStatus, payload: Mapping[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the http.server API)
            logger.debug("%s " + format, self.address_string(), *args)

    return PolicyHandler


def make_server(host: str, port: int, roots: tuple[str, ...]) -> ThreadingHTTPServer:
    """The policy service bound to ``host:port`` (not started)."""
    if not roots or not all(_split_location(root) for root in roots):
        raise ValueError(f"warehouse roots must be strict locations, got {list(roots)}")
    server = ThreadingHTTPServer((host, port), _handler(roots))
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="trino-policy", daemon=True)
    thread.start()
    return thread


def policy_health(address: str) -> Health:
    """Healthy when the service answers and refuses a managed-table CREATE, i.e. it really decides."""
    try:
        answer = fetch_json(f"http://{address}/")
    except (OSError, ValueError) as error:
        return Health(False, f"{type(error).__name__}: {error}")
    if not answer.get("healthy"):
        return Health(False, f"answers but does not refuse a managed table: {answer}")
    return Health(True, f"roots {', '.join(answer.get('roots', []))}")
