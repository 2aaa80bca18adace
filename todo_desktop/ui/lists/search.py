"""Text fields of the main window: one that reports Esc, and the debounced search field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DEBOUNCE_MS = 200


_POPUP_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape}
# Keys the search field passes to the results, as a quick-open box does: the field keeps
# the keyboard, so typing goes on while they walk the rows.
_RESULT_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
_CHOOSE_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
# The keypad's arrows and Enter carry this modifier; they are the same keys.
_PLAIN = {Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier}


class KeyLineEdit(QLineEdit):
    """A line edit that tells its owner about Esc (leave the field) instead of ignoring it."""

    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Set by a completer whose list pops up over the field: while it shows, Enter, Tab
        # and Esc are the list's (take a tag, close it), not the field's (add, leave).
        self.popup_open: Callable[[], bool] = lambda: False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _POPUP_KEYS and self.popup_open():
            event.ignore()
            return
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AppKeysFirst(QObject):
    """Lets a few window shortcuts win over a text field's own binding for the same keys.

    On X11 desktops Ctrl+K means "delete to end of line" in Qt's text fields, which would
    make the command palette unreachable while typing.
    """

    def __init__(self, keys: list[QKeySequence], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys = {key.toString() for key in keys}

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination()).toString()
            if pressed in self._keys:
                event.ignore()  # not claimed by the field: the shortcut runs
                return True
        return False


class SearchField(KeyLineEdit):
    """Filters the list as one types; the query goes out once typing pauses. The arrows and
    the page keys move through the results, and Enter takes the one they rest on."""

    search_changed = Signal(str)
    moved = Signal(QKeyEvent)  # an arrow or page key, for the results to move by
    chosen = Signal()  # Enter: the current result, as Enter in the list would take it

    def __init__(self, parent: QWidget | None = None, debounce_ms: int = SEARCH_DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.set_everywhere(False)
        self.setClearButtonEnabled(True)
        self._sent = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.send_now)
        self.textChanged.connect(lambda _text: self._timer.start())

    def set_everywhere(self, everywhere: bool) -> None:
        """Say where a search looks: every list, best match first, or the list shown."""
        if everywhere:
            self.setPlaceholderText("Search all lists  (Ctrl+Shift+F)")
            self.setAccessibleName("Search all lists")
        else:
            # The field is narrow beside quick add: the other scope's key is in the tooltip.
            self.setPlaceholderText("Search this list  (Ctrl+F)")
            self.setAccessibleName("Search tasks")
        self.setToolTip("Ctrl+F searches the list shown; Ctrl+Shift+F searches all lists, best match first.")

    @property
    def sent(self) -> str:
        return self._sent

    def send_now(self) -> None:
        self._timer.stop()
        if self.text() != self._sent:
            self._sent = self.text()
            self.search_changed.emit(self._sent)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in _PLAIN
        if plain and event.key() in _RESULT_KEYS:
            self.moved.emit(event)
            event.accept()
            return
        if plain and event.key() in _CHOOSE_KEYS:
            self.send_now()  # what is typed, not what was typed before the pause
            self.chosen.emit()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.clear()  # Esc clears the search at once, then leaves (the owner handles that)
            self.send_now()
        super().keyPressEvent(event)
