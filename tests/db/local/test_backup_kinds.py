"""Which backups the Restore list shows as what, and how long copies asked for (Back Up Now)
or made by a restore are kept: apart from the daily ones, which they never push out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from todo_desktop.db.local.backups import KEEP_EXTRA, backup_due, list_backups, prune, weekly_only

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _make(folder: Path, stamp: datetime, suffix: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"todo-{stamp.strftime('%Y%m%dT%H%M%SZ')}{suffix}.dump"
    path.write_bytes(b"x")
    return path


def test_copies_asked_for_or_made_by_a_restore_never_push_a_daily_one_out(tmp_path: Path) -> None:
    daily = _make(tmp_path, NOW - timedelta(hours=2))
    manual = _make(tmp_path, NOW - timedelta(hours=1), "-manual")
    before = _make(tmp_path, NOW, "-before-restore")
    prune(tmp_path)
    assert {b.path for b in list_backups(tmp_path)} == {daily, manual, before}
    kinds = {b.path: (b.manual, b.before_restore, b.automatic) for b in list_backups(tmp_path)}
    assert kinds == {daily: (False, False, True), manual: (True, False, False), before: (False, True, False)}


def test_copies_are_kept_for_a_week_at_most_ten_of_each(tmp_path: Path) -> None:
    old = _make(tmp_path, NOW - timedelta(days=8), "-manual")
    recent = [_make(tmp_path, NOW - timedelta(hours=h), "-manual") for h in range(12)]
    undo = _make(tmp_path, NOW - timedelta(days=6), "-before-restore")
    prune(tmp_path)
    left = {b.path for b in list_backups(tmp_path)}
    assert old not in left and undo in left
    assert left - {undo} == set(recent[:KEEP_EXTRA])


def test_a_copy_asked_for_does_not_stand_in_for_the_daily_backup(tmp_path: Path) -> None:
    _make(tmp_path, NOW - timedelta(hours=1), "-manual")
    assert backup_due(tmp_path, NOW)


def test_weekly_backups_are_those_kept_only_for_their_week(tmp_path: Path) -> None:
    days = [_make(tmp_path, NOW - timedelta(days=d)) for d in range(0, 20)]
    prune(tmp_path)
    left = list_backups(tmp_path)
    weekly = weekly_only(left)
    assert {b.path for b in left} - weekly == set(days[:7])
    assert weekly and all(NOW - b.made_at > timedelta(days=6) for b in left if b.path in weekly)
