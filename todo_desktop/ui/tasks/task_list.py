"""The open list: which query it shows, and the pages of it loaded into the model.

Pages arrive from read workers; a page for an older query is dropped by the worker helper
(every read of the list shares one view name). Writes go through ``self.editor``.
"""

from __future__ import annotations

import gc
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.changes import ChangeCursor
from todo_desktop.core.errors import ChangesLostError
from todo_desktop.core.list_sections import sections_apply
from todo_desktop.core.page_sizes import FIRST_PAGE, MOST_REREAD, NEXT_PAGE, first_page_for
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import Cursor, Status, Task, TaskPage, TaskQuery
from todo_desktop.ui.tasks.completed_rows import CompletedRows
from todo_desktop.ui.tasks.edits import TaskEditor
from todo_desktop.ui.tasks.settled_writes import SettledWrites
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.workers import Workers

LIST_VIEW = "task-list"

CHANGES_PAGE = 500  # tasks per read: the data layer's default
# A poll reads at most about this many; past that, the list is read again in full instead.
MOST_CHANGES = 20 * CHANGES_PAGE
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Changes:
    """One poll's answer: the tasks changed, the tasks deleted with when each went, where the
    next poll starts, and whether it read them all (not past ``MOST_CHANGES``)."""

    tasks: list[Task]
    removed: dict[uuid.UUID, datetime]
    cursor: ChangeCursor
    complete: bool = True


def read_changes(service: TaskService, cursor: ChangeCursor, page: int = CHANGES_PAGE) -> Changes:
    """On a worker: what changed, and what was deleted, from ``cursor`` on, page after page.

    The next poll's cursor is taken first: whatever these reads cannot see yet (a transaction
    still running, however long) is at or past it, so the next poll reads it once it commits."""
    following = service.change_cursor() or cursor

    def changed(after: ChangeCursor) -> tuple[dict[uuid.UUID, Task], ChangeCursor | None]:
        found = service.changed_since(after, page)
        return {t.id: t for t in found.tasks}, found.more

    def removed(after: ChangeCursor) -> tuple[dict[uuid.UUID, datetime], ChangeCursor | None]:
        found = service.removed_since(after, page)
        return found.removed, found.more

    try:
        tasks, all_changed = _every_page(changed, cursor)
        gone, all_removed = _every_page(removed, cursor)
    except ChangesLostError:
        # The database went back past ``cursor`` (restored): nothing tells what changed since,
        # so the whole list is read again, and polls go on from ``following``, its own.
        return Changes([], {}, following, complete=False)
    return Changes(list(tasks.values()), gone, following, all_changed and all_removed)


def _every_page(
    read: Callable[[ChangeCursor], tuple[Mapping[uuid.UUID, V], ChangeCursor | None]], cursor: ChangeCursor
) -> tuple[dict[uuid.UUID, V], bool]:
    """The rows of ``read``'s pages from ``cursor`` on, each task once (its last read wins),
    and whether they are all in: False when ``MOST_CHANGES`` came before the last page."""
    found: dict[uuid.UUID, V] = {}
    after: ChangeCursor | None = cursor
    while after is not None:
        if len(found) >= MOST_CHANGES:
            return found, False
        rows, after = read(after)
        found.update(rows)
    return found, True


def _first_read(
    service: TaskService, query: TaskQuery, *, wants_cursor: bool
) -> tuple[ChangeCursor | None, TaskPage]:
    """On a worker: the list's first page, and before it, when asked, where polls for changes
    start: what this read cannot see yet is then read by the first poll."""
    cursor = service.change_cursor() if wants_cursor else None
    return cursor, service.list(query)


