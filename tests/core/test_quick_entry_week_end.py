"""The end of a week after a cue ("by end of week", "by the end of next week"): what quick add
reads (tests/core/quick_entry_week_end_cases.py), on every day of a week, and the line that
says it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW, Case, assert_read
from tests.core.quick_entry_week_end_cases import WEEK_END_CASES
from todo_desktop.core.quick_entry import parse, summary

IDS = [f"{i:02d} {case.text}" for i, case in enumerate(WEEK_END_CASES)]
ZONE = ZoneInfo(BERLIN)


@pytest.mark.parametrize("case", WEEK_END_CASES, ids=IDS)
def test_case(case: Case) -> None:
    assert_read(case)


@pytest.mark.parametrize("offset", range(14))
def test_a_week_ends_on_its_sunday(offset: int) -> None:
    """From Monday 2026-12-07 on, two weeks of days: this week's Sunday and next week's."""
    today = date(2026, 12, 7) + timedelta(days=offset)
    now = datetime(today.year, today.month, today.day, 10, 0, tzinfo=ZONE)
    sunday = today + timedelta(days=6 - today.weekday())
    for text, day in (("Plan by end of week", sunday), ("Plan by end of next week", sunday + timedelta(7))):
        due = parse(text, now, ZONE).due
        assert due is not None and due.astimezone(ZONE).date() == day
        assert day.weekday() == 6 and 0 <= (day - today).days <= 13


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Send report by end of week", "Tomorrow"),
        ("Send report by end of week at 5pm", "Tomorrow 17:00"),
        ("Plan by end of next week", "Sun 13 Dec"),
        ("Plan by end of next month", "Sun 31 Jan 2027"),
        ("The End of the Week", ""),
    ],
)
def test_summary(text: str, line: str) -> None:
    assert summary(parse(text, NOW, ZONE), NOW, ZONE) == line


def test_on_a_sunday_the_end_of_the_week_is_today() -> None:
    sunday = datetime(2026, 12, 6, 10, 0, tzinfo=ZONE)
    assert summary(parse("Send report by end of week", sunday, ZONE), sunday, ZONE) == "Today"
