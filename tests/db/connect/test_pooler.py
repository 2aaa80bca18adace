"""Through a PgBouncer in transaction mode, as through Neon's ``-pooler`` endpoint.

Each transaction may run on a different server connection, and the server connection a
client used is handed to the next client with nothing reset in between (the test pooler
has no ``server_reset_query``). So nothing may be left on a server connection after
COMMIT: no session token, no ``SET``, no prepared statement, no ``LISTEN``, no advisory
lock. They run through a PgBouncer of their own when Debian's ``pgbouncer`` is installed,
or through ``TODO_TEST_POOLER=127.0.0.1:6432`` (after ``.ci/pgbouncer-up``) when it is set.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from tests.support.attack_helpers import attacker
from tests.support.database import PASSWORD, POOLER, TestDatabase
from tests.support.faultproxy import FaultProxy, upstream_for
from tests.support.pooler_helpers import pgbouncer_for
from todo_desktop.__main__ import main
from todo_desktop.core.errors import NotSignedInError
from todo_desktop.core.values import SmartList, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.pooler_probe import shares_server_connections
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.tasks import TaskRepository

pytestmark = pytest.mark.skipif(
    not POOLER and not (shutil.which("pgbouncer") or Path("/usr/sbin/pgbouncer").exists()),
    reason="needs Debian's pgbouncer, or TODO_TEST_POOLER=host:port of a PgBouncer in transaction mode",
)


@pytest.fixture
def test_db(test_db: TestDatabase) -> Iterator[TestDatabase]:
    """The test database, reached through a PgBouncer in transaction mode: the one named by
    TODO_TEST_POOLER, or one started here in front of the server (through a fault proxy,
    which also lets the server's own authentication see this process)."""
    if POOLER:
        yield test_db
        return
    with FaultProxy(upstream_for(test_db.direct_client_url)) as proxy:
        owner = {test_db.roles.owner: test_db.roles.owner_password}
        with pgbouncer_for(test_db.direct_client_url, proxy.port, pool_size=20, users=owner) as pooler:
            yield replace(test_db, pooler=f"127.0.0.1:{pooler.port}")


# What a server connection must not carry from one transaction to the next. PgBouncer
# itself SETs the parameters it tracks per client to each client's own values before
# handing a server connection over; those are the pooler's, not leftovers.
_LEFTOVERS = """
SELECT pg_backend_pid(),
       coalesce(current_setting('todo.session_token', true), ''),
       todo_auth.current_user_id(),
       CASE WHEN todo_auth.current_user_id() IS NULL THEN 0 ELSE (SELECT count(*) FROM todo_api.tasks_page(
           'created', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 100)) END,
       (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM pg_settings WHERE source = 'session'
         AND name NOT IN ('application_name', 'client_encoding', 'DateStyle', 'TimeZone',
                          'standard_conforming_strings')),
       (SELECT count(*) FROM pg_prepared_statements),
       (SELECT count(*) FROM pg_listening_channels()),
       (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())
"""
_CLEAN = ("", None, 0, [], 0, 0, 0)
_TRIES = 50


def _pid(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def _next_on_same_server(spy: psycopg.Connection, pid: int) -> tuple:
    """One transaction of ``spy`` that ran on server connection ``pid``, or None."""
    row = spy.execute(_LEFTOVERS).fetchone()
    spy.commit()
    return row[1:] if row[0] == pid else None


def test_the_pooler_really_shares_server_connections(test_db, alice, alice_tasks):
    """The control: session-level state set by one client does reach the next client on
    the same server connection. Without this, the tests below could pass vacuously."""
    alice_tasks.create(TaskDraft(title="Alice's diary"))
    careless, spy = attacker(test_db.client_url), attacker(test_db.client_url)
    try:
        for _ in range(_TRIES):
            pid = _pid(careless)
            careless.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
            careless.commit()
            seen = _next_on_same_server(spy, pid)
            if seen is not None:
                break
        else:
            pytest.fail("the pooler never handed one server connection to two clients")
        token, user, tasks = seen[:3]
        assert (token, user, tasks) == (alice.token, alice.account.id, 1)
    finally:
        careless.close()
        spy.close()


def test_the_session_token_does_not_outlive_its_transaction(test_db, client_db, alice, alice_tasks):
    ids = [alice_tasks.create(TaskDraft(title="Alice's diary")).id]
    spy = attacker(test_db.client_url)
    try:
        for _ in range(_TRIES):
            # Exactly what every repository call does: the token set inside one transaction.
            with client_db.transaction(alice.token) as conn:
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                page = conn.exec_driver_sql("SELECT count(*) FROM todo_api.get_tasks(%(ids)s)", {"ids": ids})
                assert page.scalar() == 1
            seen = _next_on_same_server(spy, pid)
            if seen is not None:
                break
        else:
            pytest.fail("the pooler never handed the data layer's server connection to another client")
        assert seen == _CLEAN
    finally:
        spy.close()


_SESSION_STATE = re.compile(
    r"^\s*(SET(?!\s+LOCAL\b)|RESET|DISCARD|LISTEN|UNLISTEN|PREPARE|DEALLOCATE)\b", re.IGNORECASE
)
_SESSION_CONFIG = re.compile(r"set_config\s*\([^)]*,\s*false\s*\)", re.IGNORECASE)


def _signed_up(accounts: AccountService, n: int) -> tuple[str, str]:
    email = f"pooled{n}@example.com"
    accounts.register(email, f"User{n}", "Pooled", PASSWORD)
    return email, accounts.sign_in(email, PASSWORD).token


def _day_of_work(db: Database, accounts: AccountService, n: int) -> None:
    """Register, sign in, and the list/create/update/delete/count cycle, then sign out."""
    _, token = _signed_up(accounts, n)
    repo = TaskRepository(db, token)
    made = [repo.create(TaskDraft(title=f"user {n} task {i}")) for i in range(10)]
    assert [t.id for t in repo.list(TaskQuery()).tasks] != []
    renamed = repo.update(made[0].id, TaskChanges(title=f"user {n} renamed"))
    assert renamed.title == f"user {n} renamed"
    assert repo.toggle(made[1]).completed
    assert repo.delete([made[2].id, made[3].id]) == 2
    for _ in range(5):  # many short transactions, each free to land on any server connection
        page = repo.list(TaskQuery())
        assert len(page.tasks) == 7
        assert all(t.title.startswith(f"user {n} ") for t in page.tasks)
        counts = repo.counts(datetime.now(UTC), UTC)
        assert (counts[SmartList.INBOX], counts[SmartList.COMPLETED]) == (7, 1)
    assert repo.get(made[0].id) == renamed
    accounts.sign_out(token)
    with pytest.raises(NotSignedInError):
        repo.list(TaskQuery())


def test_the_data_layer_works_through_the_pooler_from_many_threads(test_db):
    """Several people at once, each on their own thread, share the pooler's few server
    connections; every one sees exactly their own tasks, and the engine never issues a
    statement that would leave session state behind."""
    target = parse_database_url(test_db.client_url, pooled=True)
    assert target.pooled
    engine = create_db_engine(target, pool_size=6, max_overflow=2)
    sent: list[str] = []
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany) -> None:
        with lock:
            sent.append(statement)

    db = Database(engine, target, retry_budget=5.0)
    accounts = AccountService(db, kdf_cost=MINIMUM_COST)
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            for done in [pool.submit(_day_of_work, db, accounts, n) for n in range(6)]:
                done.result()
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection.prepare_threshold is None
    finally:
        db.dispose()
    assert any("set_config('todo.session_token'" in s and ", true)" in s for s in sent)
    assert [s for s in sent if _SESSION_STATE.search(s) or _SESSION_CONFIG.search(s)] == []


def test_no_server_connection_keeps_session_state_after_the_data_layer(test_db, client_db, accounts):
    """After real work through the pooler, visit every server connection of the pool at
    once (one open transaction each) and look for anything left behind."""
    for n in range(3):
        _day_of_work(client_db, accounts, n)
    spies = [attacker(test_db.client_url) for _ in range(20)]  # the pooler's default_pool_size
    try:
        rows = [spy.execute(_LEFTOVERS).fetchone() for spy in spies]  # all in open transactions
    finally:
        for spy in spies:
            spy.close()
    assert len({row[0] for row in rows}) == len(rows)  # twenty different server connections
    assert [row[1:] for row in rows] == [_CLEAN] * len(rows)


# -- the admin steps need the direct host ---------------------------------------------------


def _through_pooler(url: str, pooler: str | None) -> str:
    host, _, port = (pooler or "").rpartition(":")
    plain = make_url(url).difference_update_query(["host", "port", "hostaddr"])
    return plain.set(host=host, port=int(port)).render_as_string(hide_password=False)


def test_the_probe_tells_the_pooler_from_the_server_behind_it(test_db):
    pooled = parse_database_url(_through_pooler(test_db.owner_url, test_db.pooler_address))
    assert not pooled.pooled  # nothing in the URL gives it away
    assert shares_server_connections(pooled)
    assert not shares_server_connections(parse_database_url(test_db.owner_url), rounds=20)


def test_admin_steps_refuse_a_pooler_that_its_name_does_not_reveal(test_db, capsys):
    pooled = _through_pooler(test_db.owner_url, test_db.pooler_address)
    with test_db.superuser() as conn:
        before = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    for argv in (["db", "upgrade"], ["admin", "create-client-role", "never_made"]):
        assert main([*argv, "--database-url", pooled]) == 2
        err = capsys.readouterr().err
        assert err.startswith("This command needs the direct host, not a pooled endpoint: ")
        assert "PgBouncer in transaction mode" in err and err.count("\n") == 1
    with test_db.superuser() as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == before
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'never_made'").fetchone() is None
    # Reading the schema's state is fine through the pooler.
    assert main(["db", "current", "--database-url", pooled]) == 0
