"""A reminder "before" the due date needs a due date: typed without one ("Call mom remind 10
min before"), quick add says so in one sentence and makes no task, where it made one whose
reminder could never ring. A date alone will do: the database counts a task due all day from
09:00 on its day (revision 0038)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.new_task import draft_for
from todo_desktop.core.quick_entry import parse, summary
from todo_desktop.core.reminders import NEEDS_DUE_DATE
from todo_desktop.core.values import SmartList

ZONE = ZoneInfo(BERLIN)
NO_DUE_DATE = [
    "Call mom remind 10 min before",
    "Call mom remind me 1 day before",
    "Call mom remind when due",
    "Call mom remind an hour before #family !high",
]
WITH_A_DATE = [
    ("Dentist friday 3pm remind 1 day before", timedelta(days=1), True),
    ("Standup every weekday at 9:30 remind 5 min before", timedelta(minutes=5), True),
    ("Stretch every morning remind 10 min before", timedelta(minutes=10), True),  # the morning's 09:00
    ("Call back in 2 hours remind when due", timedelta(0), True),
    ("Pay the invoice friday remind 1 day before", timedelta(days=1), False),  # all day
    ("Pay the invoice friday remind when due", timedelta(0), False),
    ("Renew the passport every year remind 2 weeks before", timedelta(weeks=2), False),
]


@pytest.mark.parametrize("text", NO_DUE_DATE)
def test_an_offset_without_a_due_date_is_one_sentence_and_no_task(text: str) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem == NEEDS_DUE_DATE
    assert summary(entry, NOW, ZONE).endswith(NEEDS_DUE_DATE)
    with pytest.raises(ValidationError) as refused:
        entry.draft()
    assert (refused.value.field, refused.value.message) == ("reminder", NEEDS_DUE_DATE)
    for shown in (SmartList.INBOX, SmartList.TODAY, SmartList.UPCOMING):
        with pytest.raises(ValidationError, match=NEEDS_DUE_DATE):
            draft_for(entry, shown, None, NOW, ZONE)


@pytest.mark.parametrize(("text", "before", "timed"), WITH_A_DATE)
def test_an_offset_from_a_due_date_is_kept(text: str, before: timedelta, timed: bool) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem is None and entry.due is not None and entry.has_time is timed
    draft = draft_for(entry, SmartList.INBOX, None, NOW, ZONE)
    assert draft.reminder is not None and draft.reminder.before_due == before


@pytest.mark.parametrize(
    "text", ["Call mom remind at 5pm", "Pay the invoice friday remind thursday 9am", "Call @5pm"]
)
def test_a_reminder_at_a_time_of_its_own_needs_no_due_date(text: str) -> None:
    entry = parse(text, NOW, ZONE)
    assert entry.problem is None
    draft = draft_for(entry, SmartList.INBOX, None, NOW, ZONE)
    assert draft.reminder is not None and draft.reminder.at is not None


def test_the_series_end_is_said_before_the_reminder() -> None:
    """One sentence at a time: the repeat's, which the person typed first."""
    entry = parse("Gym every monday until 1 nov 2026 remind 10 min before", NOW, ZONE)
    assert entry.problem is not None and "before its first day" in entry.problem
