"""A repeat's end (RRULE UNTIL) in words: said by ``describe`` and the summary line, and
refused with one sentence when it comes before the series' first day. What quick add reads is
in the case table (tests/core/quick_entry_end_cases.py)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW, Case, c
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry import parse, summary
from todo_desktop.core.quick_entry.repeats import describe
from todo_desktop.core.quick_entry.summary import rule_from_rrule
from todo_desktop.core.repeats import next_due

BOUNDED = [  # read on Saturday 2026-12-05 at 10:00 in Berlin
    c(
        "Stretch every day starting jun 10 until jun 20",
        "Stretch",
        "2027-06-10",
        repeat="FREQ=DAILY;UNTIL=20270620",
    ),
    c(
        "Stretch every day until jun 20 starting jun 10",
        "Stretch",
        "2027-06-10",
        repeat="FREQ=DAILY;UNTIL=20270620",
    ),
    c("Stretch every day until today", "Stretch", "2026-12-05", repeat="FREQ=DAILY;UNTIL=20261205"),
]


@pytest.mark.parametrize("case", BOUNDED, ids=[case.text for case in BOUNDED])
def test_a_repeat_may_say_its_first_and_last_day(case: Case):
    entry = parse(case.text, case.now, ZoneInfo(case.zone))
    assert (entry.title, entry.due, entry.has_time) == (case.title, case.expected_due(), case.has_time)
    assert (entry.repeat, entry.problem) == (case.repeat, None)


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("Stretch every day until today", "2026-12-05"),
        ("Gym every monday until march 1", "2027-03-01"),
        ("Stretch every day starting jun 10 until jun 20", "2027-06-20"),
    ],
)
def test_the_series_ends_on_the_day_typed(text: str, last: str):
    """The stored end is the last local day of the series, as `core.repeats` reads it."""
    zone = ZoneInfo(BERLIN)
    entry = parse(text, NOW, zone)
    assert entry.repeat is not None and entry.due is not None
    due, days = entry.due, []
    while due is not None and len(days) < 200:
        days.append(due.astimezone(zone).date().isoformat())
        due = next_due(entry.repeat, due, due + timedelta(minutes=1), zone)
    assert days[-1] == last


@pytest.mark.parametrize(
    ("rule", "after", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301", False, "Every Monday until 1 Mar 2027"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270301",
            False,
            "Every 2 weeks on Monday, Thursday until 1 Mar 2027",
        ),
        ("FREQ=DAILY;UNTIL=20270228T230000Z", False, "Every day until 28 Feb 2027 23:00 UTC"),
        ("FREQ=DAILY;UNTIL=20270301T225959Z", False, "Every day until 1 Mar 2027 22:59:59 UTC"),
        ("FREQ=DAILY;INTERVAL=3;UNTIL=20270301", True, "Every 3 days after completion until 1 Mar 2027"),
        (
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;UNTIL=20301224",
            False,
            "Every year on 24 Dec until 24 Dec 2030",
        ),
        ("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231", False, "Every month on the last Friday until 31 Dec 2027"),
        ("FREQ=WEEKLY;BYDAY=MO", False, "Every Monday"),
    ],
)
def test_describe_says_when_a_repeat_ends(rule: str, after: bool, words: str):
    assert describe(rule_from_rrule(rule, after)) == words


def test_the_summary_line_says_the_end():
    entry = parse("Gym every monday until march 1", NOW, ZoneInfo(BERLIN))
    assert summary(entry, NOW, ZoneInfo(BERLIN)) == "Monday · Every Monday until 1 Mar 2027"


ENDS_BEFORE = [  # (text, the sentence): read on Saturday 2026-12-05 in Berlin
    (
        "Rent every month on the 1st until dec 20",
        "This repeat ends on 20 Dec 2026, before its first day, 1 Jan 2027; give it a later end.",
    ),
    (
        "Stretch every day until dec 1 2026",
        "This repeat ends on 1 Dec 2026, before its first day, 5 Dec 2026; give it a later end.",
    ),
    (
        "Stretch every day starting jun 10 until jun 1",
        "This repeat ends on 1 Jun 2027, before its first day, 10 Jun 2027; give it a later end.",
    ),
]


@pytest.mark.parametrize(("text", "sentence"), ENDS_BEFORE, ids=[text for text, _ in ENDS_BEFORE])
def test_an_end_before_the_first_day_gets_one_sentence(text: str, sentence: str):
    entry = parse(text, NOW, ZoneInfo(BERLIN))
    assert entry.problem == sentence
    assert summary(entry, NOW, ZoneInfo(BERLIN)).endswith(sentence)
    with pytest.raises(ValidationError) as refused:
        entry.draft()
    assert (refused.value.field, refused.value.message) == ("repeat", sentence)


@pytest.mark.parametrize(
    "text", ["Stretch every day until today", "Gym every monday until march 1", "Gym every monday"]
)
def test_an_end_on_or_after_the_first_day_is_no_problem(text: str):
    entry = parse(text, NOW, ZoneInfo(BERLIN))
    assert entry.problem is None
    assert entry.draft().repeat == entry.repeat
