"""A reminder "before" the due time needs a due time: typed without one ("Call mom remind
10 min before", or a date alone, due all day), quick add says so in one sentence and makes no
task, where it made one whose reminder never rang, or rang a minute before midnight."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.new_task import draft_for
from todo_desktop.core.quick_entry import parse, summary
from todo_desktop.core.reminders import NEEDS_DUE_TIME
from todo_desktop.core.values import SmartList

ZONE = ZoneInfo(BERLIN)
NO_DUE_TIME = [
    "Call mom remind 10 min before",  # no due date at all
    "Pay the invoice friday remind 1 hour before",  # a date alone: due all day
    "Pay the invoice friday remind me 1 day before",
    "Pay the invoice friday remind when due",
    "Renew the passport every year remind 2 weeks before",  # a repeat without a time
]
WITH_A_TIME = [
    ("Dentist friday 3pm remind 1 day before", timedelta(days=1)),
    ("Standup every weekday at 9:30 remind 5 min before", timedelta(minutes=5)),
    ("Stretch every morning remind 10 min before", timedelta(minutes=10)),  # the morning's 09:00
    ("Call back in 2 hours remind when due", timedelta(0)),
]


@pytest.mark.parametrize("text", NO_DUE_TIME)
def test_an_offset_without_a_due_time_is_one_sentence_and_no_task(text: str) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem == NEEDS_DUE_TIME
    assert summary(entry, NOW, ZONE).endswith(NEEDS_DUE_TIME)
    with pytest.raises(ValidationError) as refused:
        entry.draft()
    assert (refused.value.field, refused.value.message) == ("reminder", NEEDS_DUE_TIME)
    for shown in (SmartList.INBOX, SmartList.TODAY, SmartList.UPCOMING):
        with pytest.raises(ValidationError, match=NEEDS_DUE_TIME):
            draft_for(entry, shown, None, NOW, ZONE)


@pytest.mark.parametrize(("text", "before"), WITH_A_TIME)
def test_an_offset_from_a_due_time_is_kept(text: str, before: timedelta) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem is None and entry.has_time
    draft = draft_for(entry, SmartList.INBOX, None, NOW, ZONE)
    assert draft.reminder is not None and draft.reminder.before_due == before


@pytest.mark.parametrize(
    "text", ["Call mom remind at 5pm", "Pay the invoice friday remind thursday 9am", "Call @5pm"]
)
def test_a_reminder_at_a_time_of_its_own_needs_no_due_time(text: str) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem is None
    draft = draft_for(entry, SmartList.INBOX, None, NOW, ZONE)
    assert draft.reminder is not None and draft.reminder.at is not None


def test_the_series_end_is_said_before_the_reminder() -> None:
    """One sentence at a time: the repeat's, which the person typed first."""
    entry = parse("Gym every monday until 1 nov 2026 remind 10 min before", NOW, ZONE)
    assert entry.problem is not None and "before its first day" in entry.problem
