"""The instance lock: one process at a time owns the workspace's files (the outbox above all).
A command that finds it held, and no window answering, waits its turn rather than open the
outbox a window (or another command) has open; and it is the lock, not a guess, that says so."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from todo_desktop.cli.capture_socket import BUSY, InstanceLock, reach
from todo_desktop.core.errors import TodoError
from todo_desktop.ui.chrome.instance_protocol import LOCK_NAME, PingRequest, instance_address


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path: a socket's whole path must fit in about 100 bytes, and a
    runtime folder deep in pytest's own would make the app fall back to another one."""
    folder = Path(tempfile.mkdtemp(prefix="rt-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_lock_is_held_by_one_holder_at_a_time(tmp_path):
    first, second = InstanceLock(tmp_path / LOCK_NAME), InstanceLock(tmp_path / LOCK_NAME)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()
    assert (tmp_path / LOCK_NAME).stat().st_mode & 0o077 == 0


def test_a_command_waits_while_another_holds_the_lock(tmp_path):
    held = InstanceLock(tmp_path / LOCK_NAME)
    assert held.try_acquire()
    with pytest.raises(TodoError) as refused:
        reach(tmp_path, None, PingRequest(), wait=0.3)
    assert refused.value.message == BUSY

    threading.Timer(0.3, held.release).start()
    started = time.monotonic()
    reached = reach(tmp_path, None, PingRequest(), wait=10)
    assert reached.lock is not None and reached.reply is None
    assert time.monotonic() - started >= 0.25, "it waited for the other holder"
    reached.lock.release()


def test_with_nobody_listening_the_command_takes_the_lock(tmp_path, short_dir, monkeypatch):
    runtime = short_dir / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    address = instance_address(tmp_path / "data")
    assert address is not None and address.startswith(str(runtime))
    (tmp_path / "data").mkdir()
    reached = reach(tmp_path / "data", address, PingRequest(), wait=1)
    assert reached.lock is not None and reached.reply is None
    reached.lock.release()


def test_each_home_has_its_own_address_in_a_folder_of_the_users_alone(tmp_path, short_dir):
    runtime = short_dir / "run"
    runtime.mkdir(mode=0o700)
    env = {"XDG_RUNTIME_DIR": str(runtime)}
    one, two = instance_address(tmp_path / "a", env), instance_address(tmp_path / "b", env)
    assert one is not None and two is not None and one != two
    assert one == instance_address(tmp_path / "a", env), "the same home, the same window"
    assert (runtime / "todo-desktop").stat().st_mode & 0o777 == 0o700


def test_a_runtime_folder_others_can_enter_is_not_used(tmp_path, short_dir):
    shared = short_dir / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    fallback = short_dir / "tmp"
    fallback.mkdir()
    env = {"XDG_RUNTIME_DIR": str(shared), "TMPDIR": str(fallback)}
    address = instance_address(tmp_path / "a", env)
    assert address is not None and address.startswith(str(fallback)), "the private fallback instead"
    private = Path(address).parent
    assert private.stat().st_mode & 0o777 == 0o700
    private.chmod(0o777)  # as if someone else had made it first, for everyone to write to
    again = instance_address(tmp_path / "a", env)
    assert again is None or Path(again).parent != private, "never a socket in a folder others can enter"
