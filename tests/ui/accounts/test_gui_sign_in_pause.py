"""Signing in with a wrong password again and again: the database pauses sign-in for this
device and then refuses even the right password with the same generic sentence (on purpose:
it never says whether an email exists). The dialog must say that a pause may be why, or a
person who finally types the right password is told it is wrong and keeps lengthening the pause.

Driven with pytest-qt against a real PostgreSQL; the keyring is an in-memory backend.
"""

from __future__ import annotations

import pytest

from tests.support.database import PASSWORD
from tests.ui.accounts import test_gui_connections as shared_tests
from tests.ui.accounts.test_gui_connections import EMAIL, WRONG, sign_in_dialog, wait_until_idle
from todo_desktop.ui.accounts.sign_in_dialog import SignInDialog

# The fixtures of the neighbouring tests, by assignment so pytest finds them here.
dana = shared_tests.dana
shared = shared_tests.shared
workers = shared_tests.workers

pytestmark = pytest.mark.gui

PAUSE_WORDS = "sign-in pauses"


def attempt(qtbot, dialog: SignInDialog, password: str) -> str:
    dialog.email_edit.setText(EMAIL)
    dialog.password_edit.setText(password)
    dialog.submit_button.click()
    wait_until_idle(qtbot, dialog)
    return dialog.errors.text("form")


def test_the_first_failures_get_the_plain_sentence(qtbot, gateway, workers, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana)
    assert attempt(qtbot, dialog, "not my password") == WRONG
    assert attempt(qtbot, dialog, "nor this one") == WRONG


def test_after_many_failures_the_right_password_refused_says_sign_in_is_paused(qtbot, gateway, workers, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana)
    said = [attempt(qtbot, dialog, f"wrong {n}") for n in range(10)]
    assert said[0] == WRONG
    assert all(PAUSE_WORDS in text and text.startswith(WRONG) for text in said[2:])
    # The database now refuses this device for a while, the right password included.
    refused = attempt(qtbot, dialog, PASSWORD)
    assert dialog.workspace is None and dialog.isVisible()
    assert refused.startswith(WRONG) and PAUSE_WORDS in refused and "wait" in refused
    assert dialog.email_edit.text() == EMAIL and dialog.password_edit.text() == PASSWORD  # nothing lost


def test_registration_refusals_never_mention_a_pause(qtbot, gateway, workers, dana):
    dialog = sign_in_dialog(qtbot, gateway, workers, dana, register=True)
    dialog.first_edit.setText("Dana")
    dialog.repeat_edit.setText(PASSWORD)
    for _ in range(3):
        text = attempt(qtbot, dialog, PASSWORD)  # the email is taken
        assert PAUSE_WORDS not in text and text
