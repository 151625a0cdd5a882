"""Bounded exponential backoff for calls to a service that may be briefly away (a DataNode restarting).

Every retried call must be idempotent: a WebHDFS write to a temporary name, a rename that checks
whether an earlier attempt already did it, a Kafka commit of the same offsets. When the attempts are used
up, :class:`ServiceUnavailableError` carries one message naming the service and what to do; the caller
stops cleanly (summary line, non-zero exit) and nothing is lost, because nothing uncommitted was counted
as landed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from hyperion.config import PORTS, Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a failing call is tried again (HYPERION_RETRY_* settings)."""

    attempts: int = 6
    first_delay_seconds: float = 1.0
    maximum_delay_seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.retry_attempts, settings.retry_first_delay_seconds, settings.retry_maximum_delay_seconds
        )


class ServiceUnavailableError(RuntimeError):
    """A service stayed unreachable through every attempt; the message says which and what to do."""


def service_of_url(url: str) -> str:
    """``HDFS DataNode at http://localhost:9864`` for a URL whose port is a known service port."""
    parts = urlsplit(url)
    names = {port: service for service, ports in PORTS.items() for port in ports.values()}
    label = {"namenode": "HDFS NameNode", "datanode": "HDFS DataNode", "kafka": "Kafka broker"}
    service = names.get(parts.port or 0)
    return f"{label.get(service or '', service or 'service')} at {parts.scheme}://{parts.netloc}"


def call_with_retries(
    operation: Callable[[], T],
    *,
    what: str,
    service: Callable[[BaseException], str],
    is_transient: Callable[[BaseException], bool],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``operation()``, retried on transient errors with exponential backoff, each retry logged.

    ``service(error)`` names the service the last error came from, for the final message.
    """
    started = time.monotonic()

    def log_retry(state) -> None:
        error = state.outcome.exception()
        logger.warning(
            "%s failed (attempt %d of %d, %s: %s); retrying in %.1f s",
            what,
            state.attempt_number,
            policy.attempts,
            type(error).__name__,
            str(error)[:200],
            state.next_action.sleep,
        )

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(
            multiplier=policy.first_delay_seconds,
            min=policy.first_delay_seconds,
            max=policy.maximum_delay_seconds,
        ),
        retry=retry_if_exception(is_transient),
        before_sleep=log_retry,
        sleep=sleep,
    )
    try:
        return retrying(operation)
    except RetryError as exhausted:
        error = exhausted.last_attempt.exception()
        seconds = time.monotonic() - started
        raise ServiceUnavailableError(
            f"{service(error)} unreachable after {policy.attempts} attempts over {seconds:.0f} s "
            f"({what}: {type(error).__name__}): is the stack up? run `make status`"
        ) from error
