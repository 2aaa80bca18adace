"""The admin path from an empty database to people sharing it, end to end.

As on a fresh Neon project: an empty database owned by a non-superuser owner role
(CREATEROLE, NOBYPASSRLS; the session's owner from ``tests/conftest.py``). The real command
line, as a subprocess, upgrades it and creates a client role; the window (real widgets, an
in-memory keyring) takes the printed client URL in File > Connections…, registers an
account and adds tasks typed into it. A second process with its own profile folder and
keyring, the second device, signs in to the same account and sees exactly those tasks,
and a newly registered account there sees none. Connected as a superuser, the window warns
that the database does not enforce who sees what.

Run as ``python -m tests.cli.test_admin_path``, this module is that second device: it reads
the client URL and the accounts as JSON on stdin and prints what each account sees.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql
from PySide6.QtCore import QSettings

from tests.cli.test_cli import empty_database
from tests.support import role_helpers
from tests.support.database import PASSWORD, PgCluster, Roles
from tests.support.gui_fakes import key, opener_for, shown_titles
from tests.support.memory_keyring import MemoryKeyring
from tests.support.memory_tasks import MemoryTasks
from tests.support.repo import ROOT
from tests.support.shared_helpers import add_profile, make_gateway
from tests.ui.accounts.test_gui_accounts_flow import press, sign_in_dialog, wait_for_list
from todo_desktop.core.ports import Credentials
from todo_desktop.core.values import Status, TaskQuery
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.ui.accounts.sign_in_dialog import SignInDialog
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]

WAIT_MS = 20_000
EMAIL = "dana@example.com"
OTHER_EMAIL = "erin@example.com"
TASKS = ["Book the venue", "Send the invitations", "Order the cake"]


@dataclass
class EmptyDatabase:
    cluster: PgCluster
    name: str
    owner_url: str
    client_role: str

    @property
    def superuser_url(self) -> str:
        return self.cluster.url(self.name)


@pytest.fixture
def empty_db(pg_cluster: PgCluster, roles: Roles) -> Iterator[EmptyDatabase]:
    role = f"todo_path_{uuid.uuid4().hex[:8]}"
    try:
        with empty_database(pg_cluster, roles.owner) as name:
            owner_url = pg_cluster.url(name, roles.owner, roles.owner_password)
            yield EmptyDatabase(pg_cluster, name, owner_url, role)
    finally:
        with pg_cluster.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def window(qtbot, tmp_path: Path, empty_db: EmptyDatabase, gateway: SharedDatabases) -> Iterator[MainWindow]:
    """The app's window on Local (a stand-in) with the real shared-database gateway.

    Closed, and its workers drained, before the gateway closes and the database goes.
    """
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    made = MainWindow(opener_for(MemoryTasks()), gateway, settings=settings, quit_wait_ms=10_000)
    qtbot.addWidget(made)
    made.show()
    made.open_workspace()
    wait_for_list(qtbot, made)
    yield made
    made.close()
    made.workers.wait_for_all(WAIT_MS)


def todo_desktop(*args: str, owner_url: str, home: Path) -> str:
    """The real command line, with the owner URL where an admin would keep it."""
    done = role_helpers.todo_desktop(*args, home=home, owner_url=owner_url)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def second_device(client_url: str, folder: Path) -> dict[str, list[str]]:
    """Another process, profile folder and keyring: what each account sees there."""
    ask = {"url": client_url, "folder": str(folder), "email": EMAIL, "other": OTHER_EMAIL}
    done = subprocess.run(
        [sys.executable, "-m", "tests.cli.test_admin_path"],
        cwd=ROOT,
        input=json.dumps(ask),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def use_new_connection(qtbot, window: MainWindow, url: str, name: str) -> None:
    """File > Connections… > Add…: type the URL, name it, save, and use it."""
    press(qtbot, window, "Ctrl+Shift+O")
    connections = window.switch.connections
    assert connections is not None
    qtbot.waitUntil(connections.isVisible)
    connections.add_button.click()
    editor = connections.editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor.url_edit, url)
    key(qtbot, editor.url_edit, "Return")  # fills in the fields from the URL
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, name)
    editor.buttons.accepted.emit()  # Save
    saved = connections.list.currentItem
    qtbot.waitUntil(lambda: (item := saved()) is not None and name in item.text(), timeout=WAIT_MS)
    with qtbot.waitSignal(connections.active_changed, timeout=WAIT_MS):
        connections.use_button.click()
    connections.reject()


def use_existing_connection(qtbot, window: MainWindow, name: str) -> None:
    press(qtbot, window, "Ctrl+Shift+O")
    connections = window.switch.connections
    assert connections is not None
    qtbot.waitUntil(connections.isVisible)
    rows = [connections.list.item(i).text() for i in range(connections.list.count())]
    connections.list.setCurrentRow(next(i for i, text in enumerate(rows) if name in text))
    with qtbot.waitSignal(connections.active_changed, timeout=WAIT_MS):
        connections.use_button.click()
    connections.reject()


def submit(qtbot, dialog: SignInDialog, *, first_name: str = "") -> None:
    """Type into the sign-in dialog (registering when ``first_name`` is given) and send it."""
    if first_name:
        dialog.switch_button.click()  # New account…
        assert dialog.registering
    qtbot.keyClicks(dialog.email_edit, EMAIL)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    if first_name:
        qtbot.keyClicks(dialog.repeat_edit, PASSWORD)
        qtbot.keyClicks(dialog.first_edit, first_name)
        qtbot.keyClicks(dialog.last_edit, "Tester")
    dialog.submit_button.click()


def test_from_an_empty_database_to_two_devices_sharing_tasks(qtbot, tmp_path, window, gateway, empty_db):
    # The admin, with the owner URL on the direct host.
    upgraded = todo_desktop("db", "upgrade", owner_url=empty_db.owner_url, home=tmp_path)
    assert "from empty to" in upgraded
    created = todo_desktop(
        "admin", "create-client-role", empty_db.client_role, owner_url=empty_db.owner_url, home=tmp_path
    )
    client_url = next(s.strip() for s in created.splitlines() if s.strip().startswith("postgresql://"))
    assert f"//{empty_db.client_role}:" in client_url

    # The first device: the client URL typed into Connections, an account made, tasks typed.
    use_new_connection(qtbot, window, client_url, "Team")
    first = sign_in_dialog(qtbot, window)
    submit(qtbot, first, first_name="Dana")
    wait_for_list(qtbot, window)
    assert window.status.account_label.text() == "Dana Tester" and window.status.warning_label.isHidden()
    for title in TASKS:
        press(qtbot, window, "Ctrl+N")
        qtbot.keyClicks(window.area.quick_add, title)
        key(qtbot, window.area.quick_add, "Return")
    qtbot.waitUntil(lambda: window.workers.pending_writes == 0, timeout=WAIT_MS)
    assert sorted(shown_titles(window)) == sorted(TASKS)

    # The second device sees exactly those tasks; another account sees none of them.
    seen = second_device(client_url, tmp_path / "second device")
    assert seen == {EMAIL: sorted(TASKS), OTHER_EMAIL: []}

    # Connected as a role that bypasses row-level security, the window says so.
    add_profile(gateway, empty_db.superuser_url, name="As superuser")
    use_existing_connection(qtbot, window, "As superuser")
    submit(qtbot, sign_in_dialog(qtbot, window, not_this=first))
    wait_for_list(qtbot, window)
    qtbot.waitUntil(window.status.warning_label.isVisible, timeout=WAIT_MS)
    assert "is a superuser" in window.status.warning_label.text()
    assert "create-client-role" in window.status.warning_label.text()


def _run_second_device() -> None:
    ask = json.loads(sys.stdin.read())
    gateway = make_gateway(Path(ask["folder"]), MemoryKeyring(), device="second device")
    try:
        profile = add_profile(gateway, ask["url"], name="Team")
        seen: dict[str, list[str]] = {}
        everything = TaskQuery(status=Status.ALL)
        mine = gateway.sign_in(profile.id, Credentials(ask["email"], PASSWORD))
        seen[ask["email"]] = sorted(t.title for t in mine.tasks.list(everything).tasks)
        gateway.sign_out(profile.id)
        other = gateway.register(profile.id, Credentials(ask["other"], PASSWORD, first_name="Erin"))
        seen[ask["other"]] = sorted(t.title for t in other.tasks.list(everything).tasks)
    finally:
        gateway.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    _run_second_device()
