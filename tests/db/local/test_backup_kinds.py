"""Which backups the Restore list shows as what, and how long copies asked for (Back Up Now)
or made by a restore are kept: apart from the daily ones, which they never push out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from todo_desktop.db.local.backup_policy import (
    KEEP_EXTRA,
    backup_due,
    list_backups,
    new_backup,
    prune,
    weekly_only,
)

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
    prune(tmp_path, NOW)
    assert {b.path for b in list_backups(tmp_path)} == {daily, manual, before}
    kinds = {b.path: (b.manual, b.before_restore, b.automatic) for b in list_backups(tmp_path)}
    assert kinds == {daily: (False, False, True), manual: (True, False, False), before: (False, True, False)}


def test_copies_are_kept_for_a_week_at_most_ten_of_each(tmp_path: Path) -> None:
    old = _make(tmp_path, NOW - timedelta(days=8), "-manual")
    recent = [_make(tmp_path, NOW - timedelta(hours=h), "-manual") for h in range(12)]
    undo = _make(tmp_path, NOW - timedelta(days=6), "-before-restore")
    prune(tmp_path, NOW)
    left = {b.path for b in list_backups(tmp_path)}
    assert old not in left and undo in left
    assert left - {undo} == set(recent[:KEEP_EXTRA])


def test_a_copy_asked_for_does_not_stand_in_for_the_daily_backup(tmp_path: Path) -> None:
    _make(tmp_path, NOW - timedelta(hours=1), "-manual")
    assert backup_due(tmp_path, NOW)


def test_weekly_backups_are_those_kept_only_for_their_week(tmp_path: Path) -> None:
    days = [_make(tmp_path, NOW - timedelta(days=d)) for d in range(0, 20)]
    prune(tmp_path, NOW)
    left = list_backups(tmp_path)
    weekly = weekly_only(left, NOW)
    assert {b.path for b in left} - weekly == set(days[:7])
    assert weekly and all(NOW - b.made_at > timedelta(days=6) for b in left if b.path in weekly)


def test_a_clock_set_back_never_prunes_the_copy_just_made(tmp_path: Path) -> None:
    # Backups made while the clock ran a month ahead; then the clock is put right.
    ahead = [_make(tmp_path, NOW + timedelta(days=30, hours=h)) for h in range(3)]
    ahead.append(_make(tmp_path, NOW + timedelta(days=30), "-manual"))
    before = _make(tmp_path, NOW, "-before-restore")  # the restore's undo, made now
    daily = _make(tmp_path, NOW - timedelta(minutes=5))
    prune(tmp_path, NOW)
    assert {b.path for b in list_backups(tmp_path)} == {*ahead, before, daily}


def test_a_backup_dated_in_the_future_does_not_stand_in_for_today(tmp_path: Path) -> None:
    _make(tmp_path, NOW + timedelta(days=30))
    assert backup_due(tmp_path, NOW)


def test_the_daily_backup_is_due_once_each_calendar_day_of_this_computer(tmp_path: Path) -> None:
    # Opened each morning a little before or after nine, Berlin time: a backup every day.
    berlin = ZoneInfo("Europe/Berlin")
    _make(tmp_path, datetime(2026, 12, 5, 9, 5, tzinfo=berlin).astimezone(UTC))
    assert not backup_due(tmp_path, datetime(2026, 12, 5, 23, 59, tzinfo=berlin))
    assert backup_due(tmp_path, datetime(2026, 12, 6, 8, 55, tzinfo=berlin))
    # 00:30 in Berlin is still the day before in UTC: the day is the computer's own.
    _make(tmp_path, datetime(2026, 12, 6, 0, 30, tzinfo=berlin).astimezone(UTC))
    assert not backup_due(tmp_path, datetime(2026, 12, 6, 8, 55, tzinfo=berlin))


def test_a_name_already_taken_moves_on_to_the_next_second(tmp_path: Path) -> None:
    taken = _make(tmp_path, NOW, "-before-restore")
    made = new_backup(tmp_path, NOW + timedelta(microseconds=400), before_restore=True)
    assert made.path != taken and made.made_at == NOW + timedelta(seconds=1) and made.before_restore
    assert new_backup(tmp_path, NOW, manual=True).made_at == NOW  # another kind: its own name
