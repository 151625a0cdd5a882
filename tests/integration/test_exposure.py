"""The stack is closed to other hosts, and Trino cannot be made to read or write outside the warehouse.

Issue 10, section 3. Against the real local runtime:
- every socket that a process of the stack (the pids in .runtime/pids and their children) listens on is
  bound to loopback;
- Trino, which has no authentication, is attacked as arbitrary users: external tables over ``file://``
  folders and over HDFS outside /processed, CREATE TABLE AS SELECT, schemas at foreign locations, row
  writes. Each is refused, nothing is read or created, while the pipeline's own registration (an external
  table over /processed) still works;
- with the policy service down, Trino refuses every statement (it fails closed).
"""

from __future__ import annotations

import io
import ipaddress
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import trino
from hdfs import InsecureClient

from hyperion.config import PORTS, Settings
from hyperion.runtime import supervisor
from hyperion.runtime.services import SERVICES, RuntimeLayout
from hyperion.runtime.supervisor import read_record

pytestmark = pytest.mark.integration

# Users an attacker may claim: the pipeline's own, an administrator's, and one nobody configured.
CLAIMED_USERS = ("hyperion", "admin", f"intruder-{uuid.uuid4().hex[:6]}")
SECRET_LINE = "the-contents-of-a-local-file"


def stack_pids(settings: Settings) -> dict[int, str]:
    """Every pid of the local runtime's services and their children, mapped to the service name."""
    layout = RuntimeLayout(settings)
    pids: dict[int, str] = {}
    for service in SERVICES:
        record = read_record(layout, service)
        if record is None:
            pytest.fail(
                f"{service.name} has no live pid file in {layout.root / 'pids'}: this test inspects the "
                "local runtime's processes, so run it against the local runtime (make up RUNTIME=local)"
            )
        process = psutil.Process(record.pid)
        for member in (process, *process.children(recursive=True)):
            pids[member.pid] = service.name
    return pids


def is_loopback(address: str) -> bool:
    parsed = ipaddress.ip_address(address.split("%", 1)[0])
    # Java binds IPv4 addresses on a dual-stack socket: 127.0.0.1 shows as ::ffff:127.0.0.1.
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed.is_loopback


def test_every_socket_the_stack_listens_on_is_bound_to_loopback(stack: Settings) -> None:
    pids = stack_pids(stack)
    listening: list[tuple[str, str, int]] = []
    for connection in psutil.net_connections(kind="inet"):
        if connection.pid not in pids or not connection.laddr:
            continue
        # TCP: LISTEN; UDP has no state, and a socket with no remote end receives from anyone.
        if connection.status == psutil.CONN_LISTEN or (connection.type == 2 and not connection.raddr):
            listening.append((pids[connection.pid], connection.laddr.ip, connection.laddr.port))
    exposed = [socket for socket in listening if not is_loopback(socket[1])]
    assert not exposed, f"listening beyond loopback (service, address, port): {sorted(exposed)}"
    # The check saw the stack: every documented port is among the loopback listeners.
    seen = {(service, port) for service, _, port in listening}
    expected = {(service, port) for service, ports in PORTS.items() for port in ports.values()}
    assert expected <= seen, f"documented ports not seen listening: {sorted(expected - seen)}"


# --- Trino -------------------------------------------------------------------------------------------


def run(settings: Settings, user: str, sql: str) -> list[list[object]]:
    connection = trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=user, catalog="hive", request_timeout=60
    )
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        connection.close()


def refused(settings: Settings, user: str, sql: str) -> str:
    """Run a statement that must be refused; return Trino's message."""
    with pytest.raises(trino.exceptions.TrinoQueryError) as error:
        run(settings, user, sql)
    return error.value.message


@pytest.fixture(scope="module")
def schema(stack: Settings) -> Iterator[str]:
    """A schema created as the pipeline creates its own (no location), dropped afterwards."""
    name = f"exposure_{uuid.uuid4().hex[:10]}"
    run(stack, stack.trino_user, f"create schema hive.{name}")
    yield name
    objects = run(
        stack,
        stack.trino_user,
        f"select table_name, table_type from hive.information_schema.tables where table_schema = '{name}'",
    )
    for table, table_type in objects:
        kind = "view" if table_type == "VIEW" else "table"
        run(stack, stack.trino_user, f"drop {kind} hive.{name}.{table}")
    run(stack, stack.trino_user, f"drop schema hive.{name}")


@pytest.fixture(scope="module")
def warehouse_folder(stack: Settings) -> Iterator[str]:
    """A Parquet folder under /processed, as Spark would leave it, removed afterwards."""
    client = InsecureClient(stack.webhdfs_url, user=stack.hdfs_user)
    folder = f"/processed/_exposure_test_{uuid.uuid4().hex[:10]}"
    buffer = io.BytesIO()
    pq.write_table(pa.table({"title": ["Toy Story", "Up"], "gross": [191_796_233, 293_004_164]}), buffer)
    client.write(f"{folder}/part-00000.parquet", data=buffer.getvalue())
    yield folder
    client.delete(folder, recursive=True)


@pytest.fixture
def local_folder(tmp_path: Path) -> Path:
    """A local folder with a readable text file, the target of the file:// attacks."""
    folder = tmp_path / "local-data"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET_LINE + "\n")
    folder.chmod(0o755)
    return folder


def test_the_pipeline_registration_over_the_warehouse_still_works(
    stack: Settings, schema: str, warehouse_folder: str
) -> None:
    location = f"{stack.hdfs_url}{warehouse_folder}"
    run(
        stack,
        stack.trino_user,
        f"create table hive.{schema}.films (title varchar, gross bigint) "
        f"with (format = 'PARQUET', external_location = '{location}')",
    )
    rows = run(stack, "someone-else", f"select title, gross from hive.{schema}.films order by title")
    assert rows == [["Toy Story", 191_796_233], ["Up", 293_004_164]]
    run(
        stack,
        stack.trino_user,
        f"create or replace view hive.{schema}.films_view as select * from hive.{schema}.films",
    )
    assert run(stack, stack.trino_user, f"select count(*) from hive.{schema}.films_view") == [[2]]


