"""``todo-desktop db backup`` with the password where a URL may also carry it: in its query
(``?password=``), which libpq accepts as readily as the user-info part. pg_dump must get it
from the private password file, never on its command line, which every user can read."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.restart_helpers import open_as_the_app
from todo_desktop.cli.db_backup import db_backup
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.workspace import LOCAL_DATABASE, LocalWorkspace
from todo_desktop.machine.paths import AppPaths

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture
def loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalWorkspace]:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    local, _ = open_as_the_app(AppPaths.from_environment(), Listening.LOOPBACK)
    try:
        yield local
    finally:
        local.close()


def test_a_password_in_the_query_never_reaches_pg_dumps_command_line(
    loopback: LocalWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.tasks.create(TaskDraft(title="Kept"))
    params = loopback.server.connect_params()
    password = loopback.server.password
    assert password
    url = (
        f"postgresql://postgres@{params['host']}:{params['port']}/{LOCAL_DATABASE}"
        f"?password={quote(password, safe='')}"
    )
    seen: list[list[str]] = []
    real = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    file = tmp_path / "query.dump"
    out = io.StringIO()

    assert db_backup(url, str(file), out) == 0

    [args] = seen
    assert not any(password in arg for arg in args)
    assert file.stat().st_size > 0 and password not in out.getvalue()
