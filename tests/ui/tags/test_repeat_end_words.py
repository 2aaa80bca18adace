"""A repeat's end in the Repeat field's words: what ``repeat_words`` writes reads back, through
``read_repeat``, to the very rule stored; typed ends read as quick add reads them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core.errors import ValidationError
from todo_desktop.ui.tags.names import read_repeat, repeat_sentence, repeat_words

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 12, 5)  # a Saturday

STORED = [
    ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301", False),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20270301T225959Z", False),
    ("FREQ=DAILY;UNTIL=20270228T230000Z", False),
    ("FREQ=DAILY;INTERVAL=3;UNTIL=20270301", True),
    ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;UNTIL=20301224", False),
    ("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231", False),
    ("FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270101", False),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301", False),
]


@pytest.mark.parametrize(("rule", "after"), STORED, ids=[rule for rule, _ in STORED])
def test_the_words_of_a_rule_with_an_end_read_back_to_it(rule: str, after: bool):
    words = repeat_words(rule, after)
    assert " until " in words
    assert read_repeat(words, today=TODAY, zone=BERLIN) == (rule, after)
    assert read_repeat(words.lower(), today=TODAY, zone=BERLIN) == (rule, after)


def test_the_sentence_for_a_screen_reader_says_the_end():
    assert repeat_sentence("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301") == "Repeats every Monday until 1 Mar 2027"


def test_removing_the_until_words_removes_the_end():
    assert read_repeat("Every Monday", today=TODAY, zone=BERLIN) == ("FREQ=WEEKLY;BYDAY=MO", False)


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("every monday until march 1", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301"),
        ("every day until friday", "FREQ=DAILY;UNTIL=20261211"),
        ("every week ending 31 dec", "FREQ=WEEKLY;UNTIL=20261231"),
    ],
)
def test_an_end_typed_in_words_reads_as_quick_add_reads_it(typed: str, rule: str):
    assert read_repeat(typed, today=TODAY, zone=BERLIN) == (rule, False)


def test_an_end_before_the_first_occurrence_gets_one_sentence():
    first = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # a Monday
    with pytest.raises(ValidationError) as refused:
        read_repeat("every monday until 1 mar 2027", first, today=TODAY, zone=BERLIN)
    assert (refused.value.field, refused.value.message) == (
        "repeat",
        "This repeat ends on 1 Mar 2027, before its first day, 8 Mar 2027; give it a later end.",
    )
    assert read_repeat("every monday until 8 mar 2027", first, today=TODAY, zone=BERLIN) == (
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270308",
        False,
    )


def test_an_end_that_is_no_date_is_not_a_repeat():
    with pytest.raises(ValidationError):
        read_repeat("every monday until further notice", today=TODAY, zone=BERLIN)
