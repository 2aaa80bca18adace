"""Which list the window shows: smart list, order and search text, turned into one query;
the live counts in the sidebar (the database's, with the edits it has not counted yet laid
over them, so they agree with the rows); and keeping the list fresh with other devices'
edits, saying so in the status bar when a task on screen changed elsewhere.

Freshness, cheaply: every ``refresh_ms`` (30 s) one changed-since query, from a little
before the newest version seen, and the changed rows are replaced in place (a row with a
local edit on its way is left alone; rows that no longer belong to the list, and tasks
new to it, wait for the next full reload). Deletions do not show in that query, so when
the window regains focus the list is reloaded in full, quietly (no "Loading" page).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from todo_desktop.core import validation
from todo_desktop.core.clock import end_of_day, utc_now
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.ports import Workspace
from todo_desktop.core.smart_lists import default_sort, query_for
from todo_desktop.core.values import ListCounts, Priority, SmartList, SortKey, Task, TaskDraft, TaskQuery
from todo_desktop.sync.edit_versions import Snapshot, changed_elsewhere, edited_differently
from todo_desktop.ui.lists.sidebar import LIST_NAMES
from todo_desktop.ui.tasks.columns import SORT_BY_COLUMN, Column
from todo_desktop.ui.tasks.details_pane import FIELDS as DETAIL_FIELDS

if TYPE_CHECKING:
    from todo_desktop.ui.main_window import MainWindow

COUNTS_VIEW = "counts"
CHANGES_VIEW = "changes"
REFRESH_MS = 30_000
# Versions are the database's clock at commit; a transaction that started earlier may commit
# a little later with an older stamp, so each poll looks back a few seconds past the newest.
CHANGES_OVERLAP = timedelta(seconds=5)
# With nothing seen yet (an empty list): how far back the first poll looks.
FIRST_LOOK_BACK = timedelta(hours=1)
# Focus coming back this soon after a full load (a dialog of our own closing) reloads nothing.
ACTIVATE_GAP_MS = 10_000
# Many quick edits in a row refresh the counts once, shortly after the last.
COUNTS_DELAY_MS = 150
_PRIORITY_OF = {
    SmartList.PRIORITY_LOW: Priority.LOW,
    SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
    SmartList.PRIORITY_HIGH: Priority.HIGH,
    SmartList.PRIORITY_URGENT: Priority.URGENT,
}


class ListNavigator(QObject):
    def __init__(self, window: MainWindow, zone: tzinfo, *, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(window)
        self._window = window
        self.zone = zone
        self.current = SmartList.INBOX
        self.sort = default_sort(SmartList.INBOX)
        self.text = ""
        self.counts: ListCounts | None = None  # as shown: the database's, with local edits laid over
        self._database_counts: ListCounts | None = None
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        # A batch of edits changes the counts once, when the window next has a moment.
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(0)
        self._show_timer.timeout.connect(self._show_counts)
        window.tasks.editor.counting.changed = self._show_timer.start
        window.sidebar.list_chosen.connect(self.show_list)
        window.search.search_changed.connect(self.set_text)
        window.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        window.tasks.editor.settled.connect(self._counts_timer.start)
        # Freshness: a poll for changes, and a full reload when the window regains focus.
        self.activate_gap_ms = ACTIVATE_GAP_MS
        self._loaded_at = time.monotonic()
        window.tasks.loaded.connect(self._list_loaded)
        self._poll = QTimer(self)
        self._poll.setInterval(refresh_ms)
        self._poll.timeout.connect(self.poll_changes)
        self._poll.start()
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state)

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
        self._show_timer.stop()
        self._poll.stop()

    def forget_counts(self) -> None:
        """The workspace closed: its counts say nothing about the next one."""
        self._counts_timer.stop()
        self.counts = self._database_counts = None
        self._window.sidebar.set_counts(ListCounts({}))
        self._show_count()

    def refresh_counts(self) -> None:
        workspace = self._window.workspace
        if workspace is None:
            return
        now = utc_now()
        editor = self._window.tasks.editor
        # Edits still in the outbox are not in the database's counts, and nobody knows which
        # they are: then the answer includes none of the local edits. Otherwise it includes
        # every edit that has settled by now.
        waiting = workspace.outbox is not None and workspace.outbox.pending_count() > 0
        seen = {} if waiting else editor.counting.snapshot(lambda task_id: not editor.busy(task_id))
        self._window.workers.read(
            COUNTS_VIEW,
            partial(workspace.tasks.counts, now, self.zone),
            partial(self._counted, seen),
            lambda _failure: None,  # the banner or the next refresh speaks for it
            label="counts",
        )

    def _counted(self, seen: Snapshot, counts: ListCounts) -> None:
        self._window.tasks.editor.counting.counted(seen)
        self._database_counts = counts
        self._show_counts()

    def _show_counts(self) -> None:
        """The database's counts with the edits it has not counted yet, as the rows show them."""
        if self._database_counts is None:
            return
        self.counts = self._window.tasks.editor.counting.adjusted(self._database_counts, utc_now(), self.zone)
        self._window.sidebar.set_counts(self.counts)
        self._show_count()

    def _show_count(self) -> None:
        count = self.counts.counts.get(self.current) if self.counts is not None else None
        self._window.status.show_list(LIST_NAMES[self.current], count)

    # Other devices' edits ---------------------------------------------------------------

    @property
    def refresh_ms(self) -> int:
        return self._poll.interval()

    @refresh_ms.setter
    def refresh_ms(self, ms: int) -> None:
        self._poll.setInterval(ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.WindowActivate:
            self.regained_focus()
        return False

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.regained_focus()

    def _list_loaded(self) -> None:
        self._loaded_at = time.monotonic()

    def regained_focus(self) -> None:
        """Reload the list quietly: the only way deletions on other devices show here."""
        window = self._window
        if window.workspace is None or not window.tasks.ready or not self._poll.isActive():
            return
        if (time.monotonic() - self._loaded_at) * 1000 < self.activate_gap_ms:
            return
        self._loaded_at = time.monotonic()  # once, however many activations follow
        window.tasks.reload()
        self.refresh_counts()

    def poll_changes(self) -> None:
        workspace = self._window.workspace
        if workspace is None or not self._window.tasks.ready:
            return
        newest = self._window.tasks.editor.versions.newest
        since = (newest if newest is not None else utc_now() - FIRST_LOOK_BACK) - CHANGES_OVERLAP
        # Edits kept in the outbox may be sent while this read runs, and come back in it
        # looking like someone else's: merge them, but tell nobody about them.
        ours_may_return = workspace.outbox is not None and workspace.outbox.pending_count() > 0
        self._window.workers.read(
            CHANGES_VIEW,
            partial(workspace.tasks.changed_since, since),
            partial(self._changes_arrived, workspace, not ours_may_return),
            lambda _failure: None,  # the banner or the next poll speaks for it
            label="changes",
        )

    def _changes_arrived(self, workspace: Workspace, tell: bool, tasks: list[Task]) -> None:
        if self._window.workspace is not workspace:
            return  # read on a workspace closed meanwhile
        typing = self._typing_in()
        model = self._window.model
        incoming = [t for t in tasks if t.id not in typing]
        before = {t.id: model.task(t.id) for t in incoming}
        if not self._window.tasks.editor.merge(incoming):
            return
        self._counts_timer.start()
        # This window's own edits come back equal to the rows (or differing only in their
        # version), so only what another device changed is news.
        changed = [
            (shown, task)
            for task in incoming
            if (shown := before[task.id]) is not None
            and model.task(task.id) == task
            and edited_differently(shown, task)
        ]
        if tell and changed:
            self._tell_changed(changed)

    def _tell_changed(self, changed: list[tuple[Task, Task]]) -> None:
        """One sentence, without taking focus: the task open in the details first, then the
        one this device wrote most recently, then the first to arrive."""
        pane = self._window.details.task_id
        lately = self._window.tasks.editor.versions.lately(task.id for _, task in changed)
        changed.sort(key=lambda pair: (pair[1].id != pane, pair[1].id != lately))
        shown, task = changed[0]
        self._window.show_message(changed_elsewhere(shown, task, len(changed) - 1))

    def _typing_in(self) -> set[uuid.UUID]:
        """Tasks the person is typing into: their rows wait, so the typing is based on the
        version it started from (a save then meets the other device's edit as a conflict)."""
        window = self._window
        typing: set[uuid.UUID] = set()
        if window.table.state() == QAbstractItemView.State.EditingState:
            current = window.commands.current_task()
            if current is not None:
                typing.add(current.id)
        pane = window.details
        if pane.task_id is not None and any(pane.is_field_dirty(f) for f in DETAIL_FIELDS):
            typing.add(pane.task_id)
        return typing
