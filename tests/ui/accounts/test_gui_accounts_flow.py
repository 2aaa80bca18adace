"""The main window with shared profiles: Connections, sign-in, sign-out, read-only schemas and
switching back to Local, driven with pytest-qt against a real PostgreSQL.

The keyring is an in-memory backend; the Local profile is a real TaskRepository of another
user on the same test database (the embedded server has its own tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.db.shared.test_shared_open import token_of
from tests.support.database import PASSWORD
from tests.support.gui_fakes import SwitchedTasks, key, real_opener, shown_titles
from tests.support.memory_keyring import MemoryKeyring
from tests.support.memory_tasks import ALICE, MemoryTasks
from tests.support.shared_helpers import SERVICE, add_profile, make_gateway
from todo_desktop.core.errors import NotSignedInError
from todo_desktop.core.ports import Workspace
from todo_desktop.core.profiles import LOCAL_ID
from todo_desktop.core.values import SignedIn, TaskDraft, TaskQuery
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.database import Database
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.accounts.sign_in_dialog import SignInDialog
from todo_desktop.ui.accounts.workspace_switch import NOT_SIGNED_IN
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.session import READ_ONLY_HINT

pytestmark = pytest.mark.gui

EMAIL = "dana@example.com"
WRONG = "Email or password is wrong."
WAIT_MS = 20_000
DANAS_TASK = "Dana's shared task"
ALICES_TASK = "Alice's local task"


@pytest.fixture
def gateways(tmp_path: Path, keyring: MemoryKeyring) -> Iterator[Callable[..., SharedDatabases]]:
    """``make()`` is the app's gateway on this test's config folder; calling it again is a restart."""
    made: list[SharedDatabases] = []

    def make(backend: object = keyring, folder: str = "config") -> SharedDatabases:
        made.append(make_gateway(tmp_path / folder, backend))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for gateway in made:
        gateway.close()


@pytest.fixture
def gateway(gateways: Callable[..., SharedDatabases]) -> SharedDatabases:
    return gateways()


@pytest.fixture
def local_opener(alice: SignedIn, alice_tasks: TaskRepository) -> Callable[[], Workspace]:
    alice_tasks.create(TaskDraft(title=ALICES_TASK))
    return real_opener(alice_tasks, alice.account)


@pytest.fixture
def dana(accounts: AccountService, client_db: Database) -> None:
    """Dana has an account and one task on the shared database, and no session."""
    accounts.register(EMAIL, "Dana", "Tester", PASSWORD)
    signed_in = accounts.sign_in(EMAIL, PASSWORD)
    TaskRepository(client_db, signed_in.token).create(TaskDraft(title=DANAS_TASK))
    accounts.sign_out(signed_in.token)


@pytest.fixture
def windows(qtbot, tmp_path: Path, gateways) -> Iterator[Callable[..., MainWindow]]:
    """``make(opener, gateway)`` shows a main window and starts opening its active profile.

    Windows close, and their workers drain, before the gateways close and the database goes.
    """
    made: list[MainWindow] = []

    def make(opener: Callable[[], Workspace], gateway: SharedDatabases | None) -> MainWindow:
        settings = QSettings(str(tmp_path / f"window{len(made)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(opener, gateway, settings=settings, quit_wait_ms=10_000)
        qtbot.addWidget(window)
        made.append(window)
        window.show()
        activate(qtbot, window)
        window.open_workspace()
        return window

    yield make
    for window in made:
        window.close()
        window.workers.wait_for_all(WAIT_MS)


def activate(qtbot, window: MainWindow) -> None:
    """Window shortcuts fire only in the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(qtbot, window: MainWindow, keys: str) -> None:
    activate(qtbot, window)
    key(qtbot, window, keys)


def wait_for_list(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)


def sign_in_dialog(qtbot, window: MainWindow, not_this: SignInDialog | None = None) -> SignInDialog:
    def shown() -> bool:
        dialog = window.switch.sign_in.dialog if window.switch.sign_in is not None else None
        return dialog is not None and dialog is not not_this and dialog.isVisible()

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    assert window.switch.sign_in is not None and window.switch.sign_in.dialog is not None
    return window.switch.sign_in.dialog


def sign_in(qtbot, dialog: SignInDialog, password: str = PASSWORD, *, stay: bool = True) -> None:
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(password)
    dialog.stay_check.setChecked(stay)
    dialog.submit_button.click()
    qtbot.waitUntil(dialog.submit_button.isEnabled, timeout=WAIT_MS)


