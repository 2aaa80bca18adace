"""A title being typed in the list (F2, not yet committed) is saved before the workspace goes:
signing out, or switching to another profile, must not throw the typing away. Real widgets,
real PostgreSQL, a shared profile on the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from tests.support.database import PASSWORD
from tests.support.gui_fakes import key, real_opener, select_rows
from todo_desktop.core.ports import Credentials, Workspace
from todo_desktop.core.profiles import LOCAL_ID, Profile
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.database import Database
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

EMAIL = "fay@example.com"
WAIT_MS = 20_000


@pytest.fixture
def fay(gateway: SharedDatabases, team: Profile) -> None:
    """Fay has an account with two tasks on the shared database, and a session kept in the keyring."""
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Fay", last_name="Tester")
    tasks = gateway.register(team.id, form).tasks
    for title in ("Fay's first task", "Fay's second task"):
        tasks.create(TaskDraft(title=title))


@pytest.fixture
def local_opener(alice: SignedIn, alice_tasks: TaskRepository) -> Callable[[], Workspace]:
    for title in ("Alice's first task", "Alice's second task"):
        alice_tasks.create(TaskDraft(title=title))
    return real_opener(alice_tasks, alice.account)


@pytest.fixture
def window(qtbot, tmp_path: Path, gateway: SharedDatabases, local_opener, fay) -> Iterator[MainWindow]:
    """A shown, active window on Fay's shared list, signed in with her kept session."""
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    shown = MainWindow(local_opener, gateway, settings=settings, quit_wait_ms=10_000)
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    shown.open_workspace()
    qtbot.waitUntil(
        lambda: shown.area.stack.currentWidget() is shown.area.table and shown.tasks.model.rowCount() == 2,
        timeout=WAIT_MS,
    )
    yield shown
    shown.close()
    shown.workers.wait_for_all(WAIT_MS)


def start_renaming(qtbot, window: MainWindow, row: int, text: str) -> QLineEdit:
    """F2 on ``row``, its title replaced by ``text``, nothing committed."""
    select_rows(window, [row])
    key(qtbot, window.area.table, "F2")
    editor = QApplication.focusWidget()
    assert window.area.table.state() == QAbstractItemView.State.EditingState
    assert isinstance(editor, QLineEdit) and window.area.table.viewport().isAncestorOf(editor)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    return editor


def stored_title(accounts: AccountService, client_db: Database, task_id) -> str:
    """The title as the database holds it, read in a session of Fay's own."""
    check = accounts.sign_in(EMAIL, PASSWORD)
    try:
        return TaskRepository(client_db, check.token).get(task_id).title
    finally:
        accounts.sign_out(check.token)


def test_signing_out_while_renaming_in_the_list_saves_the_typing(
    qtbot, window: MainWindow, accounts: AccountService, client_db: Database
) -> None:
    task_id = window.tasks.model.task_at(1).id
    editor = start_renaming(qtbot, window, 1, "Renamed just before signing out")
    key(qtbot, editor, "Ctrl+Shift+L")  # Account > Sign Out, the keyboard still in the editor
    qtbot.waitUntil(
        lambda: window.session.workspace is None and window.workers.pending_writes == 0, timeout=WAIT_MS
    )
    assert stored_title(accounts, client_db, task_id) == "Renamed just before signing out"


def test_switching_profile_while_renaming_in_the_list_saves_the_typing(
    qtbot, window: MainWindow, gateway: SharedDatabases, accounts: AccountService, client_db: Database
) -> None:
    task_id = window.tasks.model.task_at(0).id
    start_renaming(qtbot, window, 0, "Renamed just before switching")
    gateway.set_active(LOCAL_ID)
    window.switch.switch_profile(LOCAL_ID)  # as File > Connections… > Use does
    qtbot.waitUntil(
        lambda: window.session.workspace is not None and window.session.workspace.profile_id == LOCAL_ID,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: window.workers.pending_writes == 0, timeout=WAIT_MS)
    assert stored_title(accounts, client_db, task_id) == "Renamed just before switching"
