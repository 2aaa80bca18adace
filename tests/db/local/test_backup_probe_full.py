"""A backups folder on a full disk: Back Up Now (and the copy a restore keeps first) end with
one sentence of the app's own that says the disk of the backups folder is full and nothing was
replaced, never the tool's complaint; the part of the file written before the disk filled is
not left behind, and once there is room again the next backup is made.

The folder is a tiny file system mounted for the test, so it needs root; elsewhere it skips."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail

from tests.support.restart_helpers import open_as_the_app
from todo_desktop import APP_ID
from todo_desktop.core.errors import TodoError
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.db.local.backup_policy import backups_folder
from todo_desktop.db.local.backup_service import LocalBackups
from todo_desktop.db.local.workspace import LocalWorkspace
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
ROOM_LEFT = 16 * 1024  # less than any dump of the database, more than nothing


@pytest.fixture
def full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LocalWorkspace, LocalBackups, Path]]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a file system for the backups needs root")
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    paths = AppPaths.from_environment()
    local, outbox = open_as_the_app(paths)
    folder = backups_folder(paths.data)
    folder.mkdir(mode=0o700)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)], check=True)
    except (OSError, subprocess.CalledProcessError):
        local.close()
        pytest.skip("this machine mounts no tmpfs here")
    clock = iter(NOW + timedelta(minutes=m) for m in range(1000))
    service = LocalBackups(
        paths.data,
        lambda: (local, outbox),
        lambda: SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True),
        kdf_cost=MINIMUM_COST,
        clock=lambda: next(clock),
    )
    try:
        yield local, service, folder
    finally:
        local.close()
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    """Take all the room of ``folder``'s disk but ``ROOM_LEFT``."""
    filler = folder / "filler"
    room = os.statvfs(folder)
    with filler.open("wb") as out:
        out.write(b"\0" * (room.f_bavail * room.f_frsize - ROOM_LEFT))
    return filler


def _titles(local: LocalWorkspace) -> list[str]:
    return sorted(t.title for t in local.tasks.list(TaskQuery(status=Status.ALL)).tasks)


def test_back_up_now_on_a_full_disk_says_so_in_one_sentence_and_leaves_no_part_behind(
    full: tuple[LocalWorkspace, LocalBackups, Path],
) -> None:
    local, service, folder = full
    local.tasks.create(TaskDraft(title="In the backup"))
    made = service.back_up_now()
    local.tasks.create(TaskDraft(title="Only in the live database"))
    filler = _fill(folder)
    there = sorted(p.name for p in folder.iterdir())

    with pytest.raises(TodoError) as refused:
        service.back_up_now()
    said = refused.value.message
    assert said.startswith("The disk that holds the backups folder is full"), said
    assert str(folder) in said and "nothing was replaced" in said
    assert "pg_dump" not in said and "No space left" not in said and "\n" not in said
    assert sorted(p.name for p in folder.iterdir()) == there  # no part left, nothing pruned

    with pytest.raises(TodoError) as not_restored:
        service.restore(made.key)  # its first step, the copy of the current database, cannot be kept
    said = not_restored.value.message
    assert "disk that holds the backups folder is full" in said and "nothing was restored" in said, said
    assert "\n" not in said and "pg_dump" not in said
    assert sorted(p.name for p in folder.iterdir()) == there
    assert _titles(local) == ["In the backup", "Only in the live database"]

    filler.unlink()  # room again: the next one is made
    assert service.back_up_now().tasks == 2
