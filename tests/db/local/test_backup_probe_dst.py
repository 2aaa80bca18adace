"""The daily backup follows this computer's calendar across a change of clocks: a backup made
late yesterday, before the clocks went forward, is yesterday's, so today still gets its own.

The zone here is made for the test (POSIX TZ rules): summer time began at today's local
midnight, so yesterday ran an hour behind today."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.db.local.backup_policy import backups_folder, list_backups
from todo_desktop.db.local.backups import DailyBackups
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _julian(day: date) -> int:
    """POSIX ``Jn``: the day of the year, 1 to 365, never counting 29 February."""
    leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    n = day.timetuple().tm_yday
    return n - 1 if leap and day.month > 2 else n


@pytest.fixture
def summer_began_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[date]:
    today = (datetime.now(UTC) + timedelta(hours=2)).date()  # the local day, once summer time began
    if (datetime.now(UTC) + timedelta(hours=2)).hour == 0:
        pytest.skip("in the hour the clocks skipped, today has not begun yet")
    if today.month == 2 and today.day == 29:
        pytest.skip("POSIX rules cannot name 29 February")
    ends = (_julian(today) + 100 - 1) % 365 + 1
    monkeypatch.setenv("TZ", f"WNT-1WST-2,J{_julian(today)}/0,J{ends}/0")
    time.tzset()
    try:
        yield today
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_backup_late_yesterday_leaves_today_its_own(
    summer_began_today: date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = summer_began_today
    yesterday = today - timedelta(days=1)
    late = time.mktime((yesterday.year, yesterday.month, yesterday.day, 23, 30, 0, 0, 0, -1))
    assert time.localtime(late).tm_gmtoff == 3600  # winter time still
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    paths = AppPaths.from_environment()
    folder = backups_folder(paths.data)
    folder.mkdir(parents=True)
    stamp = datetime.fromtimestamp(late, UTC).strftime("%Y%m%dT%H%M%SZ")
    (folder / f"todo-{stamp}.dump").write_bytes(b"yesterday's")
    (folder / f"todo-{stamp}.counts.json").write_text('{"users": 1, "tasks": 0}', encoding="utf-8")
    local = open_local(
        paths,
        SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True),
        kdf_cost=MINIMUM_COST,
    )
    try:
        made = DailyBackups(local.server, folder).check()  # as the app's start does, on its own clock
    finally:
        local.close()
    assert made is not None
    assert len([b for b in list_backups(folder) if b.automatic]) == 2
