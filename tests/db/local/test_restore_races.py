"""A restore while something else writes: every write that was told it succeeded is either in
the copy the restore keeps (its undo) or in the restored database; none falls between."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.db.local.test_backups import NOW, _open, paths  # noqa: F401 - paths is a fixture
from todo_desktop.core.errors import TodoError
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.db.local.backup_policy import backups_folder
from todo_desktop.db.local.backups import back_up
from todo_desktop.db.local.restore import restore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def _titles(local) -> set[str]:
    return {t.title for t in local.tasks.list(TaskQuery(status=Status.ALL, limit=500)).tasks}


@pytest.mark.slow
def test_no_write_told_it_succeeded_is_lost_by_a_restore_under_way(paths):  # noqa: F811
    local = _open(paths)
    folder = backups_folder(paths.data)
    written: list[str] = []
    stop = threading.Event()

    def write() -> None:
        # Another window, or the command line, joined to the same server.
        n = 0
        while not stop.is_set():
            n += 1
            try:
                local.tasks.create(TaskDraft(title=f"Written {n}"))
            except TodoError:
                continue  # refused, or told it failed: not a promise
            written.append(f"Written {n}")

    try:
        local.tasks.create(TaskDraft(title="In the backup"))
        made = back_up(local.server, folder, NOW)
        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 20:  # writing well before the restore begins
                stop.wait(0.01)
            before = restore(local.server, made, folder, NOW + timedelta(minutes=1))
            stop.wait(0.3)
        finally:
            stop.set()
            writer.join(60)
        assert not writer.is_alive()
        restored = _titles(local)
        local.db.dispose()
        restore(local.server, before, folder, NOW + timedelta(minutes=2))  # its undo
        replaced = _titles(local)
    finally:
        local.close()
    assert "In the backup" in restored and len(written) >= 20
    lost = [title for title in written if title not in restored | replaced]
    assert lost == []
