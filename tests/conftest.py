"""Shared test fixtures. Unit tests need no services; integration tests ask for the `stack` fixture."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from hyperion.config import Settings, get_settings
from hyperion.runtime import supervisor


@pytest.fixture(scope="session")
def stack() -> Iterator[Settings]:
    """A healthy stack: reuse a running one (local or Docker), or start the local runtime and stop it after.

    A stack that cannot be had fails the test with the reason and the failing service's log tail; it never
    skips, so CI cannot go green without the services.
    """
    settings = get_settings()
    if supervisor.is_running(settings):
        yield settings
        return
    if os.environ.get("HYPERION_TEST_NO_START"):
        pytest.fail("the stack is not running and HYPERION_TEST_NO_START is set; run make up first")
    logging.getLogger(__name__).info("starting the local stack for the integration tests")
    try:
        supervisor.up(settings)
    except Exception as error:  # any start-up failure must fail loudly with its cause
        pytest.fail(f"could not start the local stack: {error}")
    try:
        yield settings
    finally:
        supervisor.down(settings)