def enabled(window: MainWindow) -> set[str]:
    """Which of the profile, account and editing actions are enabled."""
    names = ("Connections", "Sign In", "Sign Out", "Sign Out Everywhere", "New Task", "Toggle Done")
    by_label = {command.name: command.action for command in window.command_table.commands}
    return {name for name in names if by_label[name].isEnabled()}


def use_profile(qtbot, window: MainWindow, row: int) -> None:
    """Choose the profile at ``row`` in File > Connections… and make it the one in use."""
    press(qtbot, window, "Ctrl+Shift+O")
    dialog = window.switch.connections
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.list.setCurrentRow(row)
    with qtbot.waitSignal(dialog.active_changed, timeout=WAIT_MS):
        dialog.use_button.click()
    dialog.reject()


# -- the whole way through ------------------------------------------------------------------------


def test_connect_sign_in_work_sign_out_stay_signed_in_and_sign_out_everywhere(
    qtbot, windows, gateways, gateway, keyring, local_opener, dana, test_db, accounts, client_db
):
    window = windows(local_opener, gateway)
    wait_for_list(qtbot, window)
    assert shown_titles(window) == [ALICES_TASK]
    assert window.status.where_label.text() == "On this computer"
    assert enabled(window) == {"Connections", "New Task", "Toggle Done"}

    # File > Connections…: add the shared database, then use it.
    press(qtbot, window, "Ctrl+Shift+O")
    connections = window.switch.connections
    assert connections is not None and connections.isVisible()
    connections.add_button.click()
    editor = connections.editor
    assert editor is not None
    editor.url_edit.setText(test_db.client_url)
    editor.fill_from_url()
    editor.name_edit.setText("Team")
    editor.buttons.accepted.emit()
    qtbot.waitUntil(lambda: connections.list.count() == 2, timeout=WAIT_MS)
    connections.list.setCurrentRow(1)
    connections.use_button.click()

    # No session yet: the sign-in dialog asks, and the window says where it is going.
    dialog = sign_in_dialog(qtbot, window)
    assert window.session.workspace is None and window.tasks.model.rowCount() == 0  # Alice's list is gone
    assert window.area.placeholder.text == "Connecting to Team…"
    assert (window.status.where_label.text(), window.status.account_label.text()) == ("Team", "Not signed in")
    assert enabled(window) == {"Connections", "Sign In", "New Task", "Toggle Done"}

    sign_in(qtbot, dialog, "not my password")
    assert dialog.errors.text("form") == WRONG and dialog.isVisible()
    sign_in(qtbot, dialog, stay=False)
    wait_for_list(qtbot, window)
    connections.reject()
    assert shown_titles(window) == [DANAS_TASK]
    assert window.session.workspace is not None and window.session.workspace.profile_id != LOCAL_ID
    assert window.status.where_label.text() == f"Team ({window.session.workspace.where})"
    assert window.status.account_label.text() == "Dana Tester"
    assert window.status.warning_label.isHidden()
    assert enabled(window) == {"Connections", "Sign Out", "Sign Out Everywhere", "New Task", "Toggle Done"}
    profile_id = window.session.workspace.profile_id
    assert (SERVICE, f"profile:{profile_id}:session") not in keyring.entries  # not kept

    # A task typed just before Account > Sign Out still reaches the database: the sign-out
    # waits behind it on the one write thread, and only then is the session revoked.
    first_token = token_of(window.session.workspace)
    press(qtbot, window, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Typed before signing out")
    key(qtbot, window.area.quick_add, "Return")
    press(qtbot, window, "Ctrl+Shift+L")
    again = sign_in_dialog(qtbot, window, not_this=dialog)
    assert window.session.workspace is None and window.status.account_label.text() == "Not signed in"
    assert window.undo_stack.count() == 0
    with pytest.raises(NotSignedInError):
        accounts.current_account(first_token)
    check = accounts.sign_in(EMAIL, PASSWORD)
    stored = TaskRepository(client_db, check.token).list(TaskQuery()).tasks
    assert sorted(t.title for t in stored) == [DANAS_TASK, "Typed before signing out"]
    accounts.sign_out(check.token)

    # "Stay signed in": the token goes to the keyring, and the next start needs no dialog.
    sign_in(qtbot, again, stay=True)
    wait_for_list(qtbot, window)
    kept = token_of(window.session.workspace)
    assert keyring.entries[(SERVICE, f"profile:{profile_id}:session")] == kept
    second = windows(local_opener, gateways())  # a restart: same config folder and keyring
    wait_for_list(qtbot, second)
    assert second.switch.sign_in is not None and second.switch.sign_in.dialog is None
    assert token_of(second.session.workspace) == kept and second.status.account_label.text() == "Dana Tester"

    # Sign out everywhere asks first; declined, nothing happens.
    answers: list[tuple[str, bool]] = [("Team", False), ("Team", True)]
    second.switch.confirm_everywhere = lambda _parent, name: answers.pop(0) == (name, True)
    press(qtbot, second, "Ctrl+Alt+Shift+L")
    assert second.session.workspace is not None and second.workers.pending_writes == 0
    # Confirmed, it ends that session for every window using it.
    press(qtbot, second, "Ctrl+Alt+Shift+L")
    sign_in_dialog(qtbot, second)
    assert answers == []
    assert re.fullmatch(r"Signed out of \d+ sessions?\.", second.statusBar().currentMessage())
    with pytest.raises(NotSignedInError):
        accounts.current_account(kept)
    assert (SERVICE, f"profile:{profile_id}:session") not in keyring.entries


# -- switching, cancelling, and the menus -------------------------------------------------------


def test_switching_back_to_local_shows_the_local_list(qtbot, windows, gateway, local_opener, dana, test_db):
    shared = add_profile(gateway, test_db.client_url, name="Team")
    window = windows(local_opener, gateway)
    wait_for_list(qtbot, window)
    use_profile(qtbot, window, 1)
    sign_in(qtbot, sign_in_dialog(qtbot, window))
    wait_for_list(qtbot, window)
    assert shown_titles(window) == [DANAS_TASK]

    use_profile(qtbot, window, 0)
    qtbot.waitUntil(lambda: shown_titles(window) == [ALICES_TASK], timeout=WAIT_MS)
    assert gateway.profiles().active_id == LOCAL_ID
    assert (window.status.where_label.text(), window.status.account_label.isHidden()) == (
        "On this computer",
        True,
    )
    assert enabled(window) == {"Connections", "New Task", "Toggle Done"}
    # Choosing the profile already shown changes nothing.
    workspace = window.session.workspace
    window.switch.switch_profile(LOCAL_ID)
    assert window.session.workspace is workspace
    assert shared.id in {p.id for p in gateway.profiles().items}


def test_cancelling_the_sign_in_says_how_to_continue(qtbot, windows, gateway, team, local_opener, dana):
    window = windows(local_opener, gateway)
    dialog = sign_in_dialog(qtbot, window)
    dialog.reject()
    assert window.area.placeholder.text == NOT_SIGNED_IN and window.area.placeholder.has_error
    assert "Sign In" in enabled(window) and "Sign Out" not in enabled(window)
    button = window.area.placeholder.retry
    assert button.text() == "&Sign In…", 'the button says what it does: no "Retry" of a sign-in'
    button.click()  # opens the sign-in again
    dialog = sign_in_dialog(qtbot, window, not_this=dialog)
    dialog.reject()

    press(qtbot, window, "Ctrl+Shift+I")  # Account > Sign In…
    sign_in(qtbot, sign_in_dialog(qtbot, window, not_this=dialog))
    wait_for_list(qtbot, window)
    assert shown_titles(window) == [DANAS_TASK]
    assert "Sign In" not in enabled(window)


def test_the_account_actions_are_in_the_menus_palette_and_shortcuts(qtbot, windows, gateway, local_opener):
    window = windows(local_opener, gateway)
    wait_for_list(qtbot, window)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    file_items = [a.text().replace("&", "") for a in menus["File"].actions() if a.text()]
    assert file_items == ["Connections…", "Import…", "Export…", "Back Up Now", "Restore…", "Quit"]
    account = {a.text().replace("&", ""): a.shortcut().toString() for a in menus["Account"].actions()}
    assert account == {
        "Sign In…": "Ctrl+Shift+I",
        "Sign Out": "Ctrl+Shift+L",
        "Sign Out Everywhere…": "Ctrl+Alt+Shift+L",
        "": "",  # the separator
        "Export All My Data…": "",
        "Erase This Computer's Data…": "",  # Delete My Account… on a shared profile
    }
    key(qtbot, window.area.table, "F1")
    rows = dict(window.shortcuts.rows())
    window.shortcuts.reject()
    assert rows["Connections"] == "Ctrl+Shift+O" and rows["Sign Out Everywhere"] == "Ctrl+Alt+Shift+L"
    key(qtbot, window.area.table, "Ctrl+K")
    qtbot.keyClicks(window.command_palette.query, "sign out")
    assert window.command_palette.shown_names()[:2] == ["Sign Out", "Sign Out Everywhere"]
    window.command_palette.reject()


def test_closing_lets_queued_writes_finish_on_the_old_workspace(
    qtbot, windows, alice, alice_tasks, local_opener
):
    slow = SwitchedTasks(alice_tasks)
    slow.write_delay = 0.5  # still on its way when the workspace closes
    window = windows(real_opener(slow, alice.account), None)
    wait_for_list(qtbot, window)
    press(qtbot, window, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Sent just before closing")
    key(qtbot, window.area.quick_add, "Return")
    assert window.workers.pending_writes == 1
    window.switch.close()
    assert window.session.workspace is None and window.tasks.model.rowCount() == 0
    assert window.area.stack.currentWidget() is window.area.placeholder and window.undo_stack.count() == 0
    qtbot.waitUntil(lambda: window.workers.pending_writes == 0, timeout=WAIT_MS)
    titles = sorted(t.title for t in alice_tasks.list(TaskQuery()).tasks)
    assert titles == [ALICES_TASK, "Sent just before closing"]
    assert window.tasks.model.rowCount() == 0  # the old workspace's answer fills no list

    window.open_workspace()  # the next list holds nothing left over from before
    wait_for_list(qtbot, window)
    assert sorted(shown_titles(window)) == titles


# -- trouble ----------------------------------------------------------------------------------


def test_an_older_schema_opens_read_only_with_a_plain_message(
    qtbot, windows, gateway, team, local_opener, dana, test_db
):
    with test_db.superuser() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    window = windows(local_opener, gateway)
    sign_in(qtbot, sign_in_dialog(qtbot, window))
    wait_for_list(qtbot, window)
    assert shown_titles(window) == [DANAS_TASK]  # reading still works
    warning = window.status.warning_label.text()
    assert "is older than this app" in warning and "read-only" in warning
    assert "Traceback" not in warning and not window.status.warning_label.isHidden()
    assert not window.area.quick_add.isEnabled() and window.area.quick_add.placeholderText() == READ_ONLY_HINT
    assert enabled(window) == {"Connections", "Sign Out", "Sign Out Everywhere"}
    window.area.table.setFocus()
    window.commands.toggle_selected()  # as a click on the checkbox would
    assert "read-only" in window.statusBar().currentMessage()
    assert window.workers.pending_writes == 0

    use_profile(qtbot, window, 0)  # Local is writable again
    qtbot.waitUntil(lambda: shown_titles(window) == [ALICES_TASK], timeout=WAIT_MS)
    assert window.area.quick_add.isEnabled() and "New Task" in enabled(window)
    assert window.status.warning_label.isHidden()


def test_without_a_keyring_a_shared_profile_says_so_once(
    qtbot, windows, gateways, local_opener, dana, test_db
):
    gateway = gateways(fail.Keyring(), "nokeyring")
    gateway.set_active(add_profile(gateway, test_db.client_url, name="Team").id)  # password: memory only
    window = windows(local_opener, gateway)
    sign_in(qtbot, sign_in_dialog(qtbot, window))
    wait_for_list(qtbot, window)
    qtbot.waitUntil(lambda: "No system keyring" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert "password will be asked for each time" in window.statusBar().currentMessage()

    window.statusBar().clearMessage()
    use_profile(qtbot, window, 0)
    wait_for_list(qtbot, window)
    use_profile(qtbot, window, 1)  # the session is kept in memory for this run: no dialog
    wait_for_list(qtbot, window)
    # Said already: no second check is even asked for.
    assert "keyring" not in window.statusBar().currentMessage()


def test_local_without_a_keyring_is_a_quiet_note_not_a_warning(qtbot, windows):
    note = "No system keyring is available; secrets are kept in a private file instead."

    def opener() -> Workspace:
        return Workspace(tasks=MemoryTasks(), account=ALICE, where="this computer", note=note)

    window = windows(opener, None)
    wait_for_list(qtbot, window)
    assert window.status.warning_label.isHidden() and window.status.where_label.toolTip() == note
    assert "keyring" not in window.statusBar().currentMessage()
    assert enabled(window) == {"New Task", "Toggle Done"}  # no profiles: Local only
