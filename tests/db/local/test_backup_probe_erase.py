"""Erase This Computer's Data when one part of it cannot be removed (a backup held open by
another program, a folder on a read-only mount): the rest is erased all the same, the edits
waiting in the outbox above all (they would otherwise be sent to the fresh database), and
the person is told in one sentence what is left.

What cannot be removed is a read-only file system mounted inside the backups folder for the
test, so it needs root; elsewhere it skips."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.errors import TodoError
from todo_desktop.db.local.erase import erase_local_data
from todo_desktop.machine.secret_store import SecretStore


@pytest.fixture
def stuck_backup(tmp_path: Path) -> Iterator[Path]:
    """A data folder as the app leaves it, with a backup that cannot be removed."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    data = tmp_path / "data"
    (data / "pgdata").mkdir(parents=True)
    (data / "pgdata" / "PG_VERSION").write_text("18")
    (data / "backups").mkdir()
    (data / "backups" / "todo-20261205T100000Z.dump").write_bytes(b"dump")
    stuck = data / "backups" / "stuck"
    stuck.mkdir()
    (data / "outbox").mkdir()
    (data / "outbox" / "local.jsonl").write_text('{"op":"create"}\n')
    (data / "outbox" / "shared-1234.jsonl").write_text("another profile's queue")
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(stuck)], check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("this machine mounts no tmpfs here")
    try:
        (stuck / "held.dump").write_bytes(b"held")
        subprocess.run(["mount", "-o", "remount,ro", str(stuck)], check=True)
        yield data
    finally:
        subprocess.run(["umount", "-l", str(stuck)], check=False)


def test_what_can_go_goes_and_what_is_left_is_said(stuck_backup: Path, tmp_path: Path) -> None:
    data = stuck_backup
    secrets = SecretStore(APP_ID, tmp_path / "secrets.json", fail.Keyring(), allow_file_fallback=True)

    with pytest.raises(TodoError) as told:
        erase_local_data(data, secrets)

    assert not (data / "outbox" / "local.jsonl").exists()  # no old edit reaches the fresh database
    assert not (data / "pgdata").exists()
    assert (data / "outbox" / "shared-1234.jsonl").exists()
    sentence = told.value.message
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    assert "backups" in sentence and "could not be erased" in sentence
