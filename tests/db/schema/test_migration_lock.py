"""A client that holds the migration lock cannot stall an upgrade: the upgrade waits a
bounded time, names the holder in one sentence and changes nothing; once the holder lets
go, the upgrade proceeds."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.support.attack_helpers import attacker
from todo_desktop.cli.admin_commands import db_upgrade
from todo_desktop.core.errors import ConfigurationError
from todo_desktop.db.schema import migrate
from todo_desktop.db.schema.migration_lock import (
    LOCK_WAIT_ENV,
    MIGRATION_LOCK_KEY,
    LockHolder,
    MigrationLockTimeout,
    describe,
    lock_wait,
    split_key,
)

if TYPE_CHECKING:  # imported at run time, pytest would try to collect it as a test class
    from tests.support.database import TestDatabase

from tests.support.repo import ROOT


def _previous_revision() -> str:
    """The revision just below head, whatever head is today."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    head_id = script.get_current_head()
    assert head_id is not None
    head = script.get_revision(head_id)
    assert head is not None and isinstance(head.down_revision, str)
    return head.down_revision


def _revision(test_db: TestDatabase) -> str:
    with test_db.superuser() as su:
        row = su.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def _sentence(holder: psycopg.Connection, test_db: TestDatabase, seconds: str) -> str:
    return (
        f"Another session holds the migration lock (pid {holder.info.backend_pid}, "
        f"role {test_db.roles.client}, application psql); it was not released within "
        f"{seconds} s, so nothing was changed."
    )


@contextmanager
def _held_lock(test_db: TestDatabase) -> Iterator[psycopg.Connection]:
    """A client takes the lock with plain SQL, as anyone with client credentials can."""
    # The direct URL: a session lock taken through a transaction pooler stays on whichever
    # server connection ran it, and the pid would name that one, not this client's.
    conn = attacker(test_db.direct_client_url)
    try:
        conn.execute("SET application_name = 'psql'")
        conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
        conn.commit()  # a session lock outlives the transaction that took it
        yield conn
    finally:
        conn.close()


@pytest.fixture
def older(test_db: TestDatabase) -> str:
    """The test database one revision below head, so an upgrade has something to change."""
    previous = _previous_revision()
    migrate.downgrade(test_db.owner_url, previous)
    assert _revision(test_db) == previous
    return previous


@pytest.mark.timeout(60)
def test_upgrade_gives_up_naming_the_holder_and_changes_nothing(test_db, older, monkeypatch):
    monkeypatch.setenv(LOCK_WAIT_ENV, "1")
    with _held_lock(test_db) as holder:
        started = time.monotonic()
        with pytest.raises(MigrationLockTimeout) as caught:
            db_upgrade(test_db.owner_url, io.StringIO())
        elapsed = time.monotonic() - started
        assert caught.value.holder == LockHolder(holder.info.backend_pid, test_db.roles.client, "psql")
        assert caught.value.message == _sentence(holder, test_db, "1")
    assert 1 <= elapsed < 15
    assert isinstance(caught.value, ConfigurationError)  # the command line's one-sentence path
    assert _revision(test_db) == older


@pytest.mark.timeout(90)
def test_command_line_prints_one_sentence_and_fails(test_db, older, tmp_path):
    env = {**os.environ, LOCK_WAIT_ENV: "2", "TODO_DESKTOP_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "todo_desktop", "db", "upgrade", "--database-url", test_db.owner_url]
    with _held_lock(test_db) as holder:
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - started
        expected = _sentence(holder, test_db, "2")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.splitlines() == [expected]
    assert done.stdout == ""
    assert elapsed < 30
    assert _revision(test_db) == older


@pytest.mark.timeout(90)
def test_upgrade_proceeds_once_the_holder_lets_go(test_db, older, monkeypatch):
    monkeypatch.setenv(LOCK_WAIT_ENV, "30")
    out = io.StringIO()
    with _held_lock(test_db) as holder, ThreadPoolExecutor(1) as pool:
        upgrading = pool.submit(db_upgrade, test_db.owner_url, out)
        time.sleep(1.5)
        assert not upgrading.done() and _revision(test_db) == older  # waiting, not failed
        holder.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
        holder.commit()
        assert upgrading.result(timeout=60) == 0
    assert _revision(test_db) == migrate.head_revision()
    assert f"from {older} to {migrate.head_revision()}" in out.getvalue()


@pytest.mark.timeout(60)
def test_a_holder_this_role_may_not_see_is_reported_without_details(test_db, older, monkeypatch):
    with test_db.superuser() as su:
        su.execute("REVOKE SELECT ON pg_catalog.pg_locks FROM PUBLIC")
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")
    with _held_lock(test_db) as holder:
        pid = holder.info.backend_pid
        with pytest.raises(MigrationLockTimeout) as caught:
            db_upgrade(test_db.owner_url, io.StringIO())
    assert caught.value.holder is None
    assert caught.value.message == (
        "Another session holds the migration lock (this role may not see which one); "
        "it was not released within 0.5 s, so nothing was changed."
    )
    assert str(pid) not in caught.value.message
    assert _revision(test_db) == older


def test_the_key_splits_as_postgresql_stores_it():
    assert split_key(MIGRATION_LOCK_KEY) == (MIGRATION_LOCK_KEY >> 32, MIGRATION_LOCK_KEY & 0xFFFFFFFF)
    assert split_key(-1) == (0xFFFFFFFF, 0xFFFFFFFF)


def test_lock_wait_defaults_to_thirty_seconds_and_can_be_shortened():
    assert lock_wait({}, {}) == 30.0
    assert lock_wait({}, {LOCK_WAIT_ENV: "2.5"}) == 2.5
    assert lock_wait({"lock_wait": 0.2}, {LOCK_WAIT_ENV: "5"}) == 0.2
    for bad in ("soon", "-1", "inf", "nan"):
        with pytest.raises(ConfigurationError, match=LOCK_WAIT_ENV):
            lock_wait({}, {LOCK_WAIT_ENV: bad})


def test_a_holder_cannot_break_the_sentence_with_its_names():
    message = describe(LockHolder(7, "evil\nrole", "app\r\nFAKE: all good"), 30.0)
    assert "\n" not in message and "\r" not in message
    assert message.startswith("Another session holds the migration lock (pid 7, role evil?role,")
    assert message.endswith("; it was not released within 30 s, so nothing was changed.")
