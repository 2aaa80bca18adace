"""The embedded server as it runs on Windows, forced here: TCP on 127.0.0.1 only, behind a
random password per data folder that lives in the secret store alone; and a restart on
another port that the open workspace follows, never a stranger who took the old one."""

from __future__ import annotations

import base64
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from keyring.backends import fail

from tests.support.loopback_helpers import (
    CommandWitness,
    files_holding,
    impostor_on,
    other_addresses,
    processes_holding,
)
from tests.support.outbox_helpers import state
from tests.support.repo import ROOT
from tests.support.restart_helpers import kill_server, open_as_the_app
from todo_desktop import APP_ID
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.loopback import (
    ELSEWHERE,
    HBA,
    ServerPassword,
    check_joined,
    scram_verifier,
    verifier_matches,
)
from todo_desktop.db.local.workspace import LOCAL_DATABASE, LOCAL_ROLE, LocalWorkspace
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import FALLBACK_FILE_NAME, SecretStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
LOOPBACK = Listening.LOOPBACK
RULES = ["host all all 127.0.0.1/32 scram-sha-256"]


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    return AppPaths.from_environment().ensure()


@pytest.fixture
def log_file(paths: AppPaths) -> Iterator[Path]:
    """The app's log file, taking everything anyone logs (pgserver's commands included)."""
    path = paths.logs / "todo-desktop.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def _secrets(paths: AppPaths) -> SecretStore:
    return SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)


def _stored_password(local: LocalWorkspace, paths: AppPaths) -> str:
    password = _secrets(paths).get(ServerPassword(local.server.pgdata, None).key)
    assert password, "the password is in the secret store"
    return password


def _rules(local: LocalWorkspace) -> list[str]:
    hba = (local.server.pgdata / "pg_hba.conf").read_text()
    return [line for line in hba.splitlines() if line and not line.startswith("#")]


def _connect(port: int, user: str, password: str | None) -> psycopg.Connection:
    auth = {} if password is None else {"password": password}
    return psycopg.connect(
        host="127.0.0.1", port=port, user=user, dbname=LOCAL_DATABASE, connect_timeout=5, **auth
    )


def _titles(local: LocalWorkspace) -> list[str]:
    return sorted(row[0] for row in state(local.tasks).values())


def test_only_the_password_opens_it_and_only_from_this_computer(paths: AppPaths) -> None:
    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        port = local.server.port
        assert port is not None
        local.tasks.create(TaskDraft("mine"))
        password = _stored_password(local, paths)
        assert _rules(local) == RULES, "no trust, no other address, no socket rule"
        assert not list(local.server.pgdata.glob(".s.PGSQL.*")), "no Unix socket"
        for user in ("postgres", LOCAL_ROLE):
            with pytest.raises(psycopg.OperationalError, match="no password supplied"):
                _connect(port, user, None)
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                _connect(port, user, password[:-1] + ("x" if password[-1] != "x" else "y"))
        with _connect(port, "postgres", password) as su:
            assert su.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            assert su.execute("SHOW unix_socket_directories").fetchone() == ("",)
            assert su.execute("SELECT system_user").fetchone() == ("scram-sha-256:postgres",)
        for address in other_addresses():  # a stranger on the network finds nothing there
            with pytest.raises(OSError, match=r"refused|unreachable|timed out"):
                socket.create_connection((address, port), timeout=2).close()
        with local.db.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT current_user, system_user, inet_client_addr()::text").one()
        assert tuple(row) == (LOCAL_ROLE, f"scram-sha-256:{LOCAL_ROLE}", "127.0.0.1/32")
        assert _titles(local) == ["mine"]
    finally:
        local.close()


