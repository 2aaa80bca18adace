"""Which list the window shows: smart list (or tag), order and search text, turned into one query;
the live counts in the sidebar (the database's, with the edits it has not counted yet laid
over them, so they agree with the rows); and keeping the list fresh with other devices'
edits, saying so in the status bar when a task on screen changed elsewhere.

Freshness, cheaply: every ``refresh_ms`` (30 s) one read of what changed and what was deleted
since the previous poll began (by a cursor the database gives, in commit order, so an edit
whose transaction ran long still comes), and the changed rows are replaced in place (a row
with a local edit on its way is left alone; rows that no longer belong to the list, and tasks
new to it, wait for the next full reload). When the window regains focus the list is reloaded
in full, quietly (no "Loading" page).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from todo_desktop.core import validation
from todo_desktop.core.clock import end_of_day, utc_now
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.new_task import draft_for, for_list
from todo_desktop.core.ports import Workspace
from todo_desktop.core.quick_entry import QuickEntry, day_first_for, parse, summary
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.reminders import ReminderDefault
from todo_desktop.core.search_terms import marked_words
from todo_desktop.core.smart_lists import default_sort, query_for
from todo_desktop.core.values import (
    ListCounts,
    SmartList,
    SortKey,
    Status,
    TagCount,
    TaskDraft,
    TaskQuery,
)
from todo_desktop.sync.edit_versions import Snapshot
from todo_desktop.ui.lists.elsewhere import merge_changes, news
from todo_desktop.ui.lists.sidebar import LIST_NAMES
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tasks.columns import SORT_BY_COLUMN, Column
from todo_desktop.ui.tasks.task_list import Changes, TaskListController, read_changes
from todo_desktop.ui.workers import Workers

COUNTS_VIEW = "counts"
CHANGES_VIEW = "changes"
REFRESH_MS = 30_000
# Focus coming back this soon after a full load (a dialog of our own closing) reloads nothing.
ACTIVATE_GAP_MS = 10_000
# Many quick edits in a row refresh the counts once, shortly after the last.
COUNTS_DELAY_MS = 150


EVERYWHERE = "All lists"


class ListNavigator(QObject):
    """Which list, order and search text; its views (sidebar, header, menus, status bar)
    follow its signals, and the task list follows ``query_changed``."""

    list_shown = Signal(object)  # SmartList
    tag_shown = Signal(str)  # the list shows the open tasks with this tag
    sort_shown = Signal(object)  # SortKey
    counts_shown = Signal(object)  # ListCounts, as the rows show them
    count_shown = Signal(str, object)  # the list's name, and its count or None
    query_changed = Signal(object)  # TaskQuery
    counts_requested = Signal()  # the counts are read again: whatever counts along follows
    message = Signal(str)
    scope_shown = Signal(bool)  # a search looks through every list (True) or the one shown
    find_requested = Signal()  # the search field should take the keyboard
    searched = Signal(object)  # the words a search finds, to be marked in the rows
    search_refused = Signal(str)  # why the text in the search field cannot be searched for

    def __init__(
        self,
        session: WorkspaceSession,
        tasks: TaskListController,
        workers: Workers,
        zone: tzinfo,
        *,
        typing_in: Callable[[], set[uuid.UUID]] = set,
        in_details: Callable[[], uuid.UUID | None] = lambda: None,
        refresh_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        """``typing_in``: the tasks someone is typing into (their rows wait for the typing);
        ``in_details``: the task open in the details pane (its news is told first)."""
        super().__init__(parent)
        self._session = session
        self._tasks = tasks
        self._workers = workers
        self._typing_in = typing_in
        self._in_details = in_details
        self.zone = zone
        # For new tasks whose text names no reminder (the person's setting; see ui.reminders).
        self.reminder_default = ReminderDefault.NONE
        # Which of 5/6 and 6/5 is the 5th of June: the order of the person's own short dates.
        self.day_first = day_first_for(QLocale().dateFormat(QLocale.FormatType.ShortFormat))
        self.current = SmartList.INBOX
        self.sort = default_sort(SmartList.INBOX)
        self.text = ""
        self.refused: str | None = None  # the search field's text cannot run: why, in a sentence
        self.everywhere = False  # a search looks through every list, best match first
        self.tag: str | None = None  # the tag whose open tasks are shown, instead of a smart list
        self._tag_counts: dict[str, TagCount] = {}
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
        tasks.editor.counting.changed = self._show_timer.start
        tasks.editor.settled.connect(self._counts_timer.start)
        session.closed.connect(self.forget_counts)
        # Queued: after the window has loaded the new workspace's list for the query.
        session.opened.connect(self._opened, Qt.ConnectionType.QueuedConnection)
        # Freshness: a poll for changes, and a full reload when the window regains focus.
        self.activate_gap_ms = ACTIVATE_GAP_MS
        self._loaded_at = time.monotonic()
        tasks.loaded.connect(self._list_loaded)
        self._poll = QTimer(self)
        self._poll.setInterval(refresh_ms)
        self._poll.timeout.connect(self.poll_changes)
        self._poll.start()
        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state)

    # The query -------------------------------------------------------------------------

    def query(self, now: datetime | None = None) -> TaskQuery:
        if self.everywhere and self.text:  # every task, open or done, best match first
            return TaskQuery(text=self.text, status=Status.ALL, ranked=True)
        base = TaskQuery(text=self.text, sort=self.sort, tag=self.tag)
        return query_for(self.current, now or utc_now(), self.zone, base=base)

    def find(self, *, everywhere: bool) -> None:
        """Search the list shown (Ctrl+F) or every list (Ctrl+Shift+F): the field takes the keys."""
        if everywhere != self.everywhere:
            self._set_scope(everywhere)
            if self.text:
                self._apply()
        self.find_requested.emit()

    def _opened(self) -> None:
        if self.refused is not None:
            self._apply()

    def _set_scope(self, everywhere: bool) -> None:
        self.everywhere = everywhere
        self.scope_shown.emit(everywhere)
        self._show_count()

    def _apply(self) -> None:
        if self.refused is not None:  # rows of the search before would pass for its results
            self.search_refused.emit(self.refused)
            self._tasks.show_nothing()
            return
        self.query_changed.emit(self.query())

    def show_list(self, smart_list: SmartList, *, load: bool = True) -> None:
        self.current = smart_list
        self.tag = None
        if self.everywhere:  # choosing a list searches that list
            self._set_scope(False)
        self.sort = default_sort(smart_list)
        self.list_shown.emit(smart_list)
        self._show_sort()
        self._show_count()
        if load:
            self._apply()

    def show_tag(self, name: str) -> None:
        """The open tasks with the tag ``name``, as the sidebar counts them."""
        if self.tag is None:
            self.sort = default_sort(SmartList.INBOX)
        self.current = SmartList.INBOX
        self.tag = name
        if self.everywhere:
            self._set_scope(False)
        self.tag_shown.emit(name)
        self._show_sort()
        self._show_count()
        self._apply()

    def tag_renamed(self, old: str, new: str) -> None:
        """A tag was renamed (or merged, or put back): a list of it follows to its new name."""
        if self.tag is not None and tag_key(self.tag) == tag_key(old):
            self.show_tag(new)

    def tag_removed(self, name: str) -> None:
        if self.tag is not None and tag_key(self.tag) == tag_key(name):
            self.show_list(SmartList.INBOX)

    def set_tag_counts(self, tags: list[TagCount]) -> None:
        self._tag_counts = {tag_key(t.name): t for t in tags}
        if self.tag is not None:
            self._show_count()

    def set_sort(self, key: SortKey) -> None:
        self.sort = key
        self._show_sort()
        self._apply()

    def header_clicked(self, column: int) -> None:
        key = SORT_BY_COLUMN.get(Column(column))
        if key is None:
            self._show_sort()  # the header flipped its arrow on its own; put it back
        else:
            self.set_sort(key)

    def _show_sort(self) -> None:
        self.sort_shown.emit(self.sort)

    def set_text(self, text: str) -> None:
        try:
            cleaned = validation.search_text(text)
        except ValidationError as exc:
            # Said where the rows would be (``ui.tasks.empty_state``), for as long as it holds.
            self.refused = exc.message  # self.text stays: what the other views still search for
            self.searched.emit(())
            self._apply()
            return
        if cleaned != self.text or self.refused is not None:
            self.text, self.refused = cleaned, None
            self.searched.emit(marked_words(cleaned))
            if self.everywhere:
                self._show_count()
            self._apply()

    # New tasks -------------------------------------------------------------------------

    def end_of_day(self, days_ahead: int) -> datetime:
        return end_of_day(utc_now(), self.zone, days_ahead)

    def read_entry(self, text: str) -> tuple[QuickEntry, str]:
        """What the quick-add language reads in ``text``, and the line that says so."""
        now = utc_now()
        entry = parse(text, now, self.zone, day_first=self.day_first)
        return entry, summary(entry, now, self.zone)

    def read_new_task(self, text: str) -> tuple[QuickEntry, str]:
        """As `read_entry`, for a task typed into the list on screen: without a date of its own
        it gets the list's (``core.new_task.for_list``), and the line says so."""
        now = utc_now()
        entry = for_list(parse(text, now, self.zone, day_first=self.day_first), self.current, now, self.zone)
        return entry, summary(entry, now, self.zone)

    def draft(self, text: str) -> TaskDraft | None:
        """A new task for the list on screen (``core.new_task``); None, said, when it cannot be."""
        entry, _said = self.read_entry(text)
        try:
            return draft_for(entry, self.current, self.tag, utc_now(), self.zone, self.reminder_default)
        except ValidationError as exc:
            self.message.emit(exc.message)
            return None

    # Counts ----------------------------------------------------------------------------

    def stop(self) -> None:
        self._counts_timer.stop()
        self._show_timer.stop()
        self._poll.stop()

    def forget_counts(self) -> None:
        """The workspace closed: its counts say nothing about the next one."""
        self._counts_timer.stop()
        self._workers.drop_pending(COUNTS_VIEW)
        self.counts = self._database_counts = None
        self.counts_shown.emit(ListCounts({}))
        self._show_count()

    def refresh_counts(self) -> None:
        workspace = self._session.workspace
        if workspace is None:
            return
        self.counts_requested.emit()
        now = utc_now()
        editor = self._tasks.editor
        # Edits still in the outbox are not in the database's counts, and nobody knows which
        # they are: then the answer includes none of the local edits. Otherwise it includes
        # every edit that has settled by now.
        waiting = workspace.outbox is not None and workspace.outbox.pending_count() > 0
        seen = {} if waiting else editor.counting.snapshot(lambda task_id: not editor.busy(task_id))
        self._workers.read(
            COUNTS_VIEW,
            partial(workspace.tasks.counts, now, self.zone),
            partial(self._counted, seen),
            lambda _failure: None,  # the banner or the next refresh speaks for it
            label="counts",
        )

    def _counted(self, seen: Snapshot, counts: ListCounts) -> None:
        self._tasks.editor.counting.counted(seen)
        self._database_counts = counts
        self._show_counts()

    def _show_counts(self) -> None:
        """The database's counts with the edits it has not counted yet, as the rows show them."""
        if self._database_counts is None:
            return
        self.counts = self._tasks.editor.counting.adjusted(self._database_counts, utc_now(), self.zone)
        self.counts_shown.emit(self.counts)
        self._show_count()

    def _show_count(self) -> None:
        if self.everywhere and self.text:
            self.count_shown.emit(EVERYWHERE, None)
            return
        if self.tag is not None:
            known = self._tag_counts.get(tag_key(self.tag))
            self.count_shown.emit(f"#{self.tag}", known.open_count if known is not None else None)
            return
        count = self.counts.counts.get(self.current) if self.counts is not None else None
        self.count_shown.emit(LIST_NAMES[self.current], count)

    # Other devices' edits ---------------------------------------------------------------

    @property
    def refresh_ms(self) -> int:
        return self._poll.interval()

    @refresh_ms.setter
    def refresh_ms(self, ms: int) -> None:
        self._poll.setInterval(ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Installed on the window by whoever builds it.
        if event.type() == QEvent.Type.WindowActivate:
            self.regained_focus()
        return False

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.regained_focus()

    def _list_loaded(self) -> None:
        self._loaded_at = time.monotonic()

    def regained_focus(self) -> None:
        """Reload the list quietly: what a poll cannot bring in shows now (a task added
        elsewhere past the first page read, a change that moved a task into this list)."""
        if self._session.workspace is None or not self._tasks.ready or not self._poll.isActive():
            return
        if (time.monotonic() - self._loaded_at) * 1000 < self.activate_gap_ms:
            return
        self._loaded_at = time.monotonic()  # once, however many activations follow
        self._tasks.reload()
        self.refresh_counts()

    def poll_changes(self) -> None:
        workspace = self._session.workspace
        if workspace is None or not self._tasks.ready:
            return
        cursor = self._tasks.change_cursor
        if cursor is None:
            return  # the list's first read takes one (none on a schema of another version)
        # Edits kept in the outbox may be sent while this read runs, and come back in it
        # looking like someone else's: merge them, but tell nobody about them.
        ours_may_return = workspace.outbox is not None and workspace.outbox.pending_count() > 0
        self._workers.read(
            CHANGES_VIEW,
            partial(read_changes, workspace.tasks, cursor),
            partial(self._changes_arrived, workspace, not ours_may_return),
            lambda _failure: None,  # the banner or the next poll speaks for it
            label="changes",
        )

    def _changes_arrived(self, workspace: Workspace, tell: bool, changes: Changes) -> None:
        if self._session.workspace is not workspace:
            return  # read on a workspace closed meanwhile
        self._tasks.change_cursor = changes.cursor
        merged = merge_changes(self._tasks, changes, self._typing_in())
        if not changes.complete:
            # Too many to merge row by row (an import elsewhere): the whole list, read afresh,
            # shows them, and the next poll goes on from what that read cannot see.
            self._loaded_at = time.monotonic()
            self._tasks.reload()
            self.refresh_counts()
        elif merged.recount:
            self._counts_timer.start()
        for sentence in news(merged, self._tasks, self._in_details()) if tell else []:
            self.message.emit(sentence)
