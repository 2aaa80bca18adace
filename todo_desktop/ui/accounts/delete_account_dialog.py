"""Account > Delete My Account, and, for the Local profile, Erase This Computer's Data.

Deleting asks for the password again and says exactly what goes. The dialog stays open while
the database works: a wrong password leaves the typed text in place, selected, with one
sentence under the field, so Enter retries it and typing replaces it. Erasing has no password
to ask for, so it asks for a word to be typed instead: no stray Enter erases anything.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.ui.chrome.grow_to_fit import GrowToFit

ENTER_PASSWORD = "Enter your password to delete the account."  # noqa: S105 - a sentence
DELETING = "Deleting the account…"
WHAT_GOES = (
    "This deletes the account for good: every task with its tags and repeats, every tag, and every "
    "sign-in of it on every computer (sessions and remembered devices end at once). The database "
    "keeps only an anonymous note that an account was deleted, with no email or name. "
    "Export your data first if you want a copy."
)
CONFIRM_WORD = "ERASE"
WHAT_IS_ERASED = (
    "This erases everything Todo Desktop keeps for the Local profile on this computer: its "
    "database with every task, its backups, the edits waiting to be saved, and its stored "
    "secrets. It cannot be undone. Shared databases and their sign-ins are not touched. "
    "Afterwards the app starts afresh with an empty list."
)


def _paragraph(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class DeleteAccountDialog(QDialog):
    """Emits ``submitted`` with the password; the caller answers ``show_error`` or ``accept``."""

    submitted = Signal(str)

    def __init__(self, email: str, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delete My Account")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.email = email
        self._busy = False  # the password was sent and the answer has not come
        self.heading = _paragraph(f"Delete the account {email} on {where}?", self)
        self.heading.setAccessibleName("Account")
        self.statement = _paragraph(WHAT_GOES, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Your password")
        self.password_edit.setAccessibleName("Password")
        self.error = QLabel(self)
        self.error.setAccessibleName("Password problem")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.delete_button = QPushButton("&Delete Account", self)
        self.delete_button.setDefault(True)  # Enter after the password; nothing happens without it
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        password_label = QLabel("&Password:", self)
        password_label.setBuddy(self.password_edit)
        layout = QVBoxLayout(self)
        for widget in (
            self.heading,
            self.statement,
            password_label,
            self.password_edit,
            self.error,
            self.buttons,
        ):
            layout.addWidget(widget)
        self.password_edit.setFocus()
        GrowToFit(self)  # the sentence under the field comes later

    def submit(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.show_error(ENTER_PASSWORD)
            return
        self.set_busy(True)
        self.error.setText(DELETING)
        self.error.show()
        self.submitted.emit(password)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.delete_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.password_edit.setReadOnly(busy)

    def reject(self) -> None:
        # Once sent, a deletion cannot be called back: the dialog stays to say how it ended
        # (a refused password said on a hidden dialog would never be seen).
        if not self._busy:
            super().reject()

    def show_error(self, message: str) -> None:
        """One sentence under the field; the text stays, selected, for Enter or retyping."""
        self.set_busy(False)
        self.error.setText(str(message))
        self.error.show()
        self.password_edit.setFocus()
        self.password_edit.selectAll()


class EraseLocalDialog(QDialog):
    """Accepted only after ``CONFIRM_WORD`` is typed exactly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Erase This Computer's Data")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.statement = _paragraph(WHAT_IS_ERASED, self)
        self.prompt = QLabel(f"Type {CONFIRM_WORD} to confirm:", self)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setAccessibleName("Confirmation")
        self.prompt.setBuddy(self.confirm_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.erase_button = QPushButton("&Erase", self)
        self.erase_button.setEnabled(False)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._confirmed)
        self.buttons.rejected.connect(self.reject)
        self.confirm_edit.textChanged.connect(self._typed)
        layout = QVBoxLayout(self)
        for widget in (self.statement, self.prompt, self.confirm_edit, self.buttons):
            layout.addWidget(widget)
        self.confirm_edit.setFocus()

    def _typed(self, text: str) -> None:
        self.erase_button.setEnabled(text == CONFIRM_WORD)

    def _confirmed(self) -> None:
        if self.confirm_edit.text() == CONFIRM_WORD:
            self.accept()


def ask_erase_local(parent: QWidget) -> bool:
    """The strong confirmation, as a modal dialog."""
    return EraseLocalDialog(parent).exec() == QDialog.DialogCode.Accepted
