"""Renaming, merging, deleting and putting back tags: optimistic on screen, then one write job.

A tag edit changes tasks the list may not show, so each job, on the write thread, also reads
back the tasks it changed and records their new versions before the next edit runs (an edit
based on the version from before would look like another device's change). The rows on
screen show the guess at once and the stored tasks once they arrive; a refusal puts the rows
back and says why in one sentence.

Undoing a merge needs more than renaming back: the tasks that had the target tag before
must keep it. So a rename records, before it runs, which tasks had each name, and the undo
gives the old name back to the first group and leaves the target name only where it was,
or has been added since. That takes the database: while it is away, a rename or a delete is
kept in the outbox like any edit (and its undo renames back, or puts the tag back on the
tasks known here), but a merge, or taking one back, is refused with one sentence.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from todo_desktop.core.errors import DatabaseUnavailableError, TodoError
from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import TaskService
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import SortKey, Status, TagRemoval, Task, TaskQuery
from todo_desktop.sync.edit_versions import Versions, plural
from todo_desktop.ui.tags.port import NO_TAGS, TagPort, tag_port
from todo_desktop.ui.tasks.edits import Done, TaskEditor
from todo_desktop.ui.workers import Workers

T = TypeVar("T")
PAGE = 500
NEEDS_DATABASE = (
    "Merging tags, or taking a merge back, needs the database (to know the tasks of each tag); "
    "try again once it answers."
)
# A deleted tag leaves nothing to find its tasks by but their new version: they are looked
# for among the most recently changed tasks, this many more than were changed at most.
SEARCH_SLACK = 200


@dataclass(frozen=True, slots=True)
class Renamed:
    """What a rename did: the names as stored before and after, which tasks had each name
    before (the undo of a merge needs both), and those tasks as stored now."""

    old: str
    new: str
    moved: tuple[uuid.UUID, ...]  # had the old name
    had_new: tuple[uuid.UUID, ...]  # had the new name already: a merge
    count: int
    fresh: tuple[Task, ...] = ()

    @property
    def merged(self) -> bool:
        return bool(self.had_new)


@dataclass(frozen=True, slots=True)
class Retagged:
    """A tag taken off or put back: what an undo needs, and the tasks as stored now."""

    removal: TagRemoval
    count: int
    fresh: tuple[Task, ...] = ()


class Outcome(Generic[T]):
    """What an edit did, filled in on the write thread as it finishes. The undo that follows
    runs on the same thread after it, so it can read it even when the person undoes before
    the answer has reached the window."""

    def __init__(self) -> None:
        self.value: T | None = None


# On the write thread ----------------------------------------------------------------------


def with_tag(service: TaskService, name: str) -> list[Task]:
    """Every task with the tag, open or done."""
    found: list[Task] = []
    query = TaskQuery(status=Status.ALL, tag=name, limit=PAGE)
    while True:
        page = service.list(query)
        found.extend(page.tasks)
        if page.next_cursor is None:
            return found
        query = replace(query, after=page.next_cursor)


def _while_online(read: Callable[[], list[Task]]) -> list[Task] | None:
    """A read the edit can do without: None while the database is away (the outbox keeps
    the edit itself)."""
    try:
        return read()
    except DatabaseUnavailableError:
        return None


def _spelling(tasks: Iterable[Task], name: str) -> str:
    key = tag_key(name)
    return next((n for t in tasks for n in t.tags if tag_key(n) == key), name)


def _seen(versions: Versions, tasks: Iterable[Task], ids: Iterable[uuid.UUID]) -> tuple[Task, ...]:
    """Of ``tasks`` as read now, those of ``ids`` (the ones the edit changed): their versions
    become the base of the next edits, before any of those runs."""
    wanted = set(ids)
    fresh = {t.id: t for t in tasks if t.id in wanted}
    for task in fresh.values():
        versions.seen(task)
    return tuple(fresh.values())


def recently_changed(service: TaskService, versions: Versions, ids: Iterable[uuid.UUID]) -> tuple[Task, ...]:
    try:
        return _recently_changed(service, versions, ids)
    except DatabaseUnavailableError:
        return ()


def _recently_changed(service: TaskService, versions: Versions, ids: Iterable[uuid.UUID]) -> tuple[Task, ...]:
    wanted = set(ids)
    budget = len(wanted) + SEARCH_SLACK
    found: list[Task] = []
    query = TaskQuery(status=Status.ALL, sort=SortKey.UPDATED, limit=PAGE)
    while wanted and budget > 0:
        page = service.list(query)
        found.extend(t for t in page.tasks if t.id in wanted)
        wanted -= {t.id for t in page.tasks}
        budget -= len(page.tasks)
        if page.next_cursor is None:
            break
        query = replace(query, after=page.next_cursor)
    return _seen(versions, found, (t.id for t in found))


def rename_job(
    service: TaskService,
    port: TagPort,
    versions: Versions,
    old: str,
    new: str,
    merge: bool,
    box: Outcome[Renamed],
) -> Renamed:
    """``merge``: ``new`` is known to exist; a merge is refused while the database is away."""
    moved = _while_online(partial(with_tag, service, old))
    had_new = _while_online(partial(with_tag, service, new)) if tag_key(new) != tag_key(old) else []
    if moved is None or had_new is None:
        if merge:
            raise TodoError(NEEDS_DATABASE)
        moved, had_new = [], []  # kept in the outbox; taking it back renames back
    count = port.rename_tag(old, new)
    now = _while_online(partial(with_tag, service, new)) or []
    ids = tuple(t.id for t in moved)
    box.value = Renamed(
        _spelling(moved, old),
        _spelling(now, new),
        ids,
        tuple(t.id for t in had_new),
        count,
        _seen(versions, now, ids),
    )
    return box.value


def unrename_job(
    service: TaskService, port: TagPort, versions: Versions, box: Outcome[Renamed]
) -> Renamed | None:
    """Undo the rename in ``box``: the old name back on its tasks, the new one only where it
    was before (None: the rename never happened)."""
    done = box.value
    if done is None:
        return None
    if not done.merged:
        before = _while_online(partial(with_tag, service, done.new)) or []
        count = port.rename_tag(done.new, done.old)
        changed = {t.id for t in before}
        now = _while_online(partial(with_tag, service, done.old)) or []
    else:
        if _while_online(partial(with_tag, service, done.new)) is None:
            raise TodoError(NEEDS_DATABASE)
        count = port.restore_tag(TagRemoval(done.old, done.moved))
        taken = port.delete_tag(done.new)
        only_moved = set(done.moved) - set(done.had_new)
        keep = tuple(i for i in taken.task_ids if i not in only_moved)
        if keep:
            port.restore_tag(replace(taken, task_ids=keep))
        changed = set(done.moved) | set(taken.task_ids)  # both names were taken off and put back
        now = [*with_tag(service, done.old), *with_tag(service, done.new)]
    return replace(done, count=count, fresh=_seen(versions, now, changed))


def delete_job(
    service: TaskService, port: TagPort, versions: Versions, name: str, box: Outcome[TagRemoval]
) -> Retagged:
    removal = box.value = port.delete_tag(name)
    return Retagged(removal, len(removal.task_ids), recently_changed(service, versions, removal.task_ids))


def restore_job(
    service: TaskService, port: TagPort, versions: Versions, box: Outcome[TagRemoval]
) -> Retagged | None:
    removal = box.value
    if removal is None:
        return None
    count = port.restore_tag(removal)
    fresh = _seen(versions, _while_online(partial(with_tag, service, removal.name)) or [], removal.task_ids)
    return Retagged(removal, count, fresh)


# Guesses, on the GUI thread -----------------------------------------------------------------


def renamed_tags(tags: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    """``tags`` with ``old`` renamed to ``new`` in its place (once, if it was there already)."""
    out: dict[str, str] = {}
    for name in tags:
        spelled = new if tag_key(name) == tag_key(old) else name
        out.setdefault(tag_key(spelled), spelled)
    return tuple(out.values())


def without_tag(tags: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tuple(n for n in tags if tag_key(n) != tag_key(name))


def with_added(tags: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tags if any(tag_key(n) == tag_key(name) for n in tags) else (*tags, name)


class TagEditor(QObject):
    message = Signal(str)
    renamed = Signal(str, str)  # old, new: a list of the old tag follows to the new one
    removed = Signal(str)  # a list of this tag has nothing left to show
    settled = Signal()  # a tag edit finished either way: the tags are read again

    def __init__(
        self,
        workers: Workers,
        editor: TaskEditor,
        service: Callable[[], TaskService | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._editor = editor
        self._service = service

    def _port(self, done: Done) -> tuple[TaskService, TagPort] | None:
        service = self._service()
        port = tag_port(service)
        if service is None or port is None:
            self.message.emit(NO_TAGS)
            # Once the undo stack holds the command: it then takes it out of the history.
            QTimer.singleShot(0, lambda: done(False))
            return None
        return service, port

    def rename(self, old: str, new: str, merge: bool, box: Outcome[Renamed], done: Done) -> None:
        parts = self._port(done)
        if parts is None:
            return
        guesses = self._guess(lambda t: renamed_tags(t.tags, old, new))
        job = partial(rename_job, *parts, self._editor.versions, old, new, merge, box)
        self._run(job, partial(self._renamed, done), guesses, "Not renamed", done, "rename tag")

    def unrename(self, box: Outcome[Renamed], done: Done) -> None:
        parts = self._port(done)
        if parts is None:
            return
        guesses: list[tuple[Task, Task]] = []
        record = box.value  # None while the rename's answer is on its way: no guess, then
        if record is not None and not record.merged:
            guesses = self._guess(lambda t: renamed_tags(t.tags, record.new, record.old))
        elif record is not None:
            moved, only_moved = set(record.moved), set(record.moved) - set(record.had_new)

            def guess(task: Task) -> tuple[str, ...]:
                tags = without_tag(task.tags, record.new) if task.id in only_moved else task.tags
                return with_added(tags, record.old) if task.id in moved else tags

            guesses = self._guess(guess, record.moved)
        job = partial(unrename_job, *parts, self._editor.versions, box)
        self._run(job, partial(self._unrenamed, done), guesses, "Not put back", done, "undo rename")

    def delete(self, name: str, box: Outcome[TagRemoval], done: Done) -> None:
        parts = self._port(done)
        if parts is None:
            return
        guesses = self._guess(lambda t: without_tag(t.tags, name))
        job = partial(delete_job, *parts, self._editor.versions, name, box)
        self._run(job, partial(self._deleted, done), guesses, "Not deleted", done, "delete tag")

    def restore(self, box: Outcome[TagRemoval], done: Done) -> None:
        parts = self._port(done)
        if parts is None:
            return
        removal = box.value
        guesses = []
        if removal is not None:
            guesses = self._guess(lambda t: with_added(t.tags, removal.name), removal.task_ids)
        job = partial(restore_job, *parts, self._editor.versions, box)
        self._run(job, partial(self._restored, done), guesses, "Not put back", done, "restore tag")

    # Answers -------------------------------------------------------------------------------

    def _run(
        self,
        job: Callable[[], object],
        stored: Callable[[object], None],
        guesses: list[tuple[Task, Task]],
        refused: str,
        done: Done,
        label: str,
    ) -> None:
        self._workers.write(job, stored, partial(self._failed, guesses, refused, done), label=label)

    def _renamed(self, done: Done, result: object) -> None:
        assert isinstance(result, Renamed)
        self._show(result.fresh)
        verb = "Merged" if result.merged else "Renamed"
        into = "into" if result.merged else "to"
        self.message.emit(f"{verb} #{result.old} {into} #{result.new} on {plural(result.count)}.")
        self.renamed.emit(result.old, result.new)
        self._settle(done, True)

    def _unrenamed(self, done: Done, result: object) -> None:
        if not isinstance(result, Renamed):  # the rename it undoes never happened
            self._settle(done, True)
            return
        self._show(result.fresh)
        self.message.emit(f"Put #{result.old} back on {plural(len(result.moved))}.")
        self.renamed.emit(result.new, result.old)
        self._settle(done, True)

    def _deleted(self, done: Done, result: object) -> None:
        assert isinstance(result, Retagged)
        self._show(result.fresh)
        self.message.emit(f"Removed #{result.removal.name} from {plural(result.count)}; Ctrl+Z puts it back.")
        self.removed.emit(result.removal.name)
        self._settle(done, True)

    def _restored(self, done: Done, result: object) -> None:
        if not isinstance(result, Retagged):
            self._settle(done, True)
            return
        self._show(result.fresh)
        self.message.emit(f"Put #{result.removal.name} back on {plural(result.count)}.")
        self._settle(done, True)

    def _failed(self, guesses: list[tuple[Task, Task]], refused: str, done: Done, failure: Failure) -> None:
        model = self._editor.model
        for before, guess in guesses:
            if model.task(guess.id) == guess:  # nothing newer has replaced the guess since
                model.replace_task(before)
        self.message.emit(f"{refused}: {failure}")
        self._settle(done, False)

    def _settle(self, done: Done, ok: bool) -> None:
        done(ok)
        self.settled.emit()

    def _show(self, fresh: tuple[Task, ...]) -> None:
        self._editor.merge(fresh)

    def _guess(
        self, tags_of: Callable[[Task], tuple[str, ...]], ids: Iterable[uuid.UUID] | None = None
    ) -> list[tuple[Task, Task]]:
        """Show the edit on the rows loaded now (those of ``ids``, or those with tags);
        returns (before, guess) pairs to put back."""
        model, busy = self._editor.model, self._editor.busy
        rows = model.tasks() if ids is None else (t for t in map(model.task, ids) if t is not None)
        guesses = []
        for task in rows:
            if ids is None and not task.tags:
                continue
            tags = tags_of(task)
            if tags != task.tags and not busy(task.id):
                guess = replace(task, tags=tags)
                model.replace_task(guess)
                guesses.append((task, guess))
        return guesses
