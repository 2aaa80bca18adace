"""The bookkeeping behind optimistic edits, without Qt: which version of each task the
database last confirmed, how an edit of several tasks is sent (one call, one transaction)
and reported, and how the counts beside the lists follow edits not counted yet.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from todo_desktop.core import validation
from todo_desktop.core.clock import utc_now
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.smart_lists import UPCOMING_DAYS, local_day_start
from todo_desktop.core.values import (
    BatchOutcome,
    ListCounts,
    NextOccurrence,
    Priority,
    SmartList,
    Task,
    TaskChanges,
    TaskEdit,
)


def plural(n: int) -> str:
    return f"{n} task" if n == 1 else f"{n} tasks"


def quoted(title: str, most: int = 40) -> str:
    return f"“{title if len(title) <= most else title[: most - 1] + '…'}”"


# The fields a person edits: a version differing in nothing else is no news to them.
EDITED_FIELDS = (
    "title",
    "description",
    "completed",
    "priority",
    "due_date",
    "tags",
    "repeat",
    "repeat_after_completion",
)
RECENT_WRITES = 200


def edited_differently(before: Task, after: Task) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in EDITED_FIELDS)


def changed_elsewhere(before: Task, after: Task, others: int) -> str:
    """The status bar's sentence: ``before``, as this window showed it, is stored as ``after``
    by another device, and so are ``others`` more tasks on screen."""
    name = quoted(before.title)
    if after.title != before.title:  # named as the person knew it, and as the row reads now
        name = f"{name} (now {quoted(after.title)})"
    return _elsewhere(name, others, "changed")


def deleted_elsewhere(tasks: Sequence[Task]) -> str:
    """The status bar's sentence for rows taken out because another device deleted them."""
    return _elsewhere(quoted(tasks[0].title), len(tasks) - 1, "deleted")


def _elsewhere(name: str, others: int, done: str) -> str:
    if not others:
        return f"{name} was {done} on another device."
    return f"{name} and {others:,} more task{'' if others == 1 else 's'} were {done} on another device."


def applied(task: Task, changes: TaskChanges, now: datetime | None = None) -> Task:
    """``task`` as it will look once ``changes`` are stored (the optimistic guess), for the
    window and the outbox alike: the fields given, as the input rules clean them (tags as
    given, each once; a rule as the database writes it), a version made ``now`` (default:
    this moment), and ``completed_at`` following a change of ``completed``. Changes the
    database will refuse leave the task as it is: nothing shown may look saved."""
    try:
        values = validation.changes(changes)
    except ValidationError:
        return task
    when = utc_now() if now is None else now
    guess = replace(task, updated_at=when, **values)  # type: ignore[arg-type]
    if "completed" in values and values["completed"] != task.completed:
        guess = replace(guess, completed_at=when if guess.completed else None)
    return guess


def holds(task: Task, changes: TaskChanges) -> bool:
    """Whether ``task`` holds every value ``changes`` sets, as the database stores it (the
    input rules applied; tags by key, as the database spells a tag the way it first met it)."""
    try:
        values = validation.changes(changes)
    except ValidationError:
        return True  # nothing the database would store: sending it says why
    for name, value in values.items():
        held = getattr(task, name)
        if name == "tags":
            held = tuple(validation.tag_key(t) for t in held)
            value = tuple(validation.tag_key(t) for t in value)  # type: ignore[attr-defined]
        if held != value:
            return False
    return True


