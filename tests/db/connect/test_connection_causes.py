"""What a person is told when a shared database cannot be used, and how soon: the address,
the cause in words, the setting to fix; and a server that stops answering behind an open
connection (a pooler's queue, a hung network) is given up on by the client, not waited for."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.support.faultproxy import FaultProxy, proxied_url
from todo_desktop.core.errors import DatabaseLoginError, DatabaseUnavailableError
from todo_desktop.core.reachability import Reachability
from todo_desktop.db.connect import engine as db_engine
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.retry import Verdict, classify
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database

pytestmark = pytest.mark.timeout(60)


def _db(url: str, *, budget: float = 15.0, reachability: Reachability | None = None) -> Database:
    target = parse_database_url(url)
    return Database(create_db_engine(target), target, retry_budget=budget, reachability=reachability)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _select_one(db: Database) -> object:
    return db.run(None, lambda c: c.execute(text("SELECT 1")).scalar_one())


def test_a_wrong_port_is_named_with_its_cause_within_seconds(test_db):
    port = _free_port()
    db = _db(proxied_url(test_db.client_url, port))
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailableError) as caught:
            _select_one(db)
    finally:
        db.dispose()
    assert time.monotonic() - started < 5.0  # not the 15 s a waking database is given
    assert caught.value.message == f"Nothing is listening at 127.0.0.1:{port}; check the host and port."


def test_a_host_name_that_does_not_resolve_is_named(test_db):
    url = make_url(test_db.client_url).set(host="no-such-host.invalid", port=5432, query={})
    db = _db(url.render_as_string(hide_password=False) + "?sslmode=require")
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailableError) as caught:
            _select_one(db)
    finally:
        db.dispose()
    assert time.monotonic() - started < 8.0
    assert caught.value.message == (
        "The name no-such-host.invalid does not resolve; check the host name, or the network."
    )


@pytest.mark.parametrize(
    ("change", "fields", "words"),
    [
        # A server that checks passwords says only that the password failed for an unknown user.
        ({"username": "nobody_here"}, {"db_user", "db_password"}, "nobody_here"),
        ({"database": "no_such_db"}, {"db_name"}, "has no database named no_such_db"),
    ],
)
def test_a_refused_connection_setting_names_the_setting_and_not_the_local_database(
    test_db, proxy, change, fields, words
):
    url = make_url(proxied_url(test_db.client_url, proxy.port)).set(**change)
    db = _db(url.render_as_string(hide_password=False))
    try:
        with pytest.raises(DatabaseLoginError) as caught:
            _select_one(db)
    finally:
        db.dispose()
    assert caught.value.field in fields
    assert words in caught.value.message
    assert f"127.0.0.1:{proxy.port}" in caught.value.message
    assert "local database" not in caught.value.message


def test_a_wrong_database_password_points_at_the_database_password(test_db):
    if not test_db.client_url.startswith("postgresql://") or "@/" in test_db.client_url:
        pytest.skip("the embedded server authenticates its socket by OS user, not password")
    url = make_url(test_db.client_url).set(password="certainly-wrong")
    db = _db(url.render_as_string(hide_password=False))
    try:
        with pytest.raises(DatabaseLoginError) as caught:
            _select_one(db)
    finally:
        db.dispose()
    assert caught.value.field == "db_password"
    assert "refused the database password for user" in caught.value.message


def test_a_server_that_stops_answering_an_open_connection_is_given_up_on(
    test_db, proxy: FaultProxy, monkeypatch
):
    """As behind PgBouncer when the server goes away: the connection stays open and the
    query waits in the pooler's queue for two minutes. The window hears at once that the
    database is not answering, and the operation fails as unreachable within the limit."""
    # After the limit, one try on a new connection, which the hung proxy holds until its
    # connect timeout: 3 s here rather than the app's 10 (libpq's least is 2).
    connect_timeout = 3
    monkeypatch.setattr(db_engine, "CONNECT_TIMEOUT_SECONDS", connect_timeout)
    reachability = Reachability()
    heard: list[bool] = []
    reachability.listen(heard.append)
    db = _db(proxied_url(test_db.client_url, proxy.port), budget=1.0, reachability=reachability)
    db.answer_limit = 2.0
    try:
        assert _select_one(db) == 1
        proxy.freeze()
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError):
            _select_one(db)
        took = time.monotonic() - started
        proxy.passthrough()
        assert took < 2.0 + connect_timeout + 3.0, took  # the limit, then a new connection's connect timeout
        assert heard[:1] == [True] and heard[-1] is False
        assert _select_one(db) == 1  # and it works again once the server answers
    finally:
        proxy.passthrough()
        db.dispose()


def test_a_connection_closed_under_sqlalchemy_counts_as_lost():
    assert classify(sa_exc.InvalidRequestError("This connection is closed")) is Verdict.RECONNECT
    assert classify(sa_exc.ResourceClosedError("This result object is closed.")) is Verdict.RECONNECT


def test_answers_in_time_are_not_disturbed(test_db):
    db = _db(test_db.client_url)
    db.answer_limit = 0.5
    try:
        for _ in range(20):
            assert _select_one(db) == 1
        # The limit is per operation: a connection used before stays good after it expired.
        threading.Event().wait(0.7)
        assert _select_one(db) == 1
    finally:
        db.dispose()
