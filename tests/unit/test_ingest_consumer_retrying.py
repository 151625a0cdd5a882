"""Bounded retries of the landing consumer's WebHDFS calls and commits (no service needed)."""

from __future__ import annotations

import pytest
import requests

from hyperion.ingest.landing import RetryingStore, hdfs_service_of_error
from hyperion.ingest.retrying import RetryPolicy, ServiceUnavailableError, call_with_retries

POLICY = RetryPolicy(attempts=4, first_delay_seconds=1.0, maximum_delay_seconds=3.0)


def test_a_transient_error_is_retried_with_growing_bounded_delays():
    delays: list[float] = []
    failures = iter([ConnectionError("refused")] * 3)

    def flaky() -> str:
        error = next(failures, None)
        if error is not None:
            raise error
        return "done"

    result = call_with_retries(
        flaky,
        what="writing",
        service=lambda _: "x",
        is_transient=lambda _: True,
        policy=POLICY,
        sleep=delays.append,
    )
    assert result == "done"
    assert delays == [1.0, 2.0, 3.0]


def test_exhausted_retries_name_the_datanode_and_what_to_do(caplog):
    error = requests.exceptions.ConnectionError("refused")
    error.request = requests.Request("PUT", "http://localhost:9864/webhdfs/v1/raw/x?op=CREATE").prepare()

    def always_fails() -> None:
        raise error

    with pytest.raises(ServiceUnavailableError) as raised:
        call_with_retries(
            always_fails,
            what="writing /raw/x",
            service=hdfs_service_of_error("http://localhost:9870"),
            is_transient=lambda _: True,
            policy=POLICY,
            sleep=lambda _: None,
        )
    message = str(raised.value)
    assert message.startswith("HDFS DataNode at http://localhost:9864 unreachable after 4 attempts")
    assert "make status" in message
    assert len([record for record in caplog.records if "retrying in" in record.message]) == 3


def test_a_permanent_error_is_not_retried():
    calls = []

    def fails() -> None:
        calls.append(1)
        raise ValueError("bad")

    with pytest.raises(ValueError):
        call_with_retries(
            fails,
            what="x",
            service=lambda _: "x",
            is_transient=lambda _: False,
            policy=POLICY,
            sleep=lambda _: None,
        )
    assert calls == [1]


class LosesTheFirstRenameAnswer:
    """A store whose first rename happens on the server but whose answer is lost."""

    def __init__(self) -> None:
        self.files = {"/d/_tmp/a.tmp": b"x"}
        self.renames = 0

    def exists(self, path: str) -> bool:
        return path in self.files

    def rename(self, source: str, target: str) -> None:
        self.renames += 1
        if target in self.files:
            raise OSError("target exists")
        self.files[target] = self.files.pop(source)
        if self.renames == 1:
            raise requests.exceptions.ConnectionError("answer lost")


def test_a_retried_rename_sees_that_the_first_attempt_succeeded():
    store = LosesTheFirstRenameAnswer()
    retrying = RetryingStore(store, RetryPolicy(3, 0.0, 0.0), lambda _: "HDFS")
    retrying.rename("/d/_tmp/a.tmp", "/d/a")
    assert store.files == {"/d/a": b"x"} and store.renames == 1
