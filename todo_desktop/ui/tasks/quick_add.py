"""The quick-add field: what is typed becomes a task in the list on screen.

Typed while the database is still starting, the task waits here and is added when the
workspace opens. Refused by the database, its title comes back to the field, or waits its
turn behind newer typing, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QObject, Signal

from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.tasks.entry_field import EntryField

EARLY_ADD = "The database is still starting; {count} new task(s) will be added as soon as it is ready."


class QuickAdd(QObject):
    added = Signal()  # a task went to the database: the list shows its top
    message = Signal(str)

    def __init__(
        self,
        field: EntryField,
        draft: Callable[[str], TaskDraft | None],
        add: Callable[[TaskDraft], bool],
        starting: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        """``draft`` turns text into a task for the list on screen (or says why not);
        ``add`` hands it to the database; ``starting`` says the workspace is still opening."""
        super().__init__(parent)
        self._field = field
        self._draft = draft
        self._add = add
        self._starting = starting
        self.early: list[TaskDraft] = []  # typed while the database was starting
        self._given_back: list[str] = []  # refused titles waiting for the field
        field.returnPressed.connect(self.add_typed)

    def add_typed(self) -> None:
        # The text stays in the field unless the task was handed to the database.
        draft = self._draft(self._field.text())
        if draft is None:
            return
        if self._starting():
            self.early.append(draft)
            self._empty()
            self.message.emit(EARLY_ADD.format(count=len(self.early)))
            return
        if self._add(draft):
            self._empty()
            if self._given_back:
                self._field.setText(self._given_back.pop(0))
            self.added.emit()

    def _empty(self) -> None:
        # Without the field's undo history too: Ctrl+Z next takes back the task just added
        # (``EntryField``), instead of bringing its text back for Enter to add it twice.
        self._field.setText("")

    def give_back(self, title: str) -> None:
        if not self._field.text():
            self._field.setText(title)
        else:  # the field holds newer typing: this one waits its turn, not lost
            self._given_back.append(title)

    def add_early(self) -> None:
        """The workspace is open: hand over what was typed while it was starting."""
        drafts, self.early = self.early, []
        for draft in drafts:
            self._add(draft)

    def wait_for_opening(self, wait_ms: int) -> bool:
        """Quitting right after typing on a cold start: the tasks exist only here, so wait
        for the database (bounded) rather than lose them. True when none is left waiting."""
        deadline = QDeadlineTimer(wait_ms)
        loop = QEventLoop(self)
        while self.early and self._starting() and not deadline.hasExpired():
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return not self.early
