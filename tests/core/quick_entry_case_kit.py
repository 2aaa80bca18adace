"""What a quick-add case is, the moments and zones the case tables read it at (the
tables: tests/core/quick_entry_cases.py and tests/core/quick_entry_reminder_cases.py), and
the check that a case reads as it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from todo_desktop.core.quick_entry import QuickEntry, parse
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Priority

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo(BERLIN))  # a Saturday
BEFORE_SPRING = datetime(2027, 3, 27, 10, 0, tzinfo=ZoneInfo(BERLIN))  # clocks go forward at 02:00 next night
BEFORE_AUTUMN = datetime(2026, 10, 24, 10, 0, tzinfo=ZoneInfo(BERLIN))  # clocks go back at 03:00 next night
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=ZoneInfo(BERLIN))  # a Thursday, late
NEW_YORK_NIGHT = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # still Friday 4 December in New York
LEAP_YEAR = datetime(2028, 2, 1, 9, 0, tzinfo=ZoneInfo(BERLIN))
END_OF_JANUARY = datetime(2027, 1, 31, 9, 0, tzinfo=ZoneInfo(BERLIN))

WORKDAYS = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
H, U, M, L = Priority.HIGH, Priority.URGENT, Priority.MEDIUM, Priority.LOW


@dataclass(frozen=True)
class Case:
    text: str
    title: str
    due: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    repeat: str | None = None
    after: bool = False
    parts: tuple[tuple[str, str], ...] | None = None  # (kind, text) of every part, when given
    now: datetime = NOW
    zone: str = BERLIN
    day_first: bool = True
    timed: bool | None = None  # for a due given in UTC ("...Z"): whether it has a time
    # The reminder: an offset before the due time, or a local "YYYY-MM-DD HH:MM" of its own.
    remind_before: timedelta | None = None
    remind_at: str | None = None

    @property
    def trap(self) -> bool:
        return self.due is None and self.repeat is None and self.expected_reminder() is None

    def expected_reminder(self) -> ReminderSetting | None:
        if self.remind_before is not None:
            return ReminderSetting(before_due=self.remind_before)
        if self.remind_at is not None:
            local = datetime.fromisoformat(self.remind_at).replace(tzinfo=ZoneInfo(self.zone))
            return ReminderSetting(at=local.astimezone(UTC))
        return None

    @property
    def has_time(self) -> bool:
        if self.timed is not None:
            return self.timed
        return self.due is not None and (" " in self.due)

    def expected_due(self) -> datetime | None:
        if self.due is None:
            return None
        if self.due.endswith("Z"):
            return datetime.fromisoformat(self.due[:-1]).replace(tzinfo=UTC)
        zone = ZoneInfo(self.zone)
        if " " in self.due:
            return datetime.fromisoformat(self.due).replace(tzinfo=zone).astimezone(UTC)
        # 23:59 local: a minute before the next local midnight (core.clock.end_of_day).
        nxt = datetime.fromisoformat(self.due).date() + timedelta(days=1)
        return datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone).astimezone(UTC) - timedelta(minutes=1)

    def __str__(self) -> str:
        return self.text


def c(text: str, title: str, due: str | None = None, **fields: object) -> Case:
    return Case(text, title, due, **fields)  # type: ignore[arg-type]


def read(case: Case) -> QuickEntry:
    return parse(case.text, case.now, ZoneInfo(case.zone), day_first=case.day_first)


def assert_read(case: Case) -> QuickEntry:
    """Every field ``case`` gives, as `parse` reads its text; the entry, for more checks."""
    entry = read(case)
    assert entry.title == case.title
    assert (entry.due, entry.has_time) == (case.expected_due(), case.has_time)
    assert (entry.priority, entry.tags) == (case.priority, case.tags)
    assert (entry.repeat, entry.repeat_after_completion) == (case.repeat, case.after)
    assert entry.reminder == case.expected_reminder()
    if case.parts is not None:
        assert [(part.kind.value, part.text) for part in entry.parts] == list(case.parts)
    return entry
