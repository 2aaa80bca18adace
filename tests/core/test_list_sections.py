"""Sections of a date-ordered list, kept in step with rows that come and go."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from todo_desktop.core.clock import end_of_day
from todo_desktop.core.list_sections import (
    DayBounds,
    Section,
    SectionIndex,
    section_starts,
    sections_apply,
)
from todo_desktop.core.smart_lists import query_for
from todo_desktop.core.values import SmartList, SortKey, TaskQuery

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)  # a Wednesday
BOUNDS = DayBounds.at(NOW, ZONE)


def at(days: int, hour: int = 12) -> datetime:
    day = NOW.date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


def test_each_due_date_falls_in_its_section():
    assert BOUNDS.section(at(-1)) is Section.OVERDUE
    assert BOUNDS.section(at(0, 8)) is Section.TODAY  # earlier today stays under Today
    assert BOUNDS.section(end_of_day(NOW, ZONE)) is Section.TODAY
    assert BOUNDS.section(at(1)) is Section.TOMORROW
    assert BOUNDS.section(at(6)) is Section.THIS_WEEK
    assert BOUNDS.section(at(7)) is Section.LATER
    assert BOUNDS.section(None) is Section.NO_DATE


def test_sections_only_where_the_list_runs_by_date():
    inbox = query_for(SmartList.INBOX, NOW, ZONE)
    assert sections_apply(inbox)
    assert sections_apply(query_for(SmartList.UPCOMING, NOW, ZONE))
    assert not sections_apply(query_for(SmartList.OVERDUE, NOW, ZONE))
    assert not sections_apply(query_for(SmartList.COMPLETED, NOW, ZONE))
    assert not sections_apply(replace(inbox, sort=SortKey.TITLE))
    assert not sections_apply(TaskQuery(text="call", ranked=True))


def test_a_header_wherever_the_section_changes():
    assert section_starts([]) == []
    assert section_starts([0, 0, 1, 1, 1, 5]) == [0, 2, 5]
    # A task added at the top, out of order, gets a header of its own.
    assert section_starts([4, 0, 0, 1]) == [0, 1, 3]
    assert section_starts([0, 1, 0]) == [0, 1, 2]  # back to an earlier section: a header again


def test_one_section_alone_needs_no_header():
    index = SectionIndex(BOUNDS)
    index.enabled = True
    index.reset([at(0), at(0, 15)])
    assert index.starts == {}
    index.insert(2, [at(1)])
    assert index.starts == {0: Section.TODAY, 2: Section.TOMORROW}


def test_kept_in_step_through_any_inserts_removals_and_edits():
    rng = random.Random(13)
    choices = [at(d) for d in (-3, -1, 0, 1, 2, 5, 9, 30)] + [None]
    index = SectionIndex(BOUNDS)
    index.enabled = True
    dues = [rng.choice(choices) for _ in range(40)]
    index.reset(dues)
    for _ in range(300):
        op = rng.random()
        if op < 0.4:
            row = rng.randint(0, len(dues))
            fresh = [rng.choice(choices) for _ in range(rng.randint(1, 3))]
            dues[row:row] = fresh
            index.insert(row, fresh)
        elif op < 0.7 and dues:
            first = rng.randrange(len(dues))
            last = min(len(dues) - 1, first + rng.randint(0, 2))
            del dues[first : last + 1]
            index.remove(first, last)
        elif dues:
            row = rng.randrange(len(dues))
            dues[row] = rng.choice(choices)
            index.replace(row, dues[row])
        keys = [BOUNDS.section(due) for due in dues]
        expected = {r: keys[r] for r in range(len(keys)) if r == 0 or keys[r] != keys[r - 1]}
        assert index.starts == (expected if len(expected) > 1 else {})


def test_a_task_just_added_at_the_top_is_headed_just_added():
    index = SectionIndex(BOUNDS)
    index.enabled = True
    index.reset([at(-1), at(0), at(9)])
    index.insert(0, [at(9)], added=True)  # due later, put where the person looks
    assert index.starts == {0: Section.ADDED, 1: Section.OVERDUE, 2: Section.TODAY, 3: Section.LATER}
    index.insert(0, [None], added=True)  # above another just added: under the same header
    assert index.starts == {0: Section.ADDED, 2: Section.OVERDUE, 3: Section.TODAY, 4: Section.LATER}
    assert index.added_rows == 2
    index.replace(1, at(0))  # its date changed: it stays where it was put
    assert index.starts == {0: Section.ADDED, 2: Section.OVERDUE, 3: Section.TODAY, 4: Section.LATER}
    dues = [None, at(0), at(-1), at(0), at(9)]
    index.reset(dues, added=index.added_rows)  # midnight: the sections anew, the added kept
    assert index.starts == {0: Section.ADDED, 2: Section.OVERDUE, 3: Section.TODAY, 4: Section.LATER}
    index.remove(0, 1)
    assert index.starts == {0: Section.OVERDUE, 1: Section.TODAY, 2: Section.LATER}
    index.reset([at(-1), at(0), at(0), at(9), None])  # read again: each in its place
    assert Section.ADDED not in index.starts.values()


def test_a_task_just_added_into_the_section_on_top_needs_no_header_of_its_own():
    index = SectionIndex(BOUNDS)
    index.enabled = True
    index.reset([at(-1), at(0)])
    index.insert(0, [at(-2)], added=True)
    assert index.starts == {0: Section.OVERDUE, 2: Section.TODAY}
    index.reset([None, None])  # an inbox of undated tasks shows no header at all
    index.insert(0, [None], added=True)
    assert index.starts == {}
    index.reset([at(-2), at(-1), at(0)], added=1)  # read again with one just added on top
    assert index.starts == {0: Section.OVERDUE, 2: Section.TODAY}
    index.reset([at(9), at(-2), at(-1), at(9)], added=2)  # the overdue one is in its place
    assert index.starts == {0: Section.ADDED, 1: Section.OVERDUE, 3: Section.LATER}
    empty = SectionIndex(BOUNDS)
    empty.enabled = True
    empty.reset([])
    empty.insert(0, [at(1)], added=True)
    assert empty.starts == {}


def test_a_task_just_added_out_of_date_order_in_its_section_is_headed_just_added():
    # "Pay rent friday", then "Water plants monday": both this week, the later one put on top.
    index = SectionIndex(BOUNDS)
    index.enabled = True
    index.reset([])
    index.insert(0, [at(2)], added=True)
    index.insert(0, [at(5)], added=True)
    assert index.starts == {0: Section.ADDED, 1: Section.THIS_WEEK}
    index.reset([at(0, 9), at(0, 15), at(1)])
    index.insert(0, [at(0, 20)], added=True)  # later today than the rows of Today below it
    assert index.starts == {0: Section.ADDED, 1: Section.TODAY, 3: Section.TOMORROW}
    index.insert(0, [at(0, 8)], added=True)  # earlier than the one below, but that one is out of order
    assert index.starts == {0: Section.ADDED, 2: Section.TODAY, 4: Section.TOMORROW}
    index.reset([at(0, 20), at(0, 9), at(1)], added=1)  # read again with it kept on top
    assert index.starts == {0: Section.ADDED, 1: Section.TODAY, 2: Section.TOMORROW}
    index.reset([at(0, 9), at(0, 15), None])
    index.insert(1, [at(0, 8)], added=True)  # where the person looks: after a later one of its day
    assert index.starts == {0: Section.TODAY, 1: Section.ADDED, 2: Section.TODAY, 3: Section.NO_DATE}
    index.replace(1, at(0, 12))  # its date changed in its place: still just added
    assert index.starts == {0: Section.TODAY, 1: Section.ADDED, 2: Section.TODAY, 3: Section.NO_DATE}
    index.reset([at(0, 9), at(0, 15), None])
    index.insert(1, [at(0, 12)], added=True)  # in its place: under Today
    index.insert(3, [at(0, 16)], added=True)
    assert index.starts == {0: Section.TODAY, 4: Section.NO_DATE}
    index.remove(0, 0)
    index.insert(0, [at(0, 13)], added=True)  # later than the 12:00 below
    assert index.starts == {0: Section.ADDED, 1: Section.TODAY, 4: Section.NO_DATE}


def test_midnight_moves_tomorrow_into_today():
    index = SectionIndex(BOUNDS)
    index.enabled = True
    index.reset([at(-1), at(1), at(2)])
    assert index.starts == {0: Section.OVERDUE, 1: Section.TOMORROW, 2: Section.THIS_WEEK}
    index.bounds = DayBounds.at(NOW + timedelta(days=1), ZONE)
    index.reset([at(-1), at(1), at(2)])
    assert index.starts == {0: Section.OVERDUE, 1: Section.TODAY, 2: Section.TOMORROW}


def test_nothing_is_kept_while_off():
    index = SectionIndex(BOUNDS)
    assert not index.insert(0, [at(1)])
    index.reset([at(-1), at(1)])
    assert index.starts == {}
