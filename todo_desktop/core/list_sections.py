"""The sections of a date-ordered list: Overdue, Today, Tomorrow, This week, Later, No date.

Sections follow local calendar days only (a task due at 09:00 today stays under Today at
10:00, red): so they change at midnight, not every minute, and a list of 100,000 rows is not
re-sorted into sections while someone scrolls it.
"""

from __future__ import annotations

import enum
import itertools
import math
import operator
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from todo_desktop.core.relative_dates import WEEK_DAYS
from todo_desktop.core.smart_lists import local_day_start
from todo_desktop.core.values import SortKey, Status, TaskQuery


class Section(enum.IntEnum):
    OVERDUE = 0
    TODAY = 1
    TOMORROW = 2
    THIS_WEEK = 3
    LATER = 4
    NO_DATE = 5
    DONE = 6  # tasks completed in this list, moved below the rest until it is read again
    ADDED = 7  # tasks just added, shown at the top out of date order until it is read again


_LAST = math.inf  # the place in date order of an undated or completed row

SECTION_TITLES = {
    Section.OVERDUE: "Overdue",
    Section.TODAY: "Today",
    Section.TOMORROW: "Tomorrow",
    Section.THIS_WEEK: "This week",
    Section.LATER: "Later",
    Section.NO_DATE: "No date",
    Section.DONE: "Completed",
    Section.ADDED: "Just added",
}


@dataclass(frozen=True, slots=True)
class DayBounds:
    """The local midnights that divide the sections, as POSIX seconds (compared as floats:
    a list of 100,000 rows is sorted into sections at C speed)."""

    starts: tuple[float, ...]  # today, tomorrow, the day after, the end of the coming week

    @classmethod
    def at(cls, now: datetime, zone: tzinfo) -> DayBounds:
        days = (0, 1, 2, WEEK_DAYS)
        return cls(tuple(local_day_start(now, zone, d).timestamp() for d in days))

    def section(self, due: datetime | None) -> Section:
        return Section.NO_DATE if due is None else Section(bisect_right(self.starts, due.timestamp()))

    def sections(self, dues: Sequence[datetime | None]) -> list[int]:
        starts = self.starts
        return [5 if d is None else bisect_right(starts, d.timestamp()) for d in dues]


def sections_apply(query: TaskQuery) -> bool:
    """Sections only where the list runs by date: open tasks in due order, not the Overdue
    list (all of one section) nor a search ranked by relevance."""
    return (
        query.sort is SortKey.DUE
        and query.status is Status.OPEN
        and query.overdue_at is None
        and not query.ranked
    )


def section_starts(keys: Sequence[int]) -> list[int]:
    """The rows where a new section begins: the first row, and each row whose section differs
    from the one above."""
    if not keys:
        return []
    changed = map(operator.ne, itertools.islice(keys, 1, None), keys)
    return [0, *itertools.compress(itertools.count(1), changed)]


def _order(dues: Sequence[datetime | None]) -> list[float]:
    """Each due date as the list orders it: undated (and completed) rows come last."""
    return [_LAST if d is None else d.timestamp() for d in dues]


def _head_added(keys: list[int], order: list[float], first: int, end: int) -> None:
    """Rows ``first`` to ``end`` are tasks just added where the person looks. Each that is out
    of date order (due after the row below it, before the row above the block, or above one
    already headed so) is headed "Just added"; one in its place stays under its own section's
    title. Bottom up, as if added one by one."""
    last = len(keys) - 1
    for row in reversed(range(first, min(end, last + 1))):
        below = row < last and (keys[row + 1] == Section.ADDED or order[row] > order[row + 1])
        above = row == first > 0 and keys[row - 1] != Section.ADDED and order[row - 1] > order[row]
        if below or above:
            keys[row] = int(Section.ADDED)


class SectionIndex:
    """The section of every loaded row, kept in step with the rows as they come and go, and
    the rows where a header goes. Work is in proportion to the rows changed and the number
    of sections, never to the rows loaded, except on a reset and at midnight (every row may
    change section then)."""

    def __init__(self, bounds: DayBounds) -> None:
        self.bounds = bounds
        self.enabled = False
        self._keys: list[int] = []
        self._changes: dict[int, Section] = {}  # every row whose section differs from the one above
        self._order: list[float] = []  # each row's place in date order (see `_order`)

    @property
    def starts(self) -> dict[int, Section]:
        """Header rows and their sections; none when every row is in one section."""
        return self._changes if len(self._changes) > 1 else {}

    @property
    def added_rows(self) -> int:
        """How many rows at the top are tasks just added out of date order."""
        return sum(1 for _ in itertools.takewhile(lambda k: k == Section.ADDED, self._keys))

    def reset(self, dues: Sequence[datetime | None], done: int = 0, added: int = 0) -> bool:
        """All rows anew; the last ``done`` are completed tasks moved below the rest, and the
        first ``added`` tasks just added at the top (see `_head_added`)."""
        before = dict(self.starts)
        keys = self._sections(dues[: len(dues) - done], done) if self.enabled else []
        self._order = _order(dues[: len(dues) - done]) + [_LAST] * done if self.enabled else []
        _head_added(keys, self._order, 0, added)
        self._keys = keys
        self._changes = {row: Section(keys[row]) for row in section_starts(keys)}
        return self.starts != before

    def insert(
        self, row: int, dues: Sequence[datetime | None], *, done: bool = False, added: bool = False
    ) -> bool:
        """``added``: tasks just added, put where the person looks rather than in date order
        (see `_head_added`)."""
        if not self.enabled:
            return False
        fresh = [int(Section.DONE)] * len(dues) if done else self.bounds.sections(dues)
        before = dict(self.starts)
        self._keys[row:row] = fresh
        self._order[row:row] = [_LAST] * len(dues) if done else _order(dues)
        count = len(fresh)
        if added:
            _head_added(self._keys, self._order, row, row + count)
        self._changes = {r if r < row else r + count: s for r, s in self._changes.items()}
        self._look(row, row + count)
        return self.starts != before

    def remove(self, first: int, last: int) -> bool:
        if not self.enabled:
            return False
        before = dict(self.starts)
        del self._keys[first : last + 1]
        del self._order[first : last + 1]
        count = last + 1 - first
        changes = self._changes.items()
        self._changes = {r if r < first else r - count: s for r, s in changes if not first <= r <= last}
        self._look(first, first)
        return self.starts != before

    def replace(self, row: int, due: datetime | None) -> bool:
        if not self.enabled:
            return False
        key = int(self.bounds.section(due))
        if self._keys[row] != Section.DONE:
            self._order[row] = _order([due])[0]
        if self._keys[row] in (key, Section.ADDED):  # one just added stays where it was put
            return False
        before = dict(self.starts)
        self._keys[row] = key
        self._look(row, row + 1)
        return self.starts != before

    def _sections(self, dues: Sequence[datetime | None], done: int) -> list[int]:
        return self.bounds.sections(dues) + [int(Section.DONE)] * done

    def _look(self, first: int, last: int) -> None:
        """Whether each row from ``first`` to ``last`` begins a section."""
        keys, changes = self._keys, self._changes
        for at in range(max(first, 0), min(last, len(keys) - 1) + 1):
            if at == 0 or keys[at] != keys[at - 1]:
                changes[at] = Section(keys[at])
            else:
                changes.pop(at, None)
