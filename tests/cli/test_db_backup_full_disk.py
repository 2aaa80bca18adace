"""``todo-desktop db backup`` onto a full disk: one sentence of the app's own that says the
disk is full and no backup was written, never pg_dump's complaint, and no part of a file left.

The folder is a tiny file system mounted for the test, so it needs root; elsewhere it skips."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.database import TestDatabase
from todo_desktop.cli.db_backup import db_backup
from todo_desktop.core.errors import ConfigurationError
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.tasks import TaskRepository

ROOM_LEFT = 16 * 1024  # less than any dump of the database, more than nothing


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a file system for the backup needs root")
    folder = tmp_path / "out"
    folder.mkdir(mode=0o700)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(folder)], check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("this machine mounts no tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_gets_one_sentence_and_no_part_of_a_file(
    test_db: TestDatabase, alice_tasks: TaskRepository, small_disk: Path
) -> None:
    for n in range(20):
        alice_tasks.create(TaskDraft(title=f"Task {n}", description="notes " * 50))
    room = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (room.f_bavail * room.f_frsize - ROOM_LEFT))
    target = small_disk / "shared.dump"
    with pytest.raises(ConfigurationError) as refused:
        db_backup(test_db.cluster.url(test_db.name), str(target), io.StringIO())
    assert refused.value.message == (
        f"The disk that holds {small_disk} is full, so no backup was written; "
        "free some space on it, or give a file on another disk, and try again."
    )
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]

    (small_disk / "filler").unlink()  # room again: the same command backs up
    assert db_backup(test_db.cluster.url(test_db.name), str(target), io.StringIO()) == 0
    assert target.stat().st_size > 0