class TaskListController(QObject):
    message = Signal(str)  # one sentence for the status bar
    loaded = Signal()  # a first page arrived
    load_failed = Signal(str)  # the first page could not be read
    add_failed = Signal(str)  # the title of a task the database refused, so it can be retyped

    def __init__(
        self, workers: Workers, query: TaskQuery | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._first_rows = FIRST_PAGE
        self._query = replace(query or TaskQuery(), after=None)
        self._service: TaskService | None = None
        self._cursor: Cursor | None = None
        # Where the next poll for other devices' changes starts (ui.lists.navigator polls): the
        # first list read takes one from the database, before it reads, and each poll moves it.
        self.change_cursor: ChangeCursor | None = None
        self._pages = 0  # read since the last reload
        self._showing_nothing = False  # no query fits what is asked: no rows, and none read
        self.model = TaskTableModel(self._fetch_next, parent=self)
        self.model.set_sections(sections_apply(self._query))
        self.completed_rows = CompletedRows(self.model, self)
        self.completed_rows.enabled = self._query.status is Status.OPEN
        # Writes confirmed while a list read is on its way: the editor notes them, and the
        # pages read are laid over with them.
        self._confirmed_since = SettledWrites(lambda: workers.reading(LIST_VIEW))
        self.editor = TaskEditor(workers, self.model, self.reload, self._confirmed_since, parent=self)
        self.editor.message.connect(self.message)
        self.editor.add_failed.connect(self.add_failed)

    @property
    def ready(self) -> bool:
        return self._service is not None

    @property
    def query(self) -> TaskQuery:
        return self._query

    def fit_rows(self, rows_shown: int) -> None:
        """The table now shows ``rows_shown`` rows: the next first reads fill it in one read
        (the rows read now stay; a taller view asks for more of them itself)."""
        self._first_rows = first_page_for(rows_shown)

    def bind(self, service: TaskService) -> None:
        self._service = service
        self.editor.bind(service)
        self.reload()

    def unbind(self) -> None:
        """Show no list: the workspace closed. Writes in flight still finish on the old service."""
        self._service = None
        self._cursor = None
        self.change_cursor = None
        self._workers.drop_pending(LIST_VIEW)
        self.editor.unbind()
        self.model.set_rows([])

    def set_query(self, query: TaskQuery) -> None:
        """Show another list, order or search; the rows now on screen belong to the old one."""
        self._showing_nothing = False
        self._query = replace(query, after=None)
        self.editor.generation += 1
        self.model.set_sections(sections_apply(self._query))
        self.completed_rows.enabled = self._query.status is Status.OPEN
        self._read_first(self._first_rows)

    def show_nothing(self) -> None:
        """No rows until the next ``set_query``: the search typed cannot be run, and the rows
        of the one before would pass for its results. No reload brings them back meanwhile."""
        self._showing_nothing = True
        if self._service is None:
            return  # no list is shown (nor its place taken): the next bind asks again
        self.editor.generation += 1
        self._workers.drop_pending(LIST_VIEW)
        self._cursor = None
        self._pages = 0
        self.model.set_rows([])
        self.loaded.emit()

    # Reads -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again: as many rows as are loaded (up to ``MOST_REREAD``), so that the
        person's place among them stays."""
        self._read_first(max(self._first_rows, min(self.model.rowCount(), MOST_REREAD)))

    def _read_first(self, rows: int) -> None:
        if self._service is None or self._showing_nothing:
            return
        self._pages = 0
        self.model.begin_loading()
        query = replace(self._query, limit=rows)
        self._workers.read(
            LIST_VIEW,
            partial(_first_read, self._service, query, wants_cursor=self.change_cursor is None),
            partial(self._first_page, self._confirmed_since.mark()),
            self._first_page_failed,
            label="list",
        )

    def _fetch_next(self) -> None:
        if self._service is None or self._cursor is None:
            self.model.stop_fetching()
            return
        query = replace(self._query, after=self._cursor, limit=NEXT_PAGE)
        self._workers.read(
            LIST_VIEW,
            partial(self._service.list, query),
            partial(self._next_page, self._confirmed_since.mark()),
            self._next_page_failed,
            label="next page",
        )

    def unseen(self, tasks: Iterable[Task]) -> bool:
        """Whether any of ``tasks``, changes read from the database before they are merged,
        is one this list does not show, at a version this window never had: another device
        added it, or changed it, maybe into this list."""
        versions = self.editor.versions
        return any(self.model.task(t.id) is None and versions.expected(t.id) != t.updated_at for t in tasks)

    def drop_removed(
        self, removed: Mapping[uuid.UUID, datetime], *, keep: Collection[uuid.UUID]
    ) -> list[Task]:
        """Take out the rows of tasks deleted elsewhere after the version shown (a task restored
        since shows a later one), but not those in ``keep`` (typed into) or with an edit of
        this window on its way. Returns the tasks taken out, in their order on screen."""
        gone = [
            task_id
            for task_id, when in removed.items()
            if task_id not in keep
            and not self.editor.busy(task_id)
            and (shown := self.model.task(task_id)) is not None
            and shown.updated_at < when
        ]
        return [task for _row, task in self.model.remove_ids(gone)]

    def reread_first_page(self) -> bool:
        """Read the list again, quietly, when its first page is all it has read; past that, the
        rows read later and the person's place among them would go (F5 or the next time the
        window is activated reads it all again). Returns whether it reads."""
        if self._service is None or self._pages != 1:
            return False
        self.reload()
        return True

    def _first_page(self, mark: int, read: tuple[ChangeCursor | None, TaskPage]) -> None:
        cursor, page = read
        if self.change_cursor is None:
            self.change_cursor = cursor
        self._pages = 1
        self._cursor = page.next_cursor
        shown = {t.id for t in page.tasks}
        unsaved = [t for t in self.editor.unsaved() if t.id not in shown]
        # Added once the read had begun, and shown where the person put them meanwhile.
        added = self._confirmed_since.added_since(mark, shown | {t.id for t in unsaved})
        added = [t for t in added if self.model.task(t.id) is not None]
        # Before the reset: guesses are read from the rows.
        rows = self.editor.overlay([*added, *self._confirmed_since.lay_over(page.tasks, mark)])
        shown_first = [*reversed(unsaved), *rows]
        on_top = {t.id for t in (*unsaved, *added)}
        count = sum(1 for _ in itertools.takewhile(lambda t: t.id in on_top, shown_first))
        self.model.set_rows(shown_first, has_more=page.next_cursor is not None, added=count)
        for task in unsaved:
            self.model.set_saving(task.id, True)
        self._confirmed_since.forget(mark)
        self.loaded.emit()

    def _first_page_failed(self, message: str) -> None:
        self.model.stop_fetching()
        self.load_failed.emit(message)
        self.message.emit(message)

    def _next_page(self, mark: int, page: TaskPage) -> None:
        self._pages += 1
        self._cursor = page.next_cursor
        rows = self.editor.overlay(self._confirmed_since.lay_over(page.tasks, mark))
        self.model.append_rows(rows, has_more=page.next_cursor is not None)
        # Loaded rows live as long as the list: leave them out of the cyclic collector's
        # full passes, which took over 100 ms with 100,000 tasks and froze the window.
        gc.freeze()

    def _next_page_failed(self, message: str) -> None:
        self.model.stop_fetching()
        self.message.emit(f"{message} Press F5 to reload the list.")
