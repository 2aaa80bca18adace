"""Lost, refused and stalled connections on a real server, through a fault proxy.

The proxy listens on 127.0.0.1, which counts as local (no TLS), and forwards to the
session's PostgreSQL server; see ``faultproxy.py``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, text

from tests.support.faultproxy import proxied_url
from todo_desktop.core.errors import DatabaseUnavailableError, TodoError
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database

pytestmark = pytest.mark.timeout(30)

Waits = list[tuple[BaseException, float]]


def _pid(conn: Connection) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _whoami(conn: Connection) -> tuple[int, str]:
    row = conn.execute(text("SELECT pg_backend_pid(), current_user")).one()
    return row[0], row[1]


@pytest.fixture
def make_proxied_db(test_db, proxy) -> Iterator[Callable[..., tuple[Database, Waits]]]:
    made: list[Database] = []

    def make(retry_budget: float = 5.0) -> tuple[Database, Waits]:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        assert target.is_local
        assert target.url.host == "127.0.0.1"
        waits: Waits = []
        db = Database(
            create_db_engine(target),
            target,
            retry_budget=retry_budget,
            on_wait=lambda exc, delay: waits.append((exc, delay)),
        )
        made.append(db)
        return db, waits

    yield make
    for db in made:
        db.dispose()


def _one_sentence(message: str) -> bool:
    body = re.sub(r"\d+(\.\d+)+", "N", message.strip())  # an address's dots end no sentence
    return (
        body.endswith(".")
        and "\n" not in body
        and sum(body.count(c) for c in ".!?") == 1
        and "psycopg" not in body
        and "Traceback" not in body
    )


def test_proxy_forwards_through_to_the_server(make_proxied_db, proxy, test_db):
    db, waits = make_proxied_db()
    pid, user = db.run(None, _whoami)
    assert user == test_db.roles.client
    assert proxy.accepted >= 1
    assert proxy.live >= 1
    assert waits == []
    assert db.run(None, _pid) == pid  # the pooled connection is reused


def test_cut_between_operations_is_replaced_transparently(make_proxied_db, proxy):
    db, waits = make_proxied_db()
    seen = {db.run(None, _pid)}
    for _ in range(3):
        assert proxy.cut() >= 1
        pid = db.run(None, _pid)  # pool_pre_ping finds the dead connection and replaces it
        assert pid not in seen
        seen.add(pid)
    assert db.run(None, lambda c: c.execute(text("SELECT 41 + 1")).scalar_one()) == 42
    assert waits == []  # no retry was needed: the pool's pre-ping did it


def test_cut_in_the_middle_of_a_transaction_reruns_the_work(make_proxied_db, proxy):
    db, waits = make_proxied_db()
    db.run(None, _pid)
    calls: list[int] = []

    def work(conn: Connection) -> int:
        calls.append(_pid(conn))
        if len(calls) == 1:
            proxy.cut()  # the connection dies with the transaction open
            conn.execute(text("SELECT 1"))
        return calls[-1]

    result = db.run(None, work)
    assert len(calls) == 2
    assert calls[0] != calls[1]
    assert result == calls[1]
    assert waits == []  # a connection lost mid-work is replaced at once, without a visible wait


def test_refusing_for_two_seconds_then_passing_recovers_and_reports_waiting(make_proxied_db, proxy):
    db, waits = make_proxied_db(retry_budget=8.0)
    db.run(None, _pid)
    proxy.refuse()
    proxy.cut()  # the pooled connection is gone too, as when a compute suspends
    reopen = threading.Timer(2.0, proxy.passthrough)
    reopen.start()
    started = time.monotonic()
    try:
        pid, _ = db.run(None, _whoami)
    finally:
        reopen.cancel()
    elapsed = time.monotonic() - started
    assert pid > 0
    assert proxy.refused >= 1
    assert len(waits) >= 1  # what makes the window say "Waking the database…"
    assert all(delay >= 0 for _, delay in waits)
    assert 1.9 <= elapsed < 6.0


def test_refusing_longer_than_the_budget_gives_a_one_sentence_unavailable_error(make_proxied_db, proxy):
    db, waits = make_proxied_db(retry_budget=1.0)
    db.run(None, _pid)
    proxy.refuse()
    proxy.cut()
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError) as caught:
        db.run(None, _pid)
    elapsed = time.monotonic() - started
    assert _one_sentence(caught.value.message), caught.value.message
    assert str(caught.value) == caught.value.message
    assert len(waits) >= 2
    # The budget is wall-clock: the waits fill what the failed attempts left of it.
    assert 0.5 <= sum(delay for _, delay in waits) <= 1.0 + 1e-6
    assert elapsed < 4.0
    proxy.passthrough()  # and once the server is back, the same Database works again
    assert db.run(None, _pid) > 0


def test_stalled_connection_is_forwarded_after_the_stall(make_proxied_db, proxy):
    db, waits = make_proxied_db()
    proxy.stall(1.0)
    started = time.monotonic()
    assert db.run(None, _pid) > 0
    assert 0.9 <= time.monotonic() - started < 5.0
    assert waits == []  # slow is not failed: no retry for a connection that got through


def test_server_side_termination_while_idle_is_replaced_transparently(client_db, test_db):
    pid = client_db.run(None, _pid)
    with test_db.superuser() as su:
        # the timeout makes pg_terminate_backend wait until the backend is gone
        (done,) = su.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone()
        assert done is True
        gone = su.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        assert gone == (0,)
    new_pid, user = client_db.run(None, _whoami)
    assert new_pid != pid
    assert user == test_db.roles.client


def test_server_side_termination_through_the_proxy(make_proxied_db, test_db):
    db, _waits = make_proxied_db()
    pids = {db.run(None, _pid)}
    with test_db.superuser() as su:
        su.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE usename = %s AND datname = %s",
            (test_db.roles.client, test_db.name),
        )
    assert db.run(None, _pid) not in pids


def test_idle_connection_is_pinged_at_checkout_and_replaced(make_proxied_db, proxy, monkeypatch):
    import todo_desktop.db.connect.engine as engine_module

    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # every connection counts as idle
    db, waits = make_proxied_db()
    first = db.run(None, _pid)
    calls: list[int] = []

    def work(conn: Connection) -> int:
        calls.append(_pid(conn))
        return calls[-1]

    proxy.cut()
    assert db.run(None, work) != first
    assert len(calls) == 1  # the ping found the dead connection; the work ran once
    assert waits == []


def _reachability_news(db: Database) -> list[bool]:
    news: list[bool] = []
    db.reachability.listen(news.append)
    return news


def test_a_connect_held_open_by_a_waking_compute_is_reported_as_waking(make_proxied_db, proxy):
    """Neon's proxy accepts at once and holds the connection while the compute starts: no
    error and no retry, only a slow connect, which must still say "waking"."""
    db, waits = make_proxied_db(retry_budget=8.0)
    db.run(None, _pid)
    news = _reachability_news(db)
    proxy.stall(2.5)
    proxy.cut()
    started = time.monotonic()
    pid, _ = db.run(None, _whoami)
    assert pid > 0 and time.monotonic() - started >= 2.4
    assert waits == []  # it connected on the first try
    assert news == [True, False]
    assert not db.reachability.waking


def test_a_quick_connect_and_a_failed_one_say_nothing_of_waking(make_proxied_db, proxy):
    db, _waits = make_proxied_db(retry_budget=0.5)
    news = _reachability_news(db)
    proxy.cut()
    db.run(None, _pid)  # a fresh connection, opened quickly
    assert news == []
    with pytest.raises(TodoError):
        db.run(None, lambda c: c.execute(text("SELECT 1/0")))  # a real answer: never waits
    assert news == []
    proxy.refuse()
    proxy.cut()
    with pytest.raises(DatabaseUnavailableError):
        db.run(None, _pid)  # refused past the budget: it waited, then gave up
    assert news == [True, False]
    assert not db.reachability.waking
