"""File > Restore…: the backups of this computer's database, newest first, one to restore.

Arrows choose, Enter restores (after a confirmation), Esc closes. While the list loads or a
restore runs the dialog says so and takes no second request; it cannot be closed during a
restore, so the window behind it (whose workspace is closed meanwhile) is not used either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from todo_desktop import APP_NAME
from todo_desktop.core.app_services import BackupEntry

DIALOG_NAME = "restore-backup"
CONFIRM_BOX = "confirm-restore"
COLUMNS = ("Made", "Kind", "Tasks", "Size")
NO_BACKUPS = "No backups yet: one is made each day the app starts, or choose File > Back Up Now."
LOADING = "Reading the backups…"
KEY_ROLE = Qt.ItemDataRole.UserRole

Confirm = Callable[[QWidget, str, Callable[[], None]], None]


def when(moment: datetime, zone: tzinfo) -> str:
    """Local date and time, as the list and the sentences show it: "Sat 5 Dec 2026, 14:02"."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size:,} bytes"


def tasks_text(count: int | None) -> str:
    if count is None:
        return "an unknown number of tasks"
    return "1 task" if count == 1 else f"{count:,} tasks"


def confirm_question(entry: BackupEntry, zone: tzinfo) -> str:
    return (
        f"Restore the backup of {when(entry.made_at, zone)} with {tasks_text(entry.tasks)}? "
        "The current database is kept as a backup, so this can be undone."
    )


def ask_restore(parent: QWidget, sentence: str, restore: Callable[[], None]) -> None:
    """Restore (Enter: ``restore`` is called) or keep the current database (Esc)."""
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, sentence, parent=parent)
    box.setObjectName(CONFIRM_BOX)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    restore_button = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    keep_button = box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_button)
    box.setEscapeButton(keep_button)
    box.finished.connect(lambda _result: restore() if box.clickedButton() is restore_button else None)
    box.open()


class RestoreDialog(QDialog):
    restore_requested = Signal(object)  # the BackupEntry chosen (not yet confirmed)

    def __init__(self, zone: tzinfo, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(DIALOG_NAME)
        self.setWindowTitle("Restore a Backup")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(560, 360)
        self._zone = zone
        self._entries: list[BackupEntry] = []
        self.busy = False  # loading or restoring: no second request
        self.restoring = False  # a restore runs: the dialog stays until it ends
        intro = QLabel(
            "Backups of this computer's database, newest first. Restoring one replaces the "
            "current tasks; the current database is kept as a backup first.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Backups")
        self.list.setColumnCount(len(COLUMNS))
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setColumnWidth(0, 200)
        self.list.doubleClicked.connect(lambda _index: self._request())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Restore status")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy, with no measure of how far
        self.progress.setVisible(False)
        buttons = QDialogButtonBox(self)
        # Enter anywhere in the dialog presses the default button: the list passes it on.
        self.restore_button: QPushButton = buttons.addButton(
            "&Restore…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._request)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.list, self.status, self.progress, buttons):
            layout.addWidget(widget)
        self._enable()

    # Showing -------------------------------------------------------------------------------

    def show_busy(self, text: str, *, restoring: bool = False) -> None:
        self.busy = True
        self.restoring = restoring
        self.status.setText(text)
        self.progress.setVisible(True)
        self._enable()

    def show_entries(self, entries: list[BackupEntry], note: str = "") -> None:
        self.busy = self.restoring = False
        self.progress.setVisible(False)
        self._entries = list(entries)
        self.list.clear()
        for entry in entries:
            item = QTreeWidgetItem(
                [
                    when(entry.made_at, self._zone),
                    entry.kind.capitalize(),
                    _count(entry.tasks),
                    size_text(entry.size),
                ]
            )
            item.setData(0, KEY_ROLE, entry.key)
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        # The newest first: after a restore, that is the copy of what it replaced (the undo).
        current = self.list.topLevelItem(0)
        if current is not None:
            self.list.setCurrentItem(current)
        self.status.setText(note or ("" if entries else NO_BACKUPS))
        self._enable()
        self.list.setFocus()

    def show_error(self, message: str) -> None:
        self.busy = self.restoring = False
        self.progress.setVisible(False)
        self.status.setText(message)
        self._enable()

    def current_entry(self) -> BackupEntry | None:
        item = self.list.currentItem()
        if item is None:
            return None
        key = item.data(0, KEY_ROLE)
        return next((e for e in self._entries if e.key == key), None)

    def entries(self) -> list[BackupEntry]:
        return list(self._entries)

    # Keys and buttons ----------------------------------------------------------------------

    def _enable(self) -> None:
        self.list.setEnabled(not self.busy)
        self.restore_button.setEnabled(not self.busy and bool(self._entries))

    def _request(self) -> None:
        entry = self.current_entry()
        if entry is not None and not self.busy:
            self.restore_requested.emit(entry)

    def reject(self) -> None:
        if self.restoring:
            return  # the restore finishes first; then Esc closes
        super().reject()


def _count(tasks: int | None) -> str:
    return "?" if tasks is None else f"{tasks:,}"
