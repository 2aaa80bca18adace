"""``todo-desktop db backup``: a pg_dump of a shared database that restores into a fresh one
with every row, written whole or not at all (0600), refused through a pooler or for a role
that would see only its own rows, and never showing the password: not on the command line
of pg_dump (which every user can read), nor in the output.

The password-carrying case runs on an embedded server listening on loopback with passwords
(as on Windows); the others on the session's server (PostgreSQL 15 in CI when
``TODO_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest
from psycopg import sql

from tests.support.database import TestDatabase, _dsn
from tests.support.repo import ROOT
from tests.support.restart_helpers import open_as_the_app
from todo_desktop.cli.db_backup import db_backup
from todo_desktop.core.errors import ConfigurationError
from todo_desktop.core.values import Priority, TaskDraft
from todo_desktop.db.local.backups import _bin, password_file
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.workspace import LOCAL_DATABASE, LocalWorkspace
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.machine.paths import AppPaths

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _rows(conninfo: str) -> dict[str, list[str]]:
    """Every row of every table of the schemas the app keeps data in, as JSON text."""
    with psycopg.connect(conninfo) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema IN ('public', 'todo_auth', 'todo_api') AND table_type = 'BASE TABLE'"
        ).fetchall()
        found: dict[str, list[str]] = {}
        for schema, table in tables:
            query = sql.SQL("SELECT to_jsonb(t)::text FROM {}.{} t").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            found[f"{schema}.{table}"] = sorted(str(r[0]) for r in conn.execute(query).fetchall())
    return found


def _restore_into_fresh(admin_conninfo: str, database_conninfo: str, file: Path, env: dict[str, str]) -> None:
    """pg_restore ``file`` into a new, empty database, as an admin would.

    pg_restore 17 and later set ``transaction_timeout``, which an older server does not know:
    that one error is expected there (and harmless), any other fails the test."""
    with psycopg.connect(admin_conninfo, autocommit=True) as admin:
        name = psycopg.conninfo.conninfo_to_dict(database_conninfo)["dbname"]
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))
        older = admin.info.server_version < 170000
    done = subprocess.run(
        [str(_bin("pg_restore")), f"--dbname={database_conninfo}", file],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in done.stderr.splitlines() if "ERROR:" in line]
    expected = ['unrecognized configuration parameter "transaction_timeout"'] if older else []
    assert [e.split("ERROR:")[1].strip() for e in errors] == expected, done.stderr


def _fill(tasks: TaskRepository) -> None:
    for i in range(30):
        tasks.create(
            TaskDraft(
                title=f"Backed up {i}",
                description="with notes" if i % 2 else None,
                priority=Priority.HIGH if i % 3 else Priority.LOW,
                tags=("alpha", "Beta") if i % 4 == 0 else (),
            )
        )


@pytest.fixture
def loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalWorkspace]:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    local, _ = open_as_the_app(AppPaths.from_environment(), Listening.LOOPBACK)
    try:
        yield local
    finally:
        local.close()


class SpiedRun:
    """subprocess.run as it is, noting what each child was given and whether its password
    file was private while it ran."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, str], int | None, str]] = []
        self._real = subprocess.run

    def __call__(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        env = kwargs.get("env") or {}
        passfile = Path(env["PGPASSFILE"]) if "PGPASSFILE" in env else None
        mode = stat.S_IMODE(passfile.stat().st_mode) if passfile is not None else None
        held = passfile.read_text(encoding="utf-8") if passfile is not None else ""
        self.calls.append((list(args), dict(env), mode, held))
        return self._real(args, **kwargs)


def test_a_backup_restores_every_row_and_never_shows_the_password(
    loopback: LocalWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(loopback.tasks)
    url = loopback.server.url("postgres", LOCAL_DATABASE)  # the superuser, with its password
    password = loopback.server.password
    assert password and password in url
    spy = SpiedRun()
    monkeypatch.setattr(subprocess, "run", spy)
    out = io.StringIO()
    file = tmp_path / "shared.dump"

    assert db_backup(url, str(file), out) == 0

    [(args, env, mode, held)] = spy.calls
    assert Path(args[0]).name == "pg_dump" and "--format=custom" in args
    assert not any(password in arg for arg in args)  # the command line is anyone's to read
    assert not any(k in env for k in ("PGPASSWORD", "TODO_DATABASE_URL"))
    assert mode == 0o600 and password.replace(":", "\\:") in held
    assert not Path(env["PGPASSFILE"]).exists()  # deleted once pg_dump is done
    line = out.getvalue()
    assert line.count("\n") == 1 and line.startswith(f"Backed up {LOCAL_DATABASE} at ") and "kB)" in line
    assert password not in line
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial left

    # Restored into a fresh database, it holds exactly what the live one does.
    live = loopback.server.superuser_dsn(LOCAL_DATABASE)
    fresh = loopback.server.superuser_dsn("restored_copy")
    with password_file(loopback.server.connect_params().get("password")) as tool_env:
        _restore_into_fresh(loopback.server.superuser_dsn("postgres"), fresh, file, tool_env)
    original = _rows(live)
    assert len(original["public.tasks"]) == 30 and original == _rows(fresh)


def test_the_command_line_shows_the_password_to_nobody(loopback: LocalWorkspace, tmp_path: Path) -> None:
    """The real command, as an admin runs it with the URL in TODO_DATABASE_URL: no process
    on the machine shows the password while it runs, and neither does its output."""
    _fill(loopback.tasks)
    password = loopback.server.password
    env = {**os.environ, "TODO_DATABASE_URL": loopback.server.url("postgres", LOCAL_DATABASE)}
    file = tmp_path / "by-command.dump"
    child = subprocess.Popen(
        [sys.executable, "-m", "todo_desktop", "db", "backup", str(file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen_dump = False
    while child.poll() is None:
        for process in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            assert password not in cmdline, process
            seen_dump = seen_dump or "pg_dump" in cmdline
        time.sleep(0.005)
    out, err = child.communicate()
    assert child.returncode == 0, err
    assert password not in out + err
    assert out.startswith("Backed up ") and file.stat().st_size > 0
    if not seen_dump:  # too quick to catch: the in-process test above checks its arguments
        pytest.skip("pg_dump ended before the process list was read")


def test_a_backup_of_the_session_server_restores_every_row(
    test_db: TestDatabase, alice_tasks: TaskRepository, tmp_path: Path
) -> None:
    """On the session's server (the embedded one, or PostgreSQL 15 in CI), as its superuser."""
    _fill(alice_tasks)
    cluster = test_db.cluster
    file = tmp_path / "pg.dump"
    out = io.StringIO()
    assert db_backup(cluster.url(test_db.name), str(file), out) == 0
    assert out.getvalue().startswith(f"Backed up {test_db.name} at ")
    copy = f"{test_db.name}_copy"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    try:
        _restore_into_fresh(_dsn(cluster.url("postgres")), _dsn(cluster.url(copy)), file, env)
        original = _rows(_dsn(cluster.url(test_db.name)))
        assert len(original["public.tasks"]) == 30 and original == _rows(_dsn(cluster.url(copy)))
    finally:
        with cluster.admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))


def test_a_role_subject_to_row_level_security_is_refused(test_db: TestDatabase, tmp_path: Path) -> None:
    # The owner of the tables, without BYPASSRLS: pg_dump would see only some rows, or fail.
    file = tmp_path / "owner.dump"
    with pytest.raises(ConfigurationError, match="subject to row-level security"):
        db_backup(test_db.owner_url, str(file), io.StringIO())
    assert not file.exists() and list(tmp_path.iterdir()) == []


def test_a_pooled_endpoint_is_refused_before_connecting(tmp_path: Path) -> None:
    url = "postgresql://owner:s3cret-pw@ep-quiet-lake-123456-pooler.us-east-2.aws.neon.tech/neondb"
    with pytest.raises(ConfigurationError, match="-pooler") as refused:
        db_backup(url, str(tmp_path / "x.dump"), io.StringIO())
    assert "s3cret-pw" not in refused.value.message
    assert list(tmp_path.iterdir()) == []


def test_anything_but_a_plain_file_is_left_alone(test_db: TestDatabase, tmp_path: Path) -> None:
    # The backup replaces its file by renaming: a link or a device would be replaced whole.
    kept = tmp_path / "kept.txt"
    kept.write_text("mine", encoding="utf-8")
    link = tmp_path / "link.dump"
    link.symlink_to(kept)
    pipe = tmp_path / "pipe.dump"
    os.mkfifo(pipe)
    for target in (link, pipe):
        with pytest.raises(ConfigurationError, match="is not a plain file"):
            db_backup(test_db.cluster.url(test_db.name), str(target), io.StringIO())
    assert link.is_symlink() and kept.read_text(encoding="utf-8") == "mine"
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a folder nobody can write in, even root")
def test_a_folder_it_cannot_write_in_gets_one_sentence(test_db: TestDatabase) -> None:
    with pytest.raises(ConfigurationError, match=r"^The backup could not be written in /proc: "):
        db_backup(test_db.cluster.url(test_db.name), "/proc/todo.dump", io.StringIO())


def test_no_url_says_where_this_computers_backups_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TODO_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match=r"File > Back Up Now\.$"):
        db_backup(None, str(tmp_path / "x.dump"), io.StringIO())
    assert list(tmp_path.iterdir()) == []
