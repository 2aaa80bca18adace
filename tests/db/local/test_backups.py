"""Backups of the embedded database: a restore gives back exactly what was backed up, can
itself be undone, refuses a damaged file without touching anything, and old copies are
pruned to 7 daily and 4 weekly."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.local.backup_policy import Backup, backup_due, backups_folder, kept, list_backups, prune
from todo_desktop.db.local.backups import BackupError, DailyBackups, back_up
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.restore import restore
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def paths(tmp_path, monkeypatch) -> AppPaths:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    return AppPaths.from_environment()


def _open(paths: AppPaths):
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    return open_local(paths, secrets, kdf_cost=MINIMUM_COST)


def _state(local) -> set[tuple[str, str, bool]]:
    tasks = local.tasks.list(TaskQuery(status=Status.ALL, limit=500)).tasks
    return {(t.title, t.priority.value, t.completed) for t in tasks}


@pytest.mark.slow
def test_a_restore_gives_back_the_backup_and_can_itself_be_undone(paths):
    local = _open(paths)
    folder = backups_folder(paths.data)
    try:
        for i in range(25):
            local.tasks.create(
                TaskDraft(title=f"Kept {i}", priority=Priority.HIGH if i % 3 else Priority.LOW)
            )
        original = _state(local)
        made = back_up(local.server, folder, NOW)
        assert made.counts() == {"users": 1, "tasks": 25}
        assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        # Life goes on after the backup: a new task, an edit, a deletion.
        local.tasks.create(TaskDraft(title="Made after the backup"))
        first = next(t for t in local.tasks.list(TaskQuery(status=Status.ALL)).tasks if t.title == "Kept 0")
        local.tasks.update(first.id, TaskChanges(completed=True))
        later = _state(local)
        assert later != original
        local.db.dispose()  # the workspace is closed while it restores
        before = restore(local.server, made, folder, NOW + timedelta(minutes=5))
    finally:
        local.close()
    local = _open(paths)
    try:
        assert _state(local) == original
        assert before.before_restore and before.counts() == {"users": 1, "tasks": 26}
        local.db.dispose()
        restore(local.server, before, folder, NOW + timedelta(minutes=6))  # undo the restore
    finally:
        local.close()
    local = _open(paths)
    try:
        assert _state(local) == later
    finally:
        local.close()


@pytest.mark.slow
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(paths):
    local = _open(paths)
    folder = backups_folder(paths.data)
    try:
        local.tasks.create(TaskDraft(title="Still here"))
        good = back_up(local.server, folder, NOW)
        local.tasks.create(TaskDraft(title="Also still here"))
        local.db.dispose()
        cut = folder / "todo-20261205T110000Z.dump"
        cut.write_bytes(good.path.read_bytes()[: good.size // 2])
        good.counts_path.replace(cut.with_suffix(".counts.json"))
        damaged = next(b for b in list_backups(folder) if b.path == cut)
        with pytest.raises(BackupError):
            restore(local.server, damaged, folder, NOW)
        lying = Backup(good.path, good.made_at, False)
        lying.counts_path.write_text('{"users": 1, "tasks": 99}', encoding="utf-8")
        with pytest.raises(BackupError, match="damaged"):
            restore(local.server, lying, folder, NOW)
        assert not any(b.before_restore for b in list_backups(folder))  # never got that far
    finally:
        local.close()
    local = _open(paths)
    try:
        assert {t[0] for t in _state(local)} == {"Still here", "Also still here"}
    finally:
        local.close()


def _fake_backups(folder: Path, stamps: list[datetime]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stamp in stamps:
        (folder / f"todo-{stamp.strftime('%Y%m%dT%H%M%SZ')}.dump").write_bytes(b"x")


def test_pruning_keeps_seven_days_and_four_weeks(tmp_path):
    # Two a day for 60 days: the newest of each of the last 7 days, and of the 4 last weeks.
    stamps = [NOW - timedelta(days=d, hours=h) for d in range(60) for h in (0, 5)]
    _fake_backups(tmp_path, stamps)
    prune(tmp_path, NOW)
    left = sorted(b.made_at for b in list_backups(tmp_path))
    days = [NOW - timedelta(days=d) for d in range(7)]
    assert set(days) <= set(left)
    weeks = {b.isocalendar()[:2] for b in left}
    assert len(weeks) == 4 and len(left) == len(set(days) | set(left)) <= 7 + 4
    assert all(NOW - b < timedelta(days=28) for b in left)
    assert kept(list_backups(tmp_path), NOW) == {b.path for b in list_backups(tmp_path)}  # stable


def test_a_backup_is_due_once_a_day(tmp_path):
    assert backup_due(tmp_path, NOW)
    _fake_backups(tmp_path, [NOW - timedelta(hours=1)])
    assert not backup_due(tmp_path, NOW)
    assert not backup_due(tmp_path, NOW + timedelta(hours=13))  # 23:00, the same day
    assert backup_due(tmp_path, NOW + timedelta(hours=14))  # the next day, 23 hours after it
    os.chmod(tmp_path, 0o700)


def _until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.slow
def test_an_app_left_open_backs_up_once_on_each_day(paths):
    local = _open(paths)
    folder = backups_folder(paths.data)
    now = {"at": NOW}
    try:
        local.daily = DailyBackups(local.server, folder, clock=lambda: now["at"], every_s=0.02).start()
        _until(lambda: len(local.daily.made) == 1)
        time.sleep(0.3)  # many checks later, the same day
        assert len(local.daily.made) == 1
        now["at"] = NOW + timedelta(days=1, hours=-9)  # 01:00 the next day
        _until(lambda: len(local.daily.made) == 2)
        assert [b.made_at for b in list_backups(folder)] == [now["at"], NOW]
    finally:
        local.close()  # and checks no more
    local.daily.join(5)
    assert not local.daily.running