@pytest.mark.parametrize("user", CLAIMED_USERS)
def test_an_external_table_over_a_local_folder_is_refused(
    stack: Settings, schema: str, local_folder: Path, user: str
) -> None:
    table = f"hive.{schema}.local_{uuid.uuid4().hex[:8]}"
    for location in (local_folder.as_uri(), f"file:{local_folder}", f"local://{local_folder}"):
        message = refused(
            stack,
            user,
            f"create table {table} (line varchar) "
            f"with (format = 'TEXTFILE', external_location = '{location}')",
        )
        assert "Access Denied" in message, message
    assert not run(stack, user, f"show tables from hive.{schema} like '{table.rsplit('.', 1)[1]}'")


@pytest.mark.parametrize("user", CLAIMED_USERS)
@pytest.mark.parametrize(
    "path",
    ["/raw", "/raw/raw-films", "/rejects", "/tmp", "/", "/processed/../raw", "/processedX"],
)
def test_an_external_table_over_hdfs_outside_the_warehouse_is_refused(
    stack: Settings, schema: str, user: str, path: str
) -> None:
    table = f"hive.{schema}.hdfs_{uuid.uuid4().hex[:8]}"
    for location in (f"{stack.hdfs_url}{path}", f"hdfs://{path}"):
        message = refused(
            stack,
            user,
            f"create table {table} (line varchar) "
            f"with (format = 'TEXTFILE', external_location = '{location}')",
        )
        assert "Access Denied" in message, message


@pytest.mark.parametrize("user", CLAIMED_USERS)
def test_create_table_as_select_writes_nowhere(stack: Settings, schema: str, user: str) -> None:
    client = InsecureClient(stack.webhdfs_url, user=stack.hdfs_user)
    name = f"ctas_{uuid.uuid4().hex[:8]}"
    # Into the metastore's managed warehouse.
    assert "Access Denied" in refused(stack, user, f"create table hive.{schema}.{name} as select 1 as x")
    # Into the processed warehouse itself: external tables are never written through Trino.
    location = f"{stack.hdfs_url}/processed/_exposure_{name}"
    message = refused(
        stack,
        user,
        f"create table hive.{schema}.{name} with (external_location = '{location}') as select 1 as x",
    )
    assert "Access Denied" in message or "non-managed" in message, message
    assert client.status(f"/processed/_exposure_{name}", strict=False) is None
    # A managed table created empty, then filled, is refused at the create.
    assert "Access Denied" in refused(stack, user, f"create table hive.{schema}.{name} (x integer)")


@pytest.mark.parametrize("user", CLAIMED_USERS)
def test_a_schema_at_a_location_outside_the_warehouse_is_refused(
    stack: Settings, user: str, tmp_path: Path
) -> None:
    client = InsecureClient(stack.webhdfs_url, user=stack.hdfs_user)
    name = f"exposure_schema_{uuid.uuid4().hex[:8]}"
    local = tmp_path / "schema-folder"
    for location in (local.as_uri(), f"{stack.hdfs_url}/tmp/{name}", f"{stack.hdfs_url}/raw/{name}"):
        message = refused(stack, user, f"create schema hive.{name} with (location = '{location}')")
        assert "Access Denied" in message, message
    # The metastore creates a schema's folder: a refused statement must not have reached it.
    assert not local.exists()
    assert client.status(f"/tmp/{name}", strict=False) is None
    assert client.status(f"/raw/{name}", strict=False) is None
    assert [name] not in run(stack, user, "show schemas from hive")


@pytest.mark.parametrize("user", CLAIMED_USERS)
def test_rows_cannot_be_written_into_a_warehouse_table(
    stack: Settings, schema: str, warehouse_folder: str, user: str
) -> None:
    table = f"hive.{schema}.films_{uuid.uuid4().hex[:8]}"
    run(
        stack,
        stack.trino_user,
        f"create table {table} (title varchar, gross bigint) "
        f"with (format = 'PARQUET', external_location = '{stack.hdfs_url}{warehouse_folder}')",
    )
    for statement in (
        f"insert into {table} values ('Cars', 1)",
        f"delete from {table}",
        f"truncate table {table}",
    ):
        refused(stack, user, statement)
    assert run(stack, user, f"select count(*) from {table}") == [[2]]


def test_partitions_cannot_be_registered_at_a_location_of_the_callers_choosing(
    stack: Settings, schema: str, local_folder: Path
) -> None:
    message = refused(
        stack,
        "intruder",
        f"call hive.system.register_partition('{schema}', 'films', array['year'], array['1995'], "
        f"'{local_folder.as_uri()}')",
    )
    assert "Access Denied" in message, message


def test_trino_refuses_every_statement_while_the_policy_is_down(stack: Settings, local_folder: Path) -> None:
    if read_record(RuntimeLayout(stack), next(s for s in SERVICES if s.name == "trino-policy")) is None:
        pytest.fail("the trino-policy service of the local runtime is not running")
    supervisor.down(stack, ["trino-policy"])
    try:
        refused(stack, "hyperion", "select 1")
        message = refused(
            stack,
            "hyperion",
            f"create table hive.default.t (line varchar) "
            f"with (external_location = '{local_folder.as_uri()}')",
        )
        assert SECRET_LINE not in message
    finally:
        supervisor.up(stack, ["trino-policy"])
    assert run(stack, "hyperion", "select 1") == [[1]]
