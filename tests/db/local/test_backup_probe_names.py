"""Files in the backups folder named like a backup but holding an impossible moment (a
person's copy renamed by hand, a clock that said year 1): they are not backups, and they
stop neither the list, nor the daily backup, nor the pruning of old copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from todo_desktop.db.local.backup_policy import backup_due, list_backups, new_backup, prune, weekly_only

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=timezone(timedelta(hours=-5)))


def _made(folder: Path, when: datetime) -> Path:
    backup = new_backup(folder, when)
    backup.path.write_bytes(b"dump")
    backup.counts_path.write_text('{"users": 1, "tasks": 2}', encoding="utf-8")
    return backup.path


@pytest.mark.parametrize(
    "name",
    [
        "todo-20261399T999999Z.dump",  # no such month, hour or minute
        "todo-00010101T000000Z.dump",  # a moment before which no day has a local date
        "todo-99991231T235959Z-manual.dump",
    ],
)
def test_a_name_with_an_impossible_moment_is_passed_over(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / name).write_bytes(b"not a backup")
    old = [_made(folder, NOW - timedelta(days=d)) for d in range(40, 10, -1)]

    assert backup_due(folder, NOW)  # no daily backup today: one is made
    assert {b.path for b in list_backups(folder)} == set(old)
    assert weekly_only(list_backups(folder), NOW)
    removed = prune(folder, NOW)
    assert removed and (folder / name).exists()  # someone else's file is left alone
    left = {b.path for b in list_backups(folder)}
    assert set(old[-7:]) <= left and len(left) <= 11  # the last 7 days, and up to 4 weeks
    today = _made(folder, NOW)
    assert not backup_due(folder, NOW.replace(hour=11))
    assert list_backups(folder)[0].path == today and list_backups(folder)[0].made_at == NOW.astimezone(UTC)
