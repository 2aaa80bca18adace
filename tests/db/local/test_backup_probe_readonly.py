"""A backups folder that takes no more writes (a full disk, a read-only mount) while the server
listens with a password (as on Windows): Back Up Now and Restore each end with one sentence
that says so, and nothing is replaced.

The folder is a tiny file system mounted for the test, so it needs root; elsewhere it skips."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.restart_helpers import open_as_the_app
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.db.local.backup_policy import backups_folder
from todo_desktop.db.local.backups import BackupError, back_up
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.restore import restore
from todo_desktop.db.local.workspace import LocalWorkspace
from todo_desktop.machine.paths import AppPaths

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _mount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)


@pytest.fixture
def loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LocalWorkspace, Path]]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a file system for the backups needs root")
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    paths = AppPaths.from_environment()
    local, _ = open_as_the_app(paths, Listening.LOOPBACK)
    folder = backups_folder(paths.data)
    folder.mkdir(mode=0o700)
    try:
        _mount(folder, "size=4m,mode=0700")
    except (OSError, subprocess.CalledProcessError):
        local.close()
        pytest.skip("this machine mounts no tmpfs here")
    try:
        yield local, folder
    finally:
        local.close()
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _titles(local: LocalWorkspace) -> list[str]:
    return sorted(t.title for t in local.tasks.list(TaskQuery(status=Status.ALL)).tasks)


def test_a_read_only_backups_folder_gets_one_sentence_and_replaces_nothing(
    loopback: tuple[LocalWorkspace, Path],
) -> None:
    local, folder = loopback
    assert local.server.connect_params().get("password")  # the tools get it through a file
    local.tasks.create(TaskDraft(title="In the backup"))
    made = back_up(local.server, folder, NOW)
    local.tasks.create(TaskDraft(title="Only in the live database"))
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    with pytest.raises(
        BackupError, match=r"^The backup could not be written in .*: Read-only file system\.$"
    ):
        back_up(local.server, folder, NOW + timedelta(hours=1), manual=True)
    local.db.dispose()
    with pytest.raises(BackupError) as refused:
        restore(local.server, made, folder, NOW + timedelta(hours=1))
    assert (
        "Read-only file system" in refused.value.message and "nothing was replaced" in refused.value.message
    )
    assert _titles(local) == ["In the backup", "Only in the live database"]
