"""classify, backoff_delays, with_retries and map_error on errors provoked on a real server."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy import exc as sa_exc

from todo_desktop.core.errors import ConflictError, DatabaseUnavailableError, TodoError, ValidationError
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.error_mapping import map_error
from todo_desktop.db.connect.retry import Verdict, backoff_delays, classify, with_retries
from todo_desktop.db.connect.urls import parse_database_url

pytestmark = pytest.mark.timeout(30)

INCOMPRESSIBLE = "SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200)"


def _caught(action: Callable[[], object]) -> BaseException:
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("expected an error")


def _one_sentence(message: str) -> bool:
    body = message.strip()
    return (
        body.endswith(".")
        and "\n" not in body
        and sum(body.count(c) for c in "!?") == 0
        and (body[:-1].count(". ") == 0)
    )


@pytest.fixture
def owner_engine(test_db) -> Iterator[Engine]:
    engine = create_db_engine(parse_database_url(test_db.owner_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE retry_probe (id int PRIMARY KEY, n int NOT NULL)"))
        conn.execute(text("INSERT INTO retry_probe VALUES (1, 0), (2, 0)"))
    yield engine
    engine.dispose()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- provoking real errors -------------------------------------------------------------


def provoke_program_limit(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE long_keys (v text)"))
        conn.execute(text("CREATE INDEX ON long_keys (v)"))
        conn.execute(text(f"INSERT INTO long_keys (v) {INCOMPRESSIBLE}"))


def provoke_query_canceled(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = '10ms'"))
        conn.execute(text("SELECT pg_sleep(1)"))


def provoke_unique_violation(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO retry_probe VALUES (1, 0)"))


def provoke_serialization_failure(engine: Engine) -> None:
    rr = engine.execution_options(isolation_level="REPEATABLE READ")
    with rr.begin() as first:
        first.execute(text("SELECT n FROM retry_probe WHERE id = 1")).scalar_one()  # takes the snapshot
        with engine.begin() as second:
            second.execute(text("UPDATE retry_probe SET n = n + 1 WHERE id = 1"))
        first.execute(text("UPDATE retry_probe SET n = n + 1 WHERE id = 1"))


def provoke_refused(port: int) -> None:
    engine = create_db_engine(parse_database_url(f"postgresql://u:pw@127.0.0.1:{port}/todo"))
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def provoke_deadlock(superuser: Callable[[], psycopg.Connection]) -> list[BaseException]:
    """Two superuser sessions lock rows 1 and 2 in opposite orders; one of them must lose."""
    a, b = superuser(), superuser()
    errors: list[BaseException] = []
    try:
        for conn in (a, b):
            conn.autocommit = False
            conn.execute("SET deadlock_timeout = '50ms'")
        a.execute("UPDATE retry_probe SET n = n + 1 WHERE id = 1")
        b.execute("UPDATE retry_probe SET n = n + 1 WHERE id = 2")

        def cross(conn: psycopg.Connection, row: int) -> None:
            try:
                conn.execute("UPDATE retry_probe SET n = n + 1 WHERE id = %s", (row,))
            except psycopg.Error as exc:
                errors.append(exc)
            finally:
                conn.rollback()

        other = threading.Thread(target=cross, args=(a, 2))
        other.start()
        time.sleep(0.1)
        cross(b, 1)
        other.join(timeout=10)
    finally:
        a.close()
        b.close()
    return errors


# -- classify on real errors -----------------------------------------------------------


def test_program_limit_exceeded_is_a_real_answer(owner_engine):
    exc = _caught(lambda: provoke_program_limit(owner_engine))
    assert isinstance(exc, sa_exc.OperationalError)  # psycopg files class 54 under OperationalError
    assert isinstance(exc.orig, pg.ProgramLimitExceeded)
    assert exc.orig.sqlstate == "54000"
    assert not exc.connection_invalidated
    assert classify(exc) is Verdict.FAIL
    assert classify(exc.orig) is Verdict.FAIL
    mapped = map_error(exc)
    assert isinstance(mapped, ValidationError)
    assert _one_sentence(mapped.message)
    with owner_engine.connect() as conn:  # the connection survived
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_query_canceled_is_a_real_answer(owner_engine):
    started = time.monotonic()
    exc = _caught(lambda: provoke_query_canceled(owner_engine))
    assert time.monotonic() - started < 0.9
    assert isinstance(exc, sa_exc.OperationalError)
    assert isinstance(exc.orig, pg.QueryCanceled)
    assert exc.orig.sqlstate == "57014"
    assert not exc.connection_invalidated
    assert classify(exc) is Verdict.FAIL
    mapped = map_error(exc)
    assert type(mapped) is TodoError
    assert "too long" in mapped.message
    assert _one_sentence(mapped.message)


def test_unique_violation_is_a_real_answer(owner_engine):
    exc = _caught(lambda: provoke_unique_violation(owner_engine))
    assert isinstance(exc, sa_exc.IntegrityError)
    assert isinstance(exc.orig, pg.UniqueViolation)
    assert classify(exc) is Verdict.FAIL
    mapped = map_error(exc)
    assert isinstance(mapped, ConflictError)
    assert _one_sentence(mapped.message)


def test_serialization_failure_is_retried(owner_engine):
    exc = _caught(lambda: provoke_serialization_failure(owner_engine))
    assert isinstance(exc.orig, pg.SerializationFailure)
    assert exc.orig.sqlstate == "40001"
    assert classify(exc) is Verdict.RETRY
    assert classify(exc.orig) is Verdict.RETRY
    mapped = map_error(exc)
    assert isinstance(mapped, TodoError)
    assert _one_sentence(mapped.message)


def test_deadlock_is_retried(owner_engine, test_db):
    errors = provoke_deadlock(test_db.superuser)
    assert len(errors) == 1, errors
    (exc,) = errors
    assert isinstance(exc, pg.DeadlockDetected)
    assert exc.sqlstate == "40P01"
    assert classify(exc) is Verdict.RETRY


def test_refused_connection_means_reconnect(closed_port):
    exc = _caught(lambda: provoke_refused(closed_port))
    assert isinstance(exc, sa_exc.OperationalError)
    assert isinstance(exc.orig, psycopg.OperationalError)
    assert exc.orig.sqlstate is None
    assert classify(exc) is Verdict.RECONNECT
    assert classify(exc.orig) is Verdict.RECONNECT
    mapped = map_error(exc, where="db.example.com")
    assert isinstance(mapped, DatabaseUnavailableError)
    assert "db.example.com" in mapped.message
    assert mapped.message.endswith(".")
    assert "\n" not in mapped.message


def test_admin_terminated_connection_means_reconnect(client_db, test_db):
    with client_db.engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with test_db.superuser() as su:
            su.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        exc = _caught(lambda: conn.execute(text("SELECT 1")))
    assert isinstance(exc, sa_exc.OperationalError)
    assert isinstance(exc.orig, pg.AdminShutdown)
    assert exc.orig.sqlstate == "57P01"
    assert classify(exc) is Verdict.RECONNECT
    assert classify(exc.orig) is Verdict.RECONNECT
    assert isinstance(map_error(exc), DatabaseUnavailableError)


def test_pool_timeout_means_reconnect(test_db):
    engine = create_engine(
        parse_database_url(test_db.client_url).url, pool_size=1, max_overflow=0, pool_timeout=0.1
    )
    try:
        with engine.connect():
            exc = _caught(engine.connect)
        assert isinstance(exc, sa_exc.TimeoutError)
        assert classify(exc) is Verdict.RECONNECT
    finally:
        engine.dispose()


@pytest.mark.parametrize("exc", [ValueError("x"), KeyError("k"), RuntimeError("boom")])
def test_non_database_errors_fail(exc):
    assert classify(exc) is Verdict.FAIL


def test_a_login_the_server_rejects_is_not_a_lost_connection(pg_cluster):
    exc = _caught(lambda: psycopg.connect(pg_cluster.url("todo_no_such_database").replace("+psycopg", "")))
    assert "does not exist" in str(exc)
    assert classify(exc) is Verdict.FAIL
    assert not isinstance(map_error(exc), DatabaseUnavailableError)


# -- backoff ---------------------------------------------------------------------------


@pytest.mark.parametrize("budget", [15.0, 5.0, 1.0, 0.3])
def test_backoff_delays_sum_to_the_budget_within_bounds(budget):
    first, cap = 0.2, 3.0
    delays = backoff_delays(budget, first=first, cap=cap, rng=random.Random(7))
    assert sum(delays) == pytest.approx(budget, abs=1e-9)
    assert all(d > 0 for d in delays)
    ceiling = first
    for d in delays[:-1]:
        assert ceiling / 2 <= d <= ceiling
        ceiling = min(cap, ceiling * 2)
    assert delays[-1] <= ceiling
    assert max(delays) <= cap
    assert delays[0] <= first  # the first retry comes quickly


def test_backoff_delays_are_jittered_and_seedable():
    a = backoff_delays(15.0, rng=random.Random(1))
    b = backoff_delays(15.0, rng=random.Random(2))
    assert a != b
    assert a == backoff_delays(15.0, rng=random.Random(1))
    assert backoff_delays(15.0) != backoff_delays(15.0)


def test_backoff_with_no_budget_has_no_delays():
    assert backoff_delays(0.0) == []


# -- with_retries ----------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.waits: list[tuple[BaseException, float]] = []

    def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)

    def on_wait(self, exc: BaseException, delay: float) -> None:
        self.waits.append((exc, delay))


def test_reconnect_is_retried_until_it_works(closed_port, client_db):
    rec, calls = Recorder(), []

    def action() -> int:
        calls.append(1)
        if len(calls) <= 3:
            provoke_refused(closed_port)
        return client_db.run(None, lambda c: c.execute(text("SELECT 7")).scalar_one())

    assert with_retries(action, budget=15.0, sleep=rec.sleep, on_wait=rec.on_wait) == 7
    assert len(calls) == 4
    assert len(rec.sleeps) == 3
    assert [d for _, d in rec.waits] == rec.sleeps
    assert all(classify(e) is Verdict.RECONNECT for e, _ in rec.waits)
    assert rec.sleeps[0] <= 0.2
    assert rec.sleeps[1] <= 0.4
    assert rec.sleeps[2] <= 0.8


def test_reconnect_gives_up_when_the_budget_is_spent(closed_port):
    rec, calls = Recorder(), []

    def action() -> None:
        calls.append(1)
        provoke_refused(closed_port)

    with pytest.raises(sa_exc.OperationalError) as caught:
        with_retries(action, budget=2.0, sleep=rec.sleep, on_wait=rec.on_wait)
    assert classify(caught.value) is Verdict.RECONNECT
    assert sum(rec.sleeps) == pytest.approx(2.0, abs=1e-9)
    assert len(calls) == len(rec.sleeps) + 1
    assert isinstance(map_error(caught.value), DatabaseUnavailableError)


@pytest.mark.parametrize("provoke", [provoke_program_limit, provoke_query_canceled, provoke_unique_violation])
def test_real_answers_are_never_retried(owner_engine, provoke):
    rec, calls = Recorder(), []

    def action() -> None:
        calls.append(1)
        provoke(owner_engine)

    with pytest.raises(sa_exc.DBAPIError):
        with_retries(action, budget=15.0, sleep=rec.sleep, on_wait=rec.on_wait)
    assert calls == [1]
    assert rec.sleeps == []
    assert rec.waits == []


def test_serialization_failures_are_retried_then_succeed(owner_engine):
    rec, calls = Recorder(), []

    def action() -> str:
        calls.append(1)
        if len(calls) <= 2:
            provoke_serialization_failure(owner_engine)
        return "done"

    assert with_retries(action, sleep=rec.sleep, on_wait=rec.on_wait) == "done"
    assert len(calls) == 3
    assert rec.sleeps == pytest.approx([0.01, 0.02])


def test_serialization_retries_are_capped(owner_engine):
    rec, calls = Recorder(), []

    def action() -> None:
        calls.append(1)
        provoke_serialization_failure(owner_engine)

    with pytest.raises(sa_exc.OperationalError) as caught:
        with_retries(action, max_tx_retries=3, budget=15.0, sleep=rec.sleep, on_wait=rec.on_wait)
    assert isinstance(caught.value.orig, pg.SerializationFailure)
    assert len(calls) == 4
    assert len(rec.sleeps) == 3
    assert sum(rec.sleeps) < 1.0  # tight retries, not the connection backoff


def test_the_budget_bounds_wall_clock_time_including_slow_attempts(closed_port):
    refused = _caught(lambda: provoke_refused(closed_port))
    attempt_seconds, budget = 0.3, 0.6

    def slow_failure() -> None:
        time.sleep(attempt_seconds)  # a connection attempt that hangs until its timeout
        raise refused

    started = time.monotonic()
    with pytest.raises(sa_exc.OperationalError):
        with_retries(slow_failure, budget=budget)
    assert time.monotonic() - started < budget + attempt_seconds + 0.25
