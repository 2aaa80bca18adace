"""The daily backup, as the app starts it, waits for a restore under way instead of running
beside it: a dump that met the swap would fail and be tried again only at the next hourly
check. It is made as soon as the restore has ended, of the restored database."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local import restore as restoring
from todo_desktop.db.local.backup_policy import Backup, list_backups
from todo_desktop.db.local.backup_service import LocalBackups
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.workspace import LocalWorkspace
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox import DurableTasks, outbox_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# Long after any day a test runs on: the service's copies never count as today's daily one.
LATER = datetime(2099, 12, 5, 10, 0, tzinfo=UTC)


def _until(condition: Callable[[], object], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LocalWorkspace, LocalBackups]]:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    paths = AppPaths.from_environment()

    def secrets() -> SecretStore:
        return SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)

    local = open_local(paths, secrets(), kdf_cost=MINIMUM_COST, daily_backup=True)
    outbox: DurableTasks = outbox_for(paths.data / "outbox", "local", local.tasks)
    clock = iter(LATER + timedelta(minutes=m) for m in range(1000))
    service = LocalBackups(
        paths.data, lambda: (local, outbox), secrets, kdf_cost=MINIMUM_COST, clock=lambda: next(clock)
    )
    try:
        yield local, service
    finally:
        local.close()


def test_a_daily_backup_due_during_a_restore_is_made_as_soon_as_it_ends(
    opened: tuple[LocalWorkspace, LocalBackups],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    local, service = opened
    assert local.daily is not None
    _until(lambda: local.daily is not None and local.daily.made)  # the one made at start
    folder = local.daily.made[0].path.parent
    local.tasks.create(TaskDraft(title="In the backup"))
    made = service.back_up_now()
    local.tasks.create(TaskDraft(title="Replaced by the restore"))
    for old in (b for b in list_backups(folder) if b.automatic):  # as if a new day began
        old.path.unlink()
        old.counts_path.unlink()

    # The restore stops where the live database refuses connections, just before the swap.
    in_swap, go = threading.Event(), threading.Event()
    real_end = restoring._end_connections

    def held_in_swap(admin: object) -> None:
        in_swap.set()
        go.wait(30)
        real_end(admin)  # type: ignore[arg-type]

    monkeypatch.setattr(restoring, "_end_connections", held_in_swap)
    restored: list[object] = []
    checked: list[Backup | None] = []
    restorer = threading.Thread(target=lambda: restored.append(service.restore(made.key)))
    checker = threading.Thread(target=lambda: checked.append(local.daily.check() if local.daily else None))
    caplog.set_level(logging.WARNING)
    restorer.start()
    try:
        assert in_swap.wait(30)
        checker.start()  # the hourly check comes now
        checker.join(0.5)
        assert checker.is_alive(), f"the daily backup ran during the restore: {checked}"
    finally:
        go.set()
        restorer.join(60)
        checker.join(60)
    assert restored and not restorer.is_alive() and not checker.is_alive()
    assert checked and checked[0] is not None, "the daily backup was not made after the restore"
    assert checked[0].counts() == {"users": 1, "tasks": 1}  # the restored database
    assert not [r for r in caplog.records if "daily backup" in r.getMessage()]
