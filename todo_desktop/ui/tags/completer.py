"""Completing the ``#word`` being typed from the tags that exist.

A QCompleter set on a line edit completes its whole text; here it completes only the word
at the cursor, and only one that starts with ``#`` and a letter, so typing a title never
pops anything up. Enter or Tab takes the highlighted tag; Esc closes the list and leaves
the typing as it is.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QListView

from todo_desktop.ui.lists.search import KeyLineEdit

# The word ending at the cursor: from the last space or comma before it.
_WORD_START = re.compile(r"[^\s,]*$")


class TagCompleter(QObject):
    def __init__(self, field: QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent or field)
        self._field = field
        self._names = QStringListModel(self)
        self.completer = QCompleter(self._names, self)
        self.completer.setWidget(field)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.popup = QListView()
        self.popup.setAccessibleName("Matching tags")
        self.completer.setPopup(self.popup)  # the completer owns it from here
        self.completer.activated[str].connect(self._insert)  # type: ignore[index]
        field.textEdited.connect(self._typed)
        if isinstance(field, KeyLineEdit):
            field.popup_open = self.popup_open

    def set_names(self, names: list[str]) -> None:
        self._names.setStringList(names)

    def popup_open(self) -> bool:
        return self.popup.isVisible()

    def _word(self) -> tuple[int, str]:
        """Where the word at the cursor starts, and the word."""
        before = self._field.text()[: self._field.cursorPosition()]
        found = _WORD_START.search(before)
        start = found.start() if found is not None else len(before)
        return start, before[start:]

    def _typed(self, _text: str) -> None:
        _start, word = self._word()
        if len(word) < 2 or word[0] != "#" or not word[1].isalpha():
            self.popup.hide()
            return
        self.completer.setCompletionPrefix(word[1:])
        if self.completer.completionCount() == 0:
            self.popup.hide()
            return
        popup = self.popup
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self._field.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)

    def _insert(self, name: str) -> None:
        start, word = self._word()
        if not word.startswith("#"):
            return
        field = self._field
        after = field.text()[field.cursorPosition() :]
        field.setSelection(start, len(word))
        field.insert(f"#{name}" + ("" if after[:1].isspace() else " "))