class Versions:
    """Per task, the ``updated_at`` the database last confirmed (never the optimistic guess).

    Shared by the GUI thread and the one write thread: a queued write reads the version it
    is based on when it runs, right after the previous write of the same task stored its
    own, so a person's quick edits in a row never collide with each other.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[uuid.UUID, datetime] = {}
        # Tasks whose last write met another device's version: later queued writes of them
        # are not sent until the person chooses (they would overwrite what they have not seen).
        self._conflicted: dict[uuid.UUID, Task] = {}
        self._written: OrderedDict[uuid.UUID, None] = OrderedDict()  # oldest first, bounded

    def expected(self, task_id: uuid.UUID) -> datetime | None:
        with self._lock:
            return self._known.get(task_id)

    def conflicted(self, task_id: uuid.UUID) -> Task | None:
        with self._lock:
            return self._conflicted.get(task_id)

    def stored(self, task: Task) -> None:
        """A write's answer: the version from now on."""
        with self._lock:
            self._known[task.id] = task.updated_at
            self._written[task.id] = None
            self._written.move_to_end(task.id)
            if len(self._written) > RECENT_WRITES:
                self._written.popitem(last=False)

    def lately(self, ids: Iterable[uuid.UUID]) -> uuid.UUID | None:
        """Of ``ids``, the task this device wrote most recently, if it wrote any of them lately."""
        wanted = set(ids)
        with self._lock:
            return next((i for i in reversed(self._written) if i in wanted), None)

    def seen(self, task: Task) -> None:
        """A read's answer: it may have been read before a write committed, so newer wins."""
        with self._lock:
            known = self._known.get(task.id)
            if task.id not in self._conflicted and (known is None or task.updated_at > known):
                self._known[task.id] = task.updated_at

    def conflict(self, current: Task) -> None:
        with self._lock:
            self._conflicted[current.id] = current

    def resolve(self, task_id: uuid.UUID, version: datetime | None = None) -> None:
        """The person chose; ``version`` (theirs, kept) becomes the base of later edits."""
        with self._lock:
            self._conflicted.pop(task_id, None)
            if version is not None:
                self._known[task_id] = version


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One write of several tasks, in one transaction: what was stored, which tasks met
    another device's version (nothing was written to them) and which no longer exist."""

    stored: list[Task]
    stale: list[Task] = field(default_factory=list)  # as stored now (theirs)
    gone: list[uuid.UUID] = field(default_factory=list)
    # The next occurrences the batch's completions made (or had made), as stored, and those
    # its un-completions took back.
    created: list[Task] = field(default_factory=list)
    deleted: list[uuid.UUID] = field(default_factory=list)


def versioned_batch(
    versions: Versions,
    update_many: Callable[[Sequence[TaskEdit]], BatchOutcome],
    changes: Mapping[uuid.UUID, TaskChanges],
    bases: Mapping[uuid.UUID, datetime] | None = None,
    *,
    nexts: Mapping[uuid.UUID, NextOccurrence] | None = None,
) -> BatchResult:
    """Run on the write thread: one ``update_many`` (one transaction) for every task in
    ``changes``, each based on the version the database last confirmed for it, keeping
    ``versions`` in step. ``bases`` overrides the version to expect (Keep mine: the version
    the person chose over). A task whose last write met another device's version is not
    sent until the person chooses: it would overwrite what they have not seen. ``nexts``:
    per repeating task, the occurrence its completion makes (``core.repeats``), or that
    its un-completion takes back, in the same transaction."""
    bases = bases or {}
    nexts = nexts or {}
    waiting: list[Task] = []
    edits: list[TaskEdit] = []
    for task_id, change in changes.items():
        theirs = versions.conflicted(task_id) if task_id not in bases else None
        if theirs is not None:
            waiting.append(theirs)
        else:
            expected = bases.get(task_id) or versions.expected(task_id)
            edits.append(TaskEdit(task_id, change, expected, nexts.get(task_id)))
    outcome = update_many(edits) if edits else BatchOutcome()
    for task in (*outcome.stored, *outcome.created):
        versions.resolve(task.id)
        versions.stored(task)
    for theirs in outcome.stale:
        versions.conflict(theirs)
    return BatchResult(
        list(outcome.stored),
        waiting + list(outcome.stale),
        list(outcome.gone),
        created=list(outcome.created),
        deleted=list(outcome.deleted),
    )


def restored_batch(
    versions: Versions, restore_many: Callable[[Sequence[Task]], BatchOutcome], snapshots: Sequence[Task]
) -> BatchResult:
    """Run on the write thread: the deleted tasks back in one transaction; their versions
    from now on are the restored ones."""
    outcome = restore_many(snapshots)
    for task in outcome.stored:
        versions.stored(task)
    return BatchResult(list(outcome.stored), gone=list(outcome.gone))


