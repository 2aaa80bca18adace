"""The Connections, profile and sign-in dialogs, driven with pytest-qt against a real PostgreSQL.

The keyring is an in-memory backend; everything else (workers, argon2, the database) is real.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QCheckBox, QDialog, QWidget

from tests.machine.test_profiles import NEON_PASSWORD, NEON_POOLER
from tests.support import database
from tests.support.database import PASSWORD
from tests.support.shared_helpers import SERVICE, add_profile, make_gateway
from todo_desktop.core.ports import Credentials
from todo_desktop.core.profiles import FILE_NAME, Profile, TlsMode
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.ui.accounts.connections_dialog import ConnectionsDialog
from todo_desktop.ui.accounts.profiles_view import ProfileEditor
from todo_desktop.ui.accounts.sign_in_dialog import ENTER_PASSWORD, SignInDialog, SignInFlow
from todo_desktop.ui.workers import Workers

pytestmark = pytest.mark.gui

EMAIL = "dana@example.com"
WRONG = "Email or password is wrong."
WAIT_MS = 20_000


@pytest.fixture
def workers(qtbot, gateway) -> Iterator[Workers]:
    # Depends on the gateway so it is drained before the gateway closes its pools.
    made = Workers()
    yield made
    for pool in made.findChildren(QThreadPool):
        pool.waitForDone(WAIT_MS)


@pytest.fixture
def shared(gateway: SharedDatabases, test_db: database.TestDatabase) -> Profile:
    return add_profile(gateway, test_db.client_url, name="Team")


@pytest.fixture
def dana(gateway: SharedDatabases, shared: Profile) -> Profile:
    gateway.register(shared.id, Credentials(EMAIL, PASSWORD, first_name="Dana"))
    gateway.sign_out(shared.id)
    return shared


def editor_for(qtbot, gateway, workers, profile: Profile | None = None) -> ProfileEditor:
    editor = ProfileEditor(gateway, workers, profile)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def sign_in_dialog(qtbot, gateway, workers, profile: Profile, **options: object) -> SignInDialog:
    dialog = SignInDialog(gateway, workers, profile, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_until_idle(qtbot, dialog: QWidget) -> None:
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=WAIT_MS)  # type: ignore[attr-defined]


# -- the profile form --------------------------------------------------------------------


def test_pasting_a_neon_url_fills_every_field_and_hides_the_password(qtbot, gateway, workers):
    editor = editor_for(qtbot, gateway, workers)
    editor.url_edit.setText(NEON_POOLER)
    editor.url_edit.returnPressed.emit()
    assert editor.host_edit.text() == "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"
    assert (editor.database_edit.text(), editor.user_edit.text(), editor.port_spin.value()) == (
        "neondb",
        "alex",
        5432,
    )
    assert editor.binding_check.isChecked()
    assert editor.draft().pooled  # told by the host's name, nothing for the person to tick
    assert editor.tls_combo.currentData() == TlsMode.VERIFY_FULL
    assert editor.password_edit.text() == NEON_PASSWORD
    assert editor.url_edit.text() == ""  # the clear-text copy is gone
    assert editor.name_edit.text() == "neondb on ep-cool-darkness-123456"


def test_a_bad_url_gets_a_sentence_and_keeps_the_text(qtbot, gateway, workers):
    editor = editor_for(qtbot, gateway, workers)
    editor.url_edit.setText("mysql://u:p@db.example.com/x")
    editor.fill_from_url()
    assert editor.errors.text("url") == "Paste a URL that starts with postgresql://."
    assert editor.url_edit.text() == "mysql://u:p@db.example.com/x"


def test_each_bad_field_gets_its_own_sentence_and_nothing_is_saved(qtbot, gateway, workers):
    editor = editor_for(qtbot, gateway, workers)
    editor.name_edit.setText("Local")
    editor.host_edit.setText("two words")
    editor.user_edit.setText("alex")
    editor.buttons.accepted.emit()
    assert "embedded database" in editor.errors.text("name")
    assert "one host name" in editor.errors.text("host")
    assert editor.errors.text("database") == "Database cannot be empty."
    assert editor.errors.text("user") == ""
    assert editor.isVisible() and editor.host_edit.text() == "two words"
    assert gateway.profiles().shared == ()


def test_nobody_is_asked_whether_a_pooler_is_in_between(qtbot, gateway, workers):
    editor = editor_for(qtbot, gateway, workers)
    assert not any("pool" in box.text().lower() for box in editor.findChildren(QCheckBox))


def test_test_connection_reports_the_schema_in_one_sentence(qtbot, gateway, workers, shared):
    editor = editor_for(qtbot, gateway, workers, shared)
    editor.test_button.click()
    assert not editor.test_button.isEnabled()  # the test runs on a worker
    qtbot.waitUntil(lambda: editor.test_button.isEnabled(), timeout=WAIT_MS)
    assert editor.result_label.text().endswith("its schema is current.")
    assert editor.warning_label.isHidden()


def test_test_connection_failure_is_one_sentence(qtbot, gateway, workers, shared):
    editor = editor_for(qtbot, gateway, workers, shared)
    editor.database_edit.setText("no_such_database")
    editor.test_button.click()
    qtbot.waitUntil(lambda: editor.test_button.isEnabled(), timeout=WAIT_MS)
    said = editor.result_label.text()
    assert said.endswith("has no database named no_such_database; check the connection.")
    assert "\n" not in editor.result_label.text()


def test_test_connection_as_owner_shows_the_rls_warning(qtbot, gateway, workers, test_db):
    owner = add_profile(gateway, test_db.owner_url, name="Owner")
    editor = editor_for(qtbot, gateway, workers, owner)
    editor.test_button.click()
    qtbot.waitUntil(lambda: editor.warning_label.isVisible(), timeout=WAIT_MS)
    assert "owns the tables" in editor.warning_label.text()


# -- the Connections dialog ----------------------------------------------------------------


def connections(qtbot, gateway, workers) -> ConnectionsDialog:
    dialog = ConnectionsDialog(gateway, workers)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_adding_a_profile_keeps_the_password_in_the_keyring_only(
    qtbot, tmp_path, gateway, workers, keyring, test_db
):
    dialog = connections(qtbot, gateway, workers)
    assert dialog.list.count() == 1 and not dialog.edit_button.isEnabled()  # Local only
    dialog.add_button.click()
    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    editor.url_edit.setText(test_db.client_url)
    editor.fill_from_url()
    editor.name_edit.setText("Team")
    editor.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=WAIT_MS)
    assert editor.result() == QDialog.DialogCode.Accepted
    saved = editor.profile
    assert saved is not None and dialog.selected_id() == saved.id
    assert "Team" in dialog.list.currentItem().text()
    password = keyring.entries[(SERVICE, saved.password_key)]
    assert password and password not in (tmp_path / "config" / FILE_NAME).read_text()


def test_test_use_and_remove_from_the_list(qtbot, gateway, workers, keyring, shared):
    dialog = connections(qtbot, gateway, workers)
    dialog.list.setCurrentRow(1)
    assert dialog.selected_id() == shared.id and dialog.use_button.isEnabled()
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().endswith("current."), timeout=WAIT_MS)

    with qtbot.waitSignal(dialog.active_changed, timeout=WAIT_MS) as used:
        dialog.use_button.click()
    assert used.args == [shared.id] and gateway.profiles().active_id == shared.id
    assert "in use" in dialog.list.currentItem().text() and not dialog.use_button.isEnabled()

    dialog.confirm_remove = lambda *_: True
    with qtbot.waitSignal(dialog.active_changed, timeout=WAIT_MS) as fallback:
        dialog.remove_button.click()
    assert fallback.args == ["local"] and dialog.list.count() == 1
    assert (SERVICE, shared.password_key) not in keyring.entries


def test_removal_can_be_declined(qtbot, gateway, workers, shared):
    dialog = connections(qtbot, gateway, workers)
    dialog.list.setCurrentRow(1)
    dialog.confirm_remove = lambda *_: False
    dialog.remove_button.click()
    assert dialog.list.count() == 2 and gateway.profiles().shared == (shared,)


# -- signing in and registering -----------------------------------------------------------------


def test_a_failed_sign_in_says_the_generic_sentence_and_keeps_what_was_typed(qtbot, gateway, workers, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana)
    qtbot.keyClicks(dialog.email_edit, EMAIL)
    qtbot.keyClicks(dialog.password_edit, "not my password")
    dialog.submit_button.click()
    assert not dialog.submit_button.isEnabled() and dialog.status.text() == "Signing in…"
    wait_until_idle(qtbot, dialog)
    assert dialog.errors.text("form") == WRONG
    assert dialog.isVisible() and dialog.workspace is None
    assert dialog.email_edit.text() == EMAIL
    # Kept but selected: typing replaces it, Enter retries it.
    assert dialog.password_edit.text() == "not my password"
    assert dialog.password_edit.selectedText() == "not my password"


def test_fields_are_checked_before_anything_is_sent(qtbot, gateway, workers, shared):
    dialog = sign_in_dialog(qtbot, gateway, workers, shared)
    dialog.email_edit.setText("not an email")
    dialog.submit_button.click()
    assert dialog.errors.text("email") == "Email must look like name@example.com."
    assert dialog.errors.text("password") == ENTER_PASSWORD
    assert dialog.submit_button.isEnabled()  # nothing was sent
    dialog.set_register(True)
    dialog.password_edit.setText("short")
    dialog.repeat_edit.setText("shorter")
    dialog.submit_button.click()
    assert dialog.errors.text("password") == "Password must be at least 8 characters."
    assert dialog.errors.text("repeat") == "The two passwords differ."
    assert dialog.errors.text("first_name") == "First name cannot be empty."
    assert dialog.email_edit.text() == "not an email"  # switching modes lost nothing


def test_registration_signs_in_and_stays_signed_in(qtbot, gateway, workers, keyring, shared):
    dialog = sign_in_dialog(qtbot, gateway, workers, shared, register=True)
    assert dialog.stay_check.isChecked()
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(PASSWORD)
    dialog.repeat_edit.setText(PASSWORD)
    dialog.first_edit.setText("Dana")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.submit_button.click()
    assert dialog.workspace is not None and dialog.workspace.account.display_name == "Dana"
    assert (SERVICE, shared.session_key) in keyring.entries


def test_sign_in_without_staying_keeps_no_token(qtbot, gateway, workers, keyring, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana)
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(PASSWORD)
    dialog.stay_check.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # Enter signs in
    assert dialog.workspace is not None and dialog.workspace.account.email == EMAIL
    assert (SERVICE, dana.session_key) not in keyring.entries


def test_the_flow_reuses_a_kept_session_without_asking(qtbot, tmp_path, gateway, workers, keyring, dana):
    gateway.sign_in(dana.id, Credentials(EMAIL, PASSWORD, stay_signed_in=True))
    restarted = make_gateway(tmp_path / "config", keyring)
    window = QWidget()
    qtbot.addWidget(window)
    flow = SignInFlow(restarted, workers, window)
    try:
        with qtbot.waitSignal(flow.signed_in, timeout=WAIT_MS) as opened:
            flow.start(dana.id)
        assert opened.args[0].account.email == EMAIL and flow.dialog is None
    finally:
        for pool in workers.findChildren(QThreadPool):
            pool.waitForDone(WAIT_MS)
        restarted.close()


def test_the_flow_asks_when_there_is_no_session(qtbot, gateway, workers, dana):
    window = QWidget()
    qtbot.addWidget(window)
    flow = SignInFlow(gateway, workers, window)
    flow.start(dana.id)
    qtbot.waitUntil(lambda: flow.dialog is not None and flow.dialog.isVisible(), timeout=WAIT_MS)
    dialog = flow.dialog
    assert dialog is not None
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(flow.signed_in, timeout=WAIT_MS) as opened:
        dialog.submit_button.click()
    assert opened.args[0].account.email == EMAIL


def test_without_a_keyring_it_says_so_and_asks_for_the_database_password(qtbot, tmp_path, test_db, workers):
    gateway = make_gateway(tmp_path / "nokeyring", fail.Keyring())  # type: ignore[arg-type]
    try:
        shared = add_profile(gateway, test_db.client_url)  # the password is kept for this run only
        gateway.register(shared.id, Credentials(EMAIL, PASSWORD, first_name="Dana"))
        gateway.close()
        restarted = make_gateway(tmp_path / "nokeyring", fail.Keyring())  # type: ignore[arg-type]
        dialog = sign_in_dialog(qtbot, restarted, workers, replace(shared))
        qtbot.waitUntil(lambda: dialog.note.isVisible(), timeout=WAIT_MS)
        assert "No system keyring" in dialog.note.text() and dialog.asks_db_password
        dialog.email_edit.setText(EMAIL)
        dialog.password_edit.setText(PASSWORD)
        dialog.db_password_edit.setText(test_db.roles.client_password)
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
            dialog.submit_button.click()
        for pool in workers.findChildren(QThreadPool):
            pool.waitForDone(WAIT_MS)
        restarted.close()
    finally:
        gateway.close()


def test_cancelling_during_sign_in_ends_the_session_it_made(qtbot, gateway, workers, keyring, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana)
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(PASSWORD)
    dialog.submit_button.click()
    dialog.reject()  # before the worker's answer is delivered
    assert dialog.result() == QDialog.DialogCode.Rejected
    wait_until_idle(qtbot, dialog)
    for pool in workers.findChildren(QThreadPool):
        pool.waitForDone(WAIT_MS)
    qtbot.waitUntil(lambda: workers.pending_writes == 0, timeout=WAIT_MS)
    assert dialog.workspace is None
    assert (SERVICE, dana.session_key) not in keyring.entries
    assert gateway.sign_out(dana.id) == "You were not signed in."
