"""Closing the local workspace while its daily backup is being made: the close waits until
the backup has ended, so nothing of it is written afterwards (an erase that follows the
close must not find a file appear in the folder it empties)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.db.local.test_backups import _open, paths  # noqa: F401 - paths is a fixture
from todo_desktop.db.local import backups
from todo_desktop.db.local.backup_policy import backups_folder
from todo_desktop.machine.paths import AppPaths

pytestmark = pytest.mark.slow


def test_close_waits_for_a_daily_backup_under_way(
    paths: AppPaths,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    begun = threading.Event()
    written: list[Path] = []
    real = backups.back_up

    def slow_back_up(server, folder: Path, now: datetime):
        begun.set()
        time.sleep(1.0)  # a large database's dump, still running when the app quits
        try:
            return real(server, folder, now)  # fails: the server stopped under it, as at quit
        finally:
            written.append(folder)

    monkeypatch.setattr(backups, "back_up", slow_back_up)
    local = _open(paths)
    daily = backups.DailyBackups(local.server, backups_folder(paths.data)).start()
    local.daily = daily
    assert begun.wait(30)
    local.close()
    assert not daily.running
    assert written, "the close returned while the backup was still being made"
