"""A sentence a dialog shows after it opened (a refused name, a wrong password) makes the
dialog taller: Qt would otherwise find its room by cutting lines off the wrapped text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from todo_desktop.ui.accounts.delete_account_dialog import DeleteAccountDialog
from todo_desktop.ui.tags.dialogs import TagNameDialog

pytestmark = pytest.mark.gui


def cut_off(dialog: QWidget) -> list[str]:
    """The wrapped sentences shown shorter than their lines need."""
    return [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisible() and label.wordWrap() and label.height() < label.heightForWidth(label.width())
    ]


def test_a_wrong_password_makes_room_instead_of_cutting_the_paragraphs(qtbot) -> None:
    dialog = DeleteAccountDialog("fay@example.com", "Team")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert cut_off(dialog) == []
    qtbot.keyClicks(dialog.password_edit, "secret")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # "Deleting the account…" appears
    qtbot.wait(50)
    assert cut_off(dialog) == []
    dialog.show_error("The password is wrong; the account was not deleted.")
    qtbot.wait(50)
    assert cut_off(dialog) == []


def test_a_refused_tag_name_makes_room_for_its_sentence(qtbot) -> None:
    dialog = TagNameDialog()
    qtbot.addWidget(dialog)
    dialog.ask("home", lambda _old, _new: None)
    qtbot.waitExposed(dialog)
    dialog.field.setText("#9lives")
    dialog.try_accept()
    qtbot.wait(50)
    assert dialog.error.isVisible() and dialog.error.text()
    assert cut_off(dialog) == []
