"""Optimistic writes: every edit shows at once, then the database confirms or refuses it.

The stored value replaces the guess; a refusal rolls the row back and says why in one
sentence. Writes may name tasks that are not in the list on screen (an undo after the list
changed): those are written all the same, and the list is reloaded once they are stored.

Every edit of a task is based on the version (``updated_at``) the database last confirmed
for it, so an edit made on another device meanwhile is detected, never silently
overwritten: the row then shows the other device's version, and ``conflict`` asks the
person to choose (see ``conflict_dialog``). An edit of a selection is one call and one
transaction (``TaskService.update_many``): refused, all of it rolls back; a task in it
changed elsewhere is settled on its own, and the others are written.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import TaskService
from todo_desktop.core.repeats import next_occurrence
from todo_desktop.core.values import NextOccurrence, Task, TaskChanges, TaskDraft, guess_task
from todo_desktop.sync.edit_versions import (
    BatchResult,
    CountChanges,
    Versions,
    applied,
    created_with_version,
    holds,
    plural,
    quoted,
    versioned_batch,
)
from todo_desktop.ui.tasks.edit_removals import Done, RemovalsMixin
from todo_desktop.ui.tasks.settled_writes import SettledWrites
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.workers import Workers

GONE = "That task no longer exists; it may have been deleted on another device."


class TaskEditor(RemovalsMixin, QObject):
    message = Signal(str)  # one sentence for the status bar
    add_failed = Signal(str)  # the title of a task the database refused, so it can be retyped
    edit_failed = Signal(object, object, object)  # task id, the TaskChanges tried, the Failure
    settled = Signal()  # a write finished either way: counts may have changed
    # Another device changed a task first: its id, the stored task (theirs, now shown) and
    # the person's TaskChanges that were not written (all of them, if several queued up).
    conflict = Signal(object, object, object)
    unbound = Signal()  # the workspace closed: choices about its tasks no longer apply

    def __init__(
        self,
        workers: Workers,
        model: TaskTableModel,
        reload: Callable[[], None],
        confirmed_since: SettledWrites,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self.model = model
        self._reload = reload
        self.confirmed_since = confirmed_since  # what a page read before these writes committed must not undo
        self._service: TaskService | None = None
        # Bumped when the list shows another query: row numbers from before mean nothing now.
        self.generation = 0
        # Creates still in flight: kept visible across a reload that cannot see them yet.
        self._unsaved: dict[uuid.UUID, Task] = {}
        # Per task: how many writes are in flight, and the last value the database confirmed.
        # Only when the last write settles is that value shown, so replies to older edits
        # cannot flicker over a newer guess.
        self._in_flight: Counter[uuid.UUID] = Counter()
        self._confirmed: dict[uuid.UUID, Task] = {}
        # Deletes not yet answered: a page read before they commit must not bring rows back.
        self._deleting: Counter[uuid.UUID] = Counter()
        # The occurrence an un-completion met as stale was to take back: "Keep mine" takes it.
        self._stale_nexts: dict[uuid.UUID, NextOccurrence] = {}
        self.versions = Versions()
        # What the counts beside the lists must add to the database's until it has counted it.
        self.counting = CountChanges()

    def bind(self, service: TaskService) -> None:
        self._service = service

    def unbind(self) -> None:
        # Creates still in flight belong to the old workspace; the next list must not show them.
        # The rest of the bookkeeping stays: their answers still arrive and settle it.
        self._service = None
        self._unsaved.clear()
        self.confirmed_since.clear()
        self.counting.clear()
        self.generation += 1
        self.unbound.emit()

    @property
    def ready(self) -> bool:
        return self._service is not None

    def unsaved(self) -> list[Task]:
        return list(self._unsaved.values())

    def overlay(self, tasks: Iterable[Task]) -> list[Task]:
        """A page read from the database, with the edits still on their way laid over it.

        Reads and writes run on different threads, so a page may have been read just before
        an edit committed; showing it as read would undo the edit on screen for a moment.
        """
        shown = []
        for task in tasks:
            if self._deleting[task.id]:
                continue
            guess = self.model.task(task.id) if self._in_flight[task.id] else None
            if guess is None:
                self.versions.seen(task)
            shown.append(guess or task)
        return shown

    def busy(self, task_id: uuid.UUID) -> bool:
        """True while a local edit of the task is unsettled: a read must not overwrite it."""
        return bool(
            self._in_flight[task_id]
            or self._deleting[task_id]
            or task_id in self._unsaved
            or self.versions.conflicted(task_id) is not None
        )

    def merge(self, tasks: Iterable[Task]) -> int:
        """Show tasks changed elsewhere in place (those in the list, without a local edit
        on its way); returns how many rows changed."""
        changed = 0
        for task in tasks:
            if self.busy(task.id):
                continue
            self.versions.seen(task)
            shown = self.model.task(task.id)
            if shown is not None and shown != task and task.updated_at >= shown.updated_at:
                self.model.replace_task(task)
                changed += 1
        return changed

    # Create ----------------------------------------------------------------------------

    def create(
        self, draft: TaskDraft, *, row: int = 0, give_back: bool = True, done: Done | None = None
    ) -> None:
        assert self._service is not None
        now = utc_now()
        guess = guess_task(draft, now)
        self._unsaved[draft.id] = guess
        # Where the person is looking; a later page that holds it is de-duplicated.
        self.model.insert_rows(row, [guess], added=True)
        self.model.set_saving(draft.id, True)
        self.counting.note([(None, guess)])
        self._workers.write(
            partial(created_with_version, self.versions, partial(self._service.create, draft)),
            partial(self._created, done),
            partial(self._create_failed, guess, give_back, done),
            label="create",
        )

    def _created(self, done: Done | None, task: Task) -> None:
        self._unsaved.pop(task.id, None)
        self.confirmed_since.stored([task], added=True)
        self.model.set_saving(task.id, False)
        if task.id in self._in_flight:
            self._confirmed[task.id] = task
        else:
            self.model.replace_task(task)
        self._settle(done, True)

    def _create_failed(self, guess: Task, give_back: bool, done: Done | None, failure: Failure) -> None:
        self._unsaved.pop(guess.id, None)
        self.model.remove_ids([guess.id])
        self.counting.note([(guess, None)])
        self.message.emit(f"“{guess.title}” was not added: {failure}")
        if give_back:
            self.add_failed.emit(guess.title)
        self._settle(done, False)

    # Complete and edit -----------------------------------------------------------------

    def set_completed(
        self,
        ids: Sequence[uuid.UUID],
        completed: bool,
        *,
        done: Done | None = None,
        nexts: Mapping[uuid.UUID, NextOccurrence] | None = None,
    ) -> None:
        """``nexts``: the occurrences repeating tasks make when completed, or, reopening
        them, the ones their completion made (deleted in the same transaction)."""
        changes = {i: TaskChanges(completed=completed) for i in ids}
        self.update(changes, done=done, label="set completed", nexts=nexts)

    def update(
        self,
        changes: Mapping[uuid.UUID, TaskChanges],
        *,
        done: Done | None = None,
        label: str = "update",
        nexts: Mapping[uuid.UUID, NextOccurrence] | None = None,
    ) -> None:
        """Every task of the selection in one call and one transaction, each based on the
        version last confirmed for it: a task changed on another device is not overwritten."""
        assert self._service is not None
        begun: list[uuid.UUID] = []
        for task_id, change in changes.items():
            begun += self._begin([task_id], change)
        stored = partial(self._batch_stored, dict(changes), begun, done, dict(nexts or {}))
        if nexts:  # a next occurrence came or went: the list shows it where it belongs
            stored = partial(self._then_reload, stored)
        self._workers.write(
            partial(versioned_batch, self.versions, self._service.update_many, dict(changes), nexts=nexts),
            stored,
            partial(self._failed, dict(changes), begun, done),
            label=label,
        )

    def asked_first(
        self, changes: Mapping[uuid.UUID, TaskChanges], left: Mapping[uuid.UUID, TaskChanges]
    ) -> dict[uuid.UUID, TaskChanges]:
        """Of ``changes`` (an undo or a redo), those to send now. A row that no longer holds
        the values the edit being undone or redone left (``left``) shows another device's:
        this window's own later edits of those fields were undone first. Its version is the
        one last confirmed, so nothing would stop the write, and the other device's values
        would be lost; the person is asked instead, as for an edit that met a newer version."""
        asked = [
            shown
            for task_id in changes
            if task_id in left
            and not self.busy(task_id)
            and (shown := self.model.task(task_id)) is not None
            and not holds(shown, left[task_id])
        ]
        for theirs in asked:
            self.versions.conflict(theirs)  # later edits of it join the question
        if asked:
            self.message.emit(
                f"{quoted(asked[0].title)} was changed on another device since; choose which version to keep."
            )
        for theirs in asked:
            self.conflict.emit(theirs.id, theirs, changes[theirs.id])
        return {i: c for i, c in changes.items() if all(i != t.id for t in asked)}

    def _then_reload(self, stored: Callable[[BatchResult], None], result: BatchResult) -> None:
        stored(result)
        self._reload()

    def keep_mine(self, theirs: Task, change: TaskChanges) -> None:
        """Send the person's change again, based on the version they chose to overwrite."""
        assert self._service is not None
        self.versions.resolve(theirs.id)
        changes = {theirs.id: change}
        begun = self._begin([theirs.id], change)
        base = {theirs.id: theirs.updated_at}
        kept = self._kept_next(theirs, change)
        nexts = {theirs.id: kept} if kept is not None else {}
        stored = partial(self._batch_stored, changes, begun, None, nexts)
        self._workers.write(
            partial(versioned_batch, self.versions, self._service.update_many, changes, base, nexts=nexts),
            partial(self._then_reload, stored) if nexts else stored,
            partial(self._failed, changes, begun, None),
            label="update",
        )

    def _kept_next(self, theirs: Task, change: TaskChanges) -> NextOccurrence | None:
        """The occurrence "Keep mine" makes or takes back, as the edit it keeps would have: a
        completion makes the one that follows their version (its due date, its repeat), and
        the database makes it once, whoever completed it first; an un-completion takes back
        the one the edit named."""
        taken_back = self._stale_nexts.pop(theirs.id, None)
        if change.completed is None:
            return None
        if not change.completed:
            return taken_back
        return next_occurrence(applied(theirs, change), utc_now(), LocalZone())

    def keep_theirs(self, theirs: Task) -> None:
        """The other device's version stays; later edits are based on it."""
        self.versions.resolve(theirs.id, theirs.updated_at)
        self._stale_nexts.pop(theirs.id, None)
        if not self.busy(theirs.id):
            self._replace_counted(theirs)

    def _begin(self, ids: Iterable[uuid.UUID], change: TaskChanges) -> list[uuid.UUID]:
        begun = []
        for task_id in ids:
            task = self.model.task(task_id)
            if task is None:
                continue
            self._in_flight[task_id] += 1
            self._confirmed.setdefault(task_id, task)
            self._replace_counted(applied(task, change))
            begun.append(task_id)
        return begun

    def _replace_counted(self, task: Task) -> None:
        """Show ``task`` in its row (a guess, a confirmation or a rollback), and count it so."""
        self.counting.note([(self.model.task(task.id), task)])
        self.model.replace_task(task)

    def _batch_stored(
        self,
        changes: dict[uuid.UUID, TaskChanges],
        begun: list[uuid.UUID],
        done: Done | None,
        nexts: dict[uuid.UUID, NextOccurrence],
        result: BatchResult,
    ) -> None:
        self.confirmed_since.stored([*result.stored, *result.stale])
        if result.stale:
            self._stale_nexts.update({t.id: nexts[t.id] for t in result.stale if t.id in nexts})
            self._stale(changes, result)
        # A task not written shows what is stored (one deleted elsewhere, as it was until the
        # next refresh drops it). The edit stays in the history if some of it happened;
        # undoing it rewrites the old values.
        self._confirm(result.stored)
        for task_id in begun:
            self._end(task_id)
        if result.gone:
            self._gone(changes, result.gone)
        if result.stale or result.gone:
            self._settle(done, bool(result.stored))
            return
        if len(begun) < len(changes):
            self._reload()  # some were not on screen: let the list show where they belong now
        self._settle(done, True)

    def _gone(self, changes: dict[uuid.UUID, TaskChanges], ids: list[uuid.UUID]) -> None:
        shown = self.model.task(ids[0])
        if len(ids) == 1 and shown is not None:
            said = f"{quoted(shown.title)} no longer exists; it may have been deleted"
        else:
            said = f"{plural(len(ids))} no longer exist; they may have been deleted"
        self.message.emit(f"Not changed: {said} on another device.")
        failure = Failure(GONE)
        for task_id in ids:  # what was typed for it goes back, with the reason beside it
            self.edit_failed.emit(task_id, changes[task_id], failure)

    def _stale(self, changes: dict[uuid.UUID, TaskChanges], result: BatchResult) -> None:
        # The row goes back to the stored version (theirs) once its edits settle.
        for theirs in result.stale:
            if self._in_flight[theirs.id]:
                self._confirmed[theirs.id] = theirs
            else:
                self._replace_counted(theirs)
        first = result.stale[0]
        self.message.emit(
            f"{quoted(first.title)} was changed on another device; "
            "its version is shown until you choose which to keep."
        )
        for theirs in result.stale:
            self.conflict.emit(theirs.id, theirs, changes[theirs.id])

    def _confirm(self, stored: Iterable[Task]) -> None:
        # Only for rows with an edit in flight: their confirmed value is shown when it settles.
        for task in stored:
            if self._in_flight[task.id]:
                self._confirmed[task.id] = task

    def _failed(
        self,
        changes: dict[uuid.UUID, TaskChanges],
        begun: list[uuid.UUID],
        done: Done | None,
        failure: Failure,
    ) -> None:
        # One transaction: refused, none of the batch was written, and every row goes back.
        for task_id in begun:
            self._end(task_id)
        self.message.emit(f"Not changed: {failure}")
        for task_id, change in changes.items():
            self.edit_failed.emit(task_id, change, failure)
        self._settle(done, False)

    def _end(self, task_id: uuid.UUID) -> None:
        self._in_flight[task_id] -= 1
        if self._in_flight[task_id] > 0:
            return
        del self._in_flight[task_id]
        confirmed = self._confirmed.pop(task_id)
        if task_id not in self._unsaved:
            self._replace_counted(confirmed)

    def _settle(self, done: Done | None, ok: bool) -> None:
        if done is not None:
            done(ok)
        self.settled.emit()
