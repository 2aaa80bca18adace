"""Once the password is sent, the account's deletion cannot be called back: the dialog stays
open (Escape, Cancel and closing the window do nothing) until it says how it ended, so a
refused password or an unreachable database is never said on a dialog nobody sees."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from todo_desktop.ui.accounts.delete_account_dialog import DeleteAccountDialog

pytestmark = pytest.mark.gui


def test_the_dialog_stays_until_the_deletion_has_answered(qtbot) -> None:
    dialog = DeleteAccountDialog("fay@example.com", "Team")
    qtbot.addWidget(dialog)
    dialog.show()
    sent: list[str] = []
    dialog.submitted.connect(sent.append)
    qtbot.keyClicks(dialog.password_edit, "secret")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert sent == ["secret"]
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    dialog.close()
    assert dialog.isVisible()
    dialog.show_error("Email or password is wrong.")
    assert dialog.isVisible() and dialog.error.text() == "Email or password is wrong."
    assert dialog.password_edit.text() == "secret"
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)  # answered: free to go
    assert not dialog.isVisible()
