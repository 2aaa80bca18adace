"""A reminder typed on its own (the details pane's Remind field), read with quick add's words:
what it reads, what it refuses, and the due time an offset needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core.clock import end_of_day
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.reminder_text import (
    NOT_A_REMINDER,
    offset_words,
    read_reminder,
    same_setting,
)
from todo_desktop.core.reminders import NEEDS_DUE_DATE, check_offset
from todo_desktop.core.values import ReminderSetting

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=BERLIN)  # a Saturday
READ = partial(parse, now=NOW, zone=BERLIN, day_first=True)
MIN = timedelta(minutes=1)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "setting"),
    [
        ("10 min before", ReminderSetting(before_due=MIN * 10)),
        ("remind me 1 hour before", ReminderSetting(before_due=MIN * 60)),
        ("REMIND 2 days before", ReminderSetting(before_due=timedelta(days=2))),
        ("10 min before due", ReminderSetting(before_due=MIN * 10)),  # as the field shows it
        ("3 hours before due", ReminderSetting(before_due=MIN * 180)),
        ("at due time", ReminderSetting(before_due=timedelta(0))),
        ("when due", ReminderSetting(before_due=timedelta(0))),
        ("  at   5pm ", ReminderSetting(at=local("2026-12-05 17:00"))),
        ("@5pm", ReminderSetting(at=local("2026-12-05 17:00"))),
        ("@fri 9am", ReminderSetting(at=local("2026-12-11 09:00"))),
        ("fri 9am", ReminderSetting(at=local("2026-12-11 09:00"))),
        ("tomorrow at 8:30", ReminderSetting(at=local("2026-12-06 08:30"))),
        ("dec 24", ReminderSetting(at=local("2026-12-24 09:00"))),  # a day alone: 09:00
        ("9am", ReminderSetting(at=local("2026-12-06 09:00"))),  # passed today: tomorrow's
    ],
)
def test_reads_a_reminder(typed: str, setting: ReminderSetting) -> None:
    assert read_reminder(typed, READ) == setting


@pytest.mark.parametrize("typed", ["", "   "])
def test_blank_is_no_reminder(typed: str) -> None:
    assert read_reminder(typed, READ) is None


@pytest.mark.parametrize(
    "typed",
    [
        "sometime",
        "10 min before tomorrow",  # a due date as well: not the reminder's to set
        "remind 40 days before",  # past the 30-day limit
        "#family",
        "\\remind 5pm",  # escaped words are never read
        '"at 5pm"',
        "5pm !high",
    ],
)
def test_refuses_anything_but_a_reminder(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_reminder(typed, READ)
    assert caught.value.message == NOT_A_REMINDER


def test_an_offset_needs_a_due_date() -> None:
    """A date alone will do: the database counts its reminders from 09:00 on that day."""
    before = ReminderSetting(before_due=MIN * 10)
    check_offset(before, local("2026-12-08 15:00"))  # a due time: fine
    check_offset(before, end_of_day(NOW, BERLIN, 3))  # a date alone, due all day: fine
    with pytest.raises(ValidationError) as caught:
        check_offset(before, None)
    assert (caught.value.field, caught.value.message) == ("reminder", NEEDS_DUE_DATE)
    # A time of its own, or none at all, needs nothing.
    check_offset(ReminderSetting(at=local("2026-12-08 09:00")), None)
    check_offset(None, None)


def test_offsets_in_words_read_back() -> None:
    for minutes in (0, 10, 60, 90, 1440, 2880, 10080):
        setting = ReminderSetting(before_due=MIN * minutes)
        words = offset_words(setting)
        assert words is not None
        assert read_reminder(words, READ) == setting
    assert offset_words(ReminderSetting(at=local("2026-12-08 09:00"))) is None


def test_same_setting_to_the_minute() -> None:
    at = local("2026-12-08 09:00")
    assert same_setting(ReminderSetting(at=at), ReminderSetting(at=at + timedelta(seconds=30)))
    assert not same_setting(ReminderSetting(at=at), ReminderSetting(at=at + MIN))
    assert not same_setting(ReminderSetting(at=at), None)
    assert same_setting(None, None)
