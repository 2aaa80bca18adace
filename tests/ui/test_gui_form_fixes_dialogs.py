"""The connection and sign-in dialogs: room for every message, messages that clear once fixed,
what really happens without a keyring, ports in the list, and the cursor in the setting the
database refused. The gateway is the real one on an in-memory keyring, with sign-in answers
replaced where a test needs the database to refuse something."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.exceptions import TimeoutError

from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.errors import ConfigurationError, DatabaseLoginError, TodoError
from todo_desktop.core.ports import ConnectionReport, Credentials, Workspace
from todo_desktop.core.profiles import Profile
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.ui.accounts.connections_dialog import ConnectionsDialog
from todo_desktop.ui.accounts.profiles_view import ProfileEditor
from todo_desktop.ui.accounts.sign_in_dialog import SignInDialog
from todo_desktop.ui.workers import Workers

pytestmark = pytest.mark.gui

WAIT_MS = 10_000
EMAIL = "dana@example.com"
LONG = (
    "The database at db.example.com:6543 refused the connection settings: check the user name, "
    "password and database name, or ask whoever runs that database whether this computer may connect."
)
DB_PASSWORD_WRONG = "The database at db.example.com:6543 refused the database password for user dana."
NO_USER = "The database at db.example.com:6543 has no user named dana; check the connection."
NO_DATABASE = "The database at db.example.com:6543 has no database named team; check the connection."


class RefusingGateway:
    """The real gateway, except that signing in, testing and saving fail as told."""

    def __init__(self, inner: SharedDatabases, *, saved_password: bool = True) -> None:
        self.inner = inner
        self.saved_password = saved_password
        self.sign_in_error: TodoError | None = None
        self.report: ConnectionReport | None = None
        self.save_error: TodoError | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def needs_password(self, profile_id: str) -> bool:
        return not self.saved_password

    def sign_in(self, profile_id: str, credentials: Credentials) -> Workspace:
        if self.sign_in_error is not None:
            raise self.sign_in_error
        return self.inner.sign_in(profile_id, credentials)

    def test_connection(self, profile: Profile, password: str | None) -> ConnectionReport:
        assert self.report is not None
        return self.report

    def save_profile(self, profile: Profile, password: str | None) -> Profile:
        if self.save_error is not None:
            raise self.save_error
        return self.inner.save_profile(profile, password)


@pytest.fixture
def workers(qtbot, gateway) -> Iterator[Workers]:
    made = Workers()
    yield made
    for pool in made.findChildren(QThreadPool):
        pool.waitForDone(WAIT_MS)


@pytest.fixture
def team(gateway: SharedDatabases) -> Profile:
    return add_profile(gateway, "postgresql://dana@db.example.com:6543/team", name="Team")


@pytest.fixture
def no_keyring(tmp_path: Path) -> Iterator[SharedDatabases]:
    made = make_gateway(tmp_path / "nokeyring", fail.Keyring())  # type: ignore[arg-type]
    yield made
    made.close()


def show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def sign_in_dialog(qtbot, gateway: Any, workers: Workers, profile: Profile) -> SignInDialog:
    dialog = SignInDialog(gateway, workers, profile)
    show(qtbot, dialog)
    answered(workers)
    return dialog


def answered(workers: Workers) -> None:
    """Every job has run and its answer has reached the dialog."""
    assert workers.wait_for_all(WAIT_MS)
    QApplication.processEvents()


def sign_in_refused(qtbot, dialog: SignInDialog) -> None:
    dialog.email_edit.setFocus()
    qtbot.keyClicks(dialog.email_edit, EMAIL)
    qtbot.keyClicks(dialog.password_edit, "my account password")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=WAIT_MS)


def usable(dialog: QWidget) -> list[str]:
    """What a person could not read or type in: clipped messages and squeezed fields."""
    problems = []
    for label in dialog.findChildren(QLabel):
        shown = label.isVisible() and label.text() and label.wordWrap()
        if shown and label.height() < label.heightForWidth(label.width()):
            problems.append(f"clipped: {label.text()!r}")
    for field in dialog.findChildren(QWidget):
        typed_in = field.isVisible() and field.accessibleName() and not isinstance(field, QLabel)
        if typed_in and field.height() < field.minimumSizeHint().height():
            problems.append(f"squeezed: {field.accessibleName()} {field.height()}px")
    return problems


def assert_fits(qtbot, dialog: QWidget) -> None:
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: not usable(dialog), timeout=2_000)
    assert usable(dialog) == []


# Room for every message ---------------------------------------------------------------------


def test_the_sign_in_dialog_grows_to_show_a_long_message_in_full(qtbot, gateway, workers, team) -> None:
    fake = RefusingGateway(gateway)
    fake.sign_in_error = ConfigurationError(LONG)
    dialog = sign_in_dialog(qtbot, fake, workers, team)
    sign_in_refused(qtbot, dialog)
    assert dialog.errors.text("form") == LONG
    assert_fits(qtbot, dialog)
    dialog.set_register(True)  # more fields, and their messages, in the same window
    dialog.submit_button.click()
    assert dialog.errors.text("first_name") == "First name cannot be empty."
    assert_fits(qtbot, dialog)


def test_the_connection_form_grows_to_show_every_message(qtbot, gateway, workers, team) -> None:
    fake = RefusingGateway(gateway)
    fake.report = ConnectionReport(ok=False, message=LONG)
    fake.save_error = TodoError(LONG)
    editor = show(qtbot, ProfileEditor(fake, workers, team))  # type: ignore[arg-type]
    editor.test_button.click()
    qtbot.waitUntil(lambda: editor.result_label.text() == LONG, timeout=WAIT_MS)
    assert_fits(qtbot, editor)
    editor.buttons.accepted.emit()
    qtbot.waitUntil(lambda: editor.errors.text("form") == LONG, timeout=WAIT_MS)
    assert_fits(qtbot, editor)


# Messages clear once the field is fixed -------------------------------------------------------


def test_a_connection_field_message_clears_when_that_field_is_corrected(qtbot, gateway, workers) -> None:
    editor = show(qtbot, ProfileEditor(gateway, workers))
    editor.buttons.accepted.emit()
    assert editor.errors.text("host") == "Host cannot be empty."
    assert editor.errors.labels["database"].isVisible()
    editor.host_edit.setFocus()
    qtbot.keyClicks(editor.host_edit, "db.example.com")
    assert not editor.errors.labels["host"].isVisible()
    assert editor.host_edit.text() == "db.example.com"
    assert editor.errors.labels["database"].isVisible()  # not corrected yet


def test_a_sign_in_field_message_clears_when_that_field_is_corrected(qtbot, gateway, workers, team) -> None:
    dialog = sign_in_dialog(qtbot, gateway, workers, team)
    qtbot.keyClicks(dialog.email_edit, "dana@")
    dialog.submit_button.click()
    assert dialog.errors.labels["email"].isVisible() and dialog.errors.labels["password"].isVisible()
    qtbot.keyClicks(dialog.email_edit, "example.com")
    assert not dialog.errors.labels["email"].isVisible()
    assert dialog.email_edit.text() == EMAIL
    qtbot.keyClicks(dialog.password_edit, "secret")
    assert not dialog.errors.labels["password"].isVisible()


# Without a keyring ----------------------------------------------------------------------------


def test_the_new_connection_password_says_where_it_is_kept(qtbot, gateway, no_keyring, workers) -> None:
    editor = show(qtbot, ProfileEditor(gateway, workers))
    qtbot.waitUntil(lambda: editor.password_edit.placeholderText() == "Kept in the system keyring")

    editor = show(qtbot, ProfileEditor(no_keyring, workers))
    qtbot.waitUntil(lambda: editor.note.isVisible(), timeout=WAIT_MS)
    hint = editor.password_edit.placeholderText()
    assert "Kept in the system keyring" not in hint
    assert "until you quit" in hint


def test_without_a_keyring_staying_signed_in_is_off_and_says_why(qtbot, gateway, no_keyring, workers) -> None:
    with_keyring = sign_in_dialog(qtbot, gateway, workers, add_profile(gateway, "postgresql://a@h/db"))
    assert with_keyring.stay_check.isChecked() and with_keyring.stay_check.isEnabled()

    profile = add_profile(no_keyring, "postgresql://dana@db.example.com/team", name="Team")
    dialog = sign_in_dialog(qtbot, no_keyring, workers, profile)
    qtbot.waitUntil(lambda: dialog.note.isVisible(), timeout=WAIT_MS)
    assert "lasts until you quit" in dialog.note.text()
    assert not dialog.stay_check.isChecked()
    assert not dialog.stay_check.isEnabled()
    assert "keyring" in dialog.stay_check.toolTip()


# Ports in the list --------------------------------------------------------------------------


def test_the_connection_list_shows_host_and_port(qtbot, gateway, workers, team) -> None:
    plain = add_profile(gateway, "postgresql://dana@db.example.com/other", name="Other")
    dialog = show(qtbot, ConnectionsDialog(gateway, workers))
    texts = {dialog.list.item(i).text().split("\n")[0]: dialog.list.item(i).text() for i in range(3)}
    assert "db.example.com:6543" in texts["Team"]
    assert "db.example.com:5432" in texts["Other"]
    assert plain.port == 5432


# The cursor in the setting the database refused ---------------------------------------------


def test_a_wrong_database_password_puts_the_cursor_in_its_field(qtbot, gateway, workers, team) -> None:
    fake = RefusingGateway(gateway)
    fake.sign_in_error = DatabaseLoginError("db_password", DB_PASSWORD_WRONG)
    dialog = sign_in_dialog(qtbot, fake, workers, team)
    assert not dialog.asks_db_password  # a saved password: the row is not shown at first
    sign_in_refused(qtbot, dialog)
    assert dialog.asks_db_password and dialog.db_password_edit.isVisible()
    assert dialog.errors.text("db_password") == DB_PASSWORD_WRONG
    assert dialog.errors.labels["db_password"].isVisible()
    assert not dialog.errors.labels["form"].isVisible()
    assert dialog.db_password_edit.hasFocus()
    assert dialog.password_edit.text() == "my account password"  # nothing typed is lost

    qtbot.keyClicks(dialog.db_password_edit, "the right one")
    assert not dialog.errors.labels["db_password"].isVisible()


@pytest.mark.parametrize(
    ("field", "message", "setting"), [("db_user", NO_USER, "User"), ("db_name", NO_DATABASE, "Database")]
)
def test_a_wrong_user_or_database_name_says_which_setting_to_fix(
    qtbot, gateway, workers, team, field, message, setting
) -> None:
    fake = RefusingGateway(gateway)
    fake.sign_in_error = DatabaseLoginError(field, message)
    dialog = sign_in_dialog(qtbot, fake, workers, team)
    sign_in_refused(qtbot, dialog)
    text = dialog.errors.text("form")
    assert text.startswith(message)
    assert f"{setting} setting" in text and "Connections" in text
    assert not dialog.asks_db_password
    assert dialog.password_edit.selectedText() == ""  # the account password is not what is wrong
