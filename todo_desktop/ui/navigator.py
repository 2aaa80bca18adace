"""Which list the window shows: smart list, order and search text, turned into one query;
and the live counts in the sidebar."""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from todo_desktop import validation
from todo_desktop.errors import ValidationError
from todo_desktop.smart_lists import default_sort, query_for
from todo_desktop.ui.clock import end_of_day, utc_now
from todo_desktop.ui.sidebar import LIST_NAMES
from todo_desktop.ui.task_columns import SORT_BY_COLUMN, Column
from todo_desktop.values import ListCounts, Priority, SmartList, SortKey, TaskDraft, TaskQuery

if TYPE_CHECKING:
    from todo_desktop.ui.main_window import MainWindow

COUNTS_VIEW = "counts"
# Many quick edits in a row refresh the counts once, shortly after the last.
COUNTS_DELAY_MS = 150
_PRIORITY_OF = {
    SmartList.PRIORITY_LOW: Priority.LOW,
    SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
    SmartList.PRIORITY_HIGH: Priority.HIGH,
    SmartList.PRIORITY_URGENT: Priority.URGENT,
}


class ListNavigator(QObject):
    def __init__(self, window: MainWindow, zone: tzinfo) -> None:
        super().__init__(window)
        self._window = window
        self.zone = zone
        self.current = SmartList.INBOX
        self.sort = default_sort(SmartList.INBOX)
        self.text = ""
        self.counts: ListCounts | None = None
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        window.sidebar.list_chosen.connect(self.show_list)
        window.search.search_changed.connect(self.set_text)
        window.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        window.tasks.editor.settled.connect(self._counts_timer.start)

    # The query -------------------------------------------------------------------------

    def query(self, now: datetime | None = None) -> TaskQuery:
        base = TaskQuery(text=self.text, sort=self.sort)
        return query_for(self.current, now or utc_now(), self.zone, base=base)

    def _apply(self) -> None:
        self._window.tasks.set_query(self.query())

    def show_list(self, smart_list: SmartList, *, load: bool = True) -> None:
        self.current = smart_list
        self.sort = default_sort(smart_list)
        self._window.sidebar.set_current(smart_list)
        self._show_sort()
        self._show_count()
        if load:
            self._apply()

    def set_sort(self, key: SortKey) -> None:
        self.sort = key
        self._show_sort()
        self._apply()

    def _header_clicked(self, column: int) -> None:
        key = SORT_BY_COLUMN.get(Column(column))
        if key is None:
            self._show_sort()  # the header flipped its arrow on its own; put it back
        else:
            self.set_sort(key)

    def _show_sort(self) -> None:
        self._window.area.show_sort(self.sort)
        actions = getattr(self._window, "action_set", None)  # not yet while the window is built
        action = actions.sorts.get(self.sort) if actions is not None else None
        if action is not None:
            action.setChecked(True)

    def set_text(self, text: str) -> None:
        try:
            cleaned = validation.search_text(text)
        except ValidationError as exc:
            self._window.show_message(exc.message)
            return
        if cleaned != self.text:
            self.text = cleaned
            self._apply()

    # New tasks -------------------------------------------------------------------------

    def end_of_day(self, days_ahead: int) -> datetime:
        return end_of_day(utc_now(), self.zone, days_ahead)

    def draft(self, text: str) -> TaskDraft | None:
        """A new task for the list on screen, so it shows up where it was typed."""
        try:
            title = validation.title(text)
        except ValidationError as exc:
            self._window.show_message(exc.message)
            return None
        due: datetime | None = None
        if self.current in (SmartList.TODAY, SmartList.OVERDUE):
            due = self.end_of_day(0)  # the soonest a new task can be due and still be open
        elif self.current is SmartList.UPCOMING:
            due = self.end_of_day(1)
        priority = _PRIORITY_OF.get(self.current, Priority.MEDIUM)
        completed = self.current is SmartList.COMPLETED
        return TaskDraft(title=title, due_date=due, priority=priority, completed=completed)

    # Counts ----------------------------------------------------------------------------

    def stop(self) -> None:
        self._counts_timer.stop()

    def forget_counts(self) -> None:
        """The workspace closed: its counts say nothing about the next one."""
        self._counts_timer.stop()
        self.counts = None
        self._window.sidebar.set_counts(ListCounts({}))
        self._show_count()

    def refresh_counts(self) -> None:
        workspace = self._window.workspace
        if workspace is None:
            return
        now = utc_now()
        self._window.workers.read(
            COUNTS_VIEW,
            partial(workspace.tasks.counts, now, self.zone),
            self._counted,
            lambda _failure: None,  # the banner or the next refresh speaks for it
            label="counts",
        )

    def _counted(self, counts: ListCounts) -> None:
        self.counts = counts
        self._window.sidebar.set_counts(counts)
        self._show_count()

    def _show_count(self) -> None:
        count = self.counts.counts.get(self.current) if self.counts is not None else None
        self._window.status.show_list(LIST_NAMES[self.current], count)
