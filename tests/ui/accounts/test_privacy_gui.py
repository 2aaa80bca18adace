"""Account > Export All My Data and Delete My Account (Erase This Computer's Data on the Local
profile), driven with pytest-qt on the real window and a real PostgreSQL."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings

from tests.support.database import PASSWORD
from tests.support.gui_fakes import real_opener, shown_titles
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import SERVICE, add_profile
from todo_desktop import APP_ID
from todo_desktop.core.app_services import AppServices
from todo_desktop.core.errors import AuthenticationError
from todo_desktop.core.ports import Credentials, Workspace
from todo_desktop.core.profiles import Profile
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.privacy import Privacy
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.accounts.delete_account_dialog import CONFIRM_WORD, EraseLocalDialog
from todo_desktop.ui.accounts.privacy import ACCOUNT_COMMAND, LOCAL_COMMAND, PrivacyFeatures
from todo_desktop.ui.accounts.workspace_switch import OPEN_VIEW
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

EMAIL = "erin@example.com"
WAIT_MS = 20_000
ERINS_TASK = "Erin's shared task"


@pytest.fixture
def erin(gateway: SharedDatabases, team: Profile) -> None:
    """Erin has an account with one task, and a session kept in the keyring."""
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Erin", last_name="Tester")
    gateway.register(team.id, form).tasks.create(TaskDraft(title=ERINS_TASK))


@pytest.fixture
def local_opener(alice: SignedIn, alice_tasks: TaskRepository) -> Callable[[], Workspace]:
    return real_opener(alice_tasks, alice.account)


@pytest.fixture
def windows(qtbot, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(
        opener: Callable[[], Workspace], gateway: SharedDatabases | None, privacy: Privacy
    ) -> MainWindow:
        settings = QSettings(str(tmp_path / f"window{len(made)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(
            opener, gateway, settings=settings, quit_wait_ms=10_000, services=AppServices(privacy=privacy)
        )
        qtbot.addWidget(window)
        made.append(window)
        window.show()
        window.open_workspace()
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)
        return window

    yield make
    for window in made:
        window.close()
        window.workers.wait_for_all(WAIT_MS)


def feature(window: MainWindow) -> PrivacyFeatures:
    return window.features.privacy


def said(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_export_writes_one_private_file(qtbot, windows, gateway, team, erin, tmp_path, local_opener):
    window = windows(local_opener, gateway, Privacy(gateway, lambda: None))
    assert shown_titles(window) == [ERINS_TASK]
    target = tmp_path / "exports" / "mine.json"
    target.parent.mkdir()
    asked: list[str] = []
    feature(window).ask_save_path = lambda _parent, suggested: asked.append(suggested) or target
    window.command_table[CommandId.EXPORT_MY_DATA].trigger()
    qtbot.waitUntil(lambda: said(window).startswith("Exported"), timeout=WAIT_MS)
    assert said(window) == "Exported your account and 1 task to mine.json."
    assert asked[0].startswith("todo-export-") and asked[0].endswith(".json")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL and [t["title"] for t in data["tasks"]] == [ERINS_TASK]
    assert sorted(p.name for p in target.parent.iterdir()) == ["mine.json"]  # no temporary file left


def test_delete_keeps_a_wrong_password_then_deletes_and_signs_out(
    qtbot, windows, gateway, team, erin, keyring: MemoryKeyring, local_opener, client_db
):
    window = windows(local_opener, gateway, Privacy(gateway, lambda: None))
    action = window.command_table[CommandId.DELETE_ACCOUNT]
    assert action.text() == ACCOUNT_COMMAND
    action.trigger()
    dialog = feature(window).delete_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert EMAIL in dialog.heading.text() and "Team" in dialog.heading.text()
    assert "every task" in dialog.statement.text()

    dialog.delete_button.click()  # nothing typed: said next to the field, nothing sent
    assert dialog.error.text() == "Enter your password to delete the account."
    qtbot.keyClicks(dialog.password_edit, "not my password")
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: "wrong" in dialog.error.text(), timeout=WAIT_MS)
    assert dialog.error.text() == "The password is wrong; the account was not deleted."
    assert dialog.password_edit.text() == "not my password" and dialog.isVisible()
    assert window.session.workspace is not None and shown_titles(window) == [ERINS_TASK]

    dialog.password_edit.setText(PASSWORD)
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert said(window) == f"Your account {EMAIL} was deleted, with everything in it."
    assert keyring.get_password(SERVICE, team.session_key) is None
    assert keyring.get_password(SERVICE, team.device_key(EMAIL)) is None
    assert window.switch.sign_in is not None
    qtbot.waitUntil(
        lambda: window.switch.sign_in.dialog is not None and window.switch.sign_in.dialog.isVisible()
    )
    assert window.session.workspace is None and window.tasks.model.rowCount() == 0
    with pytest.raises(AuthenticationError):
        AccountService(client_db).sign_in(EMAIL, PASSWORD)


def test_the_command_reads_erase_on_the_local_profile(qtbot, windows, gateway, test_db, local_opener):
    team = add_profile(gateway, test_db.client_url, name="Team")  # not in use
    window = windows(local_opener, gateway, Privacy(gateway, lambda: None))
    action = window.command_table[CommandId.DELETE_ACCOUNT]
    assert action.text() == LOCAL_COMMAND
    asked: list[bool] = []
    feature(window).confirm_erase = lambda _parent: asked.append(True) and False  # "Cancel"
    action.trigger()
    assert asked == [True] and window.session.workspace is not None  # declined: nothing closed
    gateway.set_active(team.id)
    window.switch.switch_profile(team.id)
    qtbot.waitUntil(lambda: action.text() == ACCOUNT_COMMAND, timeout=WAIT_MS)


def test_erasing_asks_for_the_word_exactly(qtbot):
    dialog = EraseLocalDialog()
    qtbot.addWidget(dialog)
    assert not dialog.erase_button.isEnabled()
    for almost in ("erase", "ERAS", "ERASE ", " ERASE"):
        dialog.confirm_edit.setText(almost)
        assert not dialog.erase_button.isEnabled(), almost
        dialog.buttons.accepted.emit()
        assert dialog.result() != EraseLocalDialog.DialogCode.Accepted
    dialog.confirm_edit.setText(CONFIRM_WORD)
    assert dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    assert dialog.result() == EraseLocalDialog.DialogCode.Accepted


@pytest.mark.slow
def test_erasing_this_computers_data_starts_afresh(qtbot, windows, tmp_path, monkeypatch):
    from todo_desktop.db.local.opener import open_local
    from todo_desktop.db.passwords import MINIMUM_COST
    from todo_desktop.machine.paths import AppPaths
    from todo_desktop.machine.secret_store import SecretStore

    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    paths = AppPaths.from_environment().ensure()
    backend = fail.Keyring()
    opened: list = []

    def secrets() -> SecretStore:
        return SecretStore(APP_ID, paths.secrets, backend, allow_file_fallback=True)

    def opener() -> Workspace:  # as the composition root's, without its outbox
        if not opened:
            opened.append(open_local(paths, secrets(), kdf_cost=MINIMUM_COST))
        local = opened[0]
        return Workspace(tasks=local.tasks, account=local.signed_in.account, where="this computer")

    def close_local() -> None:
        while opened:
            opened.pop().close()

    privacy = Privacy(
        None, lambda: opened[0] if opened else None, close_local=close_local,
        data_folder=paths.data, local_secrets=secrets,
    )  # fmt: skip
    try:
        window = windows(opener, None, privacy)
        first = opened[0].signed_in.account.id
        opened[0].tasks.create(TaskDraft(title="only here"))
        window.refresh()
        qtbot.waitUntil(lambda: shown_titles(window) == ["only here"], timeout=WAIT_MS)
        feature(window).confirm_erase = lambda _parent: True
        erase, started, go_on = privacy.erase_local_data, threading.Event(), threading.Event()

        def slow_erase() -> None:
            started.set()
            go_on.wait(WAIT_MS / 1000)
            erase()

        monkeypatch.setattr(privacy, "erase_local_data", slow_erase)
        window.command_table[CommandId.DELETE_ACCOUNT].trigger()
        qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
        window.command_table[CommandId.RELOAD].trigger()  # F5 (or a retry) opens a closed workspace
        qtbot.waitUntil(lambda: not window.workers.reading(OPEN_VIEW), timeout=WAIT_MS)
        assert window.session.workspace is None  # the data on its way out was not opened again
        go_on.set()
        qtbot.waitUntil(
            lambda: said(window) == "This computer's data was erased; starting afresh.", timeout=60_000
        )
        qtbot.waitUntil(lambda: window.session.workspace is not None, timeout=60_000)
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)
        assert shown_titles(window) == []
        assert opened and opened[0].signed_in.account.id != first  # a new database, a new account
    finally:
        close_local()
