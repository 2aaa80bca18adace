"""A repeat's length ("every monday for 3 weeks") beside a first day, and the plain words that
keep the meaning they had before a rule could say more ("every month on monday" is a monthly
task due on Monday). Read on Saturday 2026-12-05 at 10:00 in Berlin; the case table
(tests/core/quick_entry_cases.py) cannot hold these, since it checks first days from today."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import Case, c
from todo_desktop.core.quick_entry import parse, summary

CASES = [
    c(
        "Gym every monday for 3 weeks starting jan 4",
        "Gym",
        "2027-01-04",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270124",
    ),
    c(
        "Gym every monday starting jan 4 for 3 weeks at 7am",
        "Gym",
        "2027-01-04 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270124",
    ),
    c("Pay every month on monday", "Pay", "2026-12-07", repeat="FREQ=MONTHLY"),
    c("Pay every year on the 4th", "Pay", "2027-01-04", repeat="FREQ=YEARLY"),
    c("Pay every year on dec 24 2027", "Pay", "2027-12-24", repeat="FREQ=YEARLY"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.text for case in CASES])
def test_case(case: Case):
    entry = parse(case.text, case.now, ZoneInfo(case.zone))
    assert (entry.title, entry.due, entry.has_time) == (case.title, case.expected_due(), case.has_time)
    assert (entry.repeat, entry.problem) == (case.repeat, None)


def test_the_summary_says_the_last_day_the_length_names():
    zone = ZoneInfo("Europe/Berlin")
    entry = parse(CASES[0].text, CASES[0].now, zone)
    assert summary(entry, CASES[0].now, zone) == "Mon 4 Jan 2027 · Every Monday until 24 Jan 2027"
