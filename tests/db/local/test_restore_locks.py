"""A restore holds writes off by locking every table, while writes that already began go on.
A write takes its tables in its own order; the restore must neither fail nor make that write
fail when their orders cross (a deadlock ends one of them)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from tests.db.local.test_backups import _open, paths  # noqa: F401 - paths is a fixture
from todo_desktop.db.local.restore import _writes_held
from todo_desktop.db.local.workspace import LOCAL_DATABASE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _hold_writes(server) -> tuple[threading.Thread, list[object]]:
    """The restore's locks taken on a thread of their own; the outcome lands in the list."""
    outcome: list[object] = []

    def hold() -> None:
        try:
            with _writes_held(server):
                outcome.append("held")
        except Exception as exc:  # the test reads what happened
            outcome.append(exc)

    return threading.Thread(target=hold), outcome


def _waiting_for_a_lock(su: psycopg.Connection) -> None:
    for _ in range(500):
        waiting = su.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE %%'"
        ).fetchone()
        if waiting and waiting[0]:
            return
        time.sleep(0.01)
    raise AssertionError("the restore never waited for its locks")


@pytest.mark.parametrize(
    ("first", "then"),
    [
        # A task's write: the task, then its owner's row for the foreign key.
        ("LOCK TABLE public.tasks IN ROW EXCLUSIVE MODE", "SELECT 1 FROM public.users FOR KEY SHARE"),
        # An account's deletion: the account, then its tasks.
        ("LOCK TABLE public.users IN ROW EXCLUSIVE MODE", "LOCK TABLE public.tasks IN ROW EXCLUSIVE MODE"),
    ],
)
def test_a_write_under_way_and_a_restore_both_go_through(paths, first, then):  # noqa: F811
    local = _open(paths)
    try:
        dsn = local.server.superuser_dsn(LOCAL_DATABASE)
        with psycopg.connect(dsn) as writer, psycopg.connect(dsn, autocommit=True) as su:
            writer.execute(first)
            holder, outcome = _hold_writes(local.server)
            holder.start()
            _waiting_for_a_lock(su)
            try:
                writer.execute(then)
                writer.commit()
            except psycopg.errors.DeadlockDetected:
                writer.rollback()  # the app retries a write a deadlock ended
            holder.join(60)
        assert not holder.is_alive()
        assert outcome == ["held"]
    finally:
        local.close()
