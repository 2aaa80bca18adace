"""The app killed in the middle of a restore, while it copies the current database (the step
that takes longest, minutes for a large one): the next start opens the database as it was,
with every task, and a restore works again."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from tests.db.local.test_backups import _open, paths  # noqa: F401 - paths is a fixture
from tests.support.repo import ROOT
from todo_desktop.core.values import Status, TaskQuery
from todo_desktop.db.local.backup_policy import backups_folder, list_backups
from todo_desktop.db.local.restore import restore
from todo_desktop.machine.paths import AppPaths

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

# The app as it restores, ended without a chance to tidy up (a kill, a crash) once the
# restored copy was checked and the copy of the current database begins.
_KILLED_MID_RESTORE = textwrap.dedent(
    """
    import os
    from datetime import UTC, datetime
    from tests.db.local.test_backups import _open
    from todo_desktop.core.values import TaskDraft
    from todo_desktop.db.local import backups, restore
    from todo_desktop.db.local.backup_policy import backups_folder
    from todo_desktop.machine.paths import AppPaths

    paths = AppPaths.from_environment()
    local = _open(paths)
    local.tasks.create(TaskDraft(title="Kept"))
    folder = backups_folder(paths.data)
    made = backups.back_up(local.server, folder, datetime.now(UTC))
    local.tasks.create(TaskDraft(title="Made after the backup"))
    local.db.dispose()
    setattr(restore, os.environ["TODO_TEST_KILLED_AT"], lambda *args, **kwargs: os._exit(9))
    restore.restore(local.server, made, folder, datetime.now(UTC))
    """
)


def _titles(local) -> list[str]:
    return sorted(t.title for t in local.tasks.list(TaskQuery(status=Status.ALL)).tasks)


@pytest.mark.parametrize(
    "killed_at",
    [
        "_verify",  # the backup loaded into a database beside the live one, which is left behind
        "back_up",  # the copy of the current database under way
        "_end_connections",  # the swap begun: the live database refuses new connections
    ],
)
def test_a_restore_cut_short_leaves_the_database_usable(
    paths: AppPaths,  # noqa: F811
    killed_at: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TODO_TEST_KILLED_AT", killed_at)
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_RESTORE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 9, child.stderr

    local = _open(paths)
    try:
        assert _titles(local) == ["Kept", "Made after the backup"]
        [made] = [b for b in list_backups(backups_folder(paths.data)) if not b.before_restore]
        local.db.dispose()
        restore(local.server, made, backups_folder(paths.data), datetime.now(UTC))
    finally:
        local.close()
    local = _open(paths)
    try:
        assert _titles(local) == ["Kept"]
    finally:
        local.close()


def test_a_database_closed_to_its_role_is_opened_at_the_next_start(paths: AppPaths) -> None:  # noqa: F811
    """As an earlier version's restore, killed while it copied, left it: CONNECT taken from
    everyone (the superuser needs none, so only the app's own role was shut out)."""
    import psycopg

    local = _open(paths)
    try:
        with psycopg.connect(local.server.superuser_dsn("postgres"), autocommit=True) as admin:
            admin.execute("REVOKE CONNECT ON DATABASE todo FROM PUBLIC")
    finally:
        local.close()
    local = _open(paths)
    try:
        assert _titles(local) == []
    finally:
        local.close()
