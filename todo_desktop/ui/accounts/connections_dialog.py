"""File > Connections…: the list of profiles, which one is in use, and a connection test.

"Local" (the embedded database) is always first and cannot be edited or removed. Saving,
removing and switching touch the keyring or the disk, so they run as queued writes;
"Test connection" runs as a read. The dialog never waits for either.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core.ports import ConnectionReport, ProfileGateway
from todo_desktop.core.profiles import Profile, Profiles
from todo_desktop.ui.accounts.profiles_view import TESTING, ProfileEditor, address
from todo_desktop.ui.chrome.grow_to_fit import GrowToFit
from todo_desktop.ui.chrome.theme import error_style
from todo_desktop.ui.workers import Workers

ID_ROLE = Qt.ItemDataRole.UserRole
IN_USE = "in use"


def describe(profile: Profile, *, full: bool = False) -> str:
    if profile.is_local:
        return "the embedded database on this computer"
    if not full:
        return f"{profile.database} on {address(profile)}"
    pooled = ", pooled" if profile.pooled else ""
    return f"{profile.user}@{address(profile)}/{profile.database} ({profile.tls_mode}{pooled})"


def ask_to_remove(parent: QWidget, profile: Profile) -> bool:
    answer = QMessageBox.question(
        parent,
        "Remove connection",
        f"Remove {profile.name!r}? Its saved password and sign-in are forgotten on this computer; "
        "the database and its tasks are not touched.",
    )
    return answer == QMessageBox.StandardButton.Yes


class ConnectionsDialog(QDialog):
    """Emits ``active_changed(profile_id)`` once the chosen profile is saved as the one in use."""

    active_changed = Signal(str)
    profile_saved = Signal(str)  # its settings may have changed: reconnect if it is in use

    def __init__(self, gateway: ProfileGateway, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connections")
        self.resize(640, 420)
        self._gateway = gateway
        self._workers = workers
        self._view = workers.new_view("connections")
        self.editor: ProfileEditor | None = None
        # Replaceable so tests (and other front ends) can answer without a modal box.
        self.confirm_remove: Callable[[QWidget, Profile], bool] = ask_to_remove
        self._build()
        GrowToFit(self)
        self.show_profiles(gateway.profiles())
        self._check_keyring()

    def _build(self) -> None:
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Keyring problem")
        self.note.hide()
        self.list = QListWidget(self)
        self.list.setAccessibleName("Connection profiles")
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(self.edit_selected)
        self.add_button = QPushButton("&Add…", self)
        self.add_button.clicked.connect(self.add_profile)
        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.clicked.connect(self.test_selected)
        self.use_button = QPushButton("&Use this connection", self)
        self.use_button.clicked.connect(self.use_selected)
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.test_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(self.use_button)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Connection test result")
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(error_style(bold=True))
        self.warning_label.setAccessibleName("Warning")
        self.warning_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(middle, 1)
        layout.addWidget(self.result_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(buttons)

    # Showing -----------------------------------------------------------------------------

    def show_profiles(self, profiles: Profiles, select: str | None = None) -> None:
        keep = select or self.selected_id() or profiles.active_id
        self.list.clear()
        for profile in profiles.items:
            active = profile.id == profiles.active_id
            text = f"{profile.name}{f'  ({IN_USE})' if active else ''}\n{describe(profile)}"
            item = QListWidgetItem(text, self.list)
            item.setData(ID_ROLE, profile.id)
            item.setToolTip(describe(profile, full=True))
            if active:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if profile.id == keep:
                self.list.setCurrentItem(item)
        self._selection_changed()

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def selected(self) -> Profile | None:
        profile_id = self.selected_id()
        return self._gateway.profile(profile_id) if profile_id else None

    def _selection_changed(self, *_: object) -> None:
        profile = self.selected()
        shared = profile is not None and not profile.is_local
        for button in (self.edit_button, self.remove_button, self.test_button):
            button.setEnabled(shared)
        self.use_button.setEnabled(profile is not None and profile.id != self._gateway.profiles().active_id)

    def _check_keyring(self) -> None:
        self._workers.read(
            f"{self._view}-keyring", self._gateway.keyring_problem, self._show_keyring, lambda _: None
        )

    def _show_keyring(self, reason: str | None) -> None:
        if reason:
            self.note.setText(f"{reason} Passwords are kept only until you quit.")
            self.note.show()

    def _message(self, text: str, *, ok: bool = True, warning: str | None = None) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet("" if ok else error_style())
        self.warning_label.setText(warning or "")
        self.warning_label.setVisible(bool(warning))

    # Commands ------------------------------------------------------------------------------

    def add_profile(self) -> None:
        self._open_editor(None)

    def edit_selected(self, *_: object) -> None:
        profile = self.selected()
        if profile is not None and not profile.is_local:
            self._open_editor(profile)

    def _open_editor(self, profile: Profile | None) -> None:
        self.editor = ProfileEditor(self._gateway, self._workers, profile, self)
        self.editor.accepted.connect(self._editor_saved)
        self.editor.open()  # window-modal, without a nested event loop

    def _editor_saved(self) -> None:
        if self.editor is not None and self.editor.profile is not None:
            saved = self.editor.profile
            self.show_profiles(self._gateway.profiles(), select=saved.id)
            self._message(f"Saved {saved.name!r}.")
            # A keyring that worked when the dialog opened may have refused this password (its
            # unlock prompt declined): then it is kept only until quitting, which is said here.
            self._check_keyring()
            self.profile_saved.emit(saved.id)

    def remove_selected(self) -> None:
        profile = self.selected()
        if profile is None or profile.is_local or not self.confirm_remove(self, profile):
            return
        was_active = profile.id == self._gateway.profiles().active_id
        self._workers.write(
            lambda: self._gateway.remove_profile(profile.id),
            lambda profiles: self._removed(profile, profiles, was_active),
            lambda message: self._message(message, ok=False),
            label="remove profile",
        )

    def _removed(self, profile: Profile, profiles: Profiles, was_active: bool) -> None:
        self.show_profiles(profiles, select=profiles.active_id)
        self._message(f"Removed {profile.name!r}.")
        if was_active:  # removing the profile in use falls back to Local
            self.active_changed.emit(profiles.active_id)

    def test_selected(self) -> None:
        profile = self.selected()
        if profile is None or profile.is_local:
            return
        self.test_button.setEnabled(False)
        self._message(TESTING)
        self._workers.read(
            f"{self._view}-test",
            lambda: self._gateway.test_connection(profile, None),
            self._tested,
            lambda message: self._tested(ConnectionReport(ok=False, message=message)),
            label="test connection",
        )

    def _tested(self, report: ConnectionReport) -> None:
        self._selection_changed()
        self._message(report.message, ok=report.ok, warning=report.warning)

    def use_selected(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        self.use_button.setEnabled(False)
        self._workers.write(
            lambda: self._gateway.set_active(profile.id),
            lambda profiles: self._now_active(profile, profiles),
            lambda message: self._message(message, ok=False),
            label="choose profile",
        )

    def _now_active(self, profile: Profile, profiles: Profiles) -> None:
        self.show_profiles(profiles, select=profile.id)
        self._message(f"{profile.name!r} is now in use.")
        self.active_changed.emit(profile.id)
