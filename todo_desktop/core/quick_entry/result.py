"""What a parse returns: plain immutable values, like the rest of the core."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from todo_desktop.core.errors import ValidationError
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Priority, TaskDraft


class PartKind(enum.StrEnum):
    DATE = "date"
    TIME = "time"
    PRIORITY = "priority"
    TAG = "tag"
    REPEAT = "repeat"
    REMINDER = "reminder"


@dataclass(frozen=True, slots=True)
class Part:
    """One recognised piece of the typed text, for highlighting and for `literal()`.

    ``span`` is (start, end) in the original text, end exclusive, so ``text[start:end]``
    is exactly what was recognised, a cue word included ("at 5pm", "on friday").
    """

    kind: PartKind
    span: tuple[int, int]
    text: str


@dataclass(frozen=True, slots=True)
class QuickEntry:
    """A quick-add line, read.

    ``due`` is an aware instant in UTC (as the data layer stores it), or None. It names a
    local date and time in the zone given to `parse`. Without a time (``has_time`` False)
    it is 23:59 local on that date, the convention of the due-date presets
    (`core.clock.end_of_day`), so the task counts as due all that day.
    """

    title: str
    due: datetime | None = None
    has_time: bool = False
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    repeat: str | None = None  # an RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO"
    repeat_after_completion: bool = False  # "every!": the next one counts from completion
    parts: tuple[Part, ...] = ()  # in order of position in the text
    # Set on the task once it exists (a ReminderGateway call): it is not part of the draft.
    reminder: ReminderSetting | None = None
    # Why the text cannot make a task as read (a repeat ending before its first day, a reminder
    # before a due date it does not have), or None; ``problem_field`` names the part at fault.
    problem: str | None = None
    problem_field: str = "repeat"

    def check(self) -> None:
        """ValidationError with ``problem`` when there is one."""
        if self.problem is not None:
            raise ValidationError(self.problem_field, self.problem)

    def draft(self, default_priority: Priority = Priority.MEDIUM) -> TaskDraft:
        """The task draft: everything the text said, the given priority where it said none.
        ValidationError with ``problem`` when there is one."""
        self.check()
        return TaskDraft(
            title=self.title,
            priority=self.priority or default_priority,
            due_date=self.due,
            tags=self.tags,
            repeat=self.repeat,
            repeat_after_completion=self.repeat_after_completion,
        )


@dataclass(frozen=True, slots=True)
class Clock:
    """A wall-clock time; ``next_day`` is midnight at the end of the day it is given for.
    ``fold`` 1 is the second pass of a time an autumn night repeats (as datetime's fold):
    only a time counted from now ("in 1 hour") can know it means that one."""

    hour: int
    minute: int
    next_day: bool = False
    fold: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    """A repeat rule of the supported RRULE subset (all its fields can be written as one)."""

    freq: str  # DAILY, WEEKLY, MONTHLY or YEARLY
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # Monday is 0
    month: int | None = None
    month_day: int | None = None
    after_completion: bool = False
    # The one weekday's place in the month (2: the 2nd Monday, -1: the last), written into
    # BYDAY as RFC 5545 does ("2MO"). Last, so rules built by position keep their meaning.
    nth: int | None = None
    # "every day starting jun 10": the day the series may start, which no RRULE part holds;
    # it picks the first occurrence, the due date (DTSTART's role), and is not stored.
    starting: date | None = None
    # "every morning": the time of day the repeat names, when no time is typed.
    clock: Clock | None = None
    # "every monday until march 1": the series' last day (RRULE UNTIL), through that local
    # day; a datetime is an instant in UTC, as other apps' rules give it.
    until: date | datetime | None = None
    # "every day for 3 weeks": how long the series lasts, (3, "week"), until its first day is
    # known and `repeats.ends_after` turns it into ``until``; no RRULE part holds it.
    lasting: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    """A run of words the grammar can read, before the placement rules decide if it is read.

    ``start`` and ``end`` are word indexes (end exclusive). ``needs_cue``: read only right
    after a cue word ("on the 5th", "on sat"). ``mid_text``: may be read before the end of
    the text when a cue word introduces it. ``after_day``: read only right after a date or a
    repeat ("tomorrow morning", "every tuesday evening"; "good morning" is no time).
    ``daytime``: an hour said alone, read by the time of day people mean ("at 6" is 18:00);
    after "tonight" it is the evening's ("tonight at 9" is 21:00). ``daypart``: the time a
    day names by itself while it is ahead ("tonight" 20:00, "this afternoon" 15:00).
    """

    kind: PartKind
    start: int
    end: int
    value: date | Clock | Rule | Priority
    needs_cue: bool = False
    mid_text: bool = True
    tonight: bool = False
    after_day: bool = False
    daytime: bool = False
    daypart: Clock | None = None
