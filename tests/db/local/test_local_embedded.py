"""The embedded default: private, automatic, shared by processes, and crash-proof."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from keyring.backends import fail

from tests.support.repo import ROOT
from todo_desktop import APP_ID
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.workspace import KEY_SECRET, LOCAL_ROLE
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.roles import rls_bypass_warning
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    return tmp_path


def _secrets(paths: AppPaths) -> SecretStore:
    return SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)


def _open(paths: AppPaths):
    return open_local(paths, _secrets(paths), kdf_cost=MINIMUM_COST)


def _child(home: Path, title: str, how: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "TODO_DESKTOP_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.local_child", title, how],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        **kw,
    )


def _titles(workspace) -> set[str]:
    return {t.title for t in workspace.tasks.list(TaskQuery(status=Status.ALL)).tasks}


def _server_running(home: Path) -> bool:
    pid_file = home / "data" / "pgdata" / "postmaster.pid"
    return pid_file.exists() and psutil.pid_exists(int(pid_file.read_text().split()[0]))


def test_first_launch_needs_no_forms_and_is_private(home):
    paths = AppPaths.from_environment()
    workspace = _open(paths)
    try:
        assert workspace.signed_in.account.email == "me@local.invalid"
        workspace.tasks.create(TaskDraft(title="first"))
        secret_file = paths.secrets / "secrets.json"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert KEY_SECRET in secret_file.read_text()
        socket_dir = Path(workspace.server.socket_dir)
        assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
        hba = (workspace.server.pgdata / "pg_hba.conf").read_text()
        assert [line for line in hba.splitlines() if line and not line.startswith("#")] == [
            "local all all peer map=owner"
        ]
        with workspace.db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT current_user").scalar() == LOCAL_ROLE
            assert rls_bypass_warning(conn) is None
    finally:
        workspace.close()
    again = _open(paths)
    try:
        assert _titles(again) == {"first"}
    finally:
        again.close()
    assert not _server_running(home)


def test_lost_key_rekeys_the_same_account(home):
    paths = AppPaths.from_environment()
    workspace = _open(paths)
    account = workspace.signed_in.account.id
    workspace.tasks.create(TaskDraft(title="kept"))
    workspace.close()
    (paths.secrets / "secrets.json").unlink()
    again = _open(paths)
    try:
        assert again.signed_in.account.id == account
        assert _titles(again) == {"kept"}
    finally:
        again.close()


def test_second_process_shares_the_server(home):
    paths = AppPaths.from_environment()
    workspace = _open(paths)
    try:
        child = _child(home, "from the child", "exit")
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0, out
        assert _server_running(home), "the child's exit must not stop a server still in use"
        assert _titles(workspace) == {"from the child"}
        workspace.tasks.create(TaskDraft(title="from the parent"))
    finally:
        workspace.close()
    assert not _server_running(home), "the last process out stops the server"


def test_two_first_launches_at_once_make_one_account(home):
    children = [_child(home, f"child {i}", "exit") for i in range(2)]
    for child in children:
        out, _ = child.communicate(timeout=180)
        assert child.returncode == 0, out
    workspace = _open(AppPaths.from_environment())
    try:
        assert _titles(workspace) == {"child 0", "child 1"}
    finally:
        workspace.close()


def test_server_left_by_a_crash_is_recovered(home):
    child = _child(home, "before the crash", "crash")
    child.communicate(timeout=120)
    assert child.returncode == -9
    assert _server_running(home), "a crashed app leaves its server behind"
    workspace = _open(AppPaths.from_environment())
    try:
        assert _titles(workspace) == {"before the crash"}
    finally:
        workspace.close()
    assert not _server_running(home), "the dead process no longer keeps the server alive"


def test_server_killed_outright_is_restarted(home):
    paths = AppPaths.from_environment()
    workspace = _open(paths)
    workspace.tasks.create(TaskDraft(title="durable"))
    workspace.close()
    child = _child(home, "holder", "crash")  # leaves a running server behind
    child.communicate(timeout=120)
    pid = int((home / "data" / "pgdata" / "postmaster.pid").read_text().split()[0])
    psutil.Process(pid).kill()  # as if the machine lost power: a stale postmaster.pid stays
    psutil.Process(pid).wait(10)
    again = _open(paths)
    try:
        assert _titles(again) == {"durable", "holder"}
    finally:
        again.close()
