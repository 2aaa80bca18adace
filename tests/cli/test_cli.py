"""The command line as an admin and the packaged app's smoke test use it."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout

import psycopg
import pytest
from psycopg import sql

from tests.support.database import PgCluster, _dsn
from todo_desktop import __version__
from todo_desktop.__main__ import main
from todo_desktop.db.connect.pooler_probe import shares_server_connections
from todo_desktop.db.connect.urls import parse_database_url


def _run(*args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(list(args))
    return code, buffer.getvalue()


@contextmanager
def empty_database(pg_cluster: PgCluster, owner: str) -> Iterator[str]:
    """A new database with no schema, owned by ``owner``, as a fresh Neon project's; its name."""
    name = f"todo_cli_{uuid.uuid4().hex[:10]}"
    with pg_cluster.admin() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner))
        )
    try:
        yield name
    finally:
        with pg_cluster.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_db(pg_cluster, roles):
    with empty_database(pg_cluster, roles.owner) as name:
        yield pg_cluster.url(name, roles.owner, roles.owner_password)


def test_version():
    out = subprocess.run([sys.executable, "-m", "todo_desktop", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"todo-desktop {__version__}"


@pytest.mark.slow
def test_self_check_passes_headless(tmp_path):
    env = {**os.environ, "TODO_DESKTOP_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "todo_desktop", "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert "ok   prove B cannot see or change A's tasks" in out.stdout
    assert lines[-1].startswith("self-check passed")
    assert all(line.startswith(("ok ", "Todo Desktop", "self-check")) for line in lines)
    assert all(line.rstrip().endswith("ms") for line in lines if line.startswith("ok "))


def test_db_upgrade_and_current(empty_db):
    code, out = _run("db", "current", "--database-url", empty_db)
    assert code == 1 and "no Todo Desktop schema yet" in out
    code, out = _run("db", "upgrade", "--database-url", empty_db)
    assert code == 0 and "Upgraded" in out
    code, out = _run("db", "current", "--database-url", empty_db)
    assert code == 0 and "current" in out
    assert "owns the tables" in out  # the owner is not subject to RLS, and we say so


def test_create_client_role_prints_a_working_url(empty_db, pg_cluster):
    _run("db", "upgrade", "--database-url", empty_db)
    role = f"cli_client_{uuid.uuid4().hex[:8]}"
    code, out = _run("admin", "create-client-role", role, "--database-url", empty_db)
    assert code == 0, out
    url = next(line.strip() for line in out.splitlines() if line.strip().startswith("postgresql://"))
    assert role in url
    try:
        with psycopg.connect(_dsn(url)) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == role
            assert conn.execute("SELECT pg_has_role(current_user, 'todo_app', 'MEMBER')").fetchone()[0]
        code, out = _run("db", "current", "--database-url", url)
        assert code == 0 and "Warning" not in out
    finally:
        with pg_cluster.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_create_client_role_refuses_bad_names_and_old_schemas(empty_db, capsys):
    assert (
        main(["admin", "create-client-role", "Robert'); DROP TABLE tasks;--", "--database-url", empty_db])
        == 2
    )
    assert "role name" in capsys.readouterr().err
    assert main(["admin", "create-client-role", "fine_name", "--database-url", empty_db]) == 2
    assert "no Todo Desktop schema" in capsys.readouterr().err


def test_admin_steps_refuse_pooled_and_plaintext_urls(capsys):
    assert (
        main(["db", "upgrade", "--database-url", "postgresql://u:p@ep-x-123-pooler.eu.aws.neon.tech/db"]) == 2
    )
    assert "direct host" in capsys.readouterr().err
    # Refused from the URL alone: the host does not even exist.
    marked = "postgresql://u:p@db.invalid:6432/db?pgbouncer=true"
    assert main(["admin", "create-client-role", "fine_name", "--database-url", marked]) == 2
    err = capsys.readouterr().err
    assert err.startswith("This command needs the direct host") and err.count(".") == 1
    assert (
        main(["db", "current", "--database-url", "postgresql://u:p@db.example.com/db?sslmode=disable"]) == 2
    )
    assert "without TLS" in capsys.readouterr().err


def test_a_direct_server_is_never_taken_for_a_pooler(empty_db, test_db):
    """No false positive: two open connections to a server never share a backend."""
    for url in (empty_db, test_db.direct_client_url):
        assert not shares_server_connections(parse_database_url(url), rounds=20)


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["db", "current"], ["admin", "create-client-role", "todo_phone"]]
)
def test_an_unreachable_server_is_one_sentence(capsys, command):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://u:p@127.0.0.1:{port}/db"
    assert main([*command, "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert err == f"Nothing is listening at 127.0.0.1:{port}; check the host and port.\n"
