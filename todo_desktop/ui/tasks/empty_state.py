"""What an empty list says instead of a blank grid: why it is empty, and what to try.

Drawn over the list's viewport (a child of it, passing every click through), so the list
itself keeps the keyboard and its model stays untouched. It speaks only once the rows of the
list it describes have arrived: while another list is loading, or after a load failed (the
list area or the status bar says so), a sentence about emptiness would be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QVBoxLayout, QWidget

from todo_desktop.core.empty_lists import EMPTY_HEADLINES, tag_empty
from todo_desktop.core.values import SmartList
from todo_desktop.ui.chrome.theme import Space, TextStyle, quiet, set_text_style

# One line of the quick-add language, for a person who has never seen it.
TRY = "Ctrl+N, then try: Call mum friday 5pm #family !high"
EVERY_LIST = "Ctrl+Shift+F searches every list."
NOTHING_SEARCHABLE_HINT = "Type a word to search for, or press Esc to clear the search."
REFUSED_HINT = "Change the search to search again, or press Esc to clear it."
SHOWN_CHARS = 40  # a longer search is cut short in the sentence, with an ellipsis

_HINTS: dict[SmartList, str] = {
    SmartList.INBOX: TRY,
    SmartList.TODAY: TRY,
    SmartList.UPCOMING: "Ctrl+N, then try: Dentist tuesday 9am",
    SmartList.OVERDUE: "Tasks past their due time gather here.",
    SmartList.COMPLETED: "Space marks the selected task done; it moves here.",
}
_LEVEL = {
    SmartList.PRIORITY_URGENT: "urgent",
    SmartList.PRIORITY_HIGH: "high-priority",
    SmartList.PRIORITY_MEDIUM: "medium-priority",
    SmartList.PRIORITY_LOW: "low-priority",
}
_LIST_WORDS = {
    SmartList.INBOX: "the Inbox",
    SmartList.TODAY: "Today",
    SmartList.UPCOMING: "Upcoming",
    SmartList.OVERDUE: "Overdue",
    SmartList.COMPLETED: "Completed",
}


@dataclass(frozen=True)
class ListShown:
    """Which list the rows belong to, as far as an empty one needs to know."""

    smart_list: SmartList = SmartList.INBOX
    tag: str | None = None
    text: str = ""  # the search, already cleaned
    everywhere: bool = False  # the search looks through every list
    refused: str | None = None  # why the search typed cannot run: no rows were read


def empty_sentences(shown: ListShown) -> tuple[str, str]:
    """The headline and the hint an empty ``shown`` list gives."""
    if shown.refused is not None:
        return shown.refused, REFUSED_HINT
    if shown.text:
        words = shown.text if len(shown.text) <= SHOWN_CHARS else shown.text[: SHOWN_CHARS - 1] + "…"
        if not any(char.isalnum() for char in shown.text):  # quotes, minus signs: syntax alone
            return f"“{words}” has no letters or digits to search for.", NOTHING_SEARCHABLE_HINT
        if shown.everywhere:
            return f"Nothing matches “{words}” in any list.", "Try fewer or shorter words."
        return f"Nothing matches “{words}” in {_list_words(shown)}.", EVERY_LIST
    if shown.tag is not None:
        return tag_empty(shown.tag), "Ctrl+N adds one here, with the tag."
    level = _LEVEL.get(shown.smart_list)
    if level is not None:
        return f"No open {level} tasks.", "Ctrl+N adds one here, with that priority."
    return EMPTY_HEADLINES[shown.smart_list], _HINTS[shown.smart_list]


def _list_words(shown: ListShown) -> str:
    if shown.tag is not None:
        return f"#{shown.tag}"
    level = _LEVEL.get(shown.smart_list)
    return f"the {level} tasks" if level is not None else _LIST_WORDS[shown.smart_list]


class EmptyState(QWidget):
    """The sentences over ``view``'s viewport, shown exactly while the list it describes is
    loaded and has no rows. ``expect`` names the list whose rows come next."""

    def __init__(self, view: QAbstractItemView) -> None:
        viewport = view.viewport()
        super().__init__(viewport)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._view = view
        self._shown: ListShown | None = None  # what the rows on screen belong to
        self._expected: ListShown | None = None  # a list asked for, its rows not here yet
        self.headline = QLabel(self)
        self.headline.setAccessibleName("Empty list")
        self.hint = QLabel(self)
        self.hint.setAccessibleName("What to try")
        for label, style in ((self.headline, TextStyle.TITLE), (self.hint, TextStyle.BODY)):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            set_text_style(label, style)
        quiet(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(Space.LARGE, Space.LARGE, Space.LARGE, Space.LARGE)
        layout.setSpacing(Space.SMALL)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.hint)
        layout.addStretch(2)  # above the middle: where the eye lands in an empty pane
        model = view.model()
        model.modelReset.connect(self._rows_arrived)
        model.rowsInserted.connect(self._update)
        model.rowsRemoved.connect(self._update)
        viewport.installEventFilter(self)
        self.setGeometry(viewport.rect())
        self.hide()

    @property
    def text(self) -> str:
        """What it says now (both sentences), or "" while hidden."""
        return f"{self.headline.text()} {self.hint.text()}" if not self.isHidden() else ""

    @property
    def waiting(self) -> bool:
        """Rows were asked for and have not arrived yet."""
        return self._expected is not None

    def expect(self, shown: ListShown) -> None:
        """Rows of ``shown`` were asked for: say nothing until they (a reset) arrive."""
        self._expected = shown
        self._update()

    def _rows_arrived(self) -> None:
        if self._expected is not None:
            self._shown, self._expected = self._expected, None
        self._update()

    def _update(self) -> None:
        empty = self._expected is None and self._shown is not None and self._view.model().rowCount() == 0
        if empty and self._shown is not None:
            headline, hint = empty_sentences(self._shown)
            self.headline.setText(headline)
            self.hint.setText(hint)
        self.setVisible(empty)
        # The overlay is not in the focus chain: the list itself tells a screen reader.
        self._view.setAccessibleDescription(self.text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False