def test_the_password_is_in_the_secret_store_and_nowhere_else(
    paths: AppPaths, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    witness = CommandWitness(monkeypatch)
    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        local.tasks.create(TaskDraft("first"))
        kill_server(local.server, everything=True)
        local.tasks.create(TaskDraft("after a restart"))  # the restart runs pg_ctl again
        password = _stored_password(local, paths)
        secret_file = paths.secrets / FALLBACK_FILE_NAME
        assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
        assert witness.ran("initdb") and witness.ran("pg_ctl") and witness.ran("postgres")
        assert witness.holding(password) == [], "no command line or environment of a command run"
        assert processes_holding(password) == [], "no process on this machine shows it (ps, environ)"
        assert password not in os.environ.values()
        folders = [paths.data, paths.logs, paths.config, paths.cache]
        assert files_holding(password, folders, but=secret_file) == [], "no file but the secret store's"
        assert log_file.stat().st_size > 0 and (local.server.pgdata / "log").stat().st_size > 0
        assert local.server.restarts == 1
    finally:
        local.close()


def test_a_restart_on_another_port_is_followed_by_the_same_engine(paths: AppPaths) -> None:
    local, durable = open_as_the_app(paths, LOOPBACK)
    engine = local.db.engine
    try:
        durable.create(TaskDraft("before"))
        old_port = local.server.port
        assert old_port is not None
        kill_server(local.server, everything=True)
        # A stranger takes the free port before the app notices: asked to connect where the
        # server was, the app gives it neither its password (asked for in cleartext) nor,
        # when the stranger claims "trust", a single query.
        where = local.server.connect_params()
        assert where["port"] == old_port
        for trust in (False, True):
            with impostor_on(old_port, trust=trust) as impostor:
                with pytest.raises(psycopg.OperationalError, match="authentication"):
                    psycopg.connect(user=LOCAL_ROLE, dbname=LOCAL_DATABASE, connect_timeout=5, **where)
                assert impostor.clients >= 1
                assert _stored_password(local, paths).encode() not in impostor.received
        with impostor_on(old_port) as impostor:  # still there: the server comes back elsewhere
            durable.create(TaskDraft("after"))
            assert impostor.clients == 0, "the app looked for the server before connecting"
            assert local.server.restarts == 1 and local.server.port not in (None, old_port)
            assert local.db.engine is engine
            assert durable.pending_count() == 0 and durable.take_problems() == []
            assert _titles(local) == ["after", "before"]
    finally:
        local.close()


def test_a_folder_made_in_socket_mode_is_locked_down_when_opened_on_loopback(paths: AppPaths) -> None:
    local, _ = open_as_the_app(paths, Listening.SOCKET)
    account = local.signed_in.account.id
    local.tasks.create(TaskDraft("made over the socket"))
    local.close()
    secret_file = paths.secrets / FALLBACK_FILE_NAME
    assert "local-server:" not in secret_file.read_text(), "socket mode needs no password"

    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        assert local.signed_in.account.id == account
        assert _titles(local) == ["made over the socket"]
        assert _rules(local) == RULES
        port = local.server.port
        assert port is not None
        with pytest.raises(psycopg.OperationalError, match="no password supplied"):
            _connect(port, "postgres", None)
        local.tasks.create(TaskDraft("added on loopback"))
        assert _titles(local) == ["added on loopback", "made over the socket"]
    finally:
        local.close()


def test_a_password_the_secret_store_lost_is_replaced_at_the_next_start(paths: AppPaths) -> None:
    local, _ = open_as_the_app(paths, LOOPBACK)
    local.tasks.create(TaskDraft("kept"))
    old = _stored_password(local, paths)
    key = ServerPassword(local.server.pgdata, None).key
    local.close()
    _secrets(paths).delete(key)

    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        new = _stored_password(local, paths)
        assert new != old
        assert _titles(local) == ["kept"]
        port = local.server.port
        assert port is not None
        for user in ("postgres", LOCAL_ROLE):
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                _connect(port, user, old)
            _connect(port, user, new).close()
    finally:
        local.close()


def _second_process_opens(paths: AppPaths) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.local_child", "second", "exit", LOOPBACK.value],
        cwd=ROOT,
        env={**os.environ, "TODO_DESKTOP_HOME": str(paths.data.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_running_server_that_trusts_loopback_is_not_joined_and_is_locked_down_next(paths: AppPaths) -> None:
    """As pgserver leaves a Windows folder (and so an older Todo Desktop): trust for every
    connection. Another process refuses to use it; the next start locks it down."""
    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        local.tasks.create(TaskDraft("kept"))
        hba = local.server.pgdata / "pg_hba.conf"
        stat = hba.stat()
        hba.write_text("host all all 127.0.0.1/32 trust\n")
        os.chown(hba, stat.st_uid, stat.st_gid)
        with psycopg.connect(local.server.superuser_dsn("postgres"), autocommit=True) as su:
            su.execute("SELECT pg_reload_conf()")
        second = _second_process_opens(paths)
        assert second.returncode != 0 and ELSEWHERE in second.stderr, second.stderr[-2000:]
        assert _titles(local) == ["kept"], "the first process goes on"
    finally:
        local.close()
    assert not (paths.data / "pgdata" / "postmaster.pid").exists()

    local, _ = open_as_the_app(paths, LOOPBACK)
    try:
        assert _rules(local) == RULES
        assert _titles(local) == ["kept"]
    finally:
        local.close()


def test_a_socket_mode_server_is_not_joined_on_loopback(paths: AppPaths) -> None:
    local, _ = open_as_the_app(paths, Listening.SOCKET)
    try:
        second = _second_process_opens(paths)
        assert second.returncode != 0 and ELSEWHERE in second.stderr, second.stderr[-2000:]
        local.tasks.create(TaskDraft("still fine"))
        assert _titles(local) == ["still fine"]
    finally:
        local.close()
    assert not (paths.data / "pgdata" / "postmaster.pid").exists(), "the refused one left no claim on it"


def test_the_verifier_is_postgresqls_and_the_password_is_per_folder(tmp_path: Path) -> None:
    verifier = scram_verifier("correct horse")
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    assert verifier_matches(verifier, "correct horse") and not verifier_matches(verifier, "correct horsE")
    assert not verifier_matches(None, "x") and not verifier_matches("md5abc", "x")
    assert scram_verifier("correct horse") != verifier, "a new salt each time"
    salt = base64.b64decode(verifier.split("$")[1].split(":")[1])
    assert len(salt) == 16
    one = ServerPassword(tmp_path / "a" / "pgdata", None)
    two = ServerPassword(tmp_path / "b" / "pgdata", None)
    assert one.key != two.key
    assert one.new() != two.new() and len(one.value or "") >= 40


def test_the_rules_file_admits_nothing_but_scram_from_127_0_0_1() -> None:
    rules = [line.split() for line in HBA.splitlines() if line and not line.startswith("#")]
    assert rules == [["host", "all", "all", "127.0.0.1/32", "scram-sha-256"]]


@pytest.mark.parametrize(
    ("socket_dir", "hostname", "rules", "password"),
    [
        ("/run/somewhere", None, HBA, "secret"),  # on a Unix socket
        (None, "*", HBA, "secret"),  # on every address
        (None, "127.0.0.1", "host all all 127.0.0.1/32 trust\n", "secret"),  # trusting
        (None, "127.0.0.1", HBA, None),  # a password the secret store does not have
    ],
    ids=["socket", "every-address", "trust", "no-password"],
)
def test_a_running_server_is_joined_only_on_loopback_behind_the_known_password(
    tmp_path: Path, socket_dir: str | None, hostname: str, rules: str, password: str | None
) -> None:
    (tmp_path / "pg_hba.conf").write_text(rules)
    known = ServerPassword(tmp_path, None)
    known.value = password
    info = SimpleNamespace(socket_dir=socket_dir and Path(socket_dir), hostname=hostname)
    with pytest.raises(DatabaseUnavailableError) as refused:
        check_joined(info, tmp_path, known)  # type: ignore[arg-type]
    assert refused.value.message == ELSEWHERE
    (tmp_path / "pg_hba.conf").write_text(HBA)
    known.value = "secret"
    check_joined(SimpleNamespace(socket_dir=None, hostname="127.0.0.1"), tmp_path, known)  # type: ignore[arg-type]
