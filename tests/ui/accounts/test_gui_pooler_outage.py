"""Two devices on one shared database through a real PgBouncer in transaction mode, with the
server behind the pooler stopped, hung and cut off in the middle of edits typed into the
windows: every edit lands, none twice. The pooler is not on a "-pooler" host and the
profiles do not say "pooled": the app must be safe through it without being told.

The server is the test database behind the fault proxy; PgBouncer's server connections go
through the proxy, so refusing there is a stopped server, freezing is a hung one, and
cutting is a killed one, all while PgBouncer itself keeps answering its clients.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QSettings

from tests.bench._load_pgbench import PgBouncer
from tests.support.database import PASSWORD
from tests.support.faultproxy import FaultProxy, upstream_for
from tests.support.gui_fakes import key, real_opener
from tests.support.memory_keyring import MemoryKeyring
from tests.support.pooler_helpers import pgbouncer_for, url_through
from tests.support.restart_helpers import kill_server
from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.ports import Credentials
from todo_desktop.db.connect import deadline
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.roles import ClientLimits, create_client_role
from todo_desktop.db.schema import migrate
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]

EMAIL = "hana@example.com"
WAIT_MS = 60_000


@pytest.fixture
def bouncer(test_db, proxy: FaultProxy) -> Iterator[PgBouncer]:
    with pgbouncer_for(test_db.client_url, proxy.port) as pooler:
        yield pooler


def _device(qtbot, tmp_path: Path, url: str, name: str, alice, alice_tasks) -> tuple[MainWindow, Any]:
    """One desktop: its own profile, keyring and outbox, signed in to the shared account."""
    gateway = make_gateway(
        tmp_path / name / "config",
        MemoryKeyring(),
        retry_budget=1.0,
        device=name,
        outbox_folder=tmp_path / name / "outbox",
    )
    profile = add_profile(gateway, url, name="Team")
    assert not profile.pooled  # nobody told the app this is a pooler
    gateway.set_active(profile.id)
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Hana", last_name="Two")
    if name == "laptop":
        gateway.register(profile.id, form)
    else:
        gateway.sign_in(profile.id, form)
    settings = QSettings(str(tmp_path / name / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        real_opener(alice_tasks, alice.account), gateway, settings=settings, retry_first_ms=300
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_workspace()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)
    assert window.session.workspace is not None and window.session.workspace.outbox is not None
    return window, gateway


def _type_task(qtbot, window: MainWindow, title: str, typed: list[str]) -> None:
    """Add a task from the keyboard, as a person would, and note it as typed."""
    window.activateWindow()
    key(qtbot, window, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, title)
    key(qtbot, window.area.quick_add, "Return")
    typed.append(title)
    qtbot.waitUntil(lambda: title in [t.title for t in window.tasks.model.tasks()], timeout=WAIT_MS)


def _titles_stored(test_db) -> Counter[str]:
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT t.title FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email = %s", (EMAIL,)
        ).fetchall()
    return Counter(r[0] for r in rows)


def test_two_devices_through_pgbouncer_keep_every_edit_through_a_stopped_hung_and_killed_server(
    qtbot, tmp_path: Path, test_db, proxy: FaultProxy, bouncer: PgBouncer, alice, alice_tasks, monkeypatch
):
    monkeypatch.setattr(deadline, "LIMIT_SECONDS", 3.0)  # the app waits 12 s for an answer
    url = url_through(test_db.client_url, bouncer)

    laptop, laptop_gateway = _device(qtbot, tmp_path, url, "laptop", alice, alice_tasks)
    phone, phone_gateway = _device(qtbot, tmp_path, url, "phone", alice, alice_tasks)
    typed: list[str] = []

    def add(window: MainWindow, title: str) -> None:
        _type_task(qtbot, window, title, typed)

    def all_sent(window: MainWindow) -> bool:
        return window.session.workspace is not None and window.session.workspace.outbox.pending_count() == 0  # type: ignore[union-attr]

    def landed() -> bool:
        return _titles_stored(test_db) == Counter(typed)

    try:
        add(laptop, "Before anything")
        add(phone, "Phone before anything")
        qtbot.waitUntil(landed, timeout=WAIT_MS)

        # The server stops: PgBouncer answers, its logins to the server fail.
        proxy.refuse()
        proxy.cut()
        add(laptop, "Laptop while stopped")
        add(phone, "Phone while stopped")
        add(laptop, "Laptop while stopped, again")
        qtbot.waitUntil(lambda: laptop.status.pending_label.text() == "2 edits waiting", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: phone.status.pending_label.text() == "1 edit waiting", timeout=WAIT_MS)
        assert laptop.area.banner.isVisible()

        proxy.passthrough()  # the server is back
        qtbot.waitUntil(lambda: all_sent(laptop) and all_sent(phone), timeout=WAIT_MS)
        qtbot.waitUntil(landed, timeout=WAIT_MS)

        # The server hangs: connections stay open and nothing comes back.
        proxy.freeze()
        add(phone, "Phone while hung")
        qtbot.waitUntil(lambda: phone.status.pending_label.text() == "1 edit waiting", timeout=WAIT_MS)
        proxy.passthrough()
        qtbot.waitUntil(lambda: all_sent(phone), timeout=WAIT_MS)

        # The server is killed under live connections, between and during edits.
        for n in range(3):
            add(laptop, f"Laptop through a kill {n}")
            proxy.cut()
        qtbot.waitUntil(lambda: all_sent(laptop), timeout=WAIT_MS)
        qtbot.waitUntil(landed, timeout=WAIT_MS)

        # Each device sees the other's edits.
        for window in (laptop, phone):
            window.refresh()
        for window in (laptop, phone):
            qtbot.waitUntil(
                lambda w=window: Counter(t.title for t in w.tasks.model.tasks()) == Counter(typed),
                timeout=WAIT_MS,
            )
    finally:
        proxy.passthrough()
        for window, gateway in ((laptop, laptop_gateway), (phone, phone_gateway)):
            window.close()
            window.workers.wait_for_all(WAIT_MS)
            gateway.close()  # type: ignore[attr-defined]
    assert _titles_stored(test_db) == Counter(typed)  # every edit, none twice
    assert bouncer.process is not None and bouncer.process.poll() is None


@pytest.fixture
def own_server() -> Iterator[tuple[list[EmbeddedServer], str]]:
    """A server of this test's own, which it may really stop and kill: the app's schema,
    migrated by an owner role, and a client role; yields [the server] and the client's URL."""
    folder = Path(tempfile.mkdtemp(prefix="todo-own-"))
    servers = [EmbeddedServer(folder)]
    servers[0].start()
    try:
        with psycopg.connect(servers[0].superuser_dsn("postgres"), autocommit=True) as su:
            su.execute("CREATE ROLE own_owner LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS")
            su.execute("CREATE DATABASE own OWNER own_owner")
        migrate.upgrade(servers[0].url("own_owner", "own"))
        engine = create_db_engine(parse_database_url(servers[0].url("own_owner", "own")))
        with engine.begin() as conn:
            password = create_client_role(conn, "own_client", limits=ClientLimits(connection_limit=60))
        engine.dispose()
        yield servers, f"postgresql://own_client:{password}@/own?host={servers[0].socket_dir}"
    finally:
        for server in servers:
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_two_devices_keep_every_edit_while_the_server_behind_pgbouncer_is_stopped_and_killed(
    qtbot, tmp_path: Path, own_server, alice, alice_tasks, monkeypatch
):
    """Not an emulation: the server process itself stops, starts again, is killed and comes
    back, while PgBouncer keeps answering both desktops."""
    # PgBouncer parks an edit sent while the server is stopped until the app's own limit on
    # an answer ends it (db/connect/deadline.py): 3 s, as in the test above, not the app's 12.
    monkeypatch.setattr(deadline, "LIMIT_SECONDS", 3.0)
    servers, client_url = own_server
    folder = servers[0].pgdata.parent

    def stored() -> Counter[str]:
        with psycopg.connect(servers[-1].superuser_dsn("own"), autocommit=True) as su:
            rows = su.execute(
                "SELECT t.title FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email = %s", (EMAIL,)
            ).fetchall()
        return Counter(r[0] for r in rows)

    with FaultProxy(upstream_for(client_url)) as proxy, pgbouncer_for(client_url, proxy.port) as bouncer:
        url = url_through(client_url, bouncer)
        laptop, laptop_gateway = _device(qtbot, tmp_path, url, "laptop", alice, alice_tasks)
        phone, phone_gateway = _device(qtbot, tmp_path, url, "phone", alice, alice_tasks)
        typed: list[str] = []

        def add(window: MainWindow, title: str) -> None:
            _type_task(qtbot, window, title, typed)

        def waiting(window: MainWindow) -> int:
            return window.session.workspace.outbox.pending_count()  # type: ignore[union-attr]

        def started_again() -> None:
            servers.append(EmbeddedServer(folder))
            servers[-1].start()
            proxy.upstream = upstream_for(servers[-1].url("own_client", "own"))  # its socket may move

        try:
            add(laptop, "Before the stop")
            qtbot.waitUntil(lambda: stored() == Counter(typed), timeout=WAIT_MS)

            servers[-1].stop()  # the server process really ends
            add(laptop, "Laptop while stopped")
            add(phone, "Phone while stopped")
            qtbot.waitUntil(lambda: waiting(laptop) == 1 and waiting(phone) == 1, timeout=WAIT_MS)
            started_again()
            qtbot.waitUntil(lambda: waiting(laptop) == 0 and waiting(phone) == 0, timeout=WAIT_MS)
            assert stored() == Counter(typed)

            kill_server(servers[-1], everything=True)  # SIGKILL, as the out-of-memory killer would
            add(phone, "Phone after the kill")
            qtbot.waitUntil(lambda: waiting(phone) == 1, timeout=WAIT_MS)
            assert servers[-1].revive()  # started again on the same folder, after crash recovery
            proxy.upstream = upstream_for(servers[-1].url("own_client", "own"))
            qtbot.waitUntil(lambda: waiting(phone) == 0, timeout=WAIT_MS)
            qtbot.waitUntil(lambda: stored() == Counter(typed), timeout=WAIT_MS)  # each once
        finally:
            for window, gateway in ((laptop, laptop_gateway), (phone, phone_gateway)):
                window.close()
                window.workers.wait_for_all(WAIT_MS)
                gateway.close()
