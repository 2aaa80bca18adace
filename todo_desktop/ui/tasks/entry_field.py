"""The quick-add field: what the quick-add language understood is highlighted as one types,
and the line under the field says it in words ("Tomorrow 17:00 · High · #family").

A part just recognised can be turned back into plain words: Backspace right after it (instead
of deleting its last letter), or Ctrl+Shift+Space for the last recognised part at any time.
Either puts the escape into the text (``literal``), so what is shown is what will be stored.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QInputMethodEvent, QKeyEvent, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import QWidget

from todo_desktop.core.quick_entry import QuickEntry, literal
from todo_desktop.core.quick_entry.result import Part
from todo_desktop.ui.lists.search import KeyLineEdit

PLAIN_KEY = QKeySequence("Ctrl+Shift+Space")


class EntryField(KeyLineEdit):
    """``reader`` reads the text (the window gives it the clock, zone and date order);
    ``understood`` carries the summary line for what the text says, or "" for nothing."""

    understood = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader: Callable[[str], tuple[QuickEntry, str]] | None = None
        self._parts: tuple[Part, ...] = ()
        self._fresh: Part | None = None  # recognised by the last keystroke, ending at the cursor
        self.textEdited.connect(self._typed)
        self.textChanged.connect(self._changed)

    def read_with(self, reader: Callable[[str], tuple[QuickEntry, str]]) -> None:
        self._reader = reader
        self._changed(self.text())

    @property
    def parts(self) -> tuple[Part, ...]:
        return self._parts

    def event(self, event: QEvent) -> bool:
        # Ctrl+Z with no typing of its own to take back is the window's: it undoes the last
        # edit (the task just added), as everywhere else in the window.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            undo = event.matches(QKeySequence.StandardKey.Undo) and not self.isUndoAvailable()
            redo = event.matches(QKeySequence.StandardKey.Redo) and not self.isRedoAvailable()
            if undo or redo:
                event.ignore()  # not claimed by the field: the window's shortcut runs
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if QKeySequence(event.keyCombination()) == PLAIN_KEY and self._parts:
            self._make_plain(self._parts[-1])
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            fresh = self._fresh
            if fresh is not None and not self.hasSelectedText() and self.cursorPosition() == fresh.span[1]:
                self._make_plain(fresh)
                event.accept()
                return
        super().keyPressEvent(event)

    def _make_plain(self, part: Part) -> None:
        text = self.text()
        made = literal(text, part.span)
        self.setText(made)
        self.setCursorPosition(part.span[1] + len(made) - len(text))
        self._fresh = None

    def _typed(self, text: str) -> None:
        # Only typing makes a part "fresh": Backspace then undoes the recognition, not a letter.
        before = {p.span for p in self._parts}
        entry = self._read(text)
        cursor = self.cursorPosition()
        self._fresh = next((p for p in entry.parts if p.span[1] == cursor and p.span not in before), None)

    def _changed(self, text: str) -> None:
        if not text:
            self._fresh = None
        entry = self._read(text)
        self._parts = entry.parts
        self._highlight(entry.parts)

    def _read(self, text: str) -> QuickEntry:
        if self._reader is None or not text.strip():
            self.understood.emit("")
            return QuickEntry(title=text)
        entry, said = self._reader(text)
        self.understood.emit(said)
        return entry

    def _highlight(self, parts: tuple[Part, ...]) -> None:
        # QLineEdit has no rich text; the input-method text formats are the supported way to
        # style parts of its text (they stay in place while the text scrolls).
        marked = QTextCharFormat()
        marked.setBackground(_mark_colour(self))
        marked.setFontUnderline(True)
        cursor = self.cursorPosition()
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat, p.span[0] - cursor, p.span[1] - p.span[0], marked
            )
            for p in parts
        ]
        QCoreApplication.sendEvent(self, QInputMethodEvent("", attributes))


def _mark_colour(field: QWidget) -> QColor:
    colour = QColor(field.palette().highlight().color())
    colour.setAlpha(60)  # a tint: the text keeps the field's own colour and contrast
    return colour