def created_with_version(versions: Versions, create: Callable[[], Task]) -> Task:
    task = create()
    versions.stored(task)
    return task


# Counts ------------------------------------------------------------------------------------

_PRIORITY_LIST = {
    Priority.LOW: SmartList.PRIORITY_LOW,
    Priority.MEDIUM: SmartList.PRIORITY_MEDIUM,
    Priority.HIGH: SmartList.PRIORITY_HIGH,
    Priority.URGENT: SmartList.PRIORITY_URGENT,
}


def lists_of(task: Task, now: datetime, zone: tzinfo) -> set[SmartList]:
    """The smart lists whose count includes ``task``, by the database's own rules."""
    if task.completed:
        return {SmartList.COMPLETED}
    lists = {SmartList.INBOX, _PRIORITY_LIST[task.priority]}
    due = task.due_date
    if due is not None:
        tomorrow = local_day_start(now, zone, 1)
        if due < now:
            lists.add(SmartList.OVERDUE)
        if local_day_start(now, zone) <= due < tomorrow:
            lists.add(SmartList.TODAY)
        elif tomorrow <= due < local_day_start(now, zone, 1 + UPCOMING_DAYS):
            lists.add(SmartList.UPCOMING)
    return lists


@dataclass(slots=True)
class _Counted:
    counted: Task | None  # the task as the database's last counts saw it; None: not at all
    shown: Task | None  # the task as the window shows it now; None: deleted here
    step: int  # which local change was the last


Snapshot = dict[uuid.UUID, tuple[int, Task | None]]


class CountChanges:
    """Local edits the database's counts may not include yet, so that the counts beside the
    lists agree with the rows (an edit kept in the outbox is in the rows, not in the counts).

    Per task, the version the counts saw and the one shown: a chain of edits of one task
    nets out. A counts read that sees every settled edit takes a ``snapshot`` as it starts;
    when it answers, ``counted`` drops what that read included.
    """

    def __init__(self) -> None:
        self._tasks: dict[uuid.UUID, _Counted] = {}
        self._step = 0
        self.changed: Callable[[], None] | None = None  # told after every local change

    def note(self, pairs: Iterable[tuple[Task | None, Task | None]]) -> None:
        """Each (before, after) of one task: shown as ``after`` now (None: gone)."""
        for before, after in pairs:
            task = after or before
            if task is None:
                continue
            self._step += 1
            entry = self._tasks.get(task.id)
            if entry is None:
                self._tasks[task.id] = _Counted(before, after, self._step)
            else:
                entry.shown, entry.step = after, self._step
        if self.changed is not None:
            self.changed()

    def clear(self) -> None:
        self._tasks.clear()

    def snapshot(self, settled: Callable[[uuid.UUID], bool]) -> Snapshot:
        """What a counts read starting now will include: the tasks whose edits have settled."""
        return {i: (e.step, e.shown) for i, e in self._tasks.items() if settled(i)}

    def counted(self, snapshot: Snapshot) -> None:
        for task_id, (step, shown) in snapshot.items():
            entry = self._tasks.get(task_id)
            if entry is None:
                continue
            if entry.step == step:
                del self._tasks[task_id]
            else:  # edited again since the read began: the counts hold the version from then
                entry.counted = shown

    def adjusted(self, counts: ListCounts, now: datetime, zone: tzinfo) -> ListCounts:
        """``counts`` from the database with the local edits it does not include laid over."""
        if not self._tasks:
            return counts
        totals = dict(counts.counts)
        for entry in self._tasks.values():
            for task, step in ((entry.counted, -1), (entry.shown, +1)):
                for smart_list in lists_of(task, now, zone) if task is not None else ():
                    if smart_list in totals:
                        totals[smart_list] = max(0, totals[smart_list] + step)
        return ListCounts(totals)
