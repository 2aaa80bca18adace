"""Which database errors are worth retrying, and the backoff between tries.

Only a lost or refused connection and a serialization failure or deadlock are retried.
A cancelled query, an over-long index key (ProgramLimitExceeded) and other
OperationalError subclasses carry a SQLSTATE and are real answers, not lost connections.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import psycopg
from sqlalchemy import exc as sa_exc

T = TypeVar("T")

# Class 08: connection exception. 57P01-57P03: the server is shutting down or starting
# (Neon's compute suspending or waking). 53300: too many connections (a pooler busy).
_RECONNECT_STATES = {"57P01", "57P02", "57P03", "53300"}
_RETRY_TX_STATES = {"40001", "40P01"}
# libpq reports a refusal during connection start-up without a SQLSTATE, so the message is
# all there is. These are answers, not outages: retrying them only delays the bad news.
REFUSED_LOGIN_MARKERS = (
    "password authentication failed",
    "authentication failed",
    "does not exist",
    "no pg_hba.conf entry",
    "is not permitted to log in",
    "permission denied for database",
    "channel binding",
    "scram",
)
TLS_FAILURE_MARKERS = (
    "certificate verify failed",
    "server certificate",
    "does not match host name",
    "does not support ssl",
    "sslrootcert",
    "root certificate file",
)


# Causes that waiting will not cure: nothing listens on that port, or the name does not
# resolve. Reported at once (with the cause) rather than after the whole retry budget.
# Only over TCP: the app's own server, on a Unix socket, may be restarting under it.
UNKNOWN_HOST_MARKERS = (
    "could not translate host name",
    "failed to resolve host",
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
)


# Enough to ride out a server restarting on the spot; a wrong port or host name is then
# reported with its cause instead of after the whole budget.
CERTAIN_OUTAGE_BUDGET = 2.0


def nothing_listening(err: BaseException) -> bool:
    text = str(err).lower()
    return "connection refused" in text and "connection to server at" in text


def unknown_host(err: BaseException) -> bool:
    text = str(err).lower()
    return any(marker in text for marker in UNKNOWN_HOST_MARKERS)


def certain_outage(exc: BaseException) -> bool:
    """A connection failure whose cause is known and will not go away by itself soon."""
    err = _driver_error(exc)
    return isinstance(err, psycopg.OperationalError) and (nothing_listening(err) or unknown_host(err))


def refused_login(err: BaseException) -> bool:
    text = str(err).lower()
    return any(marker in text for marker in REFUSED_LOGIN_MARKERS)


def tls_failure(err: BaseException) -> bool:
    text = str(err).lower()
    return any(marker in text for marker in TLS_FAILURE_MARKERS)


class Verdict(enum.Enum):
    RECONNECT = "reconnect"  # the connection is gone or refused: try again on a new one
    RETRY = "retry"  # the transaction lost a race: run it again
    FAIL = "fail"  # a real answer from the database: do not retry


def _driver_error(exc: BaseException) -> BaseException:
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def classify(exc: BaseException) -> Verdict:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return Verdict.RECONNECT
    # SQLAlchemy's own words for a connection the server (or a pooler) closed under it.
    if isinstance(exc, sa_exc.InvalidRequestError) and "connection is closed" in str(exc).lower():
        return Verdict.RECONNECT
    if isinstance(exc, sa_exc.ResourceClosedError):
        return Verdict.RECONNECT
    if isinstance(exc, sa_exc.TimeoutError):  # no free pooled connection in time
        return Verdict.RECONNECT
    err = _driver_error(exc)
    if not isinstance(err, psycopg.Error):
        return Verdict.FAIL
    state = err.sqlstate
    if state in _RETRY_TX_STATES:
        return Verdict.RETRY
    if state is None:
        if refused_login(err) or tls_failure(err):
            return Verdict.FAIL
        # Otherwise the failure happened below the protocol (refused, reset, timed out).
        return Verdict.RECONNECT if isinstance(err, psycopg.OperationalError) else Verdict.FAIL
    if state.startswith("08") or state in _RECONNECT_STATES:
        return Verdict.RECONNECT
    return Verdict.FAIL


def _stale_pooled(exc: BaseException) -> bool:
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


def backoff_delays(
    budget: float = 15.0, first: float = 0.2, cap: float = 3.0, rng: random.Random | None = None
) -> list[float]:
    """Full-jitter exponential backoff whose delays add up to about ``budget`` seconds."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
    delays: list[float] = []
    total, ceiling = 0.0, first
    while total < budget:
        delay = min(rng.uniform(ceiling / 2, ceiling), budget - total)
        delays.append(delay)
        total += delay
        ceiling = min(cap, ceiling * 2)
    return delays


def with_retries(
    action: Callable[[], T],
    *,
    budget: float = 15.0,
    max_tx_retries: int = 5,
    on_wait: Callable[[BaseException, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``action``; retry only what ``classify`` allows, within the time budget.

    The budget is wall-clock time, attempts included: a stalled endpoint makes each
    attempt last until its connect timeout. ``action`` must be idempotent: when a
    COMMIT's outcome is unknown it runs again.
    """
    deadline = time.monotonic() + budget
    delays: Iterator[float] | None = None
    tx_retries = 0
    replaced_stale = False
    waited = 0.0
    while True:
        try:
            return action()
        except Exception as exc:
            verdict = classify(exc)
            if verdict is Verdict.FAIL or (certain_outage(exc) and waited >= CERTAIN_OUTAGE_BUDGET):
                raise
            if verdict is Verdict.RECONNECT and not replaced_stale and _stale_pooled(exc):
                # A pooled connection died while idle (a suspend, a NAT timeout): the pool
                # has dropped it; one immediate try on a fresh one is not "waiting".
                replaced_stale = True
                continue
            if verdict is Verdict.RETRY:
                tx_retries += 1
                if tx_retries > max_tx_retries:
                    raise
                delay = 0.01 * tx_retries
            else:
                delays = delays or iter(backoff_delays(budget))
                remaining = deadline - time.monotonic()
                delay = min(next(delays, -1.0), remaining)
                if delay <= 0:
                    raise
            if on_wait is not None:
                on_wait(exc, delay)
            sleep(delay)
            waited += delay
