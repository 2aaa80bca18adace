"""Ctrl+K: every command with its shortcut, found by a loose (fuzzy) match on its name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.ui.command_table import Command
from todo_desktop.ui.lists.search import KeyLineEdit

# Keys typed in the query field that move through the results instead.
_NAVIGATION = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


T = TypeVar("T")


def ranked(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items whose name matches ``query``, best first; equal scores keep their order."""
    scored = []
    for order, item in enumerate(items):
        score = fuzzy_score(query, name(item))
        if score is not None:
            scored.append((-score, order, item))
    return [item for _, _, item in sorted(scored, key=lambda s: (s[0], s[1]))]


def fuzzy_score(query: str, name: str) -> int | None:
    """How well ``query`` matches ``name`` (higher is better), or None if it does not.

    Every non-space character of the query must appear in the name in order; matches at the
    start of a word and runs of adjacent characters count for more, so "tgl dn" finds
    "Toggle Done" ahead of names that merely contain those letters somewhere.
    """
    wanted = [ch for ch in query.lower() if not ch.isspace()]
    text = name.lower()
    score, position, previous = 0, 0, -2
    for ch in wanted:
        found = text.find(ch, position)
        if found < 0:
            return None
        score += 1
        if found == 0 or not text[found - 1].isalnum():
            score += 8
        if found == previous + 1:
            score += 4
        score -= min(found - position, 5)  # a long gap is a weaker match
        previous, position = found, found + 1
    return score


class CommandPalette(QDialog):
    def __init__(self, commands: Callable[[], Sequence[Command]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command Palette")
        self.setAccessibleName("Command palette")
        self._commands = commands
        self._shown: list[Command] = []
        self.query = KeyLineEdit(self)
        self.query.setPlaceholderText("Type a command…")
        self.query.setAccessibleName("Command name")
        self.results = QTreeWidget(self)
        self.results.setAccessibleName("Matching commands")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels(["Command", "Shortcut"])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results.header().setStretchLastSection(False)
        self.results.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the query
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self.resize(520, 420)
        self.query.textChanged.connect(self._filter)
        self.query.returnPressed.connect(self.run_current)
        self.query.escaped.connect(self.reject)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item, _column: self.run_current())

    def open_palette(self) -> None:
        self.query.clear()
        self._filter("")
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def shown_names(self) -> list[str]:
        return [command.name for command in self._shown]

    def _filter(self, text: str) -> None:
        self._shown = ranked(text, self._commands(), lambda command: command.name)
        self.results.clear()
        for command in self._shown:
            item = QTreeWidgetItem(self.results, [command.name, command.key_text])
            if not command.action.isEnabled():
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        first = self.results.topLevelItem(0)
        if first is not None:
            self.results.setCurrentItem(first)

    def run_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        command = self._shown[self.results.indexOfTopLevelItem(item)]
        self.accept()
        # After the palette has closed and focus is back where it was, as if typed there.
        QTimer.singleShot(0, command.action.trigger)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (watched is self.query and isinstance(event, QKeyEvent)):
            return False
        if event.type() == QEvent.Type.KeyPress and event.key() in _NAVIGATION:
            QApplication.sendEvent(self.results, event)
            return True
        return False
