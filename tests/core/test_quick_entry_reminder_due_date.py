"""A reminder "before" the due date needs a due date: typed without one ("Call mom remind 10
min before"), quick add says so in one sentence and makes no task, where it made one whose
reminder could never ring. A date alone will do: the database counts a task due all day from
09:00 on its day (revision 0038)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW
from todo_desktop.core.clock import end_of_day
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.new_task import draft_for, for_list
from todo_desktop.core.quick_entry import parse, summary
from todo_desktop.core.quick_entry import reminders as reminders_text
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
    for shown in (SmartList.INBOX, SmartList.COMPLETED, SmartList.PRIORITY_HIGH):
        with pytest.raises(ValidationError, match=NEEDS_DUE_DATE):
            draft_for(entry, shown, None, NOW, ZONE)


@pytest.mark.parametrize("text", NO_DUE_DATE)
def test_a_list_that_gives_a_due_date_gives_the_offset_one(text: str) -> None:
    """Typed in Today (or Upcoming, or Overdue), a task is due that day: its reminder counts
    back from it, and quick add's line says the day and when it rings."""
    entry = parse(text, NOW, ZONE)
    for shown, day in ((SmartList.TODAY, 0), (SmartList.OVERDUE, 0), (SmartList.UPCOMING, 1)):
        draft = draft_for(entry, shown, None, NOW, ZONE)
        assert draft.due_date == end_of_day(NOW, ZONE, day)
        assert draft.reminder == entry.reminder
        listed = for_list(entry, shown, NOW, ZONE)
        assert listed.problem is None and listed.due == draft.due_date and not listed.has_time
        said = summary(listed, NOW, ZONE)
        assert said.startswith(("Today · ", "Tomorrow · ")) and NEEDS_DUE_DATE not in said
        assert said.split(" · ")[-1].startswith(f"Remind {reminders_text.describe(entry.reminder)} (")


def test_a_list_gives_its_date_in_quick_adds_line() -> None:
    entry = parse("Buy bread", NOW, ZONE)
    assert summary(for_list(entry, SmartList.TODAY, NOW, ZONE), NOW, ZONE) == "Today"
    assert summary(for_list(entry, SmartList.UPCOMING, NOW, ZONE), NOW, ZONE) == "Tomorrow"
    assert summary(for_list(entry, SmartList.INBOX, NOW, ZONE), NOW, ZONE) == ""
    dated = parse("Buy bread friday", NOW, ZONE)  # what the text says wins
    assert for_list(dated, SmartList.TODAY, NOW, ZONE) == dated


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
