"""The small windows of the tag commands: a chooser that finds a tag by a loose match on its
name (like the command palette), the new name of a tag, and the question before a merge.

None of them blocks: each calls back with the answer, so a window closed by code never
hangs on one, and tests answer them as a person would, key by key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from todo_desktop import APP_NAME
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import TagCount
from todo_desktop.ui.chrome.command_palette import ranked
from todo_desktop.ui.chrome.grow_to_fit import GrowToFit
from todo_desktop.ui.chrome.theme import error_style
from todo_desktop.ui.lists.search import KeyLineEdit
from todo_desktop.ui.lists.sidebar import tag_spoken
from todo_desktop.ui.tags.names import read_tag_name

_NAVIGATION = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
MERGE_BOX = "merge-tags"


class TagChooser(QDialog):
    """Type a few letters of a tag, Enter chooses the best match."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a Tag")
        self.setAccessibleName("Tag chooser")
        self._tags: list[TagCount] = []
        self._shown: list[TagCount] = []
        self._chosen: Callable[[str], object] = lambda _name: None
        self.prompt = QLabel(self)
        self.query = KeyLineEdit(self)
        self.query.setPlaceholderText("Type a tag…")
        self.query.setAccessibleName("Tag name")
        self.prompt.setBuddy(self.query)
        self.results = QTreeWidget(self)
        self.results.setAccessibleName("Matching tags")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels(["Tag", "Open"])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the query
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self.resize(360, 360)
        self.query.textChanged.connect(self._filter)
        self.query.returnPressed.connect(self.choose_current)
        self.query.escaped.connect(self.reject)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item, _column: self.choose_current())
        self.finished.connect(lambda _result: _back_to(parent))

    def open_for(self, prompt: str, tags: list[TagCount], chosen: Callable[[str], object]) -> None:
        self._tags = list(tags)
        self._chosen = chosen
        self.prompt.setText(prompt)
        self.query.clear()
        self._filter("")
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def shown_names(self) -> list[str]:
        return [t.name for t in self._shown]

    def _filter(self, text: str) -> None:
        self._shown = ranked(text.strip().lstrip("#"), self._tags, lambda tag: tag.name)
        self.results.clear()
        for tag in self._shown:
            item = QTreeWidgetItem(self.results, [f"#{tag.name}", f"{tag.open_count:,}"])
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, tag_spoken(tag))
        first = self.results.topLevelItem(0)
        if first is not None:
            self.results.setCurrentItem(first)

    def choose_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        name = self._shown[self.results.indexOfTopLevelItem(item)].name
        self.accept()
        self._chosen(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (watched is self.query and isinstance(event, QKeyEvent)):
            return False
        if event.type() == QEvent.Type.KeyPress and event.key() in _NAVIGATION:
            QApplication.sendEvent(self.results, event)
            return True
        return False


class TagNameDialog(QDialog):
    """The new name of a tag. A name that is no tag gets one sentence under the field, and
    the dialog stays open with the text as typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rename Tag")
        self.setAccessibleName("Rename tag")
        self._old = ""
        self._chosen: Callable[[str, str], object] = lambda _old, _new: None
        self.prompt = QLabel(self)
        self.field = KeyLineEdit(self)
        self.field.setAccessibleName("New tag name")
        self.prompt.setBuddy(self.field)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        self.error.setAccessibleName("Tag name problem")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.field.returnPressed.connect(self.try_accept)
        self.field.escaped.connect(self.reject)
        self.field.textEdited.connect(lambda _text: self.error.hide())
        self.finished.connect(lambda _result: _back_to(parent))
        GrowToFit(self)  # for the sentence under the field

    def ask(self, old: str, chosen: Callable[[str, str], object]) -> None:
        self._old = old
        self._chosen = chosen
        self.prompt.setText(f"Rename #{old} to (a tag that exists merges the two):")
        self.field.setText(f"#{old}")
        self.error.hide()
        self.show()
        self.raise_()
        self.activateWindow()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def try_accept(self) -> None:
        try:
            new = read_tag_name(self.field.text())
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.accept()
        # Once this dialog is gone, so a question it leads to gets the focus.
        QTimer.singleShot(0, lambda: self._chosen(self._old, new))


def _back_to(window: QWidget | None) -> None:
    """The keyboard goes back to the window the dialog came from."""
    if window is not None:
        window.activateWindow()


def merge_question(old: TagCount | None, new: TagCount, old_name: str) -> str:
    count = f" ({old.open_count:,} open)" if old is not None else ""
    return (
        f"Merge #{old_name}{count} into #{new.name} ({new.open_count:,} open)? Every task tagged "
        f"#{old_name} will be tagged #{new.name} instead; Ctrl+Z takes the merge back."
    )


def ask_merge(parent: QWidget, sentence: str, merge: Callable[[], None]) -> None:
    """Merge (Enter: ``merge`` is called) or leave both tags as they are (Esc)."""
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, sentence, parent=parent)
    box.setObjectName(MERGE_BOX)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    merge_button = box.addButton("&Merge", QMessageBox.ButtonRole.AcceptRole)
    keep_button = box.addButton("&Keep Both", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(merge_button)
    box.setEscapeButton(keep_button)
    box.finished.connect(lambda _result: _back_to(parent))
    box.finished.connect(lambda _result: merge() if box.clickedButton() is merge_button else None)
    box.open()
